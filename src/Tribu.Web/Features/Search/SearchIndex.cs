using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Search;

/// <summary>A post as the index reads it: its Markdown, and its topic's title (opening posts only) and language.</summary>
public sealed record IndexSource(long PostId, int Number, string BodyMarkdown, DateTime? EditedAt, string TopicTitle, string? TopicLanguage);

/// <summary>A matching post and how well it matches (higher is better).</summary>
public sealed class SearchHit
{
    public long PostId { get; set; }
    public double Score { get; set; }
}

/// <summary>A post's snippet as a database computed it.</summary>
public sealed class SnippetRow
{
    public long PostId { get; set; }
    public string Snippet { get; set; } = "";
}

/// <summary>
/// The full-text index, one implementation per database: what is written for a post, how a query matches,
/// how snippets are cut. Everything else (filters, permissions, paging) is shared LINQ in <see cref="SearchService"/>.
/// </summary>
public abstract class SearchIndex
{
    /// <summary>Indexes (or indexes again) these posts. <paramref name="onlyIfStale"/>: leave alone a document already current.</summary>
    public virtual async Task WriteAsync(TribuDbContext db, IEnumerable<IndexSource> sources, bool onlyIfStale, CancellationToken ct)
    {
        foreach (var source in sources)
        {
            var (title, text, language) = Read(source);
            await WriteAsync(db, source.PostId, source.EditedAt, language, title, text, onlyIfStale, ct);
        }
    }

    /// <summary>What is indexed of a post: its topic's title (opening posts only), its plain text, and their language.</summary>
    protected static (string Title, string Text, string Language) Read(IndexSource source)
    {
        var title = source.Number == 1 ? source.TopicTitle : "";
        var text = SearchText.PlainText(source.BodyMarkdown);
        return (title, text, SearchText.DecideLanguage($"{title}\n{text}", source.TopicLanguage));
    }

    protected abstract Task WriteAsync(TribuDbContext db, long postId, DateTime? editedAt, string language, string title, string text, bool onlyIfStale, CancellationToken ct);

    public abstract Task RemovePostsAsync(TribuDbContext db, IReadOnlyCollection<long> postIds, CancellationToken ct);

    /// <summary>Removes every post of these topics.</summary>
    public abstract Task RemoveTopicsAsync(TribuDbContext db, IReadOnlyCollection<long> topicIds, CancellationToken ct);

    /// <summary>
    /// How many matches are ranked: the newest ones. Ranking every match of a common word (a third of a million posts)
    /// costs seconds; ranking the newest 2,000 costs milliseconds, and is exact for any rarer word (bench/RESULTS.md).
    /// </summary>
    public const int DefaultMaxCandidates = 2000;

    /// <summary>How many matches <see cref="MatchAsync"/> returns at most (fewer in tests, to cross its steps).</summary>
    public int MaxCandidates { get; init; } = DefaultMaxCandidates;

    /// <summary>
    /// The newest <see cref="MaxCandidates"/> posts that match, newest first, each with its relevance (higher is better).
    /// Only called when <see cref="SearchQuery.HasTerms"/>. The index knows words only: who may read a post is checked
    /// by the caller, on live data.
    /// </summary>
    public abstract Task<List<SearchHit>> MatchAsync(TribuDbContext db, SearchQuery query, CancellationToken ct);

