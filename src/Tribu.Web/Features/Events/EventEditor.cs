using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Spaces;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Events;

/// <summary>
/// An event as staff create or change it. <c>StartsAt</c> and <c>EndsAt</c> are wall-clock times in <c>TimeZone</c>
/// (an IANA id such as <c>Europe/Paris</c>), as the organiser reads them; they are stored in UTC.
/// </summary>
public sealed record EventRequest(
    EventKind? Kind, bool IsOnline, string? Title, string? Description, DateTime? StartsAt, DateTime? EndsAt, string? TimeZone,
    string? Place, string? Link, int? Capacity, int? SpaceId);

/// <summary>Creating and changing events (staff), with field errors keyed like <see cref="EventRequest"/>.</summary>
public sealed class EventEditor(TribuDbContext db, TimeProvider clock, IStringLocalizer<UiStrings> l, EventRsvps rsvps, EventNotices notices)
{
    public async Task<Change<CommunityEvent>> SaveAsync(int? id, EventRequest request, ClaimsPrincipal actor, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        var title = (request.Title ?? "").Trim();
        if (title.Length is 0 or > CommunityEvent.TitleMaxLength) errors["Title"] = [l["Events.TitleInvalid"]];
        if ((request.Description?.Length ?? 0) > CommunityEvent.DescriptionMaxLength) errors["Description"] = [l["Events.DescriptionTooLong"]];
        if (request.Kind is not { } kind || !Enum.IsDefined(kind)) errors["Kind"] = [l["Events.KindInvalid"]];
        var zone = EventTime.FindZone(request.TimeZone);
        if (zone is null) errors["TimeZone"] = [l["Events.TimeZoneInvalid"]];
        DateTime? startsAt = null, endsAt = null;
        if (zone is not null)
        {
            startsAt = EventTime.ToUtc(request.StartsAt, zone);
            endsAt = EventTime.ToUtc(request.EndsAt, zone);
            if (startsAt is null) errors["StartsAt"] = [l["Events.StartInvalid"]];
            if (endsAt is null) errors["EndsAt"] = [l["Events.EndInvalid"]];
            else if (startsAt is not null && endsAt <= startsAt) errors["EndsAt"] = [l["Events.EndBeforeStart"]];
        }
        var place = Clean(request.Place);
        var link = Clean(request.Link);
        if (place?.Length > 300) errors["Place"] = [l["Events.PlaceInvalid"]];
        if (link is not null && (link.Length > 500 || !Uri.TryCreate(link, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")))
        {
            errors["Link"] = [l["Events.LinkInvalid"]];
        }
        if (request.IsOnline && link is null && !errors.ContainsKey("Link")) errors["Link"] = [l["Events.LinkRequired"]];
        if (!request.IsOnline && place is null) errors["Place"] = [l["Events.PlaceRequired"]];
        if (request.Capacity is < 1 or > 100_000) errors["Capacity"] = [l["Events.CapacityInvalid"]];
        if (request.SpaceId is { } spaceId && !await db.Spaces.AnyAsync(s => s.Id == spaceId, ct)) errors["SpaceId"] = [l["Events.SpaceInvalid"]];
        if (errors.Count > 0) return Change<CommunityEvent>.Invalid(errors);

        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var ev = id is null ? null : await db.Events.FirstOrDefaultAsync(e => e.Id == id, ct);
        if (id is not null && ev is null) return Change<CommunityEvent>.NotFound();
        if (ev?.CancelledAt is not null) return Change<CommunityEvent>.Invalid(new() { ["Title"] = [l["Events.CancelledNoEdit"]] });
        var before = ev is null ? null : new CommunityEvent { StartsAt = ev.StartsAt, EndsAt = ev.EndsAt, IsOnline = ev.IsOnline, Place = ev.Place, Link = ev.Link };
        if (ev is null)
        {
            ev = new CommunityEvent { Uid = Guid.NewGuid(), CreatedAt = now, CreatedById = TopicPermissions.MemberId(actor)!.Value };
            db.Events.Add(ev);
        }
        var capacityBefore = ev.Capacity;
        ev.Kind = request.Kind!.Value;
        ev.IsOnline = request.IsOnline;
        ev.Title = title;
        ev.DescriptionMarkdown = request.Description?.Trim() ?? "";
        ev.StartsAt = startsAt!.Value;
        ev.EndsAt = endsAt!.Value;
        ev.TimeZone = zone!.Id;
        ev.Place = place;
        ev.Link = link;
        ev.Capacity = request.Capacity;
        ev.SpaceId = request.SpaceId;
        ev.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        var told = before is null ? [] : await notices.ChangedAsync(ev, EventNotices.Compare(before, ev), TopicPermissions.MemberId(actor) ?? Guid.Empty, ct);
        await transaction.CommitAsync(ct);
        await notices.AfterCommitAsync(ev.Id, told, ct);
        // More seats (or none counted any more): the waitlist moves in, in order.
        if (id is not null && (ev.Capacity is null || ev.Capacity > capacityBefore)) await rsvps.CapacityChangedAsync(ev.Id, ct);
        return Change<CommunityEvent>.Ok(ev);
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>Time zones: IANA ids, wall-clock times in them, and how a date reads in one.</summary>
public static class EventTime
{
    public const string ReaderZoneCookie = "tribu-tz";

    public static TimeZoneInfo? FindZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64) return null;
        try
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(id.Trim());
            // Keep the IANA id (Windows ids would be converted by the runtime, IANA ones come back as given).
            return zone.HasIanaId || zone.Id == "UTC" ? zone : TimeZoneInfo.TryConvertWindowsIdToIanaId(zone.Id, out var iana) ? TimeZoneInfo.FindSystemTimeZoneById(iana) : null;
        }
        catch (TimeZoneNotFoundException)
        {
            return null;
        }
        catch (InvalidTimeZoneException)
        {
            return null;
        }
    }

    /// <summary>A wall-clock time in a zone, in UTC; null for none or for a time the zone skips (a spring-forward gap).</summary>
    public static DateTime? ToUtc(DateTime? local, TimeZoneInfo zone)
    {
        if (local is not { } value) return null;
        var unspecified = DateTime.SpecifyKind(value, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(unspecified)) return null;
        return TimeZoneInfo.ConvertTimeToUtc(unspecified, zone);
    }

    public static DateTime InZone(DateTime utc, string zoneId) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), FindZone(zoneId) ?? TimeZoneInfo.Utc);

    /// <summary>"Thursday 14 May 2026, 18:30 – 20:00 (Europe/Paris)" in the current culture.</summary>
    public static string Range(DateTime startUtc, DateTime endUtc, string zoneId)
    {
        var start = InZone(startUtc, zoneId);
        var end = InZone(endUtc, zoneId);
        var culture = CultureInfo.CurrentCulture;
        var endText = end.Date == start.Date ? end.ToString("t", culture) : end.ToString("f", culture);
        return $"{start.ToString("f", culture)} – {endText} ({zoneId})";
    }

    /// <summary>The time zone ids offered in forms.</summary>
    public static IReadOnlyList<string> Zones { get; } = [.. TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id).Where(id => id.Contains('/', StringComparison.Ordinal) || id == "UTC").Order(StringComparer.Ordinal)];
}
