using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Features.Spaces;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Moderation;

public enum ReviewAction
{
    /// <summary>Publish it (held) or put it back (hidden).</summary>
    Approve,
    /// <summary>Take it down; its author and the moderators still see it.</summary>
    Hide,
    /// <summary>Remove it for good (a soft delete, like the author's own).</summary>
    Delete,
}

/// <summary>A post waiting for a moderator, with why.</summary>
public sealed record QueueItem(
    long PostId, long TopicId, string TopicTitle, string TopicSlug, int Number, string SpaceName, int SpaceId, Guid AuthorId, string AuthorHandle,
    string AuthorName, DateTime AuthorSince, string BodyMarkdown, string BodyHtml, PostStatus Status, string? HeldReasons, DateTime CreatedAt, DateTime? ReviewedAt,
    int OpenFlags);

/// <summary>An open flag as the queue shows it (never to the post's author).</summary>
public sealed record QueueFlag(long PostId, FlagReason Reason, string? Text, string FlaggerHandle, DateTime CreatedAt);

/// <summary>
/// The moderation queue and its decisions. A decision claims the post with a conditional update (it must still be as the
/// moderator saw it), so two moderators acting at once never act twice: the second is told who did what.
/// </summary>
public sealed class ModerationService(
    TribuDbContext db, TimeProvider clock, AuditLog audit, Notifier notifier, ILiveBus live, IStringLocalizer<UiStrings> l)
{
    /// <summary>Posts waiting for a decision in the spaces the reader moderates: held ones, and hidden ones nobody reviewed yet.</summary>
    public static IQueryable<QueueItem> Queue(TribuDbContext db, ClaimsPrincipal user)
    {
        var posts = db.Posts.AsNoTracking().Where(p => !p.IsDeleted && !p.Topic!.IsDeleted
            && ((p.Status != PostStatus.Published && p.ReviewedAt == null) || db.Set<Flag>().Any(f => f.PostId == p.Id && f.ResolvedAt == null)));
        if (!SpaceAccess.IsStaff(user))
        {
            var spaces = SpaceAccess.ModeratedSpaceIds(user);
            posts = posts.Where(p => spaces.Contains(p.Topic!.SpaceId));
        }
        return posts.OrderBy(p => p.CreatedAt).Select(p => new QueueItem(
            p.Id, p.TopicId, p.Topic!.Title, p.Topic.Slug, p.Number, p.Topic.Space!.Name, p.Topic.SpaceId, p.AuthorId, p.Author!.Handle,
            p.Author.DisplayName, p.Author.CreatedAt, p.BodyMarkdown, p.BodyHtml, p.Status, p.HeldReasons, p.CreatedAt, p.ReviewedAt,
            db.Set<Flag>().Count(f => f.PostId == p.Id && f.ResolvedAt == null)));
    }

    public static Task<List<QueueFlag>> OpenFlagsAsync(TribuDbContext db, IReadOnlyCollection<long> postIds, CancellationToken ct = default) =>
        db.Set<Flag>().AsNoTracking().Where(f => postIds.Contains(f.PostId) && f.ResolvedAt == null).OrderBy(f => f.CreatedAt)
            .Join(db.Users, f => f.FlaggerId, u => u.Id, (f, u) => new QueueFlag(f.PostId, f.Reason, f.Text, u.Handle, f.CreatedAt))
            .ToListAsync(ct);

    /// <summary>Who may open the queue at all: staff, and members who moderate a space.</summary>
    public static bool CanModerateAnything(ClaimsPrincipal user) => SpaceAccess.IsStaff(user) || user.HasClaim(c => c.Type == SpaceAccess.ModeratorClaim);

    public async Task<Change<Post>> ReviewAsync(ClaimsPrincipal user, long postId, ReviewAction action, string? message, CancellationToken ct = default)
    {
        if (TopicPermissions.MemberId(user) is not { } me || !Enum.IsDefined(action)) return Change<Post>.Forbidden();
        var post = await db.Posts.Include(p => p.Topic).ThenInclude(t => t!.Space).FirstOrDefaultAsync(p => p.Id == postId && !p.IsDeleted, ct);
        if (post is null || post.Topic!.IsDeleted) return Change<Post>.NotFound();
        var topic = post.Topic;
        if (!TopicPermissions.IsModerator(topic.SpaceId, user)) return Change<Post>.Forbidden();
        if ((message?.Length ?? 0) > 2000) return Change<Post>.Invalid(new() { ["Message"] = [l["Moderation.MessageTooLong", 2000]] });

        var now = clock.GetUtcNow().UtcDateTime;
        var wasPublished = post.IsPublished;
        var wasHeld = post.Status == PostStatus.Held;
        // The claim: the post must still be waiting (as the queue shows it); a decision made meanwhile wins, and is reported.
        var seenStatus = post.Status;
        var claimed = await db.Posts
            .Where(p => p.Id == postId && !p.IsDeleted && p.Status != PostStatus.Published && p.ReviewedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.ReviewedAt, now).SetProperty(p => p.ReviewedById, me), ct);
        // Its open flags are decided with it: upheld when the post goes, not when it stays.
        bool? upheld = action != ReviewAction.Approve;
        var flags = await db.Set<Flag>().Where(f => f.PostId == postId && f.ResolvedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.ResolvedAt, now).SetProperty(f => f.ResolvedById, me).SetProperty(f => f.Upheld, upheld), ct);
        if (claimed == 0 && flags == 0)
        {
            return Change<Post>.Invalid(new() { [""] = [await AlreadyHandledAsync(postId, ct)] });
        }
        post.ReviewedAt = now;
        post.ReviewedById = me;

        switch (action)
        {
            case ReviewAction.Approve:
                audit.Record(user, AuditActions.PostApprove, "post", post.Id, new { Status = seenStatus.ToString(), OpenFlags = flags }, new { Status = "Published" }, message);
                post.Status = PostStatus.Published;
                if (wasPublished) break;
                if (post.Number == 1) topic.IsHidden = false;
                else
                {
                    topic.ReplyCount++;
                    if (post.CreatedAt > topic.LastPostAt) topic.LastPostAt = post.CreatedAt;
                }
                break;
            case ReviewAction.Hide:
                post.Status = PostStatus.Hidden;
                if (post.Number == 1) topic.IsHidden = true;
                else if (wasPublished) topic.ReplyCount = Math.Max(0, topic.ReplyCount - 1);
                audit.Record(user, AuditActions.PostHide, "post", post.Id, new { Status = seenStatus.ToString() }, new { Status = "Hidden" }, message);
                break;
            case ReviewAction.Delete:
                post.IsDeleted = true;
                if (post.Number == 1) topic.IsDeleted = true;
                else if (wasPublished) topic.ReplyCount = Math.Max(0, topic.ReplyCount - 1);
                if (topic.AcceptedPostId == post.Id) topic.AcceptedPostId = null;
                audit.Record(user, AuditActions.PostDelete, "post", post.Id, new { Status = seenStatus.ToString(), Body = post.BodyMarkdown }, null, message);
                break;
        }
        await db.SaveChangesAsync(ct);

        // What the community hears: a held post now published is news like any new post; the author is told in any case.
        if (action == ReviewAction.Approve && wasHeld)
        {
            if (post.Number == 1) await notifier.TopicStartedAsync(topic, post, ct);
            else await notifier.RepliedAsync(topic, post, ct);
        }
        if (post.AuthorId != me)
        {
            var note = string.IsNullOrWhiteSpace(message) ? await StandardMessageAsync(post.AuthorId, action, ct) : message.Trim();
            await notifier.ModeratedAsync(topic, post, me, note, ct);
        }
        await live.PublishAsync(LiveChannels.Topic(topic.Id), ct);
        return Change<Post>.Ok(post);
    }

    /// <summary>The decision's standard message, in the author's language.</summary>
    private async Task<string> StandardMessageAsync(Guid authorId, ReviewAction action, CancellationToken ct)
    {
        var language = await db.Users.Where(u => u.Id == authorId).Select(u => u.PreferredLanguage).FirstOrDefaultAsync(ct);
        return Platform.Localization.LocalizationFeature.InLanguage(language, () => l["Moderation.Template." + action].Value);
    }

    /// <summary>"Already approved by Camille at 14:02": from the audit log, the last decision on the post.</summary>
    private async Task<string> AlreadyHandledAsync(long postId, CancellationToken ct)
    {
        var key = postId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] decisions = [AuditActions.PostApprove, AuditActions.PostHide, AuditActions.PostDelete];
        var last = await db.AuditEntries.AsNoTracking().Where(e => e.TargetType == "post" && e.TargetId == key && decisions.Contains(e.Action))
            .OrderByDescending(e => e.Id).Select(e => new { e.Action, e.At, Name = db.Users.Where(u => u.Id == e.ActorId).Select(u => u.DisplayName).FirstOrDefault() })
            .FirstOrDefaultAsync(ct);
        return last is null
            ? l["Moderation.AlreadyHandled"]
            : l["Moderation.AlreadyHandledBy", l["Moderation.Did." + last.Action], last.Name ?? "?", last.At.ToLocalTime().ToString("g", System.Globalization.CultureInfo.CurrentCulture)];
    }
}
