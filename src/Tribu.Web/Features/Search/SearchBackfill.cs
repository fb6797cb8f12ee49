using Microsoft.EntityFrameworkCore;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Search;

/// <summary>
/// Brings the index in line with the posts: indexes those it lacks (written before search existed, by a bulk
/// import, or while indexing failed), those indexed in an older version or before their last edit, and drops
/// deleted ones. Idempotent and resumable (driven by what the database holds), in batches, in the background
/// once the app has started, so that a large first indexing never delays readiness. A start checks every post
/// only when the <see cref="SearchWatermark"/> says it must (a new index version, a change the index missed, no
/// complete scan yet); otherwise only the posts above the watermark.
/// </summary>
public sealed class SearchBackfill(IDbContextFactory<TribuDbContext> contexts, SearchIndex index, TimeProvider clock, ILogger<SearchBackfill> logger)
{
    public const int BatchSize = 500;

    /// <summary>What a start runs: <see cref="RunAsync"/> when the index may be incomplete, otherwise the posts above the watermark.</summary>
    public async Task<int> CatchUpAsync(CancellationToken ct = default)
    {
        SearchWatermark? mark;
        await using (var db = contexts.CreateDbContext())
        {
            mark = await db.Set<SearchWatermark>().AsNoTracking().SingleOrDefaultAsync(w => w.Id == SearchWatermark.SingletonId, ct);
        }
        if (mark is null || mark.Version != SearchDocument.CurrentVersion || mark.Misses != mark.MissesAtScan)
        {
            logger.LogInformation("Search index: checking every post (index version {Current}, last complete scan: version {Version}, missed changes {Missed})",
                SearchDocument.CurrentVersion, mark?.Version, mark is null ? null : mark.Misses - mark.MissesAtScan);
            return await ScanAsync(0, complete: true, ct);
        }
        return await ScanAsync(mark.LastPostId, complete: false, ct);
    }

    /// <summary>Checks every post: indexes those that need it and drops deleted ones; returns how many posts it changed.</summary>
    public Task<int> RunAsync(CancellationToken ct = default) => ScanAsync(0, complete: true, ct);

    /// <summary>
    /// Counts a change the index failed to follow, so that the next start checks every post. Best effort, on the
    /// context that saved the change (inside its transaction, if any: a change rolled back was not missed).
    /// </summary>
    public static Task RecordMissAsync(TribuDbContext db, CancellationToken ct) =>
        db.Set<SearchWatermark>().Where(w => w.Id == SearchWatermark.SingletonId)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.Misses, w => w.Misses + 1), ct);

    private async Task<int> ScanAsync(long watermark, bool complete, CancellationToken ct)
    {
        long misses, newest, after = watermark;
        await using (var db = contexts.CreateDbContext())
        {
            // The row exists before the scan, so that a change missed during the scan is counted (and not repaired by it).
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "SearchWatermarks" ("Id", "Version", "LastPostId", "Misses", "MissesAtScan", "ScannedAt")
                VALUES ({SearchWatermark.SingletonId}, 0, 0, 0, 0, {clock.GetUtcNow().UtcDateTime}) ON CONFLICT ("Id") DO NOTHING
                """, ct);
            misses = await db.Set<SearchWatermark>().Where(w => w.Id == SearchWatermark.SingletonId).Select(w => w.Misses).SingleAsync(ct);
            // Posts saved from now on are indexed as they are saved (SearchIndexInterceptor), or counted as misses.
            newest = await db.Posts.MaxAsync(p => (long?)p.Id, ct) ?? 0;
        }
        var total = 0;
        while (true)
        {
            await using var db = contexts.CreateDbContext();
            // The write lock (SQLite) is held while choosing and writing, so a concurrent edit is never overwritten
            // by an older text; PostgreSQL's upsert keeps a current document instead (onlyIfStale).
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var from = after;
            var batch = await SearchIndex.Sources(db.Posts
                    .Where(p => p.Id > from && !p.IsDeleted && !p.Topic!.IsDeleted
                        && !db.Set<SearchDocument>().Any(d => d.PostId == p.Id && d.Version >= SearchDocument.CurrentVersion && d.PostEditedAt == p.EditedAt))
                    .OrderBy(p => p.Id).Take(BatchSize))
                .ToListAsync(ct);
            if (batch.Count == 0) break;
            await index.WriteAsync(db, batch, onlyIfStale: true, ct);
            await transaction.CommitAsync(ct);
            total += batch.Count;
            after = batch.Max(s => s.PostId);
        }
        var removed = 0;
        // Deletions are followed as they are saved; only a complete scan looks for those the index missed.
        while (complete)
        {
            await using var db = contexts.CreateDbContext();
            var deleted = await db.Set<SearchDocument>()
                .Where(d => db.Posts.Any(p => p.Id == d.PostId && (p.IsDeleted || p.Topic!.IsDeleted)))
                .Select(d => d.PostId).Take(BatchSize).ToListAsync(ct);
            if (deleted.Count == 0) break;
            await index.RemovePostsAsync(db, deleted, ct);
            removed += deleted.Count;
        }
        await using (var db = contexts.CreateDbContext())
        {
            var marks = db.Set<SearchWatermark>().Where(w => w.Id == SearchWatermark.SingletonId);
            if (complete)
            {
                await marks.ExecuteUpdateAsync(s => s
                    .SetProperty(w => w.Version, SearchDocument.CurrentVersion)
                    .SetProperty(w => w.LastPostId, w => w.LastPostId > newest && w.Version == SearchDocument.CurrentVersion ? w.LastPostId : newest)
                    .SetProperty(w => w.MissesAtScan, misses)
                    .SetProperty(w => w.ScannedAt, clock.GetUtcNow().UtcDateTime), ct);
            }
            else
            {
                await marks.Where(w => w.Version == SearchDocument.CurrentVersion && w.LastPostId < newest)
                    .ExecuteUpdateAsync(s => s.SetProperty(w => w.LastPostId, newest), ct);
            }
        }
        if (total + removed > 0 || complete)
        {
            logger.LogInformation("Search index: {Count} post(s) indexed, {Removed} removed ({Scan}, up to post {Newest})",
                total, removed, complete ? "every post checked" : $"posts after {watermark} checked", newest);
        }
        return total + removed;
    }
}

/// <summary>Runs <see cref="SearchBackfill"/> once the app has started (after migrations and demo data).</summary>
internal sealed class SearchBackfillService(SearchBackfill backfill, IHostApplicationLifetime lifetime, ILogger<SearchBackfillService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        try
        {
            await backfill.CatchUpAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the next start carries on where this one stopped.
        }
        catch (Exception ex)
        {
            // Search is degraded, not the app: log it and let the next start try again.
            logger.LogError(ex, "Search index backfill failed");
        }
    }
}
