using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Accounts;
using Tribu.Web.Features.Spaces;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Security;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Topics;

public static class TopicEndpoints
{
    public const int ApiPageSize = 50;

    public static RouteGroupBuilder MapTopicEndpoints(this RouteGroupBuilder api)
    {
        var topics = api.MapGroup("").WithTags("Topics");
        topics.MapGet("/spaces/{slug}/topics", ListAsync).WithName("ListTopics").WithSummary("Topics of a space, pinned first then by latest activity.");
        topics.MapPost("/spaces/{slug}/topics", StartAsync).WithName("StartTopic").WithSummary("Start a topic in a space.").RequireAuthorization();
        topics.MapGet("/topics/{id:long}", GetAsync).WithName("GetTopic").WithSummary("A topic and a page of its posts; a merged topic answers 301 to the topic it was merged into.");
        topics.MapPost("/topics/{id:long}/replies", ReplyAsync).WithName("ReplyToTopic").WithSummary("Reply to a topic.").RequireAuthorization();
        topics.MapPut("/topics/{id:long}/accepted-answer", AcceptAsync).WithName("AcceptAnswer").WithSummary("Mark (or un-mark) the reply that answers a question.").RequireAuthorization();
        topics.MapPatch("/topics/{id:long}", SetStateAsync).WithName("SetTopicState").WithSummary("Lock or pin a topic (staff and the space's moderators), or move it to another space (staff).").RequireAuthorization();
        topics.MapPut("/posts/{id:long}", EditAsync).WithName("EditPost").WithSummary("Edit a post; the previous text is kept as a revision.").RequireAuthorization();
        topics.MapDelete("/posts/{id:long}", DeleteAsync).WithName("DeletePost").WithSummary("Delete a post (the opening post deletes the topic).").RequireAuthorization();
        topics.MapPost("/posts/{id:long}/reactions/{kind}", ReactAsync).WithName("ToggleReaction").WithSummary("Add a reaction, or take it back if it is there.").RequireAuthorization();
        topics.MapPost("/posts/{id:long}/bookmark", async Task<Results<Ok<BookmarkResponse>, NotFound, ProblemHttpResult>> (long id, ClaimsPrincipal user, TopicsService topics, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            var change = await topics.ToggleBookmarkAsync(user, id, ct);
            return change.Outcome switch
            {
                Outcome.Ok => TypedResults.Ok(new BookmarkResponse(id, change.Value)),
                Outcome.NotFound => TypedResults.NotFound(),
                _ => Forbidden(l),
            };
        }).WithName("ToggleBookmark").WithSummary("Keep a post, or let it go if it is kept.").RequireAuthorization();
        topics.MapGet("/bookmarks", async (ClaimsPrincipal user, TribuDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await TopicsService.BookmarksOf(db, TopicPermissions.MemberId(user)!.Value, SpaceAccess.ReadableBy(user)).Take(200).ToListAsync(ct)))
            .WithName("ListBookmarks").WithSummary("The caller's kept posts, newest first.").RequireAuthorization();
        topics.MapGet("/posts/{id:long}/revisions", RevisionsAsync).WithName("ListRevisions").WithSummary("What a post said before each edit.");
        return api;
    }

