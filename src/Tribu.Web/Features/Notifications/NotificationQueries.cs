using Microsoft.EntityFrameworkCore;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Notifications;

/// <summary>Reading and managing one's own notifications and preferences.</summary>
public sealed class NotificationQueries(TribuDbContext db, TimeProvider clock, Microsoft.Extensions.Localization.IStringLocalizer<Resources.UiStrings> localizer)
{
    public const int PageSize = 30;

    public Task<int> UnreadCountAsync(Guid memberId, CancellationToken ct = default) => UnreadCountAsync(db, memberId, ct);

    public static Task<int> UnreadCountAsync(TribuDbContext context, Guid memberId, CancellationToken ct = default) =>
        context.Notifications.CountAsync(n => n.RecipientId == memberId && n.ReadAt == null, ct);

    public async Task<NotificationPage> ListAsync(Guid memberId, int page, CancellationToken ct = default)
    {
        var mine = db.Notifications.AsNoTracking().Where(n => n.RecipientId == memberId);
        var rows = await mine.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Skip((Math.Max(1, page) - 1) * PageSize).Take(PageSize)
            .Select(n => new { n.Id, n.Kind, n.ActorId, n.TopicId, n.PostId, n.CreatedAt, n.ReadAt, n.Note })
            .ToListAsync(ct);
        // Topic notifications with their topic, actor and post number; listening alerts with their query and explanation.
        var topicIds = rows.Where(r => NotificationKinds.IsAboutTopic(r.Kind)).Select(r => r.TopicId).Distinct().ToList();
        var actorIds = rows.Where(r => r.Kind is not (NotificationKind.ListeningAlert or NotificationKind.EventPromoted or NotificationKind.EventChanged)).Select(r => r.ActorId).Distinct().ToList();
        var postIds = rows.Where(r => NotificationKinds.IsAboutTopic(r.Kind) && r.PostId is not null).Select(r => r.PostId!.Value).Distinct().ToList();
        var itemIds = rows.Where(r => r.Kind is NotificationKind.InboxAssigned or NotificationKind.InboxSla or NotificationKind.InboxTicket && r.PostId is not null).Select(r => r.PostId!.Value).Distinct().ToList();
        var inboxItems = await db.InboxItems.AsNoTracking().Where(i => itemIds.Contains(i.Id)).Select(i => new { i.Id, i.Subject }).ToDictionaryAsync(i => i.Id, i => i.Subject, ct);
        var alertIds = rows.Where(r => r.Kind == NotificationKind.ListeningAlert && r.PostId is not null).Select(r => r.PostId!.Value).Distinct().ToList();
        var eventIds = rows.Where(r => (r.Kind is NotificationKind.EventPromoted or NotificationKind.EventChanged) && r.PostId is not null).Select(r => (int)r.PostId!.Value).Distinct().ToList();
        var events = await db.Events.AsNoTracking().Where(e => eventIds.Contains(e.Id)).Select(e => new { e.Id, e.Title }).ToDictionaryAsync(e => (long)e.Id, e => e.Title, ct);
        var topics = await db.Topics.AsNoTracking().Where(t => topicIds.Contains(t.Id)).Select(t => new { t.Id, t.Title, t.Slug }).ToDictionaryAsync(t => t.Id, ct);
        var actors = await db.Users.AsNoTracking().Where(u => actorIds.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName, u.Handle }).ToDictionaryAsync(u => u.Id, ct);
        var numbers = await db.Posts.AsNoTracking().Where(p => postIds.Contains(p.Id)).Select(p => new { p.Id, p.Number }).ToDictionaryAsync(p => p.Id, p => p.Number, ct);
        var alerts = await db.ListeningAlerts.AsNoTracking().Where(a => alertIds.Contains(a.Id))
            .Select(a => new { a.Id, WatchName = a.Watch!.Name, a.ExplanationKey, a.ExplanationArgs }).ToDictionaryAsync(a => a.Id, ct);
        // Ideas: a status change (with the idea and its new status), or a merge (the merged idea and where it went).
        var changeIds = rows.Where(r => r.Kind == NotificationKind.IdeaStatus && r.PostId is not null).Select(r => r.PostId!.Value).Distinct().ToList();
        var ideaChanges = await db.IdeaStatusChanges.AsNoTracking().Where(c => changeIds.Contains(c.Id))
            .Select(c => new { c.Id, c.IdeaId, c.To }).ToDictionaryAsync(c => c.Id, ct);
        var ideaIds = rows.Where(r => r.Kind == NotificationKind.IdeaMerged).SelectMany(r => new[] { r.TopicId, r.PostId ?? 0 })
            .Concat(ideaChanges.Values.Select(c => c.IdeaId)).Distinct().ToList();
        var ideas = await db.Ideas.AsNoTracking().Where(i => ideaIds.Contains(i.Id)).Select(i => new { i.Id, i.Title, BoardSlug = i.Board!.Slug }).ToDictionaryAsync(i => i.Id, ct);
        var items = new List<NotificationItem>(rows.Count);
        foreach (var r in rows)
        {
            if (r.Kind == NotificationKind.ListeningAlert)
            {
                if (r.PostId is not { } alertId || !alerts.TryGetValue(alertId, out var alert)) continue;
                items.Add(new NotificationItem(r.Id, r.Kind, alert.WatchName, "", 0, Listening.Alerts.AlertExplanation.Format(localizer, alert.ExplanationKey, alert.ExplanationArgs, System.Globalization.CultureInfo.CurrentCulture),
                    Listening.Alerts.AlertExplanation.PageUrl(alertId), r.CreatedAt, r.ReadAt is not null, r.Note));
                continue;
            }
            if (r.Kind is NotificationKind.InboxAssigned or NotificationKind.InboxSla or NotificationKind.InboxTicket)
            {
                if (r.PostId is not { } itemId || !inboxItems.TryGetValue(itemId, out var subject)) continue;
                if (r.Kind == NotificationKind.InboxTicket)
                {
                    // "The ticket for {subject} could not be created: {error}".
                    items.Add(new NotificationItem(r.Id, r.Kind, subject, "", 0, r.Note ?? "", $"/manage/inbox/items/{itemId}#ticket", r.CreatedAt, r.ReadAt is not null, null));
                    continue;
                }
                // Assigned: who assigned it (Tribu itself for a rule). SLA: which target, and whether it is near or missed.
                var who = r.Kind == NotificationKind.InboxAssigned
                    ? actors.TryGetValue(r.ActorId, out var assigner) ? assigner.DisplayName : localizer["Inbox.Tribu"].Value
                    : r.Note?.Split(':', 2) is [var state, var target] ? localizer["Notification.InboxSla." + state, localizer["Inbox.SlaTarget." + target]].Value : "";
                items.Add(new NotificationItem(r.Id, r.Kind, who, "", 0, subject, $"/manage/inbox/items/{itemId}", r.CreatedAt, r.ReadAt is not null, null));
                continue;
            }
            if (r.Kind == NotificationKind.EventPromoted)
            {
                // "A seat opened: you are going to {title}".
                if (r.PostId is not { } eventId || !events.TryGetValue(eventId, out var title)) continue;
                items.Add(new NotificationItem(r.Id, r.Kind, "", "", 0, title, $"/events/{eventId}", r.CreatedAt, r.ReadAt is not null, null));
                continue;
            }
            if (r.Kind == NotificationKind.EventChanged)
            {
                // "“{title}” was cancelled" or "“{title}” changed: the date and place".
                if (r.PostId is not { } eventId || !events.TryGetValue(eventId, out var title)) continue;
                var what = r.Note == "cancelled" ? localizer["Events.Change.Cancelled"].Value
                    : (r.Note ?? "").Split(',') is { Length: 2 } ? localizer["Events.Change.Both"].Value
                    : r.Note == "where" ? localizer["Events.Change.Where"].Value : localizer["Events.Change.When"].Value;
                items.Add(new NotificationItem(r.Id, r.Kind, what, "", 0, title, $"/events/{eventId}", r.CreatedAt, r.ReadAt is not null, null));
                continue;
            }
            if (r.Kind == NotificationKind.IdeaStatus)
            {
                // "{title} is now {status}", with the official response as the note.
                if (r.PostId is not { } changeId || !ideaChanges.TryGetValue(changeId, out var change) || !ideas.TryGetValue(change.IdeaId, out var idea)) continue;
                items.Add(new NotificationItem(r.Id, r.Kind, localizer["Ideas.Status." + change.To].Value, "", 0, idea.Title, $"/ideas/{idea.BoardSlug}/{idea.Id}#history",
                    r.CreatedAt, r.ReadAt is not null, r.Note));
                continue;
            }
            if (r.Kind == NotificationKind.IdeaMerged)
            {
                // "{merged}, which you voted for, was merged into {target}".
                if (r.PostId is not { } targetId || !ideas.TryGetValue(targetId, out var target)) continue;
                var merged = ideas.TryGetValue(r.TopicId, out var old) ? old.Title : "";
                items.Add(new NotificationItem(r.Id, r.Kind, merged, "", 0, target.Title, $"/ideas/{target.BoardSlug}/{target.Id}", r.CreatedAt, r.ReadAt is not null, null));
                continue;
            }
            if (!topics.TryGetValue(r.TopicId, out var topic) || !actors.TryGetValue(r.ActorId, out var actor)) continue;
            var number = r.PostId is { } postId ? numbers.GetValueOrDefault(postId) : 0;
            items.Add(new NotificationItem(r.Id, r.Kind, actor.DisplayName, actor.Handle, topic.Id, topic.Title, $"/t/{topic.Id}/{topic.Slug}#post-{Math.Max(1, number)}", r.CreatedAt, r.ReadAt is not null, r.Note));
        }
        return new NotificationPage(
            await mine.CountAsync(n => n.ReadAt == null, ct),
            await mine.CountAsync(ct),
            items);
    }

    public Task<int> MarkReadAsync(Guid memberId, long[]? ids, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var query = db.Notifications.Where(n => n.RecipientId == memberId && n.ReadAt == null);
        if (ids is { Length: > 0 }) query = query.Where(n => ids.Contains(n.Id));
        return query.ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
    }

    public async Task<Dictionary<NotificationKind, DeliveryChannel>> PreferencesAsync(Guid memberId, CancellationToken ct = default)
    {
        var saved = await db.NotificationPreferences.AsNoTracking().Where(p => p.MemberId == memberId).ToDictionaryAsync(p => p.Kind, p => p.Channel, ct);
        return Enum.GetValues<NotificationKind>().ToDictionary(k => k, k => saved.GetValueOrDefault(k, DeliveryChannel.InApp));
    }

    public async Task SavePreferencesAsync(Guid memberId, IReadOnlyDictionary<NotificationKind, DeliveryChannel> choices, CancellationToken ct = default)
    {
        var saved = await db.NotificationPreferences.Where(p => p.MemberId == memberId).ToListAsync(ct);
        foreach (var (kind, channel) in choices.Where(c => Enum.IsDefined(c.Key) && Enum.IsDefined(c.Value)))
        {
            var row = saved.FirstOrDefault(p => p.Kind == kind);
            if (row is null) db.NotificationPreferences.Add(new NotificationPreference { MemberId = memberId, Kind = kind, Channel = channel });
            else row.Channel = channel;
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>From an unsubscribe link: no more mails of that kind (or of any kind); in-app notifications stay.</summary>
    public async Task StopMailsAsync(Guid memberId, NotificationKind? kind, CancellationToken ct = default)
    {
        var current = await PreferencesAsync(memberId, ct);
        var changes = current.Where(c => (kind is null || c.Key == kind) && c.Value is DeliveryChannel.EmailNow or DeliveryChannel.Digest or DeliveryChannel.WeeklyDigest)
            .ToDictionary(c => c.Key, _ => DeliveryChannel.InApp);
        await SavePreferencesAsync(memberId, changes, ct);
    }
}
