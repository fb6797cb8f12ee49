using System.Security.Cryptography;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Microsoft.EntityFrameworkCore;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Events;

/// <summary>
/// iCalendar (RFC 5545) for events: one event as a download, and each member's private feed of the events they go to.
/// Times are written in UTC (read the same by every calendar); the event's own time zone travels as X-WR-TIMEZONE and
/// a VTIMEZONE, so a calendar can show it as the organiser meant it.
/// </summary>
public sealed class EventCalendar(TribuDbContext db, TimeProvider clock)
{
    public const string ContentType = "text/calendar; charset=utf-8";

    /// <summary>The stable UID of an event, the same in the download and in every feed.</summary>
    public static string Uid(CommunityEvent ev, string host) => $"{ev.Uid:D}@{host}";

    public string ForOne(CommunityEvent ev, string baseUrl, bool withLink) => Serialize([(ev, withLink)], baseUrl, ev.Title);

    public string Feed(IEnumerable<CommunityEvent> events, string baseUrl, string name) => Serialize([.. events.Select(e => (e, true))], baseUrl, name);

    private string Serialize(IReadOnlyList<(CommunityEvent Event, bool WithLink)> events, string baseUrl, string name)
    {
        var host = Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) ? uri.Host : "tribu";
        var calendar = new Calendar { ProductId = "-//Tribu//Events//EN" };
        calendar.AddProperty("X-WR-CALNAME", name);
        var zones = events.Select(e => e.Event.TimeZone).Distinct().ToList();
        if (zones.Count == 1) calendar.AddProperty("X-WR-TIMEZONE", zones[0]);
        foreach (var zone in zones)
        {
            calendar.AddTimeZone(new VTimeZone(zone));
        }
        var stamp = clock.GetUtcNow().UtcDateTime;
        foreach (var (ev, withLink) in events)
        {
            var url = $"{baseUrl}/events/{ev.Id}";
            var where = ev.IsOnline ? (withLink ? ev.Link : null) : ev.Place;
            calendar.Events.Add(new CalendarEvent
            {
                Uid = Uid(ev, host),
                Summary = ev.Title,
                Description = string.IsNullOrWhiteSpace(ev.DescriptionMarkdown) ? url : $"{ev.DescriptionMarkdown}\n\n{url}",
                Start = new CalDateTime(DateTime.SpecifyKind(ev.StartsAt, DateTimeKind.Utc)),
                End = new CalDateTime(DateTime.SpecifyKind(ev.EndsAt, DateTimeKind.Utc)),
                DtStamp = new CalDateTime(DateTime.SpecifyKind(stamp, DateTimeKind.Utc)),
                LastModified = new CalDateTime(DateTime.SpecifyKind(ev.UpdatedAt, DateTimeKind.Utc)),
                Location = where,
                Url = new Uri(url),
                // Calendars apply a change when the sequence grows, and strike the event out when it is cancelled.
                Status = ev.CancelledAt is null ? "CONFIRMED" : "CANCELLED",
                Sequence = (int)Math.Clamp((ev.UpdatedAt - ev.CreatedAt).TotalMinutes, 0, int.MaxValue),
            });
        }
        return new CalendarSerializer().SerializeToString(calendar) ?? "";
    }

    /// <summary>The member's feed secret, made on first use.</summary>
    public async Task<string> FeedTokenAsync(Guid memberId, bool renew = false, CancellationToken ct = default)
    {
        var row = await db.EventFeedTokens.FirstOrDefaultAsync(t => t.MemberId == memberId, ct);
        if (row is not null && !renew) return row.Token;
        if (row is null)
        {
            row = new EventFeedToken { MemberId = memberId };
            db.EventFeedTokens.Add(row);
        }
        row.Token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        row.CreatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return row.Token;
    }

    /// <summary>Whose feed a secret opens, or null.</summary>
    public async Task<Guid?> FeedOwnerAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length != 48) return null;
        var row = await db.EventFeedTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Token == token, ct);
        // The lookup found the row by the secret; compare again in constant time so that timing tells nothing more.
        return row is not null && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(row.Token), System.Text.Encoding.ASCII.GetBytes(token)) ? row.MemberId : null;
    }
}
