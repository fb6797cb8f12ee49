using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Accounts;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Events;

/// <summary>How a member answers: <c>Going</c>, <c>Maybe</c> or <c>NotGoing</c> (going to a full event puts them on the waitlist).</summary>
public sealed record RsvpRequest(RsvpStatus Status);

/// <summary>A member's answer after the change; <c>WaitlistRank</c> is 1 for the next member in.</summary>
public sealed record RsvpResponse(RsvpStatus Status, int? WaitlistRank);

/// <summary>Why the event is cancelled (optional; told to everyone who answered).</summary>
public sealed record CancelEventRequest(string? Reason);

/// <summary>A photo already uploaded through <c>POST /api/v1/uploads</c> (its URL), with the text that describes it.</summary>
public sealed record EventPhotoRequest(string? Url, string? Alt);

/// <summary>The space where the discussion opens (its slug); the event's own space when empty.</summary>
public sealed record EventDiscussionRequest(string? Space);

/// <summary>The discussion topic of an event.</summary>
public sealed record EventDiscussionResponse(long TopicId, string Url);

/// <summary>Whether the member attended (false undoes a check-in).</summary>
public sealed record CheckInRequest(bool Attended = true);

public static class EventEndpoints
{
    public static RouteGroupBuilder MapEventEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/events").WithTags("Events");
        group.MapGet("/", async (bool? past, ClaimsPrincipal user, EventQueries queries, TimeProvider clock, CancellationToken ct) =>
            TypedResults.Ok(await queries.ListAsync(user, past == true, clock.GetUtcNow().UtcDateTime, 200, ct)))
            .WithName("ListEvents").WithSummary("Upcoming events, soonest first (or past ones, latest first, with past=true).");

        group.MapGet("/{id:int}", async Task<Results<Ok<EventResponse>, NotFound>> (int id, ClaimsPrincipal user, EventQueries queries, CancellationToken ct) =>
            await queries.FindAsync(id, user, ct) is { } ev ? TypedResults.Ok(await queries.ResponseAsync(ev, user, ct)) : TypedResults.NotFound())
            .WithName("GetEvent").WithSummary("One event; the online link only for the members going and for staff.");

        group.MapGet("/{id:int}.ics", async Task<Results<ContentHttpResult, NotFound>> (int id, ClaimsPrincipal user, EventQueries queries, EventCalendar calendar, HttpContext http, CancellationToken ct) =>
            await IcsAsync(id, user, queries, calendar, http, ct))
            .WithName("GetEventIcs").WithSummary("The event as an iCalendar file (times in UTC, the event's time zone as X-WR-TIMEZONE).");

        group.MapPost("/", async Task<Results<Created<EventResponse>, ValidationProblem>> (EventRequest request, ClaimsPrincipal user, EventEditor editor, EventQueries queries, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            var change = await editor.SaveAsync(null, request, user, ct);
            return change.Succeeded
                ? TypedResults.Created($"/api/v1/events/{change.Value!.Id}", await queries.ResponseAsync(change.Value, user, ct))
                : TypedResults.ValidationProblem(change.Errors!, title: l["Validation.Title"]);
        }).WithName("CreateEvent").WithSummary("Create an event (staff). StartsAt/EndsAt are wall-clock times in TimeZone (IANA).").RequireAuthorization(Policies.Staff);

        group.MapPut("/{id:int}", async Task<Results<Ok<EventResponse>, ValidationProblem, NotFound>> (int id, EventRequest request, ClaimsPrincipal user, EventEditor editor, EventQueries queries, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            var change = await editor.SaveAsync(id, request, user, ct);
            return change.Outcome switch
            {
                Outcome.Ok => TypedResults.Ok(await queries.ResponseAsync(change.Value!, user, ct)),
                Outcome.NotFound => TypedResults.NotFound(),
                _ => TypedResults.ValidationProblem(change.Errors!, title: l["Validation.Title"]),
            };
        }).WithName("UpdateEvent").WithSummary("Change an event (staff); more seats move the waitlist in.").RequireAuthorization(Policies.Staff);

        group.MapPut("/{id:int}/rsvp", async Task<Results<Ok<RsvpResponse>, ValidationProblem, NotFound>> (int id, RsvpRequest request, ClaimsPrincipal user, EventQueries queries, EventRsvps rsvps, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            if (await queries.FindAsync(id, user, ct) is null) return TypedResults.NotFound();
            return Answer(await rsvps.AnswerAsync(id, TopicPermissions.MemberId(user)!.Value, request.Status, ct), l);
        }).WithName("RsvpToEvent").WithSummary("Answer an event: Going (Waitlisted when it is full), Maybe or NotGoing.").RequireAuthorization();

