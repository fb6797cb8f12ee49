using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Accounts;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Security;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Ideas;

public static class IdeaEndpoints
{
    public static RouteGroupBuilder MapIdeaEndpoints(this RouteGroupBuilder api)
    {
        var ideas = api.MapGroup("/ideas").WithTags("Ideas");
        ideas.MapGet("/boards", async (ClaimsPrincipal user, IdeasService service, CancellationToken ct) =>
            TypedResults.Ok((await service.BoardsAsync(user, ct)).Select(IdeaBoardResponse.FromEntity).ToArray()))
            .WithName("ListIdeaBoards").WithSummary("The idea boards the caller may see.");
        ideas.MapPost("/boards", CreateBoardAsync).WithName("CreateIdeaBoard").WithSummary("Create an idea board (admins and community managers).")
            .RequireAuthorization(Policies.Manager);
        ideas.MapGet("/boards/{slug}/ideas", ListAsync).WithName("ListIdeas")
            .WithSummary("A board's ideas: sort = trending (votes with time decay, the default), top or new; status filters.");
        ideas.MapPost("/boards/{slug}/ideas", CreateAsync).WithName("CreateIdea").WithSummary("Propose an idea; the author's vote is counted.").RequireAuthorization();
        ideas.MapGet("/roadmap", RoadmapAsync).WithName("GetRoadmap").WithSummary("The public roadmap: planned, in progress and shipped ideas.");
        ideas.MapGet("/{id:long}", GetAsync).WithName("GetIdea").WithSummary("An idea with its status history; a merged idea answers 301 to the idea it was merged into.");
        ideas.MapPut("/{id:long}/vote", (long id, ClaimsPrincipal user, IdeasService service, IStringLocalizer<UiStrings> l, CancellationToken ct) => VoteAsync(id, true, user, service, l, ct))
            .WithName("VoteForIdea").WithSummary("Vote for an idea; voting again leaves one vote.").RequireAuthorization();
        ideas.MapDelete("/{id:long}/vote", (long id, ClaimsPrincipal user, IdeasService service, IStringLocalizer<UiStrings> l, CancellationToken ct) => VoteAsync(id, false, user, service, l, ct))
            .WithName("UnvoteIdea").WithSummary("Take back one's vote.").RequireAuthorization();
        ideas.MapPut("/{id:long}", EditAsync).WithName("EditIdea")
            .WithSummary("Change an idea's title and text: its author while it is new, staff always.").RequireAuthorization();
        ideas.MapPut("/{id:long}/status", SetStatusAsync).WithName("SetIdeaStatus")
            .WithSummary("Change an idea's status with an official response (admins and community managers); voters and followers are told.")
            .RequireAuthorization(Policies.Manager);
        ideas.MapPost("/{id:long}/merge", MergeAsync).WithName("MergeIdea")
            .WithSummary("Merge a duplicate into another idea (admins and community managers): votes and followers move, voters are told.")
            .RequireAuthorization(Policies.Manager);
        return api;
    }