    /// <summary>Purges what removed posts left in the index's own storage (an erasure must leave no words behind).</summary>
    public virtual Task PurgeRemovedAsync(TribuDbContext db, CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// Snippets (safe HTML) for a page of results, by post id. Each index reads the text of these posts only: carrying
    /// every candidate's text through the search's joins and sort is what made common words slow (bench/RESULTS.md).
    /// </summary>
    public abstract Task<IReadOnlyDictionary<long, string>> SnippetsAsync(TribuDbContext db, SearchQuery query, IReadOnlyList<long> postIds, CancellationToken ct);

    /// <summary>What the index needs of these posts, read from the database (deleted posts and topics left out).</summary>
    public static IQueryable<IndexSource> Sources(IQueryable<Post> posts) =>
        posts.AsNoTracking()
            .Where(p => !p.IsDeleted && !p.Topic!.IsDeleted)
            .Select(p => new IndexSource(p.Id, p.Number, p.BodyMarkdown, p.EditedAt, p.Topic!.Title, p.Topic.Language));
}

/// <summary>
/// SQLite: an FTS5 table of stems computed here (SQLite has no French stemmer), with no copy of the text
/// (contentless, rowid = post id); bm25 ranking with the title counting four times the body.
/// </summary>
public sealed class SqliteSearchIndex : SearchIndex
{
    protected override async Task WriteAsync(TribuDbContext db, long postId, DateTime? editedAt, string language, string title, string text, bool onlyIfStale, CancellationToken ct)
    {
        // Callers that must not overwrite a fresher document hold SQLite's write lock while they choose what to write.
        _ = onlyIfStale;
        var titleTerms = SearchText.IndexTerms(title, language);
        var bodyTerms = SearchText.IndexTerms(text, language);
        await db.Database.ExecuteSqlAsync($"""DELETE FROM "PostSearch" WHERE rowid = {postId}""", ct);
        await db.Database.ExecuteSqlAsync($"""INSERT INTO "PostSearch" (rowid, title, body) VALUES ({postId}, {titleTerms}, {bodyTerms})""", ct);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "SearchDocuments" ("PostId", "Language", "Version", "PostEditedAt", "Text") VALUES ({postId}, {language}, {SearchDocument.CurrentVersion}, {editedAt}, {text})
            ON CONFLICT ("PostId") DO UPDATE SET "Language" = excluded."Language", "Version" = excluded."Version", "PostEditedAt" = excluded."PostEditedAt", "Text" = excluded."Text"
            """, ct);
    }

    public override async Task RemovePostsAsync(TribuDbContext db, IReadOnlyCollection<long> postIds, CancellationToken ct)
    {
        foreach (var id in postIds)
        {
            await db.Database.ExecuteSqlAsync($"""DELETE FROM "PostSearch" WHERE rowid = {id}""", ct);
            await db.Database.ExecuteSqlAsync($"""DELETE FROM "SearchDocuments" WHERE "PostId" = {id}""", ct);
        }
    }

    /// <summary>FTS5 keeps deleted terms in its segments until they merge: "optimize" merges them all now.</summary>
    public override Task PurgeRemovedAsync(TribuDbContext db, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync("""INSERT INTO "PostSearch" ("PostSearch") VALUES ('optimize')""", ct);

    public override async Task RemoveTopicsAsync(TribuDbContext db, IReadOnlyCollection<long> topicIds, CancellationToken ct)
    {
        foreach (var id in topicIds)
        {
            await db.Database.ExecuteSqlAsync($"""DELETE FROM "PostSearch" WHERE rowid IN (SELECT "Id" FROM "Posts" WHERE "TopicId" = {id})""", ct);
            await db.Database.ExecuteSqlAsync($"""DELETE FROM "SearchDocuments" WHERE "PostId" IN (SELECT "Id" FROM "Posts" WHERE "TopicId" = {id})""", ct);
        }
    }

    public override Task<List<SearchHit>> MatchAsync(TribuDbContext db, SearchQuery query, CancellationToken ct)
    {
        var match = query.Fts5Match() ?? throw new InvalidOperationException("The query has no terms.");
        // FTS5 walks its doclists newest first and stops at the limit, whatever the number of matches.
        // bm25 is lower for better matches; negated so that, as on PostgreSQL, a higher score is better.
        return db.Database.SqlQuery<SearchHit>(
            $"""SELECT rowid AS "PostId", -bm25("PostSearch", 4.0, 1.0) AS "Score" FROM "PostSearch" WHERE "PostSearch" MATCH {match} ORDER BY rowid DESC LIMIT {MaxCandidates}""")
            .ToListAsync(ct);
    }

    public override async Task<IReadOnlyDictionary<long, string>> SnippetsAsync(TribuDbContext db, SearchQuery query, IReadOnlyList<long> postIds, CancellationToken ct)
    {
        var stems = query.HighlightStems();
        var ids = postIds.ToArray();
        var posts = await db.Set<SearchDocument>().AsNoTracking().Where(d => ids.Contains(d.PostId)).Select(d => new { d.PostId, d.Language, d.Text }).ToListAsync(ct);
        return posts.ToDictionary(p => p.PostId, p => Snippets.Highlight(p.Text, p.Language, stems));
    }
}

/// <summary>
/// PostgreSQL: a tsvector per post built with the french or english configuration (accents removed by unaccent),
/// title weighted A and body B, under a GIN index; each word of a query read as French or English (phraseto_tsquery,
/// with the query's syntax parsed once by <see cref="SearchQuery"/>, as on SQLite); snippets by ts_headline. The two configurations are created by the Search migration.
/// </summary>
public sealed class PostgresSearchIndex : SearchIndex
{
    private static string Configuration(string language) => language == SearchText.French ? "tribu_french" : "tribu_english";

    /// <summary>
    /// The query as a tsquery expression over parameters ({0}, {1}…): each clause is its French or its English reading
    /// (phraseto_tsquery keeps a phrase's order), exclusions negate both, alternatives are joined by ||.
    /// Built from <see cref="SearchQuery.Searched"/> so both databases read a query alike.
    /// </summary>
    private static (string Sql, List<object> Parameters) TsQuery(SearchQuery query)
    {
        var parameters = new List<object>();
        var alternatives = query.Searched().Select(alternative => "(" + string.Join(" && ",
            alternative.Where(c => !c.Excluded).Select(Clause).Concat(alternative.Where(c => c.Excluded).Select(c => "!!" + Clause(c)))) + ")");
        return (string.Join(" || ", alternatives), parameters);

        string Clause(QueryClause clause)
        {
            var index = parameters.Count;
            parameters.Add(string.Join(' ', clause.Words));
            var reading = $"phraseto_tsquery('tribu_french', {{{index}}}) || phraseto_tsquery('tribu_english', {{{index}}})";
            // One word: its other number too where the French stemmer does not join them (SearchText.Singular does on SQLite).
            if (clause.Words.Count == 1 && SearchText.OtherNumber(clause.Words[0]) is { } other)
            {
                parameters.Add(other);
                reading += $" || phraseto_tsquery('tribu_french', {{{index + 1}}})";
            }
            return $"({reading})";
        }
    }

    protected override async Task WriteAsync(TribuDbContext db, long postId, DateTime? editedAt, string language, string title, string text, bool onlyIfStale, CancellationToken ct)
    {
        var configuration = Configuration(language);
        // The vector is built from the words the app reads (SearchText.Words), not the raw text: PostgreSQL's parser keeps
        // URLs, e-mail addresses, paths and versions whole, so a word inside them would never match the query's word.
        var titleWords = string.Join(' ', SearchText.Words(title).Select(w => w.Text));
        var textWords = string.Join(' ', SearchText.Words(text).Select(w => w.Text));
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "SearchDocuments" ("PostId", "Language", "Version", "PostEditedAt", "Text", "SearchVector")
            VALUES ({postId}, {language}, {SearchDocument.CurrentVersion}, {editedAt}, {text},
                setweight(to_tsvector({configuration}::regconfig, {titleWords}), 'A') || setweight(to_tsvector({configuration}::regconfig, {textWords}), 'B'))
            ON CONFLICT ("PostId") DO UPDATE SET "Language" = excluded."Language", "Version" = excluded."Version", "PostEditedAt" = excluded."PostEditedAt",
                "Text" = excluded."Text", "SearchVector" = excluded."SearchVector"
            WHERE NOT {onlyIfStale} OR "SearchDocuments"."Version" < excluded."Version"
                OR "SearchDocuments"."PostEditedAt" IS DISTINCT FROM excluded."PostEditedAt"
            """, ct);
    }

