using Microsoft.AspNetCore.Mvc;
using Tribu.Web.Features.Topics;

namespace Tribu.Web.Features.Search;

/// <summary>
/// A search. <c>q</c>: words (all required), "a phrase", -excluded, or; at most 200 characters.
/// Filters: <c>space</c> (slug), <c>author</c> (handle), <c>kind</c> (Discussion, Question, Announcement),
/// <c>solved</c> (true/false), <c>tag</c>, <c>from</c>/<c>to</c> (yyyy-MM-dd, UTC, inclusive);
/// <c>sort</c>: relevance (default) or latest; <c>page</c> from 1.
/// </summary>
public sealed class SearchParameters
{
    [FromQuery(Name = "q")] public string? Q { get; init; }
    [FromQuery(Name = "space")] public string? Space { get; init; }
    [FromQuery(Name = "author")] public string? Author { get; init; }
    [FromQuery(Name = "kind")] public string? Kind { get; init; }
    [FromQuery(Name = "solved")] public string? Solved { get; init; }
    [FromQuery(Name = "tag")] public string? Tag { get; init; }
    [FromQuery(Name = "from")] public string? From { get; init; }
    [FromQuery(Name = "to")] public string? To { get; init; }
    [FromQuery(Name = "sort")] public string? Sort { get; init; }
    [FromQuery(Name = "page")] public int? Page { get; init; }

    public SearchRequest ToRequest() => new(Q, Space, Author, Kind, Solved, Tag, From, To, Page, Sort);
}

/// <summary>A page of search results; ask for <c>page + 1</c> while <c>hasMore</c>.</summary>
public sealed record SearchResponse(string Query, int Page, bool HasMore, SearchResultResponse[] Results)
{
    public static SearchResponse FromResults(SearchResults results) =>
        new(results.Query, results.Page, results.HasMore, [.. results.Items.Select(SearchResultResponse.FromResult)]);
}

/// <summary>A matching post. <c>Snippet</c> is HTML: the post's text escaped, matched words in &lt;mark&gt;.</summary>
public sealed record SearchResultResponse(long PostId, long TopicId, int Number, string Title, string Url, string Space, string SpaceName,
    string Author, string AuthorName, TopicKind Kind, bool Solved, string[] Tags, DateTime CreatedAt, string Snippet)
{
    public static SearchResultResponse FromResult(SearchResult r) => new(r.PostId, r.TopicId, r.Number, r.Title, r.Url, r.SpaceSlug, r.SpaceName,
        r.AuthorHandle, r.AuthorName, r.Kind, r.Solved, (r.Tags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries), r.CreatedAt, r.Snippet);
}
