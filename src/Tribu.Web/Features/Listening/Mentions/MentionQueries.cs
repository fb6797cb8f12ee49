using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Listening.Analysis;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Listening.Mentions;

/// <summary>
/// The mention stream's filters, from a page's query string or the API. Dates are UTC days, both included.
/// <see cref="Before"/> pages backwards by id (the stream is newest first).
/// </summary>
public sealed record MentionFilter(
    int? Query = null,
    int? Source = null,
    SentimentLabel? Sentiment = null,
    string? Language = null,
    DateOnly? From = null,
    DateOnly? To = null,
    string? Text = null,
    bool Reposts = false,
    long? Before = null,
    Guid? Member = null)
{
    public const int MaxTextLength = 200;

    /// <summary>The filter as a query string (without <see cref="Before"/>), for links and live refreshes.</summary>
    public string ToQueryString(long? before = null)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value)) parts.Add($"{name}={Uri.EscapeDataString(value)}");
        }
        Add("query", Query?.ToString(CultureInfo.InvariantCulture));
        Add("source", Source?.ToString(CultureInfo.InvariantCulture));
        Add("sentiment", Sentiment?.ToString().ToLowerInvariant());
        Add("language", Language);
        Add("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("text", Text);
        if (Reposts) Add("reposts", "true");
        Add("member", Member?.ToString());
        Add("before", before?.ToString(CultureInfo.InvariantCulture));
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }

    /// <summary>Reads a sentiment as written in a URL (negative, neutral, positive), or null.</summary>
    public static SentimentLabel? ParseSentiment(string? value) =>
        Enum.TryParse<SentimentLabel>(value, ignoreCase: true, out var s) && !int.TryParse(value, out _) ? s : null;
}

/// <summary>One mention in a list: what the stream shows.</summary>
public sealed record MentionRow(
    long Id,
    DateTime PublishedAt,
    int SourceId,
    string SourceName,
    SourceKind SourceKind,
    string Text,
    string? Url,
    string Language,
    SentimentLabel Sentiment,
    double SentimentScore,
    SentimentOrigin SentimentOrigin,
    string? AuthorHandle,
    string? AuthorName,
    string? AuthorUrl,
    int? AuthorFollowers,
    Guid? MemberId,
    string? MemberHandle,
    long? OriginalId,
    int RepostCount,
    IReadOnlyList<string> Queries);

/// <summary>A page of the stream, newest first; <see cref="NextBefore"/> continues it.</summary>
public sealed record MentionPage(IReadOnlyList<MentionRow> Items, long? NextBefore);

/// <summary>Reads mentions for the stream, the detail page and the API.</summary>
public sealed class MentionQueries(TribuDbContext db)
{
    public const int PageSize = 50;
    public const int MaxPageSize = 200;
    public const int ListTextLength = 600;

    public IQueryable<Mention> Filtered(MentionFilter filter)
    {
        var mentions = db.Mentions.AsNoTracking();
        if (filter.Query is { } query) mentions = mentions.Where(m => db.MentionMatches.Any(x => x.WatchId == query && x.MentionId == m.Id));
        if (filter.Source is { } source) mentions = mentions.Where(m => m.SourceId == source);
        if (filter.Sentiment is { } sentiment) mentions = mentions.Where(m => m.Sentiment == sentiment);
        if (!string.IsNullOrEmpty(filter.Language)) mentions = mentions.Where(m => m.Language == filter.Language);
        if (filter.From is { } from)
        {
            var start = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            mentions = mentions.Where(m => m.PublishedAt >= start);
        }
        if (filter.To is { } to)
        {
            var end = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            mentions = mentions.Where(m => m.PublishedAt < end);
        }
        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            var text = filter.Text.Trim();
            mentions = mentions.Where(m => m.Text.Contains(text) || (m.AuthorHandle != null && m.AuthorHandle.Contains(text)) || (m.AuthorName != null && m.AuthorName.Contains(text)));
        }
        if (!filter.Reposts) mentions = mentions.Where(m => m.OriginalId == null);
        if (filter.Member is { } member) mentions = mentions.Where(m => m.MemberId == member);
        return mentions;
    }

    /// <summary>A page of the stream, newest first (by id: the order they were collected in).</summary>
    public async Task<MentionPage> PageAsync(MentionFilter filter, int size = PageSize, CancellationToken ct = default)
    {
        size = Math.Clamp(size, 1, MaxPageSize);
        var mentions = Filtered(filter);
        if (filter.Before is { } before) mentions = mentions.Where(m => m.Id < before);
        var rows = (await Project(mentions.OrderByDescending(m => m.Id).Take(size + 1)).ToListAsync(ct)).Select(Shortened).ToList();
        var more = rows.Count > size;
        if (more) rows.RemoveAt(rows.Count - 1);
        var items = await WithQueriesAsync(rows, ct);
        return new MentionPage(items, more ? items[^1].Id : null);
    }

    public async Task<MentionRow?> GetAsync(long id, CancellationToken ct = default)
    {
        var row = await Project(db.Mentions.AsNoTracking().Where(m => m.Id == id)).FirstOrDefaultAsync(ct);
        return row is null ? null : (await WithQueriesAsync([row], ct))[0];
    }

    /// <summary>The later mentions that repeat one (reposts), oldest first.</summary>
    public async Task<IReadOnlyList<MentionRow>> RepostsAsync(long originalId, int take = 50, CancellationToken ct = default) =>
        [.. (await Project(db.Mentions.AsNoTracking().Where(m => m.OriginalId == originalId).OrderBy(m => m.Id).Take(take)).ToListAsync(ct)).Select(Shortened)];

    private static MentionRow Shortened(MentionRow row) => row.Text.Length > ListTextLength ? row with { Text = string.Concat(row.Text.AsSpan(0, ListTextLength), "…") } : row;

    private static IQueryable<MentionRow> Project(IQueryable<Mention> mentions) =>
        mentions.Select(m => new MentionRow(
            m.Id, m.PublishedAt, m.SourceId, m.Source!.Name, m.Source.Kind,
            m.Text,
            m.Url, m.Language, m.Sentiment, m.SentimentScore, m.SentimentOrigin,
            m.AuthorHandle, m.AuthorName, m.AuthorUrl, m.AuthorFollowers,
            m.MemberId, m.Member != null && m.Member.ErasedAt == null ? m.Member.Handle : null,
            m.OriginalId, m.RepostCount, Array.Empty<string>()));

    private async Task<List<MentionRow>> WithQueriesAsync(List<MentionRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return rows;
        var ids = rows.Select(r => r.Id).ToList();
        var names = (await db.MentionMatches.AsNoTracking().Where(x => ids.Contains(x.MentionId)).Select(x => new { x.MentionId, x.Watch!.Name }).ToListAsync(ct))
            .GroupBy(x => x.MentionId).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(x => x.Name).Order(StringComparer.CurrentCulture)]);
        return [.. rows.Select(r => names.TryGetValue(r.Id, out var q) ? r with { Queries = q } : r)];
    }
}
