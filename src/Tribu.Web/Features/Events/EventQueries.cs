using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Spaces;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Events;

/// <summary>An event as a reader sees it: <c>Link</c> only for the members going and for staff.</summary>
public sealed record EventResponse(
    int Id, Guid Uid, EventKind Kind, bool IsOnline, string Title, string Description, DateTime StartsAt, DateTime EndsAt, string TimeZone,
    DateTime StartsAtLocal, DateTime EndsAtLocal, string? Place, string? Link, int? Capacity, int? SpaceId, int Going, int Waitlisted,
    RsvpStatus? MyStatus, int? MyWaitlistRank, DateTime? CancelledAt, string? CancelReason, long? DiscussionTopicId)
{
    public static EventResponse From(CommunityEvent e, int going, int waitlisted, RsvpStatus? mine, int? rank, bool showLink) => new(
        e.Id, e.Uid, e.Kind, e.IsOnline, e.Title, e.DescriptionMarkdown, e.StartsAt, e.EndsAt, e.TimeZone,
        EventTime.InZone(e.StartsAt, e.TimeZone), EventTime.InZone(e.EndsAt, e.TimeZone), e.Place, showLink ? e.Link : null, e.Capacity, e.SpaceId,
        going, waitlisted, mine, rank, e.CancelledAt, e.CancelReason, e.DiscussionTopicId);
}

/// <summary>A member on an event's attendee list.</summary>
public sealed record AttendeeResponse(string Handle, string DisplayName, RsvpStatus Status, int? WaitlistRank, DateTime AnsweredAt, bool Attended, DateTime? CheckedInAt);

/// <summary>Reading events: who may see which (an event in a space follows the space's visibility), counts, one's own answer.</summary>
public sealed class EventQueries(TribuDbContext db, EventRsvps rsvps)
{
    public IQueryable<CommunityEvent> VisibleTo(ClaimsPrincipal user)
    {
        var readable = SpaceAccess.ReadableBy(user);
        return db.Events.AsNoTracking().Where(e => e.SpaceId == null
            || db.Spaces.Any(s => s.Id == e.SpaceId && (readable.Visibilities.Contains(s.Visibility) || readable.SpaceIds.Contains(s.Id))));
    }

    public Task<CommunityEvent?> FindAsync(int id, ClaimsPrincipal user, CancellationToken ct = default) =>
        VisibleTo(user).FirstOrDefaultAsync(e => e.Id == id, ct);

    public Task<EventRsvp?> MineAsync(int eventId, ClaimsPrincipal user, CancellationToken ct = default) =>
        TopicPermissions.MemberId(user) is { } me
            ? db.EventRsvps.AsNoTracking().FirstOrDefaultAsync(r => r.EventId == eventId && r.MemberId == me, ct)
            : Task.FromResult<EventRsvp?>(null);

    /// <summary>The address of an online event is for the members going and for staff only.</summary>
    public static bool MaySeeLink(EventRsvp? mine, ClaimsPrincipal user) => mine?.Status == RsvpStatus.Going || SpaceAccess.IsStaff(user);

    public async Task<EventResponse> ResponseAsync(CommunityEvent ev, ClaimsPrincipal user, CancellationToken ct = default)
    {
        var mine = await MineAsync(ev.Id, user, ct);
        var going = await db.EventRsvps.CountAsync(r => r.EventId == ev.Id && r.Status == RsvpStatus.Going, ct);
        var waiting = await db.EventRsvps.CountAsync(r => r.EventId == ev.Id && r.Status == RsvpStatus.Waitlisted, ct);
        return EventResponse.From(ev, going, waiting, mine?.Status, mine is null ? null : await rsvps.WaitlistRankAsync(mine, ct), MaySeeLink(mine, user));
    }

    public async Task<List<EventResponse>> ListAsync(ClaimsPrincipal user, bool past, DateTime now, int take, CancellationToken ct = default)
    {
        var query = VisibleTo(user);
        query = past ? query.Where(e => e.EndsAt <= now).OrderByDescending(e => e.StartsAt) : query.Where(e => e.EndsAt > now).OrderBy(e => e.StartsAt);
        var events = await query.Take(take).ToListAsync(ct);
        var ids = events.Select(e => e.Id).ToList();
        var counts = await db.EventRsvps.Where(r => ids.Contains(r.EventId) && (r.Status == RsvpStatus.Going || r.Status == RsvpStatus.Waitlisted))
            .GroupBy(r => new { r.EventId, r.Status }).Select(g => new { g.Key.EventId, g.Key.Status, Count = g.Count() }).ToListAsync(ct);
        var me = TopicPermissions.MemberId(user);
        var mine = me is null ? [] : await db.EventRsvps.AsNoTracking().Where(r => ids.Contains(r.EventId) && r.MemberId == me).ToDictionaryAsync(r => r.EventId, ct);
        var result = new List<EventResponse>(events.Count);
        foreach (var e in events)
        {
            var my = mine.GetValueOrDefault(e.Id);
            result.Add(EventResponse.From(e,
                counts.FirstOrDefault(c => c.EventId == e.Id && c.Status == RsvpStatus.Going)?.Count ?? 0,
                counts.FirstOrDefault(c => c.EventId == e.Id && c.Status == RsvpStatus.Waitlisted)?.Count ?? 0,
                my?.Status, my is null ? null : await rsvps.WaitlistRankAsync(my, ct), MaySeeLink(my, user)));
        }
        return result;
    }

    public async Task<List<AttendeeResponse>> AttendeesAsync(int eventId, CancellationToken ct = default)
    {
        var rows = await db.EventRsvps.AsNoTracking().Where(r => r.EventId == eventId)
            .Join(db.Users, r => r.MemberId, u => u.Id, (r, u) => new { r, u.Handle, u.DisplayName })
            .OrderBy(x => x.r.Status).ThenBy(x => x.r.WaitlistPosition).ThenBy(x => x.DisplayName).Take(5000).ToListAsync(ct);
        var rank = 0;
        return [.. rows.Select(x => new AttendeeResponse(x.Handle, x.DisplayName, x.r.Status, x.r.Status == RsvpStatus.Waitlisted ? ++rank : null,
            x.r.UpdatedAt, x.r.Attended, x.r.CheckedInAt))];
    }
}
