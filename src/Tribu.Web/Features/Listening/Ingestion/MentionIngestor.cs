using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Listening.Analysis;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Listening.Ingestion;

/// <summary>
/// The ingestion pipeline every source goes through (polled feeds and networks, webhooks, CSV imports): each mention is
/// stored exactly once per source and external id; its text, language and sentiment analysed; a repost linked to the
/// first mention with the same words; its author linked to a member when the handle is known; and matched against every
/// active listening query. The source's own state (a cursor) is saved in the same transaction as the mentions it led
/// to, so a crash in the middle neither loses nor repeats anything: the next poll starts again from the saved cursor,
/// and what was already stored is skipped.
/// </summary>
public sealed partial class MentionIngestor(
    TribuDbContext db,
    MentionAnalyzer analyzer,
    WatchCatalog catalog,
    ILiveBus bus,
    IEnumerable<IMentionObserver> observers,
    TimeProvider clock,
    ILogger<MentionIngestor> logger)
{
    /// <summary>Items stored per transaction; larger batches are split.</summary>
    public const int BatchSize = 1000;
    public const int MaxExternalIdLength = 500;
    public const int MaxTextLength = 20_000;
    /// <summary>Reposts are looked for among mentions of the last days only.</summary>
    public static readonly TimeSpan RepostWindow = TimeSpan.FromDays(30);

    /// <summary>Keys of <c>UiStrings</c> for items the pipeline refuses.</summary>
    public static class RejectKeys
    {
        public const string NoId = "Listening.Reject.NoId";
        public const string NoText = "Listening.Reject.NoText";
    }

    private readonly IMentionObserver[] _observers = [.. observers];

    /// <summary>
    /// Stores new mentions of a source. <paramref name="updateSource"/> changes the source in the same transaction as
    /// the last batch (a poller's new cursor); the item count and the source's last success are kept here.
    /// </summary>
    public async Task<IngestResult> IngestAsync(int sourceId, IReadOnlyList<IncomingMention> items, Action<ListeningSource>? updateSource = null, CancellationToken ct = default)
    {
        var rejected = new List<RejectedItem>();
        var added = new List<IngestedMention>();
        var duplicates = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var valid = new List<(IncomingMention Item, string ExternalId)>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var externalId = ExternalIdOf(item.ExternalId);
            if (externalId is null)
            {
                rejected.Add(new RejectedItem(i, RejectKeys.NoId));
            }
            else if (string.IsNullOrWhiteSpace(item.Content))
            {
                rejected.Add(new RejectedItem(i, RejectKeys.NoText));
            }
            else if (!seen.Add(externalId))
            {
                duplicates++;
            }
            else
            {
                valid.Add((item, externalId));
            }
        }
        if (valid.Count == 0)
        {
            if (updateSource is not null) await SaveSourceOnlyAsync(sourceId, updateSource, ct);
            return new IngestResult(items.Count, 0, duplicates, rejected, added);
        }
        for (var start = 0; start < valid.Count; start += BatchSize)
        {
            var batch = valid.GetRange(start, Math.Min(BatchSize, valid.Count - start));
            var last = start + BatchSize >= valid.Count;
            var (stored, skipped) = await StoreBatchWithRetryAsync(sourceId, batch, last ? updateSource : null, ct);
            added.AddRange(stored);
            duplicates += skipped;
        }
        if (added.Count > 0)
        {
            await bus.PublishAsync(LiveChannels.Listening, ct);
            foreach (var observer in _observers)
            {
                try
                {
                    await observer.MentionsAddedAsync(added, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The mentions are committed; an observer's fault (an alert that could not be written) is logged, not thrown at the source.
                    LogObserverFailed(logger, ex, observer.GetType().Name);
                }
            }
        }
        return new IngestResult(items.Count, added.Count, duplicates, rejected, added);
    }

    /// <summary>The id as stored: trimmed; a very long one (some feeds use whole URLs with tracking) replaced by its hash.</summary>
    internal static string? ExternalIdOf(string? raw)
    {
        var id = raw?.Trim();
        if (string.IsNullOrEmpty(id)) return null;
        if (id.Length <= MaxExternalIdLength) return id;
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
    }

    private async Task SaveSourceOnlyAsync(int sourceId, Action<ListeningSource> updateSource, CancellationToken ct)
    {
        var source = await db.ListeningSources.FirstOrDefaultAsync(s => s.Id == sourceId, ct) ?? throw new InvalidOperationException($"Listening source {sourceId} does not exist.");
        updateSource(source);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    private async Task<(List<IngestedMention> Added, int Duplicates)> StoreBatchWithRetryAsync(int sourceId, List<(IncomingMention Item, string ExternalId)> batch, Action<ListeningSource>? updateSource, CancellationToken ct)
    {
        try
        {
            return await StoreBatchAsync(sourceId, batch, updateSource, ct);
        }
        catch (DbUpdateException)
        {
            // Another writer stored some of the same items between our read and our write (two deliveries of one
            // webhook): read again, and what it stored is now a duplicate.
            db.ChangeTracker.Clear();
            return await StoreBatchAsync(sourceId, batch, updateSource, ct);
        }
    }

    private async Task<(List<IngestedMention> Added, int Duplicates)> StoreBatchAsync(int sourceId, List<(IncomingMention Item, string ExternalId)> batch, Action<ListeningSource>? updateSource, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var watches = await catalog.GetAsync(db, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var source = await db.ListeningSources.FirstOrDefaultAsync(s => s.Id == sourceId, ct) ?? throw new InvalidOperationException($"Listening source {sourceId} does not exist.");

        var ids = batch.Select(b => b.ExternalId).ToList();
        var existing = (await db.Mentions.Where(m => m.SourceId == sourceId && ids.Contains(m.ExternalId)).Select(m => m.ExternalId).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);

        var fresh = new List<(Mention Mention, MentionAnalysis Analysis, List<int> WatchIds)>(batch.Count - existing.Count);
        foreach (var (item, externalId) in batch)
        {
            if (existing.Contains(externalId)) continue;
            var content = item.Content!.Length > MaxTextLength * 4 ? item.Content[..(MaxTextLength * 4)] : item.Content;
            var analysis = analyzer.Analyze(content, item.IsHtml, item.Language);
            var text = analysis.Text.Length > MaxTextLength ? analysis.Text[..MaxTextLength] : analysis.Text;
            if (text.Length == 0) text = "…";
            var mention = new Mention
            {
                SourceId = sourceId,
                ExternalId = externalId,
                Url = Limit(SafeUrl(item.Url), 2000),
                Text = text,
                Language = analysis.Language.Language,
                Sentiment = analysis.Sentiment.Label,
                SentimentScore = analysis.Sentiment.Score,
                SentimentOrigin = analysis.Sentiment.ByModel ? SentimentOrigin.Model : SentimentOrigin.Engine,
                ContentHash = analysis.ContentHash,
                AuthorHandle = AuthorHandles.Normalize(item.Author?.Handle),
                AuthorName = Limit(item.Author?.Name?.Trim(), 300),
                AuthorUrl = Limit(SafeUrl(item.Author?.Url), 2000),
                AuthorFollowers = item.Author?.Followers is >= 0 ? item.Author.Followers : null,
                PublishedAt = PublishedAt(item.PublishedAt, now),
                CollectedAt = now,
            };
            var matched = new List<int>();
            foreach (var watch in watches)
            {
                if (watch.Matches(sourceId, mention.Language, analysis.Words)) matched.Add(watch.Id);
            }
            fresh.Add((mention, analysis, matched));
        }

        if (fresh.Count > 0)
        {
            await LinkAuthorsAsync(fresh.Select(f => f.Mention), ct);
            var repostBumps = await GroupRepostsAsync(fresh.Select(f => f.Mention), now, ct);
            if (db.Database.IsSqlite())
            {
                // One prepared statement per table instead of one parsed statement per row (see SqliteBulkInsert).
                await SqliteBulkInsert.InsertAsync(db, [.. fresh.Select(f => f.Mention)], m => m.OriginalId ??= m.Original?.Id, ct);
                await SqliteBulkInsert.InsertAsync(db, [.. fresh.SelectMany(f => f.WatchIds.Select(w => new MentionMatch
                {
                    WatchId = w, MentionId = f.Mention.Id, PublishedAt = f.Mention.PublishedAt, Sentiment = f.Mention.Sentiment,
                }))], null, ct);
            }
            else
            {
                foreach (var (mention, _, watchIds) in fresh)
                {
                    foreach (var watchId in watchIds)
                    {
                        mention.Matches.Add(new MentionMatch { WatchId = watchId, PublishedAt = mention.PublishedAt, Sentiment = mention.Sentiment });
                    }
                    db.Mentions.Add(mention);
                }
            }
            source.ItemCount += fresh.Count;
            updateSource?.Invoke(source);
            await db.SaveChangesAsync(ct);
            foreach (var (originalId, count) in repostBumps)
            {
                await db.Mentions.Where(m => m.Id == originalId).ExecuteUpdateAsync(s => s.SetProperty(m => m.RepostCount, m => m.RepostCount + count), ct);
            }
        }
        else if (updateSource is not null)
        {
            updateSource(source);
            await db.SaveChangesAsync(ct);
        }
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();

        var added = fresh.Select(f => new IngestedMention(f.Mention.Id, sourceId, f.Mention.Text, f.Mention.Language, f.Mention.Sentiment, f.Mention.SentimentScore,
            f.Mention.AuthorHandle, f.Mention.AuthorFollowers, f.Mention.PublishedAt, f.Mention.OriginalId is not null || f.Mention.Original is not null, f.WatchIds, f.Analysis.Words)).ToList();
        return (added, batch.Count - fresh.Count);
    }

    /// <summary>Links mentions to the members whose handle they carry.</summary>
    private async Task LinkAuthorsAsync(IEnumerable<Mention> mentions, CancellationToken ct)
    {
        var handles = mentions.Select(m => m.AuthorHandle).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (handles.Count == 0) return;
        var links = await db.AuthorLinks.Where(l => handles.Contains(l.Handle)).Select(l => new { l.Handle, l.MemberId }).ToDictionaryAsync(l => l.Handle, l => l.MemberId, StringComparer.Ordinal, ct);
        if (links.Count == 0) return;
        foreach (var mention in mentions)
        {
            if (mention.AuthorHandle is { } handle && links.TryGetValue(handle, out var memberId)) mention.MemberId = memberId;
        }
    }

    /// <summary>
    /// Points each repost at the first mention with the same words (stored earlier, or earlier in this batch) and
    /// returns how many reposts each stored original gains.
    /// </summary>
    private async Task<Dictionary<long, int>> GroupRepostsAsync(IEnumerable<Mention> mentions, DateTime now, CancellationToken ct)
    {
        var bumps = new Dictionary<long, int>();
        var groupable = mentions.Where(m => m.Text.Length >= Mention.MinRepostLength).ToList();
        if (groupable.Count == 0) return bumps;
        var hashes = groupable.Select(m => m.ContentHash).Distinct(StringComparer.Ordinal).ToList();
        var since = now - RepostWindow;
        // Only the hash is filtered in SQL: with "OriginalId IS NULL" there too, SQLite's planner picks the OriginalId
        // index (nearly every row) over the hash index, and each batch would scan the whole table.
        var stored = (await db.Mentions.Where(m => hashes.Contains(m.ContentHash))
                .Select(m => new { m.Id, m.ContentHash, m.OriginalId, m.CollectedAt }).ToListAsync(ct))
            .Where(m => m.OriginalId == null && m.CollectedAt >= since)
            .GroupBy(m => m.ContentHash, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Min(m => m.Id), StringComparer.Ordinal);
        var firstInBatch = new Dictionary<string, Mention>(StringComparer.Ordinal);
        foreach (var mention in groupable)
        {
            if (stored.TryGetValue(mention.ContentHash, out var originalId))
            {
                mention.OriginalId = originalId;
                bumps[originalId] = bumps.GetValueOrDefault(originalId) + 1;
            }
            else if (firstInBatch.TryGetValue(mention.ContentHash, out var original))
            {
                mention.Original = original;
                original.RepostCount++;
            }
            else
            {
                firstInBatch[mention.ContentHash] = mention;
            }
        }
        return bumps;
    }

    /// <summary>A publication date as given, unless it is missing or absurd (before 1995, or more than a day ahead): then the time it was collected.</summary>
    internal static DateTime PublishedAt(DateTime? published, DateTime now)
    {
        if (published is not { } p) return now;
        var utc = p.Kind switch
        {
            DateTimeKind.Utc => p,
            DateTimeKind.Local => p.ToUniversalTime(),
            _ => DateTime.SpecifyKind(p, DateTimeKind.Utc),
        };
        return utc.Year < 1995 || utc > now.AddDays(1) ? now : utc;
    }

    /// <summary>Only http(s) links are kept: a mention is shown with its link, and a javascript: one must never reach a page.</summary>
    internal static string? SafeUrl(string? url) =>
        Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri.AbsoluteUri : null;

    private static string? Limit(string? value, int max) => value is null ? null : value.Length <= max ? value : value[..max];

    [LoggerMessage(Level = LogLevel.Error, Message = "A mention observer ({Observer}) failed after mentions were stored.")]
    private static partial void LogObserverFailed(ILogger logger, Exception exception, string observer);
}
