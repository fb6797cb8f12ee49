using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Accounts;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Email;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Spaces;

/// <summary>A space's member as its member list shows them.</summary>
public sealed record SpaceMemberRow(Guid MemberId, string Handle, string DisplayName, SpaceRole Role, MembershipStatus Status, DateTime Since);

/// <summary>
/// Adding, inviting and removing space members and moderators. Private spaces take members at once; invite-only spaces
/// send an invitation the member accepts. Staff appoint moderators; staff and a space's moderators manage its members.
/// </summary>
public sealed class SpaceMemberships(TribuDbContext db, TimeProvider clock, AccountEmails emails, EmailOutbox outbox, IStringLocalizer<UiStrings> l, Moderation.AuditLog audit)
{
    /// <summary>A space's members, moderators first; invitations only for those who manage the space; one member when asked.</summary>
    public static IQueryable<SpaceMemberRow> Rows(TribuDbContext db, int spaceId, bool withInvitations, Guid? memberId = null) =>
        db.SpaceMemberships.AsNoTracking()
            .Where(m => m.SpaceId == spaceId && (withInvitations || m.Status == MembershipStatus.Active) && (memberId == null || m.MemberId == memberId))
            .OrderByDescending(m => m.Role).ThenBy(m => m.Member!.DisplayName)
            .Select(m => new SpaceMemberRow(m.MemberId, m.Member!.Handle, m.Member.DisplayName, m.Role, m.Status, m.CreatedAt));

    /// <summary>Invitations waiting for this member's answer.</summary>
    public static IQueryable<Space> InvitationsFor(TribuDbContext db, Guid memberId) =>
        db.SpaceMemberships.AsNoTracking().Where(m => m.MemberId == memberId && m.Status == MembershipStatus.Invited).Select(m => m.Space!);

    public async Task<Change<SpaceMembership>> AddAsync(Space space, string? handle, SpaceRole role, ClaimsPrincipal user, string baseUrl, CancellationToken ct = default)
    {
        if (!SpaceAccess.CanManageMembers(space, user) || (role == SpaceRole.Moderator && !SpaceAccess.CanAppointModerators(user)))
            return Change<SpaceMembership>.Forbidden();
        if (!Enum.IsDefined(role)) return Change<SpaceMembership>.Invalid(new() { ["Role"] = [l["SpaceMembers.Error.Role"]] });
        // Everyone already reads public and members-only spaces: only moderators have a place there.
        if (role == SpaceRole.Member && space.Visibility is SpaceVisibility.Public or SpaceVisibility.Members)
            return Change<SpaceMembership>.Invalid(new() { ["Role"] = [l["SpaceMembers.Error.OpenSpace"]] });
        var wanted = (handle ?? "").Trim().TrimStart('@').ToLowerInvariant();
        var member = wanted.Length == 0 ? null : await db.Users.FirstOrDefaultAsync(u => u.Handle == wanted, ct);
        if (member is null) return Change<SpaceMembership>.Invalid(new() { ["Handle"] = [l["SpaceMembers.Error.Unknown", wanted]] });

        var membership = await db.SpaceMemberships.FirstOrDefaultAsync(m => m.SpaceId == space.Id && m.MemberId == member.Id, ct);
        var isNew = membership is null;
        if (membership is null)
        {
            // Invite-only spaces ask the member first; everywhere else access (or moderation) starts at once.
            var invite = space.Visibility == SpaceVisibility.Invite && role == SpaceRole.Member;
            membership = new SpaceMembership
            {
                SpaceId = space.Id, MemberId = member.Id, Role = role,
                Status = invite ? MembershipStatus.Invited : MembershipStatus.Active,
                AddedById = TopicPermissions.MemberId(user), CreatedAt = clock.GetUtcNow().UtcDateTime,
            };
            db.SpaceMemberships.Add(membership);
        }
        else if (membership.Role == role)
        {
            return Change<SpaceMembership>.Invalid(new() { ["Handle"] = [l["SpaceMembers.Error.Already", member.DisplayName]] });
        }
        else
        {
            if (!SpaceAccess.CanAppointModerators(user)) return Change<SpaceMembership>.Forbidden();
            membership.Role = role;
            if (role == SpaceRole.Moderator) membership.Status = MembershipStatus.Active;
        }
        audit.Record(user, Moderation.AuditActions.SpaceMemberAdd, "space", space.Id, after: new { Member = member.Id, Role = role.ToString(), Status = membership.Status.ToString() });
        try
        {
            if (isNew && member.Email is not null)
            {
                var invited = membership.Status == MembershipStatus.Invited;
                await emails.SendSpaceAccessAsync(member, space.Name, $"{baseUrl.TrimEnd('/')}/s/{space.Slug}", invited, ct);
            }
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Someone else added the same member at the same moment: one membership, no second mail.
            return Change<SpaceMembership>.Invalid(new() { ["Handle"] = [l["SpaceMembers.Error.Already", member.DisplayName]] });
        }
        await outbox.DeliverSoonAsync(ct);
        return Change<SpaceMembership>.Ok(membership);
    }

