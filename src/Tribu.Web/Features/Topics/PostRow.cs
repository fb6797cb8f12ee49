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

    public static IQueryable<PostRow> Query(TribuDbContext db) =>
        db.Posts
            .Where(p => !p.IsDeleted)
            .Select(p => new PostRow
            {
                Id = p.Id, TopicId = p.TopicId, Number = p.Number, BodyHtml = p.BodyHtml, BodyMarkdown = p.BodyMarkdown,
                CreatedAt = p.CreatedAt, EditedAt = p.EditedAt, AuthorId = p.AuthorId,
                ReplyToNumber = db.Posts.Where(r => r.Id == p.ReplyToPostId).Select(r => (int?)r.Number).FirstOrDefault(),
                AuthorHandle = p.Author!.Handle, AuthorName = p.Author.DisplayName,
                Likes = db.PostReactions.Count(r => r.PostId == p.Id && r.Kind == ReactionKind.Like),
                Thanks = db.PostReactions.Count(r => r.PostId == p.Id && r.Kind == ReactionKind.Thanks),
                Insightful = db.PostReactions.Count(r => r.PostId == p.Id && r.Kind == ReactionKind.Insightful),
                Status = p.Status, HeldReasons = p.HeldReasons, IsWiki = p.IsWiki,
            });
}

public static class PostRowQueries
{
    /// <summary>Published posts, and the held or hidden ones only for their author and the space's moderators.</summary>
    public static IQueryable<PostRow> VisibleTo(this IQueryable<PostRow> rows, Guid? viewer, bool moderator) =>
        moderator ? rows : rows.Where(p => p.Status == PostStatus.Published || p.AuthorId == viewer);
}
