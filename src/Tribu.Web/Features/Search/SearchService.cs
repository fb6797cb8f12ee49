using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Spaces;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Search;

/// <summary>A search as the page's form and the API send it: every value a string, checked here.</summary>
public sealed record SearchRequest(
    string? Q, string? Space = null, string? Author = null, string? Kind = null, string? Solved = null, string? Tag = null,
    string? From = null, string? To = null, int? Page = null, string? Sort = null);

/// <summary>One matching post, with what a reader needs to pick it.</summary>
public sealed record SearchResult(long PostId, long TopicId, int Number, string Title, string Url, string SpaceSlug, string SpaceName, string SpaceColor,
    string AuthorHandle, string AuthorName, TopicKind Kind, bool Solved, string? Tags, DateTime CreatedAt, string Snippet);

/// <summary>A page of results; there is a next page when <see cref="HasMore"/>.</summary>
public sealed record SearchResults(string Query, IReadOnlyList<SearchResult> Items, int Page, bool HasMore);

/// <summary>Full-text search over the posts a reader may see, for the search page and the API alike.</summary>
public sealed class SearchService(TribuDbContext db, SearchIndex index, IStringLocalizer<SearchStrings> l)
{
    public const int PageSize = 20;
    /// <summary>Deep pages cost the database more than they help anyone: refine the query instead.</summary>
    public const int MaxPage = 50;
    public const string SortRelevance = "relevance";
    public const string SortLatest = "latest";

    public async Task<Change<SearchResults>> SearchAsync(ClaimsPrincipal user, SearchRequest request, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        var text = (request.Q ?? "").Trim();
        if (text.Length == 0) errors["q"] = [l["Search.Error.QueryRequired"]];
        else if (text.Length > SearchQuery.MaxLength) errors["q"] = [l["Search.Error.QueryTooLong", SearchQuery.MaxLength]];

        TopicKind? kind = null;
        if (!string.IsNullOrWhiteSpace(request.Kind))
        {
            var name = Enum.GetNames<TopicKind>().FirstOrDefault(n => n.Equals(request.Kind.Trim(), StringComparison.OrdinalIgnoreCase));
            if (name is null) errors["kind"] = [l["Search.Error.Kind"]];
            else kind = Enum.Parse<TopicKind>(name);
        }
        bool? solved = null;
        if (!string.IsNullOrWhiteSpace(request.Solved))
        {
            if (bool.TryParse(request.Solved.Trim(), out var value)) solved = value;
            else errors["solved"] = [l["Search.Error.Solved"]];
        }
        var from = ParseDate(request.From, "from", errors);
        var to = ParseDate(request.To, "to", errors);
        if (from is not null && to is not null && from > to) errors["to"] = [l["Search.Error.DateRange"]];
        var sort = string.IsNullOrWhiteSpace(request.Sort) ? SortRelevance : request.Sort.Trim().ToLowerInvariant();
        if (sort is not (SortRelevance or SortLatest)) errors["sort"] = [l["Search.Error.Sort"]];
        if (errors.Count > 0) return Change<SearchResults>.Invalid(errors);

        var page = Math.Clamp(request.Page ?? 1, 1, MaxPage);
        var query = SearchQuery.Parse(text);
        if (!query.HasTerms) return Change<SearchResults>.Ok(new SearchResults(text, [], page, false));

        // Who may read what is joined live on every search: SpaceAccess decides, the index only knows words.
        var readable = SpaceAccess.ReadableBy(user);
        var rows =
            from hit in index.Match(db, query)
            join document in db.Set<SearchDocument>() on hit.PostId equals document.PostId
            join post in db.Posts.InReadableSpaces(readable) on hit.PostId equals post.Id
            where !post.IsDeleted && !post.Topic!.IsDeleted && post.Status == PostStatus.Published && !post.Topic.IsHidden
            select new { hit.Score, document.Language, document.Text, Post = post, Topic = post.Topic };

        if (!string.IsNullOrWhiteSpace(request.Space))
        {
            var space = request.Space.Trim();
            rows = rows.Where(r => r.Topic.Space!.Slug == space);
        }
        if (!string.IsNullOrWhiteSpace(request.Author))
        {
            var handle = request.Author.Trim().TrimStart('@').ToLowerInvariant();
            rows = rows.Where(r => r.Post.Author!.Handle == handle);
        }
        if (kind is not null) rows = rows.Where(r => r.Topic.Kind == kind);
        if (solved is not null) rows = rows.Where(r => (r.Topic.AcceptedPostId != null) == solved);
        if (!string.IsNullOrWhiteSpace(request.Tag))
        {
            var tag = "," + request.Tag.Trim().TrimStart('#').ToLowerInvariant() + ",";
            rows = rows.Where(r => r.Topic.Tags != null && ("," + r.Topic.Tags + ",").Contains(tag));
        }
        if (from is not null)
        {
            var start = from.Value.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            rows = rows.Where(r => r.Post.CreatedAt >= start);
        }
        if (to is not null)
        {
            var end = to.Value.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            rows = rows.Where(r => r.Post.CreatedAt < end);
        }
        rows = sort == SortLatest
            ? rows.OrderByDescending(r => r.Post.CreatedAt).ThenByDescending(r => r.Post.Id)
            : rows.OrderByDescending(r => r.Score).ThenByDescending(r => r.Post.Id);

        // One more than a page tells whether there is a next one, without counting every match.
        var found = await rows.Skip((page - 1) * PageSize).Take(PageSize + 1)
            .Select(r => new
            {
                r.Post.Id, r.Post.TopicId, r.Post.Number, r.Topic.Title, r.Topic.Slug, SpaceSlug = r.Topic.Space!.Slug, SpaceName = r.Topic.Space.Name,
                SpaceColor = r.Topic.Space.Color, AuthorHandle = r.Post.Author!.Handle, AuthorName = r.Post.Author.DisplayName, r.Topic.Kind,
                Solved = r.Topic.AcceptedPostId != null, r.Topic.Tags, r.Post.CreatedAt, r.Language, r.Text,
            })
            .ToListAsync(ct);
        var items = found.Take(PageSize).ToList();
        var snippets = items.Count == 0
            ? new Dictionary<long, string>()
            : await index.SnippetsAsync(db, query, [.. items.Select(i => (i.Id, i.Language, i.Text))], ct);
        var results = items.Select(i => new SearchResult(
            i.Id, i.TopicId, i.Number, i.Title, PostUrl(i.TopicId, i.Slug, i.Number), i.SpaceSlug, i.SpaceName, i.SpaceColor,
            i.AuthorHandle, i.AuthorName, i.Kind, i.Solved, i.Tags, i.CreatedAt, snippets.GetValueOrDefault(i.Id, ""))).ToList();
        return Change<SearchResults>.Ok(new SearchResults(text, results, page, found.Count > PageSize));
    }

    /// <summary>The address of a post on its topic's page (the right page of a long topic).</summary>
    public static string PostUrl(long topicId, string slug, int number) =>
        $"/t/{topicId}/{slug}{(number > TopicPage.PageSize ? $"?page={((number - 1) / TopicPage.PageSize) + 1}" : "")}#post-{number}";

    private DateOnly? ParseDate(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        errors[field] = [l["Search.Error.Date"]];
        return null;
    }
}
