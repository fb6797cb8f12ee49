using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Accounts;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Security;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Moderation;

/// <summary>Merge and split for the API; lock and move as plain forms for the topic moderation page and the queue.</summary>
public static class TopicSurgeryEndpoints
{
    public static RouteGroupBuilder MapTopicSurgeryEndpoints(this RouteGroupBuilder api)
    {
        var topics = api.MapGroup("").WithTags("Moderation").RequireAuthorization();
        topics.MapPost("/topics/{id:long}/merge", MergeAsync).WithName("MergeTopic")
            .WithSummary("Merge a topic into another (moderators of both spaces): its posts follow the target's, renumbered; its address then leads to the target. A second merge is a 409 saying who merged it.");
        topics.MapPost("/topics/{id:long}/split", SplitAsync).WithName("SplitTopic")
            .WithSummary("Move replies (never the opening post) into a new topic in a space the caller moderates; the first of them opens it. Replies already split are a 409 saying who split them.");
        return api;
    }

    private static async Task<Results<Ok<TopicSurgeryResponse>, ValidationProblem, NotFound, ProblemHttpResult>> MergeAsync(
        long id, MergeTopicRequest request, ClaimsPrincipal user, TopicSurgery surgery, IStringLocalizer<UiStrings> l, CancellationToken ct)
    {
        var change = await surgery.MergeAsync(user, id, request.TargetTopicId, request.Message, ct);
        return change.Outcome switch
        {
            Outcome.Ok => TypedResults.Ok(TopicSurgeryResponse.From(change.Value!)),
            Outcome.NotFound => TypedResults.NotFound(),
            Outcome.Invalid when AlreadyDone(change) => Conflict(change, l),
            Outcome.Invalid => TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]),
            _ => Forbidden(change, l),
        };
    }

    private static async Task<Results<Created<TopicSurgeryResponse>, ValidationProblem, NotFound, ProblemHttpResult>> SplitAsync(
        long id, SplitTopicRequest request, ClaimsPrincipal user, TopicSurgery surgery, IStringLocalizer<UiStrings> l, CancellationToken ct)
    {
        var change = await surgery.SplitAsync(user, id, new SplitInput(request.PostIds, request.Title, request.SpaceSlug, request.Kind, request.Message), ct);
        return change.Outcome switch
        {
            Outcome.Ok => TypedResults.Created($"/api/v1/topics/{change.Value!.Topic.Id}", TopicSurgeryResponse.From(change.Value)),
            Outcome.NotFound => TypedResults.NotFound(),
            Outcome.Invalid when AlreadyDone(change) => Conflict(change, l),
            Outcome.Invalid => TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]),
            _ => Forbidden(change, l),
        };
    }

    /// <summary>Errors with no field: the action was already done (or the topic changed meanwhile), said with who and when.</summary>
    private static bool AlreadyDone<T>(Change<T> change) => change.Errors!.Keys.All(k => k.Length == 0);

    private static ProblemHttpResult Conflict<T>(Change<T> change, IStringLocalizer<UiStrings> l) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: l["Surgery.ConflictTitle"], detail: change.Errors![""][0]);

    private static ProblemHttpResult Forbidden<T>(Change<T> change, IStringLocalizer<UiStrings> l) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: l["Status.403.Title"],
            detail: change.Errors is { } why && why.TryGetValue("", out var reason) ? reason[0] : l["Topic.NotAllowed"]);

    /// <summary>
    /// Lock and move from the topic moderation page and from a queue item: back where the form was, with what was done.
    /// The queue's small forms have no message box, only "tell the author" (<c>notify</c>): the standard message, in their language.
    /// </summary>
    public static IEndpointRouteBuilder MapTopicSurgeryForms(this IEndpointRouteBuilder app)
    {
        var forms = app.MapGroup("/t/{id:long}/moderate").RequireAuthorization().ExcludeFromDescription().AddEndpointFilter<AntiforgeryFilter>();
        forms.MapPost("/lock", async (long id, [FromForm] bool? locked, [FromForm] string? message, [FromForm] bool? notify, [FromForm] string? back,
            HttpContext http, TopicSurgery surgery, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            var on = locked ?? true;
            var change = await surgery.SetLockAsync(http.User, id, on, message, notify == true, ct);
            return Back(http, change, id, back, () => l[on ? "Surgery.LockedDone" : "Surgery.UnlockedDone"]);
        });
        forms.MapPost("/move", async (long id, [FromForm] string? space, [FromForm] string? message, [FromForm] bool? notify, [FromForm] string? back,
            HttpContext http, TopicSurgery surgery, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            var change = await surgery.MoveAsync(http.User, id, space, message, notify == true, ct);
            return Back(http, change, id, back, () => l["Surgery.MovedDone", change.Value!.Topic.Space!.Name]);
        });
        return app;
    }

    private static IResult Back(HttpContext http, Change<SurgeryOutcome> change, long id, string? back, Func<string> done)
    {
        if (change.Outcome == Outcome.Forbidden) return Results.Forbid();
        if (change.Outcome == Outcome.NotFound) return Results.NotFound();
        IdentityRedirectManager.SetStatus(http, change.Outcome == Outcome.Ok ? done() : string.Join(" ", change.Errors!.Values.SelectMany(v => v)));
        return Results.LocalRedirect(back == "queue" ? "/manage/moderation" : $"/t/{id}/moderate");
    }
}

/// <summary>The topic to merge into, and an optional message to the moved posts' authors (each told once).</summary>
public sealed record MergeTopicRequest(long? TargetTopicId, string? Message = null);

/// <summary>
/// Replies to move (ids, never the opening post) into a new topic titled <c>Title</c> in the space <c>SpaceSlug</c>;
/// <c>Kind</c>: Discussion (default), Question or Announcement; an optional message to their authors.
/// </summary>
public sealed record SplitTopicRequest(long[]? PostIds, string? Title, string? SpaceSlug, string? Kind = null, string? Message = null);

/// <summary>The topic the posts are in now (the merge's target, the split's new topic) and how many moved.</summary>
public sealed record TopicSurgeryResponse(long TopicId, string Title, string Url, string Space, int MovedPosts)
{
    public static TopicSurgeryResponse From(SurgeryOutcome outcome) =>
        new(outcome.Topic.Id, outcome.Topic.Title, $"/t/{outcome.Topic.Id}/{outcome.Topic.Slug}", outcome.Topic.Space!.Slug, outcome.MovedPosts);
}
