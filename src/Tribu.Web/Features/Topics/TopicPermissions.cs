using System.Security.Claims;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Spaces;

namespace Tribu.Web.Features.Topics;

/// <summary>Who may do what with topics and posts: decided here only, for pages and API alike.</summary>
public static class TopicPermissions
{
    public static Guid? MemberId(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    public static bool IsStaff(ClaimsPrincipal user) => SpaceAccess.IsStaff(user);

    /// <summary>Staff everywhere, and a space's own moderators in their space.</summary>
    public static bool IsModerator(int spaceId, ClaimsPrincipal user) => SpaceAccess.CanModerate(spaceId, user);

    /// <summary>A topic whose opening post is held or hidden is seen by its author and the space's moderators only.</summary>
    public static bool CanSee(Topic topic, ClaimsPrincipal user) => !topic.IsHidden || MemberId(user) == topic.AuthorId || IsModerator(topic.SpaceId, user);

    public static bool CanStartTopic(Space space, TopicKind kind, ClaimsPrincipal user) =>
        MemberId(user) is not null
        && SpaceAccess.CanRead(space, user)
        && (IsModerator(space.Id, user) || (!space.StaffOnlyTopics && kind != TopicKind.Announcement));

    public static bool CanReply(Topic topic, Space space, ClaimsPrincipal user) =>
        MemberId(user) is not null && SpaceAccess.CanRead(space, user) && !topic.IsDeleted && (!topic.IsLocked || IsModerator(space.Id, user));

    /// <summary>The asker, or a moderator of the space, picks the answer of a question.</summary>
    public static bool CanAcceptAnswer(Topic topic, ClaimsPrincipal user) =>
        topic.Kind == TopicKind.Question && (MemberId(user) == topic.AuthorId || IsModerator(topic.SpaceId, user));

    /// <summary>The lowest trust level whose members may edit anyone's wiki post.</summary>
    public const TrustLevel EditWikiFrom = TrustLevel.Basic;
    /// <summary>The lowest trust level whose members may turn their own posts into wiki posts.</summary>
    public const TrustLevel MakeWikiFrom = TrustLevel.Member;

    public static bool CanEdit(Post post, Topic topic, ClaimsPrincipal user) => !post.IsDeleted && CanEdit(post.AuthorId, post.IsWiki, topic, user);

    /// <summary>Moderators; the author while the topic is open; and, for a wiki post, members of a high enough trust level.</summary>
    public static bool CanEdit(Guid postAuthorId, bool isWiki, Topic topic, ClaimsPrincipal user) =>
        IsModerator(topic.SpaceId, user)
        || (!topic.IsLocked && MemberId(user) is { } me && (me == postAuthorId || (isWiki && SpaceAccess.TrustLevelOf(user) >= EditWikiFrom)));

    /// <summary>Turning a post into a wiki post (or back): moderators, and its author once trusted enough.</summary>
    public static bool CanMakeWiki(Post post, Topic topic, ClaimsPrincipal user) =>
        !post.IsDeleted && (IsModerator(topic.SpaceId, user) || (!topic.IsLocked && MemberId(user) == post.AuthorId && SpaceAccess.TrustLevelOf(user) >= MakeWikiFrom));

    public static bool CanDelete(Post post, Topic topic, ClaimsPrincipal user) => !post.IsDeleted && CanDelete(post.AuthorId, topic, user);

    public static bool CanDelete(Guid postAuthorId, Topic topic, ClaimsPrincipal user) => IsModerator(topic.SpaceId, user) || MemberId(user) == postAuthorId;

    public static bool CanLock(Topic topic, ClaimsPrincipal user) => IsModerator(topic.SpaceId, user);

    public static bool CanPin(int spaceId, ClaimsPrincipal user) => IsModerator(spaceId, user);

    /// <summary>Moving crosses spaces: staff only.</summary>
    public static bool CanMove(ClaimsPrincipal user) => IsStaff(user);

    public static bool CanReact(Post post, ClaimsPrincipal user) => !post.IsDeleted && CanReact(post.AuthorId, user);

    /// <summary>Any signed-in member may flag someone else's post (how much it weighs depends on their trust level).</summary>
    public static bool CanFlag(Guid postAuthorId, ClaimsPrincipal user) => MemberId(user) is { } id && id != postAuthorId;

    /// <summary>Any signed-in member, on someone else's post.</summary>
    public static bool CanReact(Guid postAuthorId, ClaimsPrincipal user) => MemberId(user) is { } id && id != postAuthorId;
}
