using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Accounts;
using Tribu.Web.Features.Inbox.Replies;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Security;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Inbox;

/// <summary>An inbox item as the API returns it.</summary>
public sealed record InboxItemResponse(
    long Id, string Channel, string Status, string Priority, bool PriorityIsManual, string Subject, string Text, string Language, string Sentiment, string? Url,
    string? AuthorHandle, string? AuthorName, int? AuthorFollowers, Guid? AuthorMemberId, Guid? AssigneeId, int? TeamId, IReadOnlyList<string> Tags,
    long? MentionId, long? TopicId, long? PostId, int? WatchId, int? SocialAccountId, DateTime OccurredAt, DateTime CreatedAt, DateTime UpdatedAt,
    DateTime? FirstResponseAt, DateTime? ResolvedAt, DateTime? FirstResponseDueAt, DateTime? ResolutionDueAt, string Sla,
    string TicketState, string? TicketId, string? TicketUrl, string? TicketStatus, string? LastReplyError, int ReplyCount, int NoteCount)
{
    public static InboxItemResponse From(InboxItem i, SlaClock sla) => new(i.Id, i.Channel.ToString(), i.Status.ToString(), i.Priority.ToString(), i.PriorityIsManual,
        i.Subject, i.Excerpt, i.Language, i.Sentiment.ToString(), i.Url, i.AuthorHandle, i.AuthorName, i.AuthorFollowers, i.AuthorMemberId, i.AssigneeId, i.TeamId,
        [.. i.TagList], i.MentionId, i.TopicId, i.PostId, i.WatchId, i.SocialAccountId, i.OccurredAt, i.CreatedAt, i.UpdatedAt, i.FirstResponseAt, i.ResolvedAt,
        i.FirstResponseDueAt, i.ResolutionDueAt, sla.State.ToString(), i.TicketState.ToString(), i.TicketId, i.TicketUrl, i.TicketStatus, i.LastReplyError,
        i.ReplyCount, i.NoteCount);
}

public sealed record InboxListResponse(IReadOnlyList<InboxRowResponse> Items, int Total, int Page, int Pages, IReadOnlyDictionary<string, int> Counts);

public sealed record InboxRowResponse(long Id, string Channel, string Status, string Priority, string Subject, string Excerpt, string? AuthorName, string? AuthorHandle,
    string Language, string Sentiment, Guid? AssigneeId, string? AssigneeName, string? TeamName, IReadOnlyList<string> Tags, DateTime CreatedAt, DateTime? FirstResponseAt,
    DateTime? ResolvedAt, string Sla, DateTime? DueAt, string TicketState, int ReplyCount, int NoteCount)
{
    public static InboxRowResponse From(InboxRow r) => new(r.Id, r.Channel.ToString(), r.Status.ToString(), r.Priority.ToString(), r.Subject, r.Excerpt, r.AuthorName,
        r.AuthorHandle, r.Language, r.Sentiment.ToString(), r.AssigneeId, r.AssigneeName, r.TeamName, [.. r.TagList], r.CreatedAt, r.FirstResponseAt, r.ResolvedAt,
        r.Sla.State.ToString(), r.Sla.DueAt, r.TicketState.ToString(), r.ReplyCount, r.NoteCount);
}

public sealed record InboxEventResponse(long Id, DateTime At, string Kind, Guid? ActorId, string? ActorName, string? From, string? To, string? Text);

public sealed record InboxReplyResponse(long Id, DateTime CreatedAt, Guid AuthorId, string AuthorName, string Route, string Body, string State, string? Url, string? Error);

public sealed record InboxDetailResponse(InboxItemResponse Item, IReadOnlyList<InboxEventResponse> History, IReadOnlyList<InboxReplyResponse> Replies);

