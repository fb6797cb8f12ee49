namespace Tribu.Web.Features.Members;

/// <summary>
/// How far the community trusts a member, earned by taking part (see <see cref="TrustLevelOptions"/>): each level unlocks
/// something. Stored as its number, so that "level 2 or more" is a comparison in the database.
/// </summary>
public enum TrustLevel
{
    /// <summary>Just arrived: new-member limits on links, images, mentions and pace; flags count for nothing yet.</summary>
    New = 0,
    /// <summary>Has read around: normal posting, flags count, edits wiki posts.</summary>
    Basic = 1,
    /// <summary>Takes part: may turn their own posts into wiki posts.</summary>
    Member = 2,
    /// <summary>Active over the last 100 days: flags weigh double.</summary>
    Regular = 3,
    /// <summary>A pillar of the community: flags hide at once, moderates the open spaces.</summary>
    Leader = 4,
}
