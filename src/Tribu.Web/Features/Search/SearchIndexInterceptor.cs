using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Search;

/// <summary>
/// Keeps the search index in step with posts, whoever saves them (topics, demo data, moderation to come):
/// a post created or edited is indexed, a post or topic deleted leaves the index, a new title re-indexes the
/// opening post. The index is written in the same transaction as the change, so both happen or neither.
/// Bulk ExecuteUpdate/ExecuteDelete bypass this: they must not touch what is indexed (text, title, deletion).
/// </summary>
public sealed class SearchIndexInterceptor(SearchIndex index) : SaveChangesInterceptor
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
        public IDbContextTransaction? Transaction { get; set; }

        public bool IsEmpty => Posts.Count + RemovedPosts.Count + RemovedTopics.Count + RetitledTopics.Count + ReindexedTopics.Count == 0;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is TribuDbContext db && Collect(db) is { } pending)
        {
            // Ids of new posts exist only once they are saved: a transaction spans the save and the indexing.
            // (A retrying execution strategy would refuse this; Tribu uses none.)
            if (db.Database.CurrentTransaction is null)
            {
                pending.Transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            }
            _pending.AddOrUpdate(db, pending);
        }
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is TribuDbContext db && _pending.TryGetValue(db, out var pending))
        {
            _pending.Remove(db);
            try
            {
                await ApplyAsync(db, pending, cancellationToken);
                if (pending.Transaction is not null) await pending.Transaction.CommitAsync(cancellationToken);
            }
            finally
            {
                if (pending.Transaction is not null) await pending.Transaction.DisposeAsync();
            }
        }
        return result;
    }

    public override async Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default) =>
        await AbandonAsync(eventData.Context);

    public override async Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default) =>
        await AbandonAsync(eventData.Context);

    // Tribu saves asynchronously; the synchronous path blocks on the same work rather than leave the index behind.
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result) =>
        SavingChangesAsync(eventData, result).AsTask().GetAwaiter().GetResult();

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result) =>
        SavedChangesAsync(eventData, result).AsTask().GetAwaiter().GetResult();

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => AbandonAsync(eventData.Context).GetAwaiter().GetResult();

    public override void SaveChangesCanceled(DbContextEventData eventData) => AbandonAsync(eventData.Context).GetAwaiter().GetResult();

    private async Task AbandonAsync(DbContext? context)
    {
        if (context is not null && _pending.TryGetValue(context, out var pending))
        {
            _pending.Remove(context);
            // Disposing an uncommitted transaction rolls it back: the failed save leaves nothing behind.
            if (pending.Transaction is not null) await pending.Transaction.DisposeAsync();
        }
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

        // Read back from the database, inside the transaction: what was just saved, titles and languages included.
        var ids = pending.Posts.Select(p => p.Id).ToList();
        var retitled = pending.RetitledTopics.ToList();
        var reindexed = pending.ReindexedTopics.ToList();
        var sources = await SearchIndex.Sources(db.Posts.Where(p =>
            ids.Contains(p.Id) || (p.Number == 1 && retitled.Contains(p.TopicId)) || reindexed.Contains(p.TopicId))).ToListAsync(ct);
        await index.WriteAsync(db, sources, onlyIfStale: false, ct);
    }
}