public sealed record StatusRequest(string? Status);
public sealed record AssignRequest(Guid? AssigneeId, int? TeamId);
public sealed record PriorityRequest(string? Priority);
public sealed record TagsRequest(IReadOnlyList<string>? Tags);
public sealed record NoteRequest(string? Text);
public sealed record ReplyApiRequest(string? Body, string? Route = null, int? SavedReplyId = null, string? Then = null, int? KnownReplies = null, bool Confirmed = false);
public sealed record PresenceRequest(bool Typing);

/// <summary>Several items at once: <c>action</c> is assign-me, assign, unassign, status, tag or untag, with <c>value</c> (a member id, a status, a tag).</summary>
public sealed record BulkRequest(IReadOnlyList<long>? Ids, string? Action, string? Value);
public sealed record BulkResponse(int Changed, IReadOnlyList<long> NotFound);

public static class InboxEndpoints
{
    public const int MaxBulk = 200;

    public static RouteGroupBuilder MapInboxEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/inbox").WithTags("Inbox").RequireAuthorization(Policies.Manager);

        group.MapGet("/items", async Task<Results<Ok<InboxListResponse>, ValidationProblem>> (string? view, string? channel, string? tag, string? priority, Guid? assignee, int? team,
                string? language, string? text, string? sort, int? page, ClaimsPrincipal user, InboxQueries queries, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            {
                var errors = new Dictionary<string, string[]>();
                var filter = Parse(view, channel, tag, priority, assignee, team, language, text, sort, page, errors, l);
                if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: l["Form.ErrorsTitle"]);
                var result = await queries.ListAsync(filter, TopicPermissions.MemberId(user)!.Value, ct);
                return TypedResults.Ok(new InboxListResponse([.. result.Rows.Select(InboxRowResponse.From)], result.Total, result.Page, result.Pages,
                    result.Counts.ToDictionary(c => c.Key.ToString(), c => c.Value)));
            })
            .WithName("ListInboxItems").WithSummary("The queue: view all (open and pending), mine, unassigned, breaching, pending or done; filters by channel, tag, priority, assignee, team, language and text; 50 per page.");

        group.MapGet("/items/{id:long}", async Task<Results<Ok<InboxDetailResponse>, NotFound>> (long id, InboxQueries queries, CancellationToken ct) =>
                await queries.DetailAsync(id, ct) is { } d ? TypedResults.Ok(Detail(d)) : TypedResults.NotFound())
            .WithName("GetInboxItem").WithSummary("One item with its history (notes included) and replies.");