    public async Task<Change<bool>> RemoveAsync(Space space, Guid memberId, ClaimsPrincipal user, CancellationToken ct = default)
    {
        var membership = await db.SpaceMemberships.FirstOrDefaultAsync(m => m.SpaceId == space.Id && m.MemberId == memberId, ct);
        if (membership is null) return Change<bool>.NotFound();
        var self = TopicPermissions.MemberId(user) == memberId;
        // Anyone may leave; removing someone else takes a manager, and removing a moderator takes staff.
        if (!self && (!SpaceAccess.CanManageMembers(space, user) || (membership.Role == SpaceRole.Moderator && !SpaceAccess.CanAppointModerators(user))))
            return Change<bool>.Forbidden();
        db.SpaceMemberships.Remove(membership);
        if (!self) audit.Record(user, Moderation.AuditActions.SpaceMemberRemove, "space", space.Id, new { Member = memberId, Role = membership.Role.ToString() });
        await db.SaveChangesAsync(ct);
        return Change<bool>.Ok(true);
    }

    /// <summary>The invited member says yes (access starts) or no (the invitation goes).</summary>
    public async Task<Change<bool>> AnswerInvitationAsync(Space space, bool accept, ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (TopicPermissions.MemberId(user) is not { } me) return Change<bool>.Forbidden();
        var membership = await db.SpaceMemberships.FirstOrDefaultAsync(m => m.SpaceId == space.Id && m.MemberId == me && m.Status == MembershipStatus.Invited, ct);
        if (membership is null) return Change<bool>.NotFound();
        if (accept) membership.Status = MembershipStatus.Active;
        else db.SpaceMemberships.Remove(membership);
        await db.SaveChangesAsync(ct);
        return Change<bool>.Ok(accept);
    }
}

/// <summary>
/// On every authenticated request: a suspended or banned member is signed out there and then (cookie or API token), and
/// the member's space memberships and trust level are added to the principal, so access changes take effect at once and
/// never wait for the cookie to be reissued. One small query on indexed keys; the visit is counted for trust levels.
/// </summary>
internal sealed class SpaceMembershipClaims(IDbContextFactory<TribuDbContext> contexts, TimeProvider clock, Members.ActivityTracker activity) : IClaimsTransformation
{
    private const string IdentityType = "tribu:spaces";

    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (TopicPermissions.MemberId(principal) is not { } memberId || principal.Identities.Any(i => i.AuthenticationType == IdentityType))
            return principal;
        await using var db = await contexts.CreateDbContextAsync();
        var standing = await db.Users.AsNoTracking().Where(u => u.Id == memberId)
            .Select(u => new
            {
                u.SuspendedUntil,
                u.TrustLevel,
                Spaces = db.SpaceMemberships.Where(m => m.MemberId == u.Id && m.Status == MembershipStatus.Active).Select(m => new { m.SpaceId, m.Role }).ToList(),
            })
            .FirstOrDefaultAsync();
        if (standing?.SuspendedUntil > clock.GetUtcNow().UtcDateTime) return new ClaimsPrincipal(new ClaimsIdentity());
        // Leaders moderate the spaces everyone may read (a second small query, for leaders only).
        var led = standing?.TrustLevel >= Members.TrustLevel.Leader
            ? await db.Spaces.Where(s => s.Visibility == SpaceVisibility.Public || s.Visibility == SpaceVisibility.Members).Select(s => s.Id).ToListAsync()
            : [];
        activity.Visited(memberId);
        var identity = new ClaimsIdentity(IdentityType);
        identity.AddClaim(new Claim(SpaceAccess.TrustLevelClaim, ((int)(standing?.TrustLevel ?? Members.TrustLevel.New)).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        foreach (var m in standing?.Spaces ?? [])
        {
            identity.AddClaim(new Claim(m.Role == SpaceRole.Moderator ? SpaceAccess.ModeratorClaim : SpaceAccess.MemberClaim,
                m.SpaceId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        foreach (var spaceId in led.Except((standing?.Spaces ?? []).Where(m => m.Role == SpaceRole.Moderator).Select(m => m.SpaceId)))
        {
            identity.AddClaim(new Claim(SpaceAccess.ModeratorClaim, spaceId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        // Added to the request's principal (never signed into the cookie), once per request.
        principal.AddIdentity(identity);
        return principal;
    }
}
