using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Events;

/// <summary>A member's place at an event after a change: their status, and their rank on the waitlist (1 = next in).</summary>
public sealed record RsvpState(RsvpStatus Status, int? WaitlistRank);

/// <summary>
/// RSVPs, the waitlist and check-in. Every change to an event's answers runs in one transaction that first bumps the
/// event's <see cref="CommunityEvent.RsvpVersion"/>: that write locks the event, so concurrent answers to the same event
/// queue up and the seat count each one reads is the true one (two RSVPs for the last seat: one goes, one waits; two
/// cancellations at once: two promotions, of two different members).
/// </summary>
public sealed class EventRsvps(TribuDbContext db, TimeProvider clock, ILiveBus bus, IStringLocalizer<UiStrings> l)
{
    private readonly List<Guid> _promoted = [];

    /// <summary>Going (or waitlisted when full), maybe, or not going. <see cref="RsvpStatus.Waitlisted"/> asks for going.</summary>
    public async Task<Change<RsvpState>> AnswerAsync(int eventId, Guid memberId, RsvpStatus wanted, CancellationToken ct = default)
    {
        if (!Enum.IsDefined(wanted)) return Change<RsvpState>.Invalid(new() { ["Status"] = [l["Events.RsvpInvalid"]] });
        if (wanted == RsvpStatus.Waitlisted) wanted = RsvpStatus.Going;
        var now = clock.GetUtcNow().UtcDateTime;
        RsvpState state;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            if (await LockAsync(eventId, ct) is not { } ev) return Change<RsvpState>.NotFound();
            if (ev.CancelledAt is not null) return Change<RsvpState>.Invalid(new() { ["Status"] = [l["Events.IsCancelled"]] });
            if (ev.EndsAt <= now) return Change<RsvpState>.Invalid(new() { ["Status"] = [l["Events.Closed"]] });
            var rsvp = await db.EventRsvps.FirstOrDefaultAsync(r => r.EventId == eventId && r.MemberId == memberId, ct);
            var before = rsvp?.Status;
            if (rsvp is null)
            {
                rsvp = new EventRsvp { EventId = eventId, MemberId = memberId, CreatedAt = now };
                db.EventRsvps.Add(rsvp);
            }
            rsvp.UpdatedAt = now;
            if (wanted == RsvpStatus.Going && before is not (RsvpStatus.Going or RsvpStatus.Waitlisted))
            {
                var going = await db.EventRsvps.CountAsync(r => r.EventId == eventId && r.Status == RsvpStatus.Going, ct);
                var waiting = await db.EventRsvps.AnyAsync(r => r.EventId == eventId && r.Status == RsvpStatus.Waitlisted, ct);
                if (ev.Capacity is { } capacity && (going >= capacity || waiting))
                {
                    rsvp.Status = RsvpStatus.Waitlisted;
                    rsvp.WaitlistPosition = (await db.EventRsvps.Where(r => r.EventId == eventId && r.WaitlistPosition != null).MaxAsync(r => r.WaitlistPosition, ct) ?? 0) + 1;
                }
                else
                {
                    rsvp.Status = RsvpStatus.Going;
                    rsvp.WaitlistPosition = null;
                }
            }
            else if (wanted != RsvpStatus.Going)
            {
                rsvp.Status = wanted;
                rsvp.WaitlistPosition = null;
            }
            await db.SaveChangesAsync(ct);
            if (before == RsvpStatus.Going && rsvp.Status != RsvpStatus.Going) await FillSeatsAsync(ev, now, ct);
            await transaction.CommitAsync(ct);
            state = new RsvpState(rsvp.Status, await WaitlistRankAsync(rsvp, ct));
        }
        await AfterCommitAsync(eventId, ct);
        return Change<RsvpState>.Ok(state);
    }

    /// <summary>Withdraws a member's answer (the API's DELETE): they are no longer going, and their seat goes to the waitlist.</summary>
    public Task<Change<RsvpState>> CancelAsync(int eventId, Guid memberId, CancellationToken ct = default) =>
        AnswerAsync(eventId, memberId, RsvpStatus.NotGoing, ct);

    /// <summary>After staff raised the capacity (or removed it): the waitlist moves in.</summary>
    public async Task CapacityChangedAsync(int eventId, CancellationToken ct = default)
    {
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            if (await LockAsync(eventId, ct) is not { } ev) return;
            await FillSeatsAsync(ev, clock.GetUtcNow().UtcDateTime, ct);
            await transaction.CommitAsync(ct);
        }
        await AfterCommitAsync(eventId, ct);
    }

    /// <summary>Staff record (or undo) a member's attendance.</summary>
    public async Task<Change<EventRsvp>> CheckInAsync(int eventId, Guid memberId, Guid staffId, bool attended, CancellationToken ct = default)
    {
        var rsvp = await db.EventRsvps.FirstOrDefaultAsync(r => r.EventId == eventId && r.MemberId == memberId, ct);
        if (rsvp is null)
        {
            // A walk-in: staff may check in a member who had not answered.
            if (!await db.Events.AnyAsync(e => e.Id == eventId, ct) || !await db.Users.AnyAsync(u => u.Id == memberId, ct)) return Change<EventRsvp>.NotFound();
            var now = clock.GetUtcNow().UtcDateTime;
            rsvp = new EventRsvp { EventId = eventId, MemberId = memberId, Status = RsvpStatus.Going, CreatedAt = now, UpdatedAt = now };
            db.EventRsvps.Add(rsvp);
        }
        rsvp.Attended = attended;
        rsvp.CheckedInAt = attended ? clock.GetUtcNow().UtcDateTime : null;
        rsvp.CheckedInById = attended ? staffId : null;
        await db.SaveChangesAsync(ct);
        await bus.PublishAsync(EventsFeature.Channel(eventId), ct);
        return Change<EventRsvp>.Ok(rsvp);
    }

    /// <summary>1 for the next member in, 2 after them…; null when not waitlisted.</summary>
    public async Task<int?> WaitlistRankAsync(EventRsvp rsvp, CancellationToken ct = default) =>
        rsvp is { Status: RsvpStatus.Waitlisted, WaitlistPosition: { } position }
            ? await db.EventRsvps.CountAsync(r => r.EventId == rsvp.EventId && r.Status == RsvpStatus.Waitlisted && r.WaitlistPosition <= position, ct)
            : null;

    /// <summary>The event's row write that serialises its RSVP changes; then the event as it is now.</summary>
    private async Task<CommunityEvent?> LockAsync(int eventId, CancellationToken ct)
    {
        var locked = await db.Events.Where(e => e.Id == eventId).ExecuteUpdateAsync(s => s.SetProperty(e => e.RsvpVersion, e => e.RsvpVersion + 1), ct);
        return locked == 0 ? null : await db.Events.AsNoTracking().FirstAsync(e => e.Id == eventId, ct);
    }

    /// <summary>Moves the first waitlisted members in while seats are free, each told in-app. Inside the caller's transaction.</summary>
    private async Task FillSeatsAsync(CommunityEvent ev, DateTime now, CancellationToken ct)
    {
        var going = await db.EventRsvps.CountAsync(r => r.EventId == ev.Id && r.Status == RsvpStatus.Going, ct);
        var free = ev.Capacity is { } capacity ? capacity - going : int.MaxValue;
        if (free <= 0) return;
        var next = await db.EventRsvps.Where(r => r.EventId == ev.Id && r.Status == RsvpStatus.Waitlisted)
            .OrderBy(r => r.WaitlistPosition).ThenBy(r => r.Id).Take(Math.Min(free, 1000)).ToListAsync(ct);
        foreach (var rsvp in next)
        {
            rsvp.Status = RsvpStatus.Going;
            rsvp.WaitlistPosition = null;
            rsvp.PromotedAt = now;
            rsvp.UpdatedAt = now;
            db.Notifications.Add(new Notification
            {
                RecipientId = rsvp.MemberId, Kind = NotificationKind.EventPromoted, ActorId = Guid.Empty, TopicId = 0, PostId = ev.Id, CreatedAt = now,
            });
            _promoted.Add(rsvp.MemberId);
        }
        await db.SaveChangesAsync(ct);
    }

    private async Task AfterCommitAsync(int eventId, CancellationToken ct)
    {
        foreach (var id in _promoted) await bus.PublishAsync(LiveChannels.Member(id), ct);
        _promoted.Clear();
        await bus.PublishAsync(EventsFeature.Channel(eventId), ct);
    }
}
