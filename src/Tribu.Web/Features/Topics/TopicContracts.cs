namespace Tribu.Web.Features.Topics;

/// <summary>A topic in a list. <c>AwaitingReview</c>: held by the automatic checks, seen only by its author and moderators.</summary>
public sealed record TopicSummaryResponse(long Id, string Title, string Url, TopicKind Kind, string Space, string Author, bool Pinned, bool Solved, bool Locked,
    int Replies, int Views, DateTime CreatedAt, DateTime LastPostAt, string[] Tags, bool AwaitingReview = false)
{
    public static TopicSummaryResponse FromRow(TopicRow t) => new(t.Id, t.Title, $"/t/{t.Id}/{t.Slug}", t.Kind, t.SpaceSlug, t.AuthorHandle,
        t.IsPinned, t.IsSolved, t.IsLocked, t.ReplyCount, t.ViewCount, t.CreatedAt, t.LastPostAt,
        (t.Tags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries), t.IsHidden);
}

/// <summary>A topic with a page of its posts.</summary>
public sealed record TopicResponse(long Id, string Title, string Url, TopicKind Kind, string Space, bool Pinned, bool Locked, long? AcceptedPostId,
    string[] Tags, int Replies, int Page, int PageCount, PostResponse[] Posts);

/// <summary>A post: its Markdown source and its sanitised HTML.</summary>
/// <remarks><c>Status</c>: Published, or Held (awaiting a moderator) / Hidden, which only the author and moderators see.</remarks>
public sealed record PostResponse(long Id, int Number, string Author, string AuthorName, string BodyMarkdown, string BodyHtml, DateTime CreatedAt, DateTime? EditedAt,
    int Likes, int Thanks, int Insightful, PostStatus Status, bool IsWiki)
{
    public static PostResponse FromRow(PostRow p) => new(p.Id, p.Number, p.AuthorHandle, p.AuthorName, p.BodyMarkdown, p.BodyHtml, p.CreatedAt, p.EditedAt, p.Likes, p.Thanks, p.Insightful, p.Status, p.IsWiki);
}

/// <summary>A new topic. <c>Kind</c>: Discussion, Question or Announcement (staff). <c>Tags</c>: comma-separated, at most 5.</summary>
public sealed record NewTopicRequest(string? Kind, string? Title, string? Body, string? Tags, bool Pinned = false);

/// <summary>A reply; <c>ReplyTo</c> is the number of the post it answers, if any.</summary>
public sealed record NewReplyRequest(string? Body, int? ReplyTo);

/// <summary>The reply that answers the question; the current answer again un-marks it.</summary>
public sealed record AcceptAnswerRequest(long PostId);

/// <summary>An edit; <c>Title</c> applies to a topic's opening post only.</summary>
/// <summary><c>Wiki</c>: true turns the post into a wiki post that trusted members may edit, false turns it back; omitted leaves it.</summary>
public sealed record EditPostRequest(string? Body, string? Title, string? Reason, bool? Wiki = null);

/// <summary>Moderator switches, and <c>Space</c> (a space slug) to move the topic (staff); omitted ones are left as they are.</summary>
public sealed record TopicStateRequest(bool? Locked, bool? Pinned, string? Space = null);