    private static async Task<Results<Created<IdeaBoardResponse>, ValidationProblem, ProblemHttpResult>> CreateBoardAsync(
        NewIdeaBoardRequest request, ClaimsPrincipal user, IdeasService service, IStringLocalizer<UiStrings> l, CancellationToken ct)
    {
        var change = await service.CreateBoardAsync(user, request.Name, request.Slug, request.Description, request.Space, ct);
        return change.Outcome switch
        {
            Outcome.Ok => TypedResults.Created($"/api/v1/ideas/boards/{change.Value!.Slug}/ideas", IdeaBoardResponse.FromEntity(change.Value)),
            Outcome.Invalid => TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]),
            _ => Forbidden(l),
        };
    }

    private static async Task<Results<Ok<IdeaSummaryResponse[]>, NotFound, ValidationProblem>> ListAsync(
        string slug, string? sort, string? status, int? page, ClaimsPrincipal user, IdeasService service, IStringLocalizer<UiStrings> l, CancellationToken ct)
    {
        var board = await service.BoardAsync(slug, user, ct);
        if (board is null) return TypedResults.NotFound();
        if (!TryParse(sort, IdeaSort.Trending, out var order)) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["sort"] = [l["Ideas.SortInvalid"]] }, title: l["Validation.Title"]);
        IdeaStatus? filter = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!TryParse(status, IdeaStatus.New, out var s)) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [l["Ideas.StatusInvalid"]] }, title: l["Validation.Title"]);
            filter = s;
        }
        var (rows, _) = await service.ListAsync(board, order, filter, page ?? 1, ct);
        return TypedResults.Ok(rows.Select(IdeaSummaryResponse.FromRow).ToArray());
    }

    /// <summary>An enum by name only (never by number), or the default when empty.</summary>
    public static bool TryParse<T>(string? text, T fallback, out T value) where T : struct, Enum
    {
        value = fallback;
        if (string.IsNullOrEmpty(text)) return true;
        return !char.IsDigit(text[0]) && !text.StartsWith('-') && Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value);
    }

    private static async Task<Results<Created<IdeaSummaryResponse>, ValidationProblem, NotFound, ProblemHttpResult>> CreateAsync(
        string slug, NewIdeaRequest request, ClaimsPrincipal user, IdeasService service, TribuDbContext db, IStringLocalizer<UiStrings> l, CancellationToken ct)
    {
        var change = await service.CreateAsync(user, slug, request.Title, request.Body, ct);
        return change.Outcome switch
        {
            Outcome.Ok => TypedResults.Created($"/api/v1/ideas/{change.Value!.Id}", new IdeaSummaryResponse(change.Value.Id, slug, change.Value.Title, change.Value.Status,
                change.Value.VoteCount, change.Value.CreatedAt, (await db.Users.FirstAsync(u => u.Id == change.Value.AuthorId, ct)).Handle, $"/ideas/{slug}/{change.Value.Id}")),
            Outcome.Invalid => TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]),
            Outcome.NotFound => TypedResults.NotFound(),
            _ => Forbidden(l),
        };
    }

    private static async Task<Results<Ok<IdeaResponse>, RedirectHttpResult, NotFound>> GetAsync(long id, ClaimsPrincipal user, IdeasService service, TribuDbContext db, CancellationToken ct)
    {
        var idea = await service.FindAsync(id, user, ct);
        if (idea is null) return TypedResults.NotFound();
        if (idea.MergedIntoId is not null)
        {
            var target = await service.ResolveAsync(id, user, ct);
            return target is null ? TypedResults.NotFound() : TypedResults.Redirect($"/api/v1/ideas/{target.Id}", permanent: true);
        }
        var me = TopicPermissions.MemberId(user);
        var voted = me is { } m && await db.IdeaVotes.AnyAsync(v => v.IdeaId == id && v.MemberId == m, ct);
        var history = await db.IdeaStatusChanges.AsNoTracking().Where(c => c.IdeaId == id).OrderBy(c => c.ChangedAt).ThenBy(c => c.Id)
            .Select(c => new IdeaStatusChangeResponse(c.From, c.To, c.Response, db.Users.Where(u => u.Id == c.ChangedById).Select(u => u.Handle).First(), c.ChangedAt))
            .ToArrayAsync(ct);
        var author = await db.Users.Where(u => u.Id == idea.AuthorId).Select(u => u.Handle).FirstAsync(ct);
        return TypedResults.Ok(new IdeaResponse(idea.Id, idea.Board!.Slug, idea.Title, idea.BodyMarkdown, idea.BodyHtml, idea.Status, idea.VoteCount,
            idea.CreatedAt, idea.UpdatedAt, author, voted, $"/ideas/{idea.Board.Slug}/{idea.Id}", history));
    }

    private static async Task<Results<Ok<IdeaVoteResponse>, NotFound, ProblemHttpResult>> VoteAsync(long id, bool vote, ClaimsPrincipal user, IdeasService service, IStringLocalizer<UiStrings> l, CancellationToken ct)
    {
        var change = await service.VoteAsync(user, id, vote, ct);
        return change.Outcome switch
        {
            Outcome.Ok => TypedResults.Ok(new IdeaVoteResponse(id, vote, change.Value)),
            Outcome.NotFound => TypedResults.NotFound(),
            _ => Forbidden(l),
        };
    }

    private static async Task<Results<Ok<IdeaStatusChangeResponse>, ValidationProblem, NotFound, ProblemHttpResult>> SetStatusAsync(
        long id, IdeaStatusRequest request, ClaimsPrincipal user, IdeasService service, TribuDbContext db, IStringLocalizer<UiStrings> l, CancellationToken ct)
    {
        var change = await service.SetStatusAsync(user, id, request.Status, request.Response, ct);
        return change.Outcome switch
        {
            Outcome.Ok => TypedResults.Ok(new IdeaStatusChangeResponse(change.Value!.From, change.Value.To, change.Value.Response,
                await db.Users.Where(u => u.Id == change.Value.ChangedById).Select(u => u.Handle).FirstAsync(ct), change.Value.ChangedAt)),
            Outcome.Invalid => TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]),
            Outcome.NotFound => TypedResults.NotFound(),
            _ => Forbidden(l),
        };
    }

    private static async Task<Results<Ok<IdeaSummaryResponse>, ValidationProblem, NotFound, ProblemHttpResult>> EditAsync(
        long id, EditIdeaRequest request, ClaimsPrincipal user, IdeasService service, TribuDbContext db, IStringLocalizer<UiStrings> l, CancellationToken ct)
    {
        var change = await service.EditAsync(user, id, request.Title, request.Body, ct);
        if (change.Outcome != Outcome.Ok)
        {
            return change.Outcome switch
            {
                Outcome.Invalid => TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]),
                Outcome.NotFound => TypedResults.NotFound(),
                _ => Forbidden(l),
            };
        }
        var idea = change.Value!;
        var author = await db.Users.Where(u => u.Id == idea.AuthorId).Select(u => u.Handle).FirstAsync(ct);
        return TypedResults.Ok(new IdeaSummaryResponse(idea.Id, idea.Board!.Slug, idea.Title, idea.Status, idea.VoteCount, idea.CreatedAt, author, $"/ideas/{idea.Board.Slug}/{idea.Id}"));
    }

    private static async Task<Results<Ok<IdeaSummaryResponse>, ValidationProblem, NotFound, ProblemHttpResult>> MergeAsync(
        long id, IdeaMergeRequest request, ClaimsPrincipal user, IdeasService service, TribuDbContext db, IStringLocalizer<UiStrings> l, CancellationToken ct)
    {
        var change = await service.MergeAsync(user, id, request.Into, ct);
        if (change.Outcome != Outcome.Ok)
        {
            return change.Outcome switch
            {
                Outcome.Invalid => TypedResults.ValidationProblem(change.Errors!, title: l["Form.ErrorsTitle"]),
                Outcome.NotFound => TypedResults.NotFound(),
                _ => Forbidden(l),
            };
        }
        var target = await db.Ideas.AsNoTracking().Include(i => i.Board).FirstAsync(i => i.Id == change.Value!.Id, ct);
        var author = await db.Users.Where(u => u.Id == target.AuthorId).Select(u => u.Handle).FirstAsync(ct);
        return TypedResults.Ok(new IdeaSummaryResponse(target.Id, target.Board!.Slug, target.Title, target.Status, target.VoteCount, target.CreatedAt, author, $"/ideas/{target.Board.Slug}/{target.Id}"));
    }

    private static async Task<Ok<RoadmapResponse>> RoadmapAsync(ClaimsPrincipal user, IdeasService service, CancellationToken ct)
    {
        var columns = await service.RoadmapAsync(user, ct);
        IdeaSummaryResponse[] Of(IdeaStatus s) => [.. columns[s].Select(IdeaSummaryResponse.FromRow)];
        return TypedResults.Ok(new RoadmapResponse(Of(IdeaStatus.Planned), Of(IdeaStatus.InProgress), Of(IdeaStatus.Shipped)));
    }

    private static ProblemHttpResult Forbidden(IStringLocalizer<UiStrings> l) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: l["Status.403.Title"], detail: l["Ideas.NotAllowed"]);

    /// <summary>One-click actions from the idea page (plain forms, no JavaScript), each back to the idea.</summary>
    public static IEndpointRouteBuilder MapIdeaFormEndpoints(this IEndpointRouteBuilder app)
    {
        var forms = app.MapGroup("/ideas/{id:long}").RequireAuthorization().ExcludeFromDescription().AddEndpointFilter<AntiforgeryFilter>();
        forms.MapPost("/vote", async (long id, [FromForm] bool vote, ClaimsPrincipal user, IdeasService service, CancellationToken ct) =>
            await BackAsync(await service.VoteAsync(user, id, vote, ct), id, user, service, ct));
        forms.MapPost("/follow", async (long id, [FromForm] bool follow, ClaimsPrincipal user, IdeasService service, CancellationToken ct) =>
            await BackAsync(await service.FollowAsync(user, id, follow, ct), id, user, service, ct));
        return app;
    }

    private static async Task<IResult> BackAsync<T>(Change<T> change, long id, ClaimsPrincipal user, IdeasService service, CancellationToken ct)
    {
        if (change.Outcome == Outcome.NotFound) return TypedResults.NotFound();
        if (change.Outcome != Outcome.Ok) return TypedResults.Forbid();
        var idea = await service.FindAsync(id, user, ct);
        return TypedResults.LocalRedirect(IdentityRedirectManager.SafeReturnUrl(idea is null ? "/ideas" : $"/ideas/{idea.Board!.Slug}/{id}"));
    }
}
