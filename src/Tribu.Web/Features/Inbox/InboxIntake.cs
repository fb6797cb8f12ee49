using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Inbox;

/// <summary>
/// The one way into the queue: an item is stored once per <see cref="InboxItem.Key"/> (racing intakes are caught by the
/// unique index), gets its priority (<see cref="InboxPriorities"/>), passes through the rules (<see cref="InboxRouter"/>),
/// gets its SLA targets, and its history starts. After the commit the open inbox pages refresh and an assignee is told.
/// </summary>
public sealed class InboxIntake(TribuDbContext db, InboxRouter router, ILiveBus bus, TimeProvider clock)
{
    /// <summary>Adds an item unless one with its key exists; returns the stored item and whether it is new.</summary>
    public async Task<(InboxItem Item, bool Added)> AddAsync(InboxItem draft, CancellationToken ct = default)
    {
        var existing = await db.InboxItems.FirstOrDefaultAsync(i => i.Key == draft.Key, ct);
        if (existing is not null) return (existing, false);

        var settings = await InboxSettingsStore.GetAsync(db, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        draft.Status = InboxStatus.Open;
        draft.CreatedAt = draft.UpdatedAt = now;
        if (draft.OccurredAt == default) draft.OccurredAt = now;
        draft.Subject = Trim(draft.Subject, 300);
        draft.Excerpt = Trim(draft.Excerpt, InboxItem.ExcerptMaxLength);
        if (!draft.PriorityIsManual)
        {
            Members.TrustLevel? trust = draft.AuthorMemberId is { } memberId
                ? await db.Users.Where(u => u.Id == memberId).Select(u => (Members.TrustLevel?)u.TrustLevel).FirstOrDefaultAsync(ct)
                : null;
            draft.Priority = InboxPriorities.FromScore(InboxPriorities.Score(draft, trust, settings.InfluencerFollowers));
        }

        var events = new List<InboxEvent> { new() { Kind = InboxEventKind.Created, At = now, To = draft.Channel.ToString() } };
        await router.ApplyAsync(draft, events, now, ct);
        InboxPriorities.SetTargets(draft, settings);

        db.InboxItems.Add(draft);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another intake stored the same thing a moment ago.
            db.ChangeTracker.Clear();
            return (await db.InboxItems.FirstAsync(i => i.Key == draft.Key, ct), false);
        }
        foreach (var e in events) e.ItemId = draft.Id;
        db.InboxEvents.AddRange(events);
        if (draft.AssigneeId is { } assignee) InboxNotices.Assigned(db, draft, assignee, null, now);
        await db.SaveChangesAsync(ct);

        await bus.PublishAsync(LiveChannels.Inbox, ct);
        if (draft.AssigneeId is { } who) await bus.PublishAsync(LiveChannels.Member(who), ct);
        return (draft, true);
    }

    /// <summary>A post on a network naming one of the brand's connected accounts (read from its notifications).</summary>
    public Task<(InboxItem Item, bool Added)> AddDirectMentionAsync(DirectMention mention, CancellationToken ct = default)
    {
        var text = Listening.Analysis.MentionText.Clean(mention.Text);
        var language = mention.Language is "fr" or "en" ? mention.Language : "other";
        return AddAsync(new InboxItem
        {
            Key = $"direct:{mention.SocialAccountId}:{mention.ExternalId}",
            Channel = InboxChannel.DirectMention,
            Subject = Subject(text),
            Excerpt = text,
            Language = language,
            Url = mention.Url,
            AuthorHandle = mention.AuthorHandle,
            AuthorName = mention.AuthorName,
            AuthorFollowers = mention.AuthorFollowers,
            SocialAccountId = mention.SocialAccountId,
            ExternalId = mention.ExternalId,
            OccurredAt = mention.PublishedAt,
        }, ct);
    }

    /// <summary>A title from a text: its first line, cut at a word near 90 characters.</summary>
    public static string Subject(string text)
    {
        var line = text.Split('\n', 2)[0].Trim();
        if (line.Length <= 90) return line;
        var cut = line.LastIndexOf(' ', 90);
        return line[..(cut > 40 ? cut : 90)] + "…";
    }

    private static string Trim(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