    /// <summary>
    /// Many posts in one statement (the backfill's batches): one INSERT … ON CONFLICT per post managed ~420 posts/s,
    /// about 45 minutes for a million posts when the index version changes.
    /// </summary>
    public override async Task WriteAsync(TribuDbContext db, IEnumerable<IndexSource> sources, bool onlyIfStale, CancellationToken ct)
    {
        var rows = sources.Select(source => (Source: source, Read: Read(source))).ToList();
        if (rows.Count == 0) return;
        if (rows.Count == 1)
        {
            var (source, (title, text, language)) = rows[0];
            await WriteAsync(db, source.PostId, source.EditedAt, language, title, text, onlyIfStale, ct);
            return;
        }
        var ids = rows.Select(r => r.Source.PostId).ToArray();
        var edited = rows.Select(r => r.Source.EditedAt).ToArray();
        var languages = rows.Select(r => r.Read.Language).ToArray();
        var texts = rows.Select(r => r.Read.Text).ToArray();
        var titleWords = rows.Select(r => string.Join(' ', SearchText.Words(r.Read.Title).Select(w => w.Text))).ToArray();
        var textWords = rows.Select(r => string.Join(' ', SearchText.Words(r.Read.Text).Select(w => w.Text))).ToArray();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "SearchDocuments" ("PostId", "Language", "Version", "PostEditedAt", "Text", "SearchVector")
            SELECT s.id, s.language, {SearchDocument.CurrentVersion}, s.edited, s.text,
                setweight(to_tsvector(c.config, s.title_words), 'A') || setweight(to_tsvector(c.config, s.text_words), 'B')
            FROM unnest({ids}::bigint[], {languages}::text[], {edited}::timestamptz[], {texts}::text[], {titleWords}::text[], {textWords}::text[])
                AS s(id, language, edited, text, title_words, text_words),
                LATERAL (SELECT (CASE s.language WHEN 'fr' THEN 'tribu_french' ELSE 'tribu_english' END)::regconfig AS config) AS c
            ON CONFLICT ("PostId") DO UPDATE SET "Language" = excluded."Language", "Version" = excluded."Version", "PostEditedAt" = excluded."PostEditedAt",
                "Text" = excluded."Text", "SearchVector" = excluded."SearchVector"
            WHERE NOT {onlyIfStale} OR "SearchDocuments"."Version" < excluded."Version"
                OR "SearchDocuments"."PostEditedAt" IS DISTINCT FROM excluded."PostEditedAt"
            """, ct);
    }

    public override async Task RemovePostsAsync(TribuDbContext db, IReadOnlyCollection<long> postIds, CancellationToken ct)
    {
        var ids = postIds.ToArray();
        await db.Database.ExecuteSqlAsync($"""DELETE FROM "SearchDocuments" WHERE "PostId" = ANY({ids})""", ct);
    }

    public override async Task RemoveTopicsAsync(TribuDbContext db, IReadOnlyCollection<long> topicIds, CancellationToken ct)
    {
        var ids = topicIds.ToArray();
        await db.Database.ExecuteSqlAsync($"""DELETE FROM "SearchDocuments" WHERE "PostId" IN (SELECT "Id" FROM "Posts" WHERE "TopicId" = ANY({ids}))""", ct);
    }

    /// <summary>How many of the newest posts the first step of <see cref="MatchAsync"/> reads (fewer in tests).</summary>
    public long FirstWindow { get; init; } = 10_000;

    /// <summary>
    /// The newest matches, by steps back in time. In one statement (<c>ORDER BY "PostId" DESC LIMIT n</c>) the planner
    /// walks the primary key backwards and tests each post's vector, which is right for a common word (its newest
    /// matches are near) and ruinous for a rarer one (5–12 s for 'freinage' or 'communautés' on a million posts: most
    /// of the table read). So: the newest <see cref="FirstWindow"/> posts first (either plan is cheap there); then, from
    /// the rate of matches seen, the span of older posts that probably holds the rest, read through the GIN index and
    /// the primary key's range together (a bitmap AND); past half of what is left, the GIN index alone.
    /// Ranking costs one read of each candidate's vector, never more than <see cref="SearchIndex.MaxCandidates"/>.
    /// </summary>
    public override async Task<List<SearchHit>> MatchAsync(TribuDbContext db, SearchQuery query, CancellationToken ct)
    {
        var hits = new List<SearchHit>();
        var upper = await db.Set<SearchDocument>().MaxAsync(d => (long?)d.PostId, ct) ?? 0;
        var span = FirstWindow;
        for (var step = 0; upper > 0 && hits.Count < MaxCandidates; step++)
        {
            var lower = upper - span;
            var last = lower <= 0 || step == 3;
            // Only our own SQL is spliced in (the tsquery's shape); every value the member typed is a parameter.
            var (tsquery, parameters) = TsQuery(query);
            var bounds = parameters.Count;
            parameters.Add(upper);
            parameters.Add(MaxCandidates - hits.Count);
            parameters.Add(Math.Max(lower, 0));
            // "+ 0" keeps the planner off the backward walk of the primary key outside the first, small window.
            var order = step == 0 && !last ? "d.\"PostId\"" : "d.\"PostId\" + 0";
            var sql = $$"""
                SELECT d."PostId", ts_rank_cd(d."SearchVector", q.query)::float8 AS "Score"
                FROM "SearchDocuments" AS d, (SELECT {{tsquery}} AS query) AS q
                WHERE d."SearchVector" @@ q.query AND d."PostId" <= {{{bounds}}}{{(last ? "" : $" AND d.\"PostId\" > {{{bounds + 2}}}")}}
                ORDER BY {{order}} DESC
                LIMIT {{{bounds + 1}}}
                """;
            var found = await db.Database.SqlQueryRaw<SearchHit>(sql, [.. parameters]).ToListAsync(ct);
            hits.AddRange(found);
            if (last) break;
            // Matches seem spread evenly over time: aim for the span that holds the rest, with a margin.
            var rate = Math.Max(found.Count, 1) / (double)(upper - lower);
            var next = (long)Math.Min(long.MaxValue / 4, Math.Ceiling((MaxCandidates - hits.Count) / rate * 1.5));
            upper = lower;
            span = next >= upper / 2 ? upper : Math.Max(next, FirstWindow);
        }
        return hits;
    }

    public override async Task<IReadOnlyDictionary<long, string>> SnippetsAsync(TribuDbContext db, SearchQuery query, IReadOnlyList<long> postIds, CancellationToken ct)
    {
        var (tsquery, parameters) = TsQuery(query);
        var options = parameters.Count;
        var ids = options + 1;
        parameters.Add(Snippets.HeadlineOptions);
        parameters.Add(postIds.ToArray());
        var sql = $$"""
            SELECT d."PostId",
                ts_headline(CASE d."Language" WHEN 'fr' THEN 'tribu_french'::regconfig ELSE 'tribu_english'::regconfig END, d."Text", q.query, {{{options}}}) AS "Snippet"
            FROM "SearchDocuments" AS d, (SELECT {{tsquery}} AS query) AS q
            WHERE d."PostId" = ANY({{{ids}}})
            """;
        var rows = await db.Database.SqlQueryRaw<SnippetRow>(sql, [.. parameters]).ToListAsync(ct);
        return rows.ToDictionary(r => r.PostId, r => Snippets.FromMarkers(r.Snippet));
    }
}