        group.MapDelete("/{id:int}/rsvp", async Task<Results<Ok<RsvpResponse>, ValidationProblem, NotFound>> (int id, ClaimsPrincipal user, EventQueries queries, EventRsvps rsvps, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            if (await queries.FindAsync(id, user, ct) is null) return TypedResults.NotFound();
            return Answer(await rsvps.CancelAsync(id, TopicPermissions.MemberId(user)!.Value, ct), l);
        }).WithName("CancelEventRsvp").WithSummary("Cancel one's answer: the seat goes to the first member on the waitlist, who is told.").RequireAuthorization();

        group.MapGet("/{id:int}/attendees", async Task<Results<Ok<List<AttendeeResponse>>, NotFound>> (int id, TribuDbContext db, EventQueries queries, CancellationToken ct) =>
            await db.Events.AnyAsync(e => e.Id == id, ct) ? TypedResults.Ok(await queries.AttendeesAsync(id, ct)) : TypedResults.NotFound())
            .WithName("ListEventAttendees").WithSummary("Who answered, the waitlist in order, and who attended (staff).").RequireAuthorization(Policies.Staff);

        group.MapPut("/{id:int}/attendees/{handle}/check-in", async Task<Results<NoContent, NotFound>> (int id, string handle, CheckInRequest request, ClaimsPrincipal user, TribuDbContext db, EventRsvps rsvps, CancellationToken ct) =>
        {
            if (await MemberIdAsync(db, handle, ct) is not { } memberId) return TypedResults.NotFound();
            var change = await rsvps.CheckInAsync(id, memberId, TopicPermissions.MemberId(user)!.Value, request.Attended, ct);
            return change.Succeeded ? TypedResults.NoContent() : TypedResults.NotFound();
        }).WithName("CheckInEventAttendee").WithSummary("Record that a member attended (staff); Attended=false undoes it.").RequireAuthorization(Policies.Staff);

        group.MapPost("/{id:int}/cancel", async Task<Results<Ok<EventResponse>, ValidationProblem, NotFound>> (int id, CancelEventRequest request, ClaimsPrincipal user, EventNotices notices, EventQueries queries, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            var change = await notices.CancelAsync(id, request.Reason, user, ct);
            return change.Outcome switch
            {
                Outcome.Ok => TypedResults.Ok(await queries.ResponseAsync(change.Value!, user, ct)),
                Outcome.NotFound => TypedResults.NotFound(),
                _ => TypedResults.ValidationProblem(change.Errors!, title: l["Validation.Title"]),
            };
        }).WithName("CancelEvent").WithSummary("Cancel an event (staff): answers close and everyone who answered is told, in-app and by mail, once.").RequireAuthorization(Policies.Staff);

        group.MapGet("/{id:int}/photos", async Task<Results<Ok<List<EventPhotoResponse>>, NotFound>> (int id, ClaimsPrincipal user, EventQueries queries, EventRecap recap, CancellationToken ct) =>
            await queries.FindAsync(id, user, ct) is null ? TypedResults.NotFound() : TypedResults.Ok(await recap.PhotosAsync(id, ct)))
            .WithName("ListEventPhotos").WithSummary("The photos of an event, in the order they were added.");

        group.MapPost("/{id:int}/photos", async Task<Results<Created<EventPhotoResponse>, ValidationProblem, NotFound>> (int id, EventPhotoRequest request, ClaimsPrincipal user, EventRecap recap, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            var change = await recap.AddUploadedPhotoAsync(id, user, request.Url, request.Alt, ct);
            return change.Outcome switch
            {
                Outcome.Ok => TypedResults.Created($"/api/v1/events/{id}/photos", change.Value!),
                Outcome.NotFound => TypedResults.NotFound(),
                _ => TypedResults.ValidationProblem(change.Errors!, title: l["Validation.Title"]),
            };
        }).WithName("AddEventPhoto").WithSummary("Add an uploaded image to an event's photos (staff); Alt describes it and is required.").RequireAuthorization(Policies.Staff);

