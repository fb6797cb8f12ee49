using Microsoft.EntityFrameworkCore;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Search;

/// <summary>
/// Brings the index in line with the posts: indexes those it lacks (written before search existed, by a bulk
/// import, or while indexing failed), those indexed in an older version or before their last edit, and drops
/// deleted ones. Idempotent and resumable (driven by what the database holds), in batches, in the background
/// once the app has started, so that a large first indexing never delays readiness.
/// </summary>
public sealed class SearchBackfill(IDbContextFactory<TribuDbContext> contexts, SearchIndex index, ILogger<SearchBackfill> logger)
{
    public const int BatchSize = 500;

    /// <summary>Indexes every post that needs it and drops deleted ones; returns how many posts it changed.</summary>
    public async Task<int> RunAsync(CancellationToken ct = default)
    {
        var total = 0;
        long after = 0;
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
        while (true)
        {
            await using var db = contexts.CreateDbContext();
            var deleted = await db.Set<SearchDocument>()
                .Where(d => db.Posts.Any(p => p.Id == d.PostId && (p.IsDeleted || p.Topic!.IsDeleted)))
                .Select(d => d.PostId).Take(BatchSize).ToListAsync(ct);
            if (deleted.Count == 0) break;
            await index.RemovePostsAsync(db, deleted, ct);
            removed += deleted.Count;
        }
        if (total + removed > 0) logger.LogInformation("Search index: {Count} post(s) indexed, {Removed} removed", total, removed);
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
            await backfill.RunAsync(stoppingToken);
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
