using System.Globalization;
using System.Security.Claims;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Topics;

namespace Tribu.Web.Features.Spaces;

/// <summary>
/// Who may read and moderate a space: decided here and only here, for pages, API, search, feeds and sitemap.
/// Space memberships reach the principal as claims (<see cref="SpaceMembershipClaims"/>), loaded on every request,
/// so a member added to a space can read it at once.
/// </summary>
public static class SpaceAccess
{
    public const string MemberClaim = "tribu:space";
    public const string ModeratorClaim = "tribu:moderates";
    public const string TrustLevelClaim = "tribu:trust";

    public static bool IsStaff(ClaimsPrincipal user) => Roles.Staff.Any(user.IsInRole);

    public static bool IsSpaceMember(int spaceId, ClaimsPrincipal user) =>
        user.HasClaim(MemberClaim, Key(spaceId)) || user.HasClaim(ModeratorClaim, Key(spaceId));

    /// <summary>Staff moderate every space; a space moderator, theirs.</summary>
    public static bool CanModerate(int spaceId, ClaimsPrincipal user) => IsStaff(user) || user.HasClaim(ModeratorClaim, Key(spaceId));

    public static bool CanRead(Space space, ClaimsPrincipal user) => space.Visibility switch
    {
        SpaceVisibility.Public => true,
        SpaceVisibility.Members => user.Identity?.IsAuthenticated == true,
        _ => IsStaff(user) || IsSpaceMember(space.Id, user),
    };

    /// <summary>Who may add and remove members: staff, and the space's moderators.</summary>
    public static bool CanManageMembers(Space space, ClaimsPrincipal user) =>
        TopicPermissions.MemberId(user) is not null && CanModerate(space.Id, user);

    /// <summary>Appointing space moderators is for those who run the community: admins and community managers.</summary>
    public static bool CanAppointModerators(ClaimsPrincipal user) => user.IsInRole(Roles.Admin) || user.IsInRole(Roles.CommunityManager);

    /// <summary>The spaces a member moderates without being staff (staff moderate them all).</summary>
    public static int[] ModeratedSpaceIds(ClaimsPrincipal user) => [.. SpaceIds(user, ModeratorClaim)];

    /// <summary>The signed-in member's trust level (staff count as leaders); <see cref="TrustLevel.New"/> for visitors.</summary>
    public static TrustLevel TrustLevelOf(ClaimsPrincipal user) =>
        IsStaff(user) ? TrustLevel.Leader
        : int.TryParse(user.FindFirstValue(TrustLevelClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var level) && Enum.IsDefined((TrustLevel)level) ? (TrustLevel)level
        : TrustLevel.New;

    /// <summary>What a reader may see, for filtering queries in the database.</summary>
    public static ReadableSpaces ReadableBy(ClaimsPrincipal user)
    {
        if (IsStaff(user)) return new(Enum.GetValues<SpaceVisibility>(), []);
        if (user.Identity?.IsAuthenticated != true) return new([SpaceVisibility.Public], []);
        return new([SpaceVisibility.Public, SpaceVisibility.Members], [.. SpaceIds(user, MemberClaim).Concat(SpaceIds(user, ModeratorClaim)).Distinct()]);
    }

    private static IEnumerable<int> SpaceIds(ClaimsPrincipal user, string claimType) =>
        user.FindAll(claimType).Select(c => int.TryParse(c.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0).Where(id => id > 0);

    private static string Key(int spaceId) => spaceId.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The spaces a reader may see: every space of these visibilities, and these spaces they belong to.</summary>
public sealed record ReadableSpaces(SpaceVisibility[] Visibilities, int[] SpaceIds);

/// <summary>The one place where <see cref="ReadableSpaces"/> becomes a database filter.</summary>
public static class ReadableSpacesQueries
{
    public static IQueryable<Space> ReadableBy(this IQueryable<Space> spaces, ReadableSpaces readable) =>
        spaces.Where(s => readable.Visibilities.Contains(s.Visibility) || readable.SpaceIds.Contains(s.Id));

    public static IQueryable<Topic> InReadableSpaces(this IQueryable<Topic> topics, ReadableSpaces readable) =>
        topics.Where(t => readable.Visibilities.Contains(t.Space!.Visibility) || readable.SpaceIds.Contains(t.SpaceId));

    public static IQueryable<Post> InReadableSpaces(this IQueryable<Post> posts, ReadableSpaces readable) =>
        posts.Where(p => readable.Visibilities.Contains(p.Topic!.Space!.Visibility) || readable.SpaceIds.Contains(p.Topic.SpaceId));
}
