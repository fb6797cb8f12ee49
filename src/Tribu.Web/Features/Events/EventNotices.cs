using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Admin;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Email;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Events;

/// <summary>What changed in an event that its members must hear about.</summary>
[Flags]
public enum EventChange
{
    None = 0,
    When = 1,
    Where = 2,
}

/// <summary>
/// Telling the members who answered an event (going, maybe, waitlisted) that it moved or was cancelled: an in-app
/// notification and a mail each, queued in the same transaction as the change so neither is lost nor sent twice.
/// A moved event's reminders are due again at its new time.
/// </summary>
public sealed class EventNotices(TribuDbContext db, EmailOutbox outbox, EventMails mails, SiteSettingsService settings, ILiveBus bus, TimeProvider clock, IStringLocalizer<UiStrings> l)
{
    public const string ChangedMailKind = "event-changed";
    public const string CancelledMailKind = "event-cancelled";

    public static EventChange Compare(CommunityEvent before, CommunityEvent after)
    {
        var change = EventChange.None;
        if (before.StartsAt != after.StartsAt || before.EndsAt != after.EndsAt) change |= EventChange.When;
        if (before.IsOnline != after.IsOnline || before.Place != after.Place || before.Link != after.Link) change |= EventChange.Where;
        return change;
    }

    /// <summary>The note stored on the notification: <c>when</c>, <c>where</c> or both, or <c>cancelled</c>.</summary>
    public static string Note(EventChange change) => string.Join(',', new[] { EventChange.When, EventChange.Where }.Where(c => change.HasFlag(c)).Select(c => c.ToString().ToLowerInvariant()));

    /// <summary>
    /// Inside the caller's transaction, after the event was saved: notes and mails for everyone who answered. Returns who was
    /// told, for <see cref="AfterCommitAsync"/>.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> ChangedAsync(CommunityEvent ev, EventChange change, Guid actorId, CancellationToken ct = default)
    {
        if (change == EventChange.None || ev.CancelledAt is not null || ev.EndsAt <= clock.GetUtcNow().UtcDateTime) return [];
        if (change.HasFlag(EventChange.When))
        {
            await db.EventRsvps.Where(r => r.EventId == ev.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.DayReminderSentAt, (DateTime?)null).SetProperty(r => r.HourReminderSentAt, (DateTime?)null), ct);
        }
        return await TellAsync(ev, Note(change), actorId, "Events.Mail.SubjectChanged", T => T("Events.Mail.Changed", Describe(change, T)), "Events.Mail.WhyChanged", ChangedMailKind, ct);
    }

    /// <summary>Cancels an event (staff): it stays listed, marked cancelled, answers close and everyone who answered is told why.</summary>
    public async Task<Change<CommunityEvent>> CancelAsync(int id, string? reason, ClaimsPrincipal actor, CancellationToken ct = default)
    {
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (reason?.Length > 1000) return Change<CommunityEvent>.Invalid(new() { ["Reason"] = [l["Events.CancelReasonTooLong"]] });
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var ev = await db.Events.FirstOrDefaultAsync(e => e.Id == id, ct);
        if (ev is null) return Change<CommunityEvent>.NotFound();
        if (ev.CancelledAt is not null) return Change<CommunityEvent>.Ok(ev);
        var now = clock.GetUtcNow().UtcDateTime;
        if (ev.EndsAt <= now) return Change<CommunityEvent>.Invalid(new() { ["Reason"] = [l["Events.CancelPast"]] });
        // The claim: only the request that sets CancelledAt tells the members (a double submit tells them once).
        var claimed = await db.Events.Where(e => e.Id == id && e.CancelledAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.CancelledAt, now).SetProperty(e => e.CancelReason, reason).SetProperty(e => e.UpdatedAt, now), ct);
        ev.CancelledAt = now;
        ev.CancelReason = reason;
        IReadOnlyList<Guid> told = [];
        if (claimed == 1)
        {
            told = await TellAsync(ev, "cancelled", TopicPermissions.MemberId(actor) ?? Guid.Empty, "Events.Mail.SubjectCancelled",
                T => reason is null ? T("Events.Mail.Cancelled") : T("Events.Mail.CancelledBecause", reason), "Events.Mail.WhyChanged", CancelledMailKind, ct);
        }
        await transaction.CommitAsync(ct);
        await AfterCommitAsync(id, told, ct);
        return Change<CommunityEvent>.Ok(ev);
    }

    /// <summary>After the change committed: the event's page and each member's bell refresh, the mails leave.</summary>
    public async Task AfterCommitAsync(int eventId, IReadOnlyList<Guid> told, CancellationToken ct = default)
    {
        await bus.PublishAsync(EventsFeature.Channel(eventId), ct);
        foreach (var member in told) await bus.PublishAsync(LiveChannels.Member(member), ct);
        if (told.Count > 0) await outbox.DeliverSoonAsync(ct);
    }

    private static string Describe(EventChange change, Translate T) =>
        change.HasFlag(EventChange.When) && change.HasFlag(EventChange.Where) ? T("Events.Change.Both")
        : change.HasFlag(EventChange.When) ? T("Events.Change.When") : T("Events.Change.Where");

    private async Task<IReadOnlyList<Guid>> TellAsync(CommunityEvent ev, string note, Guid actorId, string subjectKey, Func<Translate, string?> lead, string whyKey, string mailKind, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var people = await db.EventRsvps.AsNoTracking()
            .Where(r => r.EventId == ev.Id && (r.Status == RsvpStatus.Going || r.Status == RsvpStatus.Maybe || r.Status == RsvpStatus.Waitlisted) && r.MemberId != actorId)
            .Join(db.Users, r => r.MemberId, u => u.Id, (r, u) => new { r.MemberId, u.Email, u.PreferredLanguage, u.ErasedAt })
            .Take(10_000).ToListAsync(ct);
        if (people.Count == 0) return [];
        var site = await settings.GetAsync(ct);
        foreach (var person in people)
        {
            db.Notifications.Add(new Notification { RecipientId = person.MemberId, Kind = NotificationKind.EventChanged, ActorId = actorId, TopicId = 0, PostId = ev.Id, Note = note, CreatedAt = now });
            if (person.ErasedAt is null && !string.IsNullOrEmpty(person.Email))
            {
                outbox.Add(mails.Compose(person.Email, person.PreferredLanguage ?? site.DefaultLanguage, ev, site.CommunityName, subjectKey, lead, whyKey, mailKind));
            }
        }
        await db.SaveChangesAsync(ct);
        return [.. people.Select(p => p.MemberId)];
    }
}
