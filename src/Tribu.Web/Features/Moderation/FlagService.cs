using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Moderation;

/// <summary>
/// Members flag posts; once the open flags weigh enough, the post is hidden until a moderator reviews it. Flagging twice
/// counts once. Who flagged is never shown to the author.
/// </summary>
public sealed class FlagService(TribuDbContext db, TimeProvider clock, ModerationRules rules, AuditLog audit, Notifications.ILiveBus live, IStringLocalizer<UiStrings> l)
{
    public const int TextMaxLength = 1000;

    public async Task<Change<Flag>> FlagAsync(ClaimsPrincipal user, long postId, FlagReason? reason, string? text, CancellationToken ct = default)
    {
        if (TopicPermissions.MemberId(user) is not { } me) return Change<Flag>.Forbidden();
        var post = await TopicsService.ReadablePostAsync(db.Posts, user, postId, ct);
        if (post is null) return Change<Flag>.NotFound();
        if (post.AuthorId == me) return Change<Flag>.Forbidden();
        if (await SanctionService.SilencedMessageAsync(db, me, clock.GetUtcNow().UtcDateTime, l, ct) is { } silenced) return Change<Flag>.Refused(silenced);
        var errors = new Dictionary<string, string[]>();
        if (reason is null || !Enum.IsDefined(reason.Value)) errors["Reason"] = [l["Flag.Error.Reason"]];
        else if (reason == FlagReason.Other && string.IsNullOrWhiteSpace(text)) errors["Text"] = [l["Flag.Error.TextNeeded"]];
        if ((text?.Length ?? 0) > TextMaxLength) errors["Text"] = [l["Flag.Error.TextTooLong", TextMaxLength]];
        if (errors.Count > 0) return Change<Flag>.Invalid(errors);

        // Flagged before: counted once, and the member is simply told it is noted.
        var existing = await db.Set<Flag>().FirstOrDefaultAsync(f => f.PostId == postId && f.FlaggerId == me, ct);
        if (existing is not null) return Change<Flag>.Ok(existing);

        var settings = await rules.GetAsync(ct);
        var flag = new Flag
        {
            PostId = postId, FlaggerId = me, Reason = reason!.Value, Text = string.IsNullOrWhiteSpace(text) ? null : text.Trim(),
            // A moderator's flag is a decision already: it hides at once. Members' flags weigh by trust level: a new
            // account's flag reaches the queue but hides nothing (no sock puppets hiding posts).
            Weight = TopicPermissions.IsModerator(post.Topic!.SpaceId, user) ? settings.FlagHideThreshold : Members.TrustLevelOptions.FlagWeight(Spaces.SpaceAccess.TrustLevelOf(user)),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Add(flag);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same member flagging twice at the same moment: one flag.
            db.Entry(flag).State = EntityState.Detached;
            return Change<Flag>.Ok(await db.Set<Flag>().AsNoTracking().FirstAsync(f => f.PostId == postId && f.FlaggerId == me, ct));
        }

        var weight = await db.Set<Flag>().Where(f => f.PostId == postId && f.ResolvedAt == null).SumAsync(f => f.Weight, ct);
        if (weight >= settings.FlagHideThreshold && post.IsPublished)
        {
            // Hidden until a moderator reviews it: conditional, so two last flags at once hide it (and count it down) once.
            var hidden = await db.Posts.Where(p => p.Id == postId && p.Status == PostStatus.Published)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PostStatus.Hidden).SetProperty(p => p.ReviewedAt, (DateTime?)null), ct);
            if (hidden == 1)
            {
                var topic = post.Topic!;
                if (post.Number == 1) topic.IsHidden = true;
                else topic.ReplyCount = Math.Max(0, topic.ReplyCount - 1);
                audit.Record(null, AuditActions.PostHide, "post", post.Id, new { Status = "Published" }, new { Status = "Hidden", FlagWeight = weight }, l["Moderation.Reason.flags"]);
                await db.SaveChangesAsync(ct);
                await live.PublishAsync(Notifications.LiveChannels.Topic(topic.Id), ct);
            }
        }
        return Change<Flag>.Ok(flag);
    }
}
