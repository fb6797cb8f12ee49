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

        // The matches first, alone (the newest SearchIndex.MaxCandidates, with their relevance), in the order of the
        // results; then, in that order, what the reader may see among them, checked on live rows by primary key a
        // chunk at a time until the page is full; then the page's authors and snippets. Joining Posts, Topics and Spaces
        // to every candidate in one statement cost a hash join over every topic on PostgreSQL (bench/RESULTS.md).
        var hits = await index.MatchAsync(db, query, ct);
        if (hits.Count == 0) return Change<SearchResults>.Ok(new SearchResults(text, [], page, false));

        // Who may read what is decided live on every search by SpaceAccess: the index only knows words.
        var spaces = await db.Spaces.AsNoTracking().ReadableBy(SpaceAccess.ReadableBy(user))
            .Select(s => new SpaceRow(s.Id, s.Slug, s.Name, s.Color)).ToDictionaryAsync(s => s.Id, ct);
        var filter = new Filter(kind, solved, request.Tag, from, to);
        if (!string.IsNullOrWhiteSpace(request.Space))
        {
            var slug = request.Space.Trim();
            spaces = spaces.Values.Where(s => s.Slug == slug).ToDictionary(s => s.Id);
        }
        if (!string.IsNullOrWhiteSpace(request.Author))
        {
            var handle = request.Author.Trim().TrimStart('@').ToLowerInvariant();
            filter = filter with { AuthorId = await db.Users.Where(u => u.Handle == handle).Select(u => (Guid?)u.Id).FirstOrDefaultAsync(ct) ?? Guid.Empty };
        }
        if (spaces.Count == 0 || filter.AuthorId == Guid.Empty) return Change<SearchResults>.Ok(new SearchResults(text, [], page, false));

        // By relevance the order is known from the index alone, and only the first page's worth (and one more, to tell
        // whether there is a next page) need be checked; by date, every candidate's date is needed first.
        var latest = sort == SortLatest;
        var order = latest
            ? hits.Select(h => h.PostId).ToList()
            : hits.OrderByDescending(h => h.Score).ThenByDescending(h => h.PostId).Select(h => h.PostId).ToList();
        var wanted = page * PageSize + 1;
        var visible = new List<Visible>();
        var topics = new Dictionary<long, TopicRow>();
        // A filter may leave out most candidates: check more at once then. Each further chunk is four times larger.
        var chunk = latest ? order.Count : Math.Max(2 * wanted, filter.IsEmpty ? 50 : 250);
        for (var next = 0; next < order.Count && (latest || visible.Count < wanted); next += chunk, chunk *= 4)
        {
            var ids = order.GetRange(next, Math.Min(chunk, order.Count - next)).ToArray();
            // The primary key only: a condition on Status sent SQLite's planner through the (Status, CreatedAt) index.
            var posts = await db.Posts.AsNoTracking().Where(p => ids.Contains(p.Id))
                .Select(p => new PostRow(p.Id, p.TopicId, p.AuthorId, p.Number, p.Status, p.IsDeleted, p.CreatedAt))
                .ToDictionaryAsync(p => p.Id, ct);
            var unknown = posts.Values.Select(p => p.TopicId).Where(id => !topics.ContainsKey(id)).Distinct().ToArray();
            if (unknown.Length > 0)
            {
                var rows = await db.Topics.AsNoTracking().Where(t => unknown.Contains(t.Id))
                    .Select(t => new TopicRow(t.Id, t.SpaceId, t.IsDeleted, t.IsHidden, t.Kind, t.AcceptedPostId != null, t.Tags, t.Title, t.Slug))
                    .ToListAsync(ct);
                foreach (var row in rows) topics[row.Id] = row;
            }
            foreach (var id in ids)
            {
                if (posts.TryGetValue(id, out var post) && topics.TryGetValue(post.TopicId, out var topic)
                    && spaces.TryGetValue(topic.SpaceId, out var space) && filter.Shows(post, topic))
                {
                    visible.Add(new Visible(post, topic, space));
                }
            }
        }
        if (latest) visible = [.. visible.OrderByDescending(v => v.Post.CreatedAt).ThenByDescending(v => v.Post.Id)];

        var items = visible.Skip((page - 1) * PageSize).Take(PageSize).ToList();
        if (items.Count == 0) return Change<SearchResults>.Ok(new SearchResults(text, [], page, visible.Count > page * PageSize));
        var authorIds = items.Select(i => i.Post.AuthorId).Distinct().ToArray();
        var authors = await db.Users.AsNoTracking().Where(u => authorIds.Contains(u.Id))
            .Select(u => new { u.Id, u.Handle, u.DisplayName }).ToDictionaryAsync(u => u.Id, ct);
        var snippets = await index.SnippetsAsync(db, query, [.. items.Select(i => i.Post.Id)], ct);
        var results = items.Select(i => new SearchResult(
            i.Post.Id, i.Topic.Id, i.Post.Number, i.Topic.Title, PostUrl(i.Topic.Id, i.Topic.Slug, i.Post.Number), i.Space.Slug, i.Space.Name, i.Space.Color,
            authors.GetValueOrDefault(i.Post.AuthorId)?.Handle ?? "", authors.GetValueOrDefault(i.Post.AuthorId)?.DisplayName ?? "",
            i.Topic.Kind, i.Topic.Solved, i.Topic.Tags, i.Post.CreatedAt, snippets.GetValueOrDefault(i.Post.Id, ""))).ToList();
        return Change<SearchResults>.Ok(new SearchResults(text, results, page, visible.Count > page * PageSize));
    }

    private sealed record SpaceRow(int Id, string Slug, string Name, string Color);

    private sealed record PostRow(long Id, long TopicId, Guid AuthorId, int Number, PostStatus Status, bool IsDeleted, DateTime CreatedAt);

    private sealed record TopicRow(long Id, int SpaceId, bool IsDeleted, bool IsHidden, TopicKind Kind, bool Solved, string? Tags, string Title, string Slug);

    private sealed record Visible(PostRow Post, TopicRow Topic, SpaceRow Space);

    /// <summary>What a post and its topic must be to show, the reader's filters included (the space is checked by the caller).</summary>
    private sealed record Filter(TopicKind? Kind, bool? Solved, string? Tag, DateOnly? From, DateOnly? To)
    {
        /// <summary>The author asked for; <see cref="Guid.Empty"/> when no member has that handle.</summary>
        public Guid? AuthorId { get; init; }

        private readonly string? _tag = string.IsNullOrWhiteSpace(Tag) ? null : "," + Tag.Trim().TrimStart('#').ToLowerInvariant() + ",";
        private readonly DateTime? _start = From?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        private readonly DateTime? _end = To?.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

        public bool IsEmpty => Kind is null && Solved is null && _tag is null && From is null && To is null && AuthorId is null;

        public bool Shows(PostRow post, TopicRow topic) =>
            post.Status == PostStatus.Published && !post.IsDeleted && !topic.IsDeleted && !topic.IsHidden
            && (AuthorId is null || post.AuthorId == AuthorId)
            && (_start is null || post.CreatedAt >= _start) && (_end is null || post.CreatedAt < _end)
            && (Kind is null || topic.Kind == Kind) && (Solved is null || topic.Solved == Solved)
            && (_tag is null || (topic.Tags is not null && ("," + topic.Tags + ",").Contains(_tag, StringComparison.Ordinal)));
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