    private static async Task<Results<Ok<TopicSummaryResponse[]>, NotFound>> ListAsync(string slug, ClaimsPrincipal user, TribuDbContext db, int? page, CancellationToken ct)
    {
        var space = await db.Spaces.AsNoTracking().FirstOrDefaultAsync(s => s.Slug == slug, ct);
        if (space is null || !SpaceAccess.CanRead(space, user)) return TypedResults.NotFound();
        var rows = await TopicRow.Query(db, SpaceAccess.ReadableBy(user)).Where(t => t.SpaceSlug == slug)
            .OrderByDescending(t => t.IsPinned).ThenByDescending(t => t.LastPostAt)
            .Skip((Math.Max(1, page ?? 1) - 1) * ApiPageSize).Take(ApiPageSize).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(TopicSummaryResponse.FromRow).ToArray());
    }

    private static async Task<Results<Ok<TopicResponse>, RedirectHttpResult, NotFound>> GetAsync(long id, ClaimsPrincipal user, TribuDbContext db, int? page, CancellationToken ct)
    {
        var topic = await db.Topics.AsNoTracking().Include(t => t.Space).FirstOrDefaultAsync(t => t.Id == id && !t.IsDeleted, ct);
        // A merged topic answers 301 to the topic it was merged into.
        if (topic is null && await Moderation.TopicSurgery.MergedIntoAsync(db, id, user, ct) is { } target) return TypedResults.Redirect($"/api/v1/topics/{target.Id}", permanent: true);
        if (topic is null || !SpaceAccess.CanRead(topic.Space!, user) || !TopicPermissions.CanSee(topic, user)) return TypedResults.NotFound();
        var current = Math.Max(1, page ?? 1);
        var posts = PostRow.Query(db).Where(p => p.TopicId == id).VisibleTo(TopicPermissions.MemberId(user), TopicPermissions.IsModerator(topic.SpaceId, user));
        var count = await posts.CountAsync(ct);
        var rows = await PostRow.WithReactionsAsync(db, await posts.OrderBy(p => p.Number).Skip((current - 1) * ApiPageSize).Take(ApiPageSize).ToListAsync(ct), ct);
        return TypedResults.Ok(new TopicResponse(topic.Id, topic.Title, $"/t/{topic.Id}/{topic.Slug}", topic.Kind, topic.Space!.Slug, topic.IsPinned, topic.IsLocked,
            topic.AcceptedPostId, [.. topic.TagList], topic.ReplyCount, current, Math.Max(1, (int)Math.Ceiling(count / (double)ApiPageSize)),
            [.. rows.Select(PostResponse.FromRow)]));
    }

    private static async Task<Results<Created<TopicSummaryResponse>, ValidationProblem, NotFound, ProblemHttpResult>> StartAsync(
        string slug, NewTopicRequest request, ClaimsPrincipal user, HttpContext http, TopicsService topics, TribuDbContext db, IStringLocalizer<UiStrings> l, CancellationToken ct)
    {
        var change = await topics.StartAsync(user, slug, new NewTopic(request.Kind, request.Title, request.Body, request.Tags, request.Pinned), ct);
        return change.Outcome switch
        {
            Outcome.Ok => TypedResults.Created($"/api/v1/topics/{change.Value!.Id}",
                TopicSummaryResponse.FromRow(await TopicRow.Query(db, SpaceAccess.ReadableBy(user), includeHidden: true).FirstAsync(t => t.Id == change.Value.Id, ct))),
            Outcome.Invalid => TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]),
            Outcome.NotFound => TypedResults.NotFound(),
            Outcome.TooFast => TooFast(http, change.RetryAt!.Value, change.Errors![""][0], l),
            _ => Forbidden(l, change.Errors),
        };
    }

    private static async Task<Results<Created<PostResponse>, ValidationProblem, NotFound, ProblemHttpResult>> ReplyAsync(
        long id, NewReplyRequest request, ClaimsPrincipal user, HttpContext http, TopicsService topics, TribuDbContext db, IStringLocalizer<UiStrings> l, CancellationToken ct)
    {
        var change = await topics.ReplyAsync(user, id, request.Body, request.ReplyTo, ct);
        return change.Outcome switch
        {
            Outcome.Ok => TypedResults.Created($"/api/v1/posts/{change.Value!.Id}", PostResponse.FromRow((await PostRow.FindAsync(PostRow.Query(db).Where(p => p.Id == change.Value.Id), db, ct))!)),
            Outcome.Invalid => TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]),
            Outcome.NotFound => TypedResults.NotFound(),
            Outcome.TooFast => TooFast(http, change.RetryAt!.Value, change.Errors![""][0], l),
            _ => Forbidden(l, change.Errors),
        };
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> AcceptAsync(
        long id, AcceptAnswerRequest request, ClaimsPrincipal user, TopicsService topics, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        (await topics.AcceptAsync(user, id, request.PostId, ct)).Outcome switch
        {
            Outcome.Ok => TypedResults.NoContent(),
            Outcome.NotFound => TypedResults.NotFound(),
            _ => Forbidden(l),
        };

    private static async Task<Results<NoContent, ValidationProblem, NotFound, ProblemHttpResult>> SetStateAsync(
        long id, TopicStateRequest request, ClaimsPrincipal user, TopicsService topics, IStringLocalizer<UiStrings> l, CancellationToken ct)
    {
        var change = await topics.SetStateAsync(user, id, request.Locked, request.Pinned, request.Space, ct);
        return change.Outcome switch
        {
            Outcome.Ok => TypedResults.NoContent(),
            Outcome.Invalid => TypedResults.ValidationProblem(change.Errors!, title: l["Validation.Title"]),
            Outcome.NotFound => TypedResults.NotFound(),
            _ => Forbidden(l),
        };
    }

    private static async Task<Results<Ok<PostResponse>, ValidationProblem, NotFound, ProblemHttpResult>> EditAsync(
        long id, EditPostRequest request, ClaimsPrincipal user, TopicsService topics, TribuDbContext db, IStringLocalizer<UiStrings> l, CancellationToken ct)
    {
        var change = await topics.EditAsync(user, id, request.Body, request.Title, request.Reason, request.Wiki, ct);
        return change.Outcome switch
        {
            Outcome.Ok => TypedResults.Ok(PostResponse.FromRow((await PostRow.FindAsync(PostRow.Query(db).Where(p => p.Id == id), db, ct))!)),
            Outcome.Invalid => TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]),
            Outcome.NotFound => TypedResults.NotFound(),
            _ => Forbidden(l),
        };
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteAsync(
        long id, ClaimsPrincipal user, TopicsService topics, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        (await topics.DeleteAsync(user, id, ct)).Outcome switch
        {
            Outcome.Ok => TypedResults.NoContent(),
            Outcome.NotFound => TypedResults.NotFound(),
            _ => Forbidden(l),
        };

    private static async Task<Results<Ok<ReactionResponse>, NotFound, ProblemHttpResult>> ReactAsync(
        long id, ReactionKind kind, ClaimsPrincipal user, TopicsService topics, IStringLocalizer<UiStrings> l, CancellationToken ct)
    {
        var change = await topics.ToggleReactionAsync(user, id, kind, ct);
        return change.Outcome switch
        {
            Outcome.Ok => TypedResults.Ok(new ReactionResponse(kind, change.Value)),
            Outcome.NotFound => TypedResults.NotFound(),
            _ => Forbidden(l),
        };
    }

    private static async Task<Results<Ok<RevisionResponse[]>, NotFound>> RevisionsAsync(long id, ClaimsPrincipal user, TribuDbContext db, CancellationToken ct)
    {
        if (await TopicsService.ReadablePostAsync(db.Posts.AsNoTracking(), user, id, ct) is null) return TypedResults.NotFound();
        var revisions = await db.PostRevisions.AsNoTracking().Where(r => r.PostId == id).OrderByDescending(r => r.CreatedAt)
            .Select(r => new RevisionResponse(r.BodyMarkdown, r.Title, r.Reason, db.Users.Where(u => u.Id == r.EditorId).Select(u => u.Handle).First(), r.CreatedAt))
            .ToArrayAsync(ct);
        return TypedResults.Ok(revisions);
    }

    /// <summary>429 with Retry-After (seconds) and the reason in the caller's language.</summary>
    private static ProblemHttpResult TooFast(HttpContext http, DateTime retryAt, string message, IStringLocalizer<UiStrings> l)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling((retryAt - http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime).TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: l["Post.TooFast.Title"], detail: message,
            extensions: new Dictionary<string, object?> { ["retryAt"] = retryAt });
    }

    private static ProblemHttpResult Forbidden(IStringLocalizer<UiStrings> l, Dictionary<string, string[]>? reason = null) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: l["Status.403.Title"],
            detail: reason is not null && reason.TryGetValue("", out var why) ? why[0] : l["Topic.NotAllowed"]);

    /// <summary>One-click actions from the topic page (plain forms, no JavaScript), each back to the post.</summary>
    public static IEndpointRouteBuilder MapTopicFormEndpoints(this IEndpointRouteBuilder app)
    {
        var forms = app.MapGroup("/t/{id:long}").RequireAuthorization().ExcludeFromDescription()
            .AddEndpointFilter<AntiforgeryFilter>();
        // Live: a signal each time the topic changes; the page then fetches its fresh posts.
        app.MapGet("/t/{id:long}/stream", async Task<IResult> (long id, HttpContext http, ClaimsPrincipal user, TribuDbContext db,
            Notifications.ILiveBus bus, CancellationToken ct) =>
        {
            var topic = await db.Topics.AsNoTracking().Include(t => t.Space).FirstOrDefaultAsync(t => t.Id == id && !t.IsDeleted, ct);
            if (topic is null || !SpaceAccess.CanRead(topic.Space!, user)) return Results.NotFound();
            var version = 0;
            await Notifications.ServerSentEvents.StreamAsync(http, bus, Notifications.LiveChannels.Topic(id), "changed",
                () => Task.FromResult((version++).ToString(System.Globalization.CultureInfo.InvariantCulture)), ct);
            return Results.Empty;
        }).ExcludeFromDescription();
        forms.MapPost("/accept/{postId:long}", async (long id, long postId, ClaimsPrincipal user, TopicsService topics, CancellationToken ct) =>
            Back(await topics.AcceptAsync(user, id, postId, ct), $"/t/{id}"));
        forms.MapPost("/react/{postId:long}", async (long id, long postId, [FromForm] ReactionKind kind, [FromForm] int number, ClaimsPrincipal user, TopicsService topics, CancellationToken ct) =>
            Back(await topics.ToggleReactionAsync(user, postId, kind, ct), $"/t/{id}{PageOf(number)}#post-{number}"));
        forms.MapPost("/bookmark/{postId:long}", async (long id, long postId, [FromForm] int number, ClaimsPrincipal user, TopicsService topics, CancellationToken ct) =>
            Back(await topics.ToggleBookmarkAsync(user, postId, ct), $"/t/{id}{PageOf(number)}#post-{number}"));
        forms.MapPost("/delete/{postId:long}", async (long id, long postId, ClaimsPrincipal user, TopicsService topics, CancellationToken ct) =>
        {
            var change = await topics.DeleteAsync(user, postId, ct);
            return Back(change, change.Value?.Number == 1 ? "/" : $"/t/{id}");
        });
        forms.MapPost("/state", async (long id, [FromForm] bool? locked, [FromForm] bool? pinned, [FromForm] string? space, ClaimsPrincipal user, TopicsService topics, CancellationToken ct) =>
            Back(await topics.SetStateAsync(user, id, locked, pinned, space, ct), $"/t/{id}"));
        return app;
    }

    private static string PageOf(int number) => number > TopicPage.PageSize ? $"?page={((number - 1) / TopicPage.PageSize) + 1}" : "";

    private static IResult Back<T>(Change<T> change, string to) => change.Outcome switch
    {
        Outcome.Ok => TypedResults.LocalRedirect(IdentityRedirectManager.SafeReturnUrl(to)),
        Outcome.NotFound => TypedResults.NotFound(),
        Outcome.Invalid => TypedResults.BadRequest(),
        _ => TypedResults.Forbid(),
    };
}

/// <summary>Whether the post is now kept.</summary>
public sealed record BookmarkResponse(long PostId, bool Bookmarked);

/// <summary>Whether the reaction is now there.</summary>
public sealed record ReactionResponse(ReactionKind Kind, bool Active);

/// <summary>An earlier version of a post.</summary>
public sealed record RevisionResponse(string BodyMarkdown, string? Title, string? Reason, string Editor, DateTime EditedAt);
