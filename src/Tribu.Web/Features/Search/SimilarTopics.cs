using System.Security.Claims;
using Tribu.Web.Features.Topics;

namespace Tribu.Web.Features.Search;

/// <summary>A topic that may already answer what a member is about to ask.</summary>
public sealed record SimilarTopic(long TopicId, string Title, string Url, bool Solved);

/// <summary>
/// Topics like the title being typed: any of its significant words (in French or English form), best matches
/// first, one entry per topic, only what the member may read. Fewer duplicate questions.
/// </summary>
public sealed class SimilarTopics(SearchService search)
{
    public const int Count = 5;
    public const int MinTitleLength = 8;

    public async Task<IReadOnlyList<SimilarTopic>> FindAsync(ClaimsPrincipal user, string? title, CancellationToken ct = default)
    {
        // Words only (no quotes, exclusions or operators from the search syntax), any of them may match.
        var words = (title ?? "").Split([' ', '\t', ',', '.', '?', '!', ':', ';', '"', '(', ')', '-', '\''], StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w.Length >= 3 && !w.Equals("or", StringComparison.OrdinalIgnoreCase))
            .Take(8).ToList();
        if ((title?.Trim().Length ?? 0) < MinTitleLength || words.Count == 0)
        {
            return [];
        }
        var found = await search.SearchAsync(user, new SearchRequest(string.Join(" or ", words)), ct);
        if (!found.Succeeded)
        {
            return [];
        }
        return [.. found.Value!.Items
            .GroupBy(r => r.TopicId)
            .Select(g => g.OrderBy(r => r.Number).First())
            .Take(Count)
            .Select(r => new SimilarTopic(r.TopicId, r.Title, $"/t/{r.TopicId}", r.Solved))];
    }
}