        group.MapDelete("/{id:int}/photos/{photoId:long}", async Task<Results<NoContent, NotFound>> (int id, long photoId, EventRecap recap, CancellationToken ct) =>
            await recap.RemovePhotoAsync(id, photoId, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithName("RemoveEventPhoto").WithSummary("Remove a photo from an event (staff).").RequireAuthorization(Policies.Staff);

        group.MapPost("/{id:int}/discussion", async Task<Results<Ok<EventDiscussionResponse>, ValidationProblem, NotFound>> (int id, EventDiscussionRequest request, ClaimsPrincipal user, EventRecap recap, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            var change = await recap.OpenDiscussionAsync(id, user, request.Space, ct);
            return change.Outcome switch
            {
                Outcome.Ok => TypedResults.Ok(new EventDiscussionResponse(change.Value!.Id, $"/t/{change.Value.Id}/{change.Value.Slug}")),
                Outcome.NotFound => TypedResults.NotFound(),
                _ => TypedResults.ValidationProblem(change.Errors ?? new() { ["Space"] = [l["Events.SpaceInvalid"]] }, title: l["Validation.Title"]),
            };
        }).WithName("OpenEventDiscussion").WithSummary("Open (or find) the event's discussion topic (staff), in the given space or the event's own.").RequireAuthorization(Policies.Staff);
        return api;
    }

    /// <summary>The forms of the event pages, the .ics download and the private calendar feed.</summary>
    public static IEndpointRouteBuilder MapEventFormEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/events/{id:int}.ics", async Task<Results<ContentHttpResult, NotFound>> (int id, ClaimsPrincipal user, EventQueries queries, EventCalendar calendar, HttpContext http, CancellationToken ct) =>
            await IcsAsync(id, user, queries, calendar, http, ct)).ExcludeFromDescription();

        app.MapGet("/events/feed/{token}.ics", async Task<Results<ContentHttpResult, NotFound>> (string token, EventCalendar calendar, TribuDbContext db, TimeProvider clock, HttpContext http, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            if (await calendar.FeedOwnerAsync(token, ct) is not { } memberId) return TypedResults.NotFound();
            var since = clock.GetUtcNow().UtcDateTime.AddDays(-90);
            var events = await db.EventRsvps.AsNoTracking().Where(r => r.MemberId == memberId && r.Status == RsvpStatus.Going && r.Event!.EndsAt > since)
                .Select(r => r.Event!).OrderBy(e => e.StartsAt).Take(500).ToListAsync(ct);
            http.Response.Headers.CacheControl = "private, no-store";
            return TypedResults.Content(calendar.Feed(events, BaseUrl(http), l["Events.FeedName"]), EventCalendar.ContentType);
        }).ExcludeFromDescription();

        app.MapPost("/events/feed/renew", async (ClaimsPrincipal user, EventCalendar calendar, HttpContext http, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            await calendar.FeedTokenAsync(TopicPermissions.MemberId(user)!.Value, renew: true, ct);
            IdentityRedirectManager.SetStatus(http, l["Events.FeedRenewed"]);
            return TypedResults.LocalRedirect("/events");
        }).RequireAuthorization().AddEndpointFilter<Platform.Security.AntiforgeryFilter>().ExcludeFromDescription();

        app.MapPost("/events/{id:int}/rsvp", async Task<IResult> (int id, [FromForm] RsvpStatus status, ClaimsPrincipal user, EventQueries queries, EventRsvps rsvps, HttpContext http, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            if (await queries.FindAsync(id, user, ct) is null) return TypedResults.NotFound();
            var change = await rsvps.AnswerAsync(id, TopicPermissions.MemberId(user)!.Value, status, ct);
            IdentityRedirectManager.SetStatus(http, change.Succeeded ? Said(change.Value!, l) : string.Join(" ", change.Errors!.Values.SelectMany(v => v)));
            return TypedResults.LocalRedirect($"/events/{id}");
        }).RequireAuthorization().ExcludeFromDescription();

        app.MapPost("/events/{id:int}/attendees/check-in", async Task<IResult> (int id, [FromForm] string handle, [FromForm] bool attended, [FromForm] string? next, ClaimsPrincipal user, TribuDbContext db, EventRsvps rsvps, HttpContext http, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            if (await MemberIdAsync(db, handle, ct) is not { } memberId) return TypedResults.NotFound();
            var change = await rsvps.CheckInAsync(id, memberId, TopicPermissions.MemberId(user)!.Value, attended, ct);
            if (!change.Succeeded) return TypedResults.NotFound();
            IdentityRedirectManager.SetStatus(http, attended ? l["Events.CheckedIn", handle] : l["Events.CheckInUndone", handle]);
            // From the ticket scanner: back to it, ready for the next ticket.
            return TypedResults.LocalRedirect(next == "check-in" ? $"/events/{id}/check-in" : $"/events/{id}/attendees");
        }).RequireAuthorization(Policies.Staff).ExcludeFromDescription();

        app.MapPost("/events/{id:int}/cancel", async Task<IResult> (int id, [FromForm] string? reason, ClaimsPrincipal user, EventNotices notices, HttpContext http, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            var change = await notices.CancelAsync(id, reason, user, ct);
            if (change.Outcome == Outcome.NotFound) return TypedResults.NotFound();
            IdentityRedirectManager.SetStatus(http, change.Succeeded ? l["Events.CancelledDone"] : string.Join(" ", change.Errors!.Values.SelectMany(v => v)));
            return TypedResults.LocalRedirect(change.Succeeded ? $"/events/{id}" : $"/events/{id}/edit");
        }).RequireAuthorization(Policies.Staff).ExcludeFromDescription();

