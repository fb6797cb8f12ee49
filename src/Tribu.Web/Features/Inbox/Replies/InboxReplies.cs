using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Inbox.Replies;

/// <summary>A reply as asked for.</summary>
/// <param name="Body">The text (a saved reply filled and edited by the sender).</param>
/// <param name="Route">Where it goes; null for the item's first possible route.</param>
/// <param name="SavedReplyId">The saved reply it started from (its use is counted).</param>
/// <param name="Then">The item's status once the reply is sent (resolved, pending…); null to leave it.</param>
/// <param name="KnownReplies">How many replies the sender saw on the item when they wrote theirs: more now means someone else answered meanwhile.</param>
/// <param name="Confirmed">The sender saw the warning about another reply and sends anyway.</param>
public sealed record ReplyRequest(string? Body, ReplyRoute? Route = null, int? SavedReplyId = null, InboxStatus? Then = null, int? KnownReplies = null, bool Confirmed = false);

/// <summary>What sending a reply did; when <see cref="Collision"/> is set nothing was sent: another reply went first.</summary>
public sealed record ReplyOutcome(Outcome Outcome, InboxReply? Reply = null, Dictionary<string, string[]>? Errors = null, InboxReply? Collision = null)
{
    public bool Sent => Outcome == Outcome.Ok && Reply?.State == ReplyState.Sent;
}

/// <summary>
/// Sends a reply from the inbox: it is written first (state "sending", with its idempotency key, so others see it at
/// once and a second sender is warned), then handed to the sender of its route; the outcome is recorded on the reply,
/// on the item (first response, last error) and in its history. A failure leaves the item as it was, with the error shown.
/// </summary>
public sealed class InboxReplies(TribuDbContext db, IEnumerable<IReplySender> senders, InboxService inbox, TimeProvider clock, IStringLocalizer<UiStrings> l)
{
    private readonly IReplySender[] _senders = [.. senders];

    /// <summary>Where the item can be answered from, in the order the form offers them (the item's own network first).</summary>
    public async Task<List<ReplyTarget>> TargetsAsync(InboxItem item, CancellationToken ct)
    {
        var targets = new List<ReplyTarget>();
        foreach (var sender in _senders)
        {
            if (await sender.TargetAsync(item, ct) is { } target) targets.Add(target);
        }
        return targets;
    }

    public async Task<ReplyOutcome> SendAsync(long itemId, Guid authorId, ReplyRequest request, CancellationToken ct = default)
    {
        var item = await db.InboxItems.FirstOrDefaultAsync(i => i.Id == itemId, ct);
        if (item is null) return new(Outcome.NotFound);
        var targets = await TargetsAsync(item, ct);
        var target = request.Route is { } route ? targets.FirstOrDefault(t => t.Route == route) : targets.FirstOrDefault();
        var errors = new Dictionary<string, string[]>();
        if (target is null)
        {
            errors["route"] = [l["Inbox.Reply.Error.NoRoute"]];
            return new(Outcome.Invalid, Errors: errors);
        }
        var body = request.Body?.Trim() ?? "";
        var max = Math.Min(target.MaxLength ?? InboxReply.BodyMaxLength, InboxReply.BodyMaxLength);
        if (body.Length == 0) errors["body"] = [l["Inbox.Reply.Error.Empty"]];
        else if (new System.Globalization.StringInfo(body).LengthInTextElements > max) errors["body"] = [l["Inbox.Reply.Error.TooLongBy", new System.Globalization.StringInfo(body).LengthInTextElements - max, max]];
        if (request.Then is { } then && then is not (InboxStatus.Resolved or InboxStatus.Pending or InboxStatus.Closed or InboxStatus.Open))
        {
            errors["then"] = [l["Inbox.Error.Status"]];
        }
        if (errors.Count > 0) return new(Outcome.Invalid, Errors: errors);

        // Someone else answered since this sender looked: say so, and send only when they confirm.
        if (!request.Confirmed && request.KnownReplies is { } known)
        {
            var others = await db.InboxReplies.AsNoTracking().Include(r => r.Author)
                .Where(r => r.ItemId == itemId && r.State != ReplyState.Failed).OrderByDescending(r => r.CreatedAt).ToListAsync(ct);
            if (others.Count > known)
            {
                return new(Outcome.Invalid, Errors: new() { ["confirm"] = [l["Inbox.Reply.Collision", others[0].Author?.DisplayName ?? "?"]] }, Collision: others[0]);
            }
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var reply = new InboxReply
        {
            ItemId = itemId, AuthorId = authorId, Route = target.Route, SocialAccountId = target.SocialAccountId, Body = body, SavedReplyId = request.SavedReplyId,
            State = ReplyState.Sending, IdempotencyKey = Guid.NewGuid(), CreatedAt = now,
        };
        db.InboxReplies.Add(reply);
        await db.SaveChangesAsync(ct);
        await inbox.PublishAsync(itemId, ct);

        var sender = _senders.First(s => s.Route == target.Route);
        ReplySendResult result;
        try
        {
            result = await sender.SendAsync(item, reply, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            result = ReplySendResult.Failed("Inbox.Reply.Error.Network", ex.Message);
        }
        return new(Outcome.Ok, await RecordAsync(item, reply, result, request, authorId, ct));
    }

    private async Task<InboxReply> RecordAsync(InboxItem item, InboxReply reply, ReplySendResult result, ReplyRequest request, Guid authorId, CancellationToken ct)
    {
        // The sender may have used the shared unit of work (a community reply): reload what this method changes.
        var now = clock.GetUtcNow().UtcDateTime;
        if (result.Ok)
        {
            reply.State = ReplyState.Sent;
            reply.SentAt = now;
            reply.ExternalId = result.ExternalId;
            reply.Url = result.Url;
            item.FirstResponseAt ??= now;
            item.LastReplyError = null;
            item.ReplyCount++;
            inbox.AddEvent(item, InboxEventKind.Replied, authorId, now, null, reply.Route.ToString(), reply.Body);
            if (request.SavedReplyId is { } saved)
            {
                await db.SavedReplies.Where(s => s.Id == saved).ExecuteUpdateAsync(s => s.SetProperty(r => r.UseCount, r => r.UseCount + 1), ct);
            }
        }
        else
        {
            reply.State = ReplyState.Failed;
            var message = l[result.ErrorKey ?? "Inbox.Reply.Error.Network"].Value;
            reply.Error = Cut(result.Detail is null ? result.ErrorKey : result.ErrorKey + ": " + result.Detail, 2000);
            item.LastReplyError = Cut(result.Detail is null ? message : message + " — " + result.Detail, 2000);
            inbox.AddEvent(item, InboxEventKind.ReplyFailed, authorId, now, null, result.ErrorKey, result.Detail);
        }
        await db.SaveChangesAsync(ct);
        if (result.Ok && request.Then is { } then && then != item.Status)
        {
            await inbox.SetStatusAsync(item.Id, then, authorId, null, ct);
        }
        else
        {
            await inbox.PublishAsync(item.Id, ct);
        }
        return reply;
    }

    private static string? Cut(string? text, int max) => text is null || text.Length <= max ? text : text[..max];
}