        group.MapPut("/items/{id:long}/status", async Task<Results<Ok<InboxItemResponse>, NotFound, ValidationProblem>> (long id, StatusRequest request, ClaimsPrincipal user,
                InboxService inbox, InboxQueries queries, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            {
                if (InboxFilter.ParseEnum<InboxStatus>(request.Status) is not { } status)
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [l["Inbox.Error.Status"]] }, title: l["Form.ErrorsTitle"]);
                }
                return await Respond(await inbox.SetStatusAsync(id, status, TopicPermissions.MemberId(user), null, ct), queries, l, ct);
            })
            .WithName("SetInboxItemStatus").WithSummary("Open, Pending, Resolved or Closed.");

        group.MapPut("/items/{id:long}/assignee", async Task<Results<Ok<InboxItemResponse>, NotFound, ValidationProblem>> (long id, AssignRequest request, ClaimsPrincipal user,
                InboxService inbox, InboxQueries queries, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
                await Respond(await inbox.AssignAsync(id, request.AssigneeId, request.TeamId, TopicPermissions.MemberId(user), ct), queries, l, ct))
            .WithName("AssignInboxItem").WithSummary("Assigns to an admin or community manager, a team, both, or nobody (both null).");

        group.MapPut("/items/{id:long}/priority", async Task<Results<Ok<InboxItemResponse>, NotFound, ValidationProblem>> (long id, PriorityRequest request, ClaimsPrincipal user,
                InboxService inbox, InboxQueries queries, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            {
                InboxPriority? priority = null;
                if (!string.IsNullOrEmpty(request.Priority) && request.Priority != "auto")
                {
                    priority = InboxFilter.ParseEnum<InboxPriority>(request.Priority);
                    if (priority is null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["priority"] = [l["Inbox.Error.Priority"]] }, title: l["Form.ErrorsTitle"]);
                }
                return await Respond(await inbox.SetPriorityAsync(id, priority, TopicPermissions.MemberId(user), ct), queries, l, ct);
            })
            .WithName("SetInboxItemPriority").WithSummary("Low, Normal, High or Urgent (its SLA targets follow); \"auto\" or null goes back to the computed priority.");

        group.MapPut("/items/{id:long}/tags", async Task<Results<Ok<InboxItemResponse>, NotFound, ValidationProblem>> (long id, TagsRequest request, ClaimsPrincipal user,
                InboxService inbox, InboxQueries queries, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
                await Respond(await inbox.SetTagsAsync(id, request.Tags ?? [], TopicPermissions.MemberId(user), ct), queries, l, ct))
            .WithName("SetInboxItemTags").WithSummary("Replaces the item's tags (lower-cased, unique).");

        group.MapPost("/items/{id:long}/notes", async Task<Results<Created<InboxEventResponse>, NotFound, ValidationProblem>> (long id, NoteRequest request, ClaimsPrincipal user,
                InboxService inbox, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            {
                var change = await inbox.AddNoteAsync(id, request.Text, TopicPermissions.MemberId(user)!.Value, ct);
                return change.Outcome switch
                {
                    Outcome.Ok => TypedResults.Created($"/api/v1/inbox/items/{id}", Event(change.Value!, null)),
                    Outcome.NotFound => TypedResults.NotFound(),
                    _ => TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]),
                };
            })
            .WithName("AddInboxNote").WithSummary("An internal note on the item: staff only, never sent.");

        group.MapPost("/items/{id:long}/responded", async Task<Results<Ok<InboxItemResponse>, NotFound, ValidationProblem>> (long id, NoteRequest request, ClaimsPrincipal user,
                InboxService inbox, InboxQueries queries, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
                await Respond(await inbox.MarkRespondedAsync(id, TopicPermissions.MemberId(user)!.Value, request.Text, ct), queries, l, ct))
            .WithName("MarkInboxItemResponded").WithSummary("Records an answer given outside Tribu (text: how); the first-response time stops.");

        group.MapGet("/items/{id:long}/replies", async Task<Results<Ok<List<InboxReplyResponse>>, NotFound>> (long id, InboxQueries queries, CancellationToken ct) =>
                await queries.DetailAsync(id, ct) is { } d ? TypedResults.Ok(d.Replies.Select(Reply).ToList()) : TypedResults.NotFound())
            .WithName("ListInboxReplies").WithSummary("The replies sent (or that failed) from the inbox for this item.");

        group.MapPost("/items/{id:long}/replies", async Task<Results<Created<InboxReplyResponse>, NotFound, ValidationProblem, Conflict<ProblemDetails>, UnprocessableEntity<ProblemDetails>>> (
                long id, ReplyApiRequest request, ClaimsPrincipal user, InboxReplies replies, TribuDbContext db, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            {
                var errors = new Dictionary<string, string[]>();
                ReplyRoute? route = null;
                if (!string.IsNullOrEmpty(request.Route) && (route = InboxFilter.ParseEnum<ReplyRoute>(request.Route)) is null) errors["route"] = [l["Inbox.Reply.Error.NoRoute"]];
                InboxStatus? then = null;
                if (!string.IsNullOrEmpty(request.Then) && (then = InboxFilter.ParseEnum<InboxStatus>(request.Then)) is null) errors["then"] = [l["Inbox.Error.Status"]];
                if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: l["Form.ErrorsTitle"]);
                var me = TopicPermissions.MemberId(user)!.Value;
                var outcome = await replies.SendAsync(id, me, new ReplyRequest(request.Body, route, request.SavedReplyId, then, request.KnownReplies, request.Confirmed), ct);
                if (outcome.Outcome == Outcome.NotFound) return TypedResults.NotFound();
                if (outcome.Collision is { } other)
                {
                    return TypedResults.Conflict(new ProblemDetails
                    {
                        Status = StatusCodes.Status409Conflict, Title = l["Inbox.Reply.CollisionTitle"], Detail = outcome.Errors!["confirm"][0],
                        Extensions = { ["replyId"] = other.Id, ["confirmWith"] = "confirmed: true" },
                    });
                }
                if (outcome.Outcome != Outcome.Ok) return TypedResults.ValidationProblem(outcome.Errors!, title: l["Form.ErrorsTitle"]);
                var sent = outcome.Reply!;
                var name = await db.Users.Where(u => u.Id == me).Select(u => u.DisplayName).FirstAsync(ct);
                var response = new InboxReplyResponse(sent.Id, sent.CreatedAt, me, name, sent.Route.ToString(), sent.Body, sent.State.ToString(), sent.Url, sent.Error);
                if (sent.State == ReplyState.Failed)
                {
                    var item = await db.InboxItems.AsNoTracking().Where(i => i.Id == id).Select(i => i.LastReplyError).FirstAsync(ct);
                    return TypedResults.UnprocessableEntity(new ProblemDetails
                    {
                        Status = StatusCodes.Status422UnprocessableEntity, Title = l["Inbox.Reply.FailedTitle"], Detail = item, Extensions = { ["reply"] = response },
                    });
                }
                return TypedResults.Created($"/api/v1/inbox/items/{id}/replies", response);
            })
            .WithName("ReplyToInboxItem").WithSummary("Sends a reply where the item lives (route Community, Mastodon or Bluesky; default the first possible). 409 when someone else replied since knownReplies: send again with confirmed=true. 422 when the network refused it (the item stays open, the error recorded).");

        group.MapPost("/items/bulk", async Task<Results<Ok<BulkResponse>, ValidationProblem>> (BulkRequest request, ClaimsPrincipal user, InboxService inbox, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            {
                var result = await BulkAsync(inbox, request, TopicPermissions.MemberId(user)!.Value, l, ct);
                return result.Errors is { } errors ? TypedResults.ValidationProblem(errors, title: l["Form.ErrorsTitle"]) : TypedResults.Ok(result.Response!);
            })
            .WithName("BulkInboxAction").WithSummary("One action on up to 200 items: assign-me, assign (value: member id), unassign, status (value), tag or untag (value).");

        group.MapPut("/items/{id:long}/presence", async Task<Results<Ok<IReadOnlyList<PresenceRow>>, NotFound>> (long id, PresenceRequest request, ClaimsPrincipal user,
                TribuDbContext db, InboxPresences presences, CancellationToken ct) =>
            {
                if (!await db.InboxItems.AnyAsync(i => i.Id == id, ct)) return TypedResults.NotFound();
                return TypedResults.Ok(await presences.BeatAsync(id, TopicPermissions.MemberId(user)!.Value, request.Typing, ct));
            })
            .WithName("InboxPresence").WithSummary("I have this item open (typing or not): call every 15 s while it is; answers who else has it open.");
        group.MapDelete("/items/{id:long}/presence", async Task<NoContent> (long id, ClaimsPrincipal user, InboxPresences presences, CancellationToken ct) =>
            {
                await presences.LeaveAsync(id, TopicPermissions.MemberId(user)!.Value, ct);
                return TypedResults.NoContent();
            })
            .WithName("LeaveInboxItem").WithSummary("I closed this item.");

        group.MapGet("/stats", async Task<Ok<InboxStats>> (DateOnly? from, DateOnly? to, InboxStatsQueries stats, CancellationToken ct) =>
                TypedResults.Ok(await stats.ComputeAsync(from, to, ct)))
            .WithName("InboxStats").WithSummary("First-response and resolution times (median, average, 90th percentile, within SLA), volume per channel and per tag, over items created between from and to (UTC days; default the last 30 days).");

        return group;
    }

    /// <summary>The pages' live streams, the keyboard's small actions, and the queue's bulk form.</summary>
    public static IEndpointRouteBuilder MapInboxFiles(this IEndpointRouteBuilder app)
    {
        app.MapGet("/manage/inbox/stream", async (HttpContext http, ILiveBus bus, TribuDbContext db, CancellationToken ct) =>
                await ServerSentEvents.StreamAsync(http, bus, LiveChannels.Inbox, "changed",
                    async () => (await db.InboxItems.MaxAsync(i => (DateTime?)i.UpdatedAt, ct))?.Ticks.ToString(CultureInfo.InvariantCulture) ?? "0", ct))
            .RequireAuthorization(Policies.Manager).ExcludeFromDescription();
        app.MapGet("/manage/inbox/items/{id:long}/stream", async (long id, HttpContext http, ILiveBus bus, InboxPresences presences, TribuDbContext db, CancellationToken ct) =>
                await ServerSentEvents.StreamAsync(http, bus, LiveChannels.InboxItem(id), "changed",
                    async () => JsonSerializer.Serialize(new
                    {
                        updated = (await db.InboxItems.Where(i => i.Id == id).Select(i => (DateTime?)i.UpdatedAt).FirstOrDefaultAsync(ct))?.Ticks ?? 0,
                        replies = await db.InboxReplies.CountAsync(r => r.ItemId == id, ct),
                        presence = await presences.WhoAsync(id, ct),
                    }, JsonSerializerOptions.Web), ct))
            .RequireAuthorization(Policies.Manager).ExcludeFromDescription();

        var forms = app.MapGroup("/manage/inbox").RequireAuthorization(Policies.Manager).ExcludeFromDescription().AddEndpointFilter<AntiforgeryFilter>();
        forms.MapPost("/items/{id:long}/status", async (long id, [FromForm] string? status, [FromForm] string? next, HttpContext http, InboxService inbox, InboxQueries queries,
            IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            if (InboxFilter.ParseEnum<InboxStatus>(status) is not { } s) return Back(http, id, "!" + l["Inbox.Error.Status"]);
            var me = TopicPermissions.MemberId(http.User)!.Value;
            var change = await inbox.SetStatusAsync(id, s, me, null, ct);
            if (change.Outcome == Outcome.NotFound) return Results.NotFound();
            IdentityRedirectManager.SetStatus(http, l["Inbox.StatusDone", l["Inbox.Status." + s]]);
            // "Resolve and next": on to the next item that needs someone.
            if (next == "true" && await queries.NextAsync(id, me, ct) is { } following) return Results.LocalRedirect($"/manage/inbox/items/{following}");
            return Results.LocalRedirect($"/manage/inbox/items/{id}");
        });
        forms.MapPost("/items/{id:long}/assign", async (long id, [FromForm] string? assignee, HttpContext http, InboxService inbox, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            var me = TopicPermissions.MemberId(http.User)!.Value;
            Guid? person = null;
            int? team = null;
            if (assignee == "me") person = me;
            else if (assignee?.StartsWith("team:", StringComparison.Ordinal) == true && int.TryParse(assignee.AsSpan(5), CultureInfo.InvariantCulture, out var t)) team = t;
            else if (Guid.TryParse(assignee, out var g)) person = g;
            var change = await inbox.AssignAsync(id, person, team, me, ct);
            return change.Outcome == Outcome.NotFound ? Results.NotFound()
                : Back(http, id, change.Succeeded ? l[person is null && team is null ? "Inbox.UnassignedDone" : "Inbox.AssignedDone"] : "!" + Errors(change.Errors));
        });
        forms.MapPost("/items/{id:long}/priority", async (long id, [FromForm] string? priority, HttpContext http, InboxService inbox, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            var p = priority is null or "" or "auto" ? null : InboxFilter.ParseEnum<InboxPriority>(priority);
            if (p is null && priority is not (null or "" or "auto")) return Back(http, id, "!" + l["Inbox.Error.Priority"]);
            var change = await inbox.SetPriorityAsync(id, p, TopicPermissions.MemberId(http.User), ct);
            return change.Outcome == Outcome.NotFound ? Results.NotFound() : Back(http, id, l["Inbox.PriorityDone"]);
        });
        forms.MapPost("/items/{id:long}/tags", async (long id, [FromForm] string? tags, HttpContext http, InboxService inbox, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            var change = await inbox.SetTagsAsync(id, InboxTags.Split(tags), TopicPermissions.MemberId(http.User), ct);
            return change.Outcome == Outcome.NotFound ? Results.NotFound() : Back(http, id, change.Succeeded ? l["Inbox.TagsDone"] : "!" + Errors(change.Errors));
        });
        forms.MapPost("/items/{id:long}/responded", async (long id, [FromForm] string? how, HttpContext http, InboxService inbox, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            var change = await inbox.MarkRespondedAsync(id, TopicPermissions.MemberId(http.User)!.Value, how, ct);
            return change.Outcome == Outcome.NotFound ? Results.NotFound() : Back(http, id, l["Inbox.RespondedDone"]);
        });
        forms.MapPost("/bulk", async ([FromForm] string? action, [FromForm] string? value, [FromForm] string? back, HttpContext http, InboxService inbox,
            IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            var form = await http.Request.ReadFormAsync(ct);
            var ids = form["ids"].Select(v => long.TryParse(v, CultureInfo.InvariantCulture, out var i) ? i : 0).Where(i => i > 0).ToList();
            // The page's action list says "status:Resolved": the action and its value in one choice.
            if (action?.Split(':', 2) is [var verb, var what]) (action, value) = (verb, what);
            var result = await BulkAsync(inbox, new BulkRequest(ids, action, value), TopicPermissions.MemberId(http.User)!.Value, l, ct);
            IdentityRedirectManager.SetStatus(http, result.Errors is { } errors ? "!" + Errors(errors) : l["Inbox.BulkDone", result.Response!.Changed].Value);
            return Results.LocalRedirect(back is { } b && b.StartsWith("/manage/inbox", StringComparison.Ordinal) && !b.StartsWith("//", StringComparison.Ordinal) ? b : "/manage/inbox");
        });
        return app;
    }

    private static async Task<(BulkResponse? Response, Dictionary<string, string[]>? Errors)> BulkAsync(InboxService inbox, BulkRequest request, Guid me, IStringLocalizer<UiStrings> l, CancellationToken ct)
    {
        var ids = (request.Ids ?? []).Distinct().ToList();
        if (ids.Count == 0) return (null, new() { ["ids"] = [l["Inbox.Bulk.NoneSelected"]] });
        if (ids.Count > MaxBulk) return (null, new() { ["ids"] = [l["Inbox.Bulk.TooMany", MaxBulk]] });
        Func<long, Task<Change<InboxItem>>>? apply = request.Action switch
        {
            "assign-me" => id => inbox.AssignAsync(id, me, null, me, ct),
            "unassign" => id => inbox.AssignAsync(id, null, null, me, ct),
            "assign" when Guid.TryParse(request.Value, out var person) => id => inbox.AssignAsync(id, person, null, me, ct),
            "status" when InboxFilter.ParseEnum<InboxStatus>(request.Value) is { } status => id => inbox.SetStatusAsync(id, status, me, null, ct),
            "tag" when InboxTags.Normalize(request.Value ?? "") is { Length: > 0 } tag => async id => await inbox.AddTagAsync(id, tag, me, add: true, ct),
            "untag" when InboxTags.Normalize(request.Value ?? "") is { Length: > 0 } tag => async id => await inbox.AddTagAsync(id, tag, me, add: false, ct),
            _ => null,
        };
        if (apply is null) return (null, new() { ["action"] = [l["Inbox.Bulk.BadAction"]] });
        var changed = 0;
        var missing = new List<long>();
        foreach (var id in ids)
        {
            var change = await apply(id);
            if (change.Outcome == Outcome.NotFound) missing.Add(id);
            else if (change.Succeeded) changed++;
            else return (null, change.Errors);
        }
        return (new BulkResponse(changed, missing), null);
    }

    private static IResult Back(HttpContext http, long id, string message)
    {
        IdentityRedirectManager.SetStatus(http, message);
        return Results.LocalRedirect($"/manage/inbox/items/{id}");
    }

    private static string Errors(Dictionary<string, string[]>? errors) => string.Join(" ", errors?.Values.SelectMany(v => v) ?? []);

    internal static InboxFilter Parse(string? view, string? channel, string? tag, string? priority, Guid? assignee, int? team, string? language, string? text, string? sort, int? page,
        Dictionary<string, string[]> errors, IStringLocalizer l)
    {
        InboxView v = InboxView.All;
        if (!string.IsNullOrEmpty(view) && InboxFilter.ParseEnum<InboxView>(view) is not { } parsedView) errors["view"] = [l["Inbox.Error.View"]];
        else if (!string.IsNullOrEmpty(view)) v = InboxFilter.ParseEnum<InboxView>(view)!.Value;
        var c = InboxFilter.ParseEnum<InboxChannel>(channel);
        if (!string.IsNullOrEmpty(channel) && c is null) errors["channel"] = [l["Inbox.Error.Channel"]];
        var p = InboxFilter.ParseEnum<InboxPriority>(priority);
        if (!string.IsNullOrEmpty(priority) && p is null) errors["priority"] = [l["Inbox.Error.Priority"]];
        var s = InboxFilter.ParseEnum<InboxSort>(sort) ?? InboxSort.Due;
        var t = string.IsNullOrWhiteSpace(text) ? null : text.Trim() is { Length: > InboxFilter.MaxTextLength } long_ ? long_[..InboxFilter.MaxTextLength] : text.Trim();
        return new InboxFilter(v, c, string.IsNullOrWhiteSpace(tag) ? null : tag.Trim(), p, assignee, team, language is "fr" or "en" or "other" ? language : null, t, s, Math.Max(1, page ?? 1));
    }

    private static async Task<Results<Ok<InboxItemResponse>, NotFound, ValidationProblem>> Respond(Change<InboxItem> change, InboxQueries queries, IStringLocalizer<UiStrings> l, CancellationToken ct)
    {
        if (change.Outcome == Outcome.NotFound) return TypedResults.NotFound();
        if (!change.Succeeded) return TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]);
        var detail = await queries.DetailAsync(change.Value!.Id, ct);
        return TypedResults.Ok(InboxItemResponse.From(detail!.Item, detail.Sla));
    }

    private static InboxDetailResponse Detail(InboxDetail d) =>
        new(InboxItemResponse.From(d.Item, d.Sla), [.. d.Events.Select(e => new InboxEventResponse(e.Id, e.At, e.Kind.ToString(), e.ActorId, e.ActorName, e.From, e.To, e.Text))],
            [.. d.Replies.Select(Reply)]);

    private static InboxReplyResponse Reply(InboxReplyRow r) => new(r.Id, r.CreatedAt, r.AuthorId, r.AuthorName, r.Route.ToString(), r.Body, r.State.ToString(), r.Url, r.Error);

    private static InboxEventResponse Event(InboxEvent e, string? actor) => new(e.Id, e.At, e.Kind.ToString(), e.ActorId, actor, e.From, e.To, e.Text);
}