        app.MapPost("/events/{id:int}/photos", async Task<IResult> (int id, [FromForm] string? alt, ClaimsPrincipal user, EventRecap recap, HttpContext http, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            var form = await http.Request.ReadFormAsync(ct);
            var file = form.Files.GetFile(Uploads.UploadsFeature.FormField);
            Change<EventPhotoResponse> change;
            if (file is null || file.Length == 0) change = Change<EventPhotoResponse>.Invalid(new() { ["File"] = [l["Upload.Error.Empty"]] });
            else
            {
                await using var stream = file.OpenReadStream();
                change = await recap.AddPhotoAsync(id, user, stream, file.Length, file.FileName, alt, ct);
            }
            if (change.Outcome == Outcome.NotFound) return TypedResults.NotFound();
            IdentityRedirectManager.SetStatus(http, change.Succeeded ? l["Events.PhotoAdded"] : string.Join(" ", change.Errors!.Values.SelectMany(v => v)));
            return TypedResults.LocalRedirect($"/events/{id}#photos");
        }).RequireAuthorization(Policies.Staff).ExcludeFromDescription();

        app.MapPost("/events/{id:int}/photos/{photoId:long}/delete", async Task<IResult> (int id, long photoId, EventRecap recap, HttpContext http, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            if (!await recap.RemovePhotoAsync(id, photoId, ct)) return TypedResults.NotFound();
            IdentityRedirectManager.SetStatus(http, l["Events.PhotoRemoved"]);
            return TypedResults.LocalRedirect($"/events/{id}#photos");
        }).RequireAuthorization(Policies.Staff).AddEndpointFilter<Platform.Security.AntiforgeryFilter>().ExcludeFromDescription();

        app.MapPost("/events/{id:int}/discussion", async Task<IResult> (int id, [FromForm] string? space, ClaimsPrincipal user, EventRecap recap, HttpContext http, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            var change = await recap.OpenDiscussionAsync(id, user, space, ct);
            if (change.Outcome == Outcome.NotFound) return TypedResults.NotFound();
            if (change.Succeeded) return TypedResults.LocalRedirect($"/t/{change.Value!.Id}/{change.Value.Slug}");
            IdentityRedirectManager.SetStatus(http, string.Join(" ", (change.Errors ?? new() { [""] = [l["Events.SpaceInvalid"]] }).Values.SelectMany(v => v)));
            return TypedResults.LocalRedirect($"/events/{id}#discussion");
        }).RequireAuthorization(Policies.Staff).ExcludeFromDescription();
        return app;
    }

    /// <summary>What a member reads after answering: going, or waitlisted and where.</summary>
    public static string Said(RsvpState state, IStringLocalizer<UiStrings> l) => state.Status == RsvpStatus.Waitlisted
        ? l["Events.Said.Waitlisted", state.WaitlistRank ?? 1]
        : l["Events.Said." + state.Status];

    private static Results<Ok<RsvpResponse>, ValidationProblem, NotFound> Answer(Change<RsvpState> change, IStringLocalizer<UiStrings> l) => change.Outcome switch
    {
        Outcome.Ok => TypedResults.Ok(new RsvpResponse(change.Value!.Status, change.Value.WaitlistRank)),
        Outcome.NotFound => TypedResults.NotFound(),
        _ => TypedResults.ValidationProblem(change.Errors!, title: l["Validation.Title"]),
    };

    private static async Task<Results<ContentHttpResult, NotFound>> IcsAsync(int id, ClaimsPrincipal user, EventQueries queries, EventCalendar calendar, HttpContext http, CancellationToken ct)
    {
        if (await queries.FindAsync(id, user, ct) is not { } ev) return TypedResults.NotFound();
        var mine = await queries.MineAsync(id, user, ct);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"event-{id}.ics\"";
        return TypedResults.Content(calendar.ForOne(ev, BaseUrl(http), EventQueries.MaySeeLink(mine, user)), EventCalendar.ContentType);
    }

    private static async Task<Guid?> MemberIdAsync(TribuDbContext db, string handle, CancellationToken ct)
    {
        var wanted = (handle ?? "").TrimStart('@').ToLowerInvariant();
        return await db.Users.Where(u => u.Handle == wanted).Select(u => (Guid?)u.Id).FirstOrDefaultAsync(ct);
    }

    public static string BaseUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
}
