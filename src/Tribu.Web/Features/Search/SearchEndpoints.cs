using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Topics;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Search;

public static class SearchEndpoints
{
    public static RouteGroupBuilder MapSearchEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/topics/similar", async (string? title, System.Security.Claims.ClaimsPrincipal user, SimilarTopics similar, CancellationToken ct) =>
            TypedResults.Ok(await similar.FindAsync(user, title, ct)))
            .WithName("SimilarTopics").WithTags("Topics").WithSummary("Existing topics like a title being typed, so a member can find an answer before asking.");

        var search = api.MapGroup("/search").WithTags("Search");
        search.MapGet("", SearchAsync).WithName("Search")
            .WithSummary("Full-text search over the topics and replies the caller may read, French and English words alike.");
        return api;
    }

    private static async Task<Results<Ok<SearchResponse>, ValidationProblem>> SearchAsync(
        [AsParameters] SearchParameters parameters, ClaimsPrincipal user, SearchService search, IStringLocalizer<SearchStrings> l, CancellationToken ct)
    {
        var change = await search.SearchAsync(user, parameters.ToRequest(), ct);
        return change.Outcome == Outcome.Ok
            ? TypedResults.Ok(SearchResponse.FromResults(change.Value!))
            : TypedResults.ValidationProblem(change.Errors!, title: l["Search.Error.Title"]);
    }
}
