using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Search;

/// <summary>
/// Keeps the search index in step with posts, whoever saves them (topics, demo data, moderation to come):
/// a post created or edited is indexed, a post or topic deleted leaves the index, a new title re-indexes the
/// opening post. The index is written right after the save, outside its transaction: holding the writer's
/// transaction open for the indexing made concurrent replies collide on their numbers. If indexing fails the
/// save still stands and the miss is counted (<see cref="SearchWatermark"/>): <see cref="SearchBackfill"/> then checks
/// every post at the next start, and searches check live data, so a lagging index never shows what a reader may not see.
/// Bulk ExecuteUpdate/ExecuteDelete bypass this: they must not touch what is indexed (text, title, deletion).
/// </summary>
public sealed class SearchIndexInterceptor(SearchIndex index, ILogger<SearchIndexInterceptor> logger) : SaveChangesInterceptor
{
    // One entry per context between "saving" and "saved"; pooled contexts are reused, so entries are always removed.
    private readonly ConditionalWeakTable<DbContext, Pending> _pending = [];

    private sealed class Pending
    {
        public List<Post> Posts { get; } = [];
        public HashSet<long> RemovedPosts { get; } = [];
        public HashSet<long> RemovedTopics { get; } = [];
        public HashSet<long> RetitledTopics { get; } = [];
        /// <summary>Topics whose every post is indexed again: a new language, or restored from deletion.</summary>
        public HashSet<long> ReindexedTopics { get; } = [];

        public bool IsEmpty => Posts.Count + RemovedPosts.Count + RemovedTopics.Count + RetitledTopics.Count + ReindexedTopics.Count == 0;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is TribuDbContext db && Collect(db) is { } pending) _pending.AddOrUpdate(db, pending);
        return ValueTask.FromResult(result);
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is TribuDbContext db && _pending.TryGetValue(db, out var pending))
        {
            _pending.Remove(db);
            try
            {
                await ApplyAsync(db, pending, cancellationToken);
            }
            catch (Exception ex)
            {
                // The member's change is saved: search lags behind until the next start's backfill, nothing more. The
                // miss is counted so that that start checks every post (SearchWatermark) instead of the newest only.
                await RecordMissAsync(db);
                if (ex is OperationCanceledException) throw;
                logger.LogError(ex, "Search index not updated for posts {Posts} (removed: {Removed})",
                    string.Join(",", pending.Posts.Select(p => p.Id)), string.Join(",", pending.RemovedPosts));
            }
        }
        return result;
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Abandon(eventData.Context);
        return Task.CompletedTask;
    }

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Abandon(eventData.Context);
        return Task.CompletedTask;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is TribuDbContext db && Collect(db) is { } pending) _pending.AddOrUpdate(db, pending);
        return result;
    }

    // Tribu saves asynchronously; the synchronous path blocks on the same work rather than leave the index behind.
    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result) =>
        SavedChangesAsync(eventData, result).AsTask().GetAwaiter().GetResult();

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Abandon(eventData.Context);

    public override void SaveChangesCanceled(DbContextEventData eventData) => Abandon(eventData.Context);

    private async Task RecordMissAsync(TribuDbContext db)
    {
        try
        {
            await SearchBackfill.RecordMissAsync(db, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Search index: a missed change could not be recorded; run `Tribu.Web search-check` to repair the index");
        }
    }

    private void Abandon(DbContext? context)
    {
        if (context is not null) _pending.Remove(context);
    }

    private static Pending? Collect(TribuDbContext db)
    {
        // Interceptors run before SaveChanges detects changes made to tracked entities: detect them now.
        if (db.ChangeTracker.AutoDetectChangesEnabled) db.ChangeTracker.DetectChanges();
        var pending = new Pending();
        foreach (var entry in db.ChangeTracker.Entries())
        {
            switch (entry.Entity)
            {
                case Post post when entry.State == EntityState.Added && !post.IsDeleted:
                    pending.Posts.Add(post);
                    break;
                case Post post when entry.State == EntityState.Modified:
                    if (post.IsDeleted) pending.RemovedPosts.Add(post.Id);
                    else if (entry.Property(nameof(Post.BodyMarkdown)).IsModified || entry.Property(nameof(Post.IsDeleted)).IsModified) pending.Posts.Add(post);
                    break;
                case Post post when entry.State == EntityState.Deleted:
                    pending.RemovedPosts.Add(post.Id);
                    break;
                case Topic topic when entry.State == EntityState.Modified:
                    if (topic.IsDeleted) pending.RemovedTopics.Add(topic.Id);
                    else if (entry.Property(nameof(Topic.Language)).IsModified || entry.Property(nameof(Topic.IsDeleted)).IsModified) pending.ReindexedTopics.Add(topic.Id);
                    else if (entry.Property(nameof(Topic.Title)).IsModified) pending.RetitledTopics.Add(topic.Id);
                    break;
                case Topic topic when entry.State == EntityState.Deleted:
                    pending.RemovedTopics.Add(topic.Id);
                    break;
            }
        }
        return pending.IsEmpty ? null : pending;
    }

    private async Task ApplyAsync(TribuDbContext db, Pending pending, CancellationToken ct)
    {
        if (pending.RemovedTopics.Count > 0) await index.RemoveTopicsAsync(db, pending.RemovedTopics, ct);
        if (pending.RemovedPosts.Count > 0) await index.RemovePostsAsync(db, pending.RemovedPosts, ct);
        if (pending.Posts.Count + pending.RetitledTopics.Count + pending.ReindexedTopics.Count == 0) return;

        // What was just saved: from the tracked entities when their topic is tracked too (no round trip on the
        // reply path), otherwise read back from the database, titles and languages included.
        var topics = db.ChangeTracker.Entries<Topic>().Select(e => e.Entity).ToDictionary(t => t.Id);
        var sources = new List<IndexSource>();
        var unread = new List<long>();
        foreach (var post in pending.Posts)
        {
            if (topics.TryGetValue(post.TopicId, out var topic) && !pending.RetitledTopics.Contains(topic.Id) && !pending.ReindexedTopics.Contains(topic.Id))
            {
                if (!topic.IsDeleted) sources.Add(new IndexSource(post.Id, post.Number, post.BodyMarkdown, post.EditedAt, topic.Title, topic.Language));
            }
            else
            {
                unread.Add(post.Id);
            }
        }
        var retitled = pending.RetitledTopics.ToList();
        var reindexed = pending.ReindexedTopics.ToList();
        if (unread.Count + retitled.Count + reindexed.Count > 0)
        {
            sources.AddRange(await SearchIndex.Sources(db.Posts.Where(p =>
                unread.Contains(p.Id) || (p.Number == 1 && retitled.Contains(p.TopicId)) || reindexed.Contains(p.TopicId))).ToListAsync(ct));
        }
        await index.WriteAsync(db, sources, onlyIfStale: false, ct);
    }
}
