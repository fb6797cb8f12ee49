using Microsoft.EntityFrameworkCore;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Topics;

/// <summary>A post as a topic page shows it, with its author and reaction counts.</summary>
public sealed record PostRow
{
    public long Id { get; init; }
    public long TopicId { get; init; }
    public int Number { get; init; }
    public string BodyHtml { get; init; } = "";
    public string BodyMarkdown { get; init; } = "";
    public DateTime CreatedAt { get; init; }
    public DateTime? EditedAt { get; init; }
    public Guid AuthorId { get; init; }
    public int? ReplyToNumber { get; init; }
    public string AuthorHandle { get; init; } = "";
    public string AuthorName { get; init; } = "";
    public int Likes { get; init; }
    public int Thanks { get; init; }
    public int Insightful { get; init; }
    public PostStatus Status { get; init; }
    public string? HeldReasons { get; init; }
    public bool IsWiki { get; init; }

    /// <summary>
    /// Posts that are not deleted, without their reaction counts: <see cref="WithReactionsAsync"/> adds them for a whole
    /// page in one grouped query (three correlated counts per post cost more than the rest of the page's SQL).
    /// </summary>
    public static IQueryable<PostRow> Query(TribuDbContext db) =>
        db.Posts
            .Where(p => !p.IsDeleted)
            .Select(p => new PostRow
            {
                Id = p.Id, TopicId = p.TopicId, Number = p.Number, BodyHtml = p.BodyHtml, BodyMarkdown = p.BodyMarkdown,
                CreatedAt = p.CreatedAt, EditedAt = p.EditedAt, AuthorId = p.AuthorId,
                ReplyToNumber = db.Posts.Where(r => r.Id == p.ReplyToPostId).Select(r => (int?)r.Number).FirstOrDefault(),
                AuthorHandle = p.Author!.Handle, AuthorName = p.Author.DisplayName,
                Status = p.Status, HeldReasons = p.HeldReasons, IsWiki = p.IsWiki,
            });

    // Compiled once: the topic page's queries skip building, hashing and looking up an expression tree per request.
    // (A compiled query cannot call Query(db), hence the projection written out again.)
    private static readonly PerModel<Func<TribuDbContext, long, Guid?, bool, int, int, IAsyncEnumerable<PostRow>>> CompiledPage = new(() =>
        EF.CompileAsyncQuery((TribuDbContext db, long topicId, Guid? viewer, bool moderator, int skip, int take) =>
            db.Posts
                .Where(p => p.TopicId == topicId && !p.IsDeleted && (moderator || p.Status == PostStatus.Published || p.AuthorId == viewer))
                .OrderBy(p => p.Number).Skip(skip).Take(take)
                .Select(p => new PostRow
                {
                    Id = p.Id, TopicId = p.TopicId, Number = p.Number, BodyHtml = p.BodyHtml, BodyMarkdown = p.BodyMarkdown,
                    CreatedAt = p.CreatedAt, EditedAt = p.EditedAt, AuthorId = p.AuthorId,
                    ReplyToNumber = db.Posts.Where(r => r.Id == p.ReplyToPostId).Select(r => (int?)r.Number).FirstOrDefault(),
                    AuthorHandle = p.Author!.Handle, AuthorName = p.Author.DisplayName,
                    Status = p.Status, HeldReasons = p.HeldReasons, IsWiki = p.IsWiki,
                })));

    /// <summary>One page of a topic's posts as <paramref name="viewer"/> may see them (see <see cref="PostRowQueries.VisibleTo"/>), with reactions.</summary>
    public static async Task<List<PostRow>> PageAsync(TribuDbContext db, long topicId, Guid? viewer, bool moderator, int skip, int take, CancellationToken ct = default)
    {
        var rows = new List<PostRow>(take);
        await foreach (var row in CompiledPage.For(db)(db, topicId, viewer, moderator, skip, take).WithCancellation(ct))
        {
            rows.Add(row);
        }
        return await WithReactionsAsync(db, rows, ct);
    }

    /// <summary>The rows with their reaction counts, read in one grouped query.</summary>
    public static async Task<List<PostRow>> WithReactionsAsync(TribuDbContext db, List<PostRow> rows, CancellationToken ct = default)
    {
        if (rows.Count == 0) return rows;
        var ids = rows.Select(r => r.Id).ToArray();
        var counts = await db.PostReactions.Where(r => ids.Contains(r.PostId))
            .GroupBy(r => new { r.PostId, r.Kind }).Select(g => new { g.Key.PostId, g.Key.Kind, Count = g.Count() })
            .ToListAsync(ct);
        if (counts.Count == 0) return rows;
        var byPost = counts.ToLookup(c => c.PostId);
        return [.. rows.Select(r => byPost[r.Id] is var mine && mine.Any()
            ? r with
            {
                Likes = mine.Where(c => c.Kind == ReactionKind.Like).Sum(c => c.Count),
                Thanks = mine.Where(c => c.Kind == ReactionKind.Thanks).Sum(c => c.Count),
                Insightful = mine.Where(c => c.Kind == ReactionKind.Insightful).Sum(c => c.Count),
            }
            : r)];
    }

    /// <summary>One post with its reactions, or null.</summary>
    public static async Task<PostRow?> FindAsync(IQueryable<PostRow> rows, TribuDbContext db, CancellationToken ct = default) =>
        await rows.FirstOrDefaultAsync(ct) is { } row ? (await WithReactionsAsync(db, [row], ct))[0] : null;
}

public static class PostRowQueries
{
    /// <summary>Published posts, and the held or hidden ones only for their author and the space's moderators.</summary>
    public static IQueryable<PostRow> VisibleTo(this IQueryable<PostRow> rows, Guid? viewer, bool moderator) =>
        moderator ? rows : rows.Where(p => p.Status == PostStatus.Published || p.AuthorId == viewer);
}
