using System.Security.Claims;
using Tribu.Web.Features.Members;

namespace Tribu.Web.Features.Spaces;

/// <summary>Who may read a space: decided here and only here, for pages, API and (later) search and feeds.</summary>
public static class SpaceAccess
{
    public static bool IsStaff(ClaimsPrincipal user) => Roles.Staff.Any(user.IsInRole);

    public static bool CanRead(SpaceVisibility visibility, ClaimsPrincipal user) => visibility switch
    {
        SpaceVisibility.Public => true,
        SpaceVisibility.Members => user.Identity?.IsAuthenticated == true,
        // Space membership arrives with the community issue; until then private spaces are staff-only.
        _ => IsStaff(user),
    };

    /// <summary>The visibilities a reader may see, for filtering queries in the database.</summary>
    public static SpaceVisibility[] ReadableBy(ClaimsPrincipal user) =>
        [.. Enum.GetValues<SpaceVisibility>().Where(v => CanRead(v, user))];
}
