using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Members;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Admin;

/// <summary>Granting and removing staff roles, with the one rule that matters: never remove the last admin.</summary>
public sealed class MemberRoles(IServiceScopeFactory scopes, IStringLocalizer<ManageStrings> l)
{
    public sealed record Outcome(bool Changed, string? Error);

    public async Task<Outcome> SetAsync(Guid memberId, string role, bool on, System.Security.Claims.ClaimsPrincipal actor, CancellationToken ct = default)
    {
        if (!Roles.All.Contains(role))
        {
            return new(false, l["Members.UnknownRole"]);
        }
        // A scope per action: this runs in a long-lived interactive circuit.
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Member>>();
        var member = await users.FindByIdAsync(memberId.ToString());
        if (member is null)
        {
            return new(false, l["Members.NotFound"]);
        }
        var has = await users.IsInRoleAsync(member, role);
        if (has == on)
        {
            return new(false, null);
        }
        if (!on && role == Roles.Admin && (await users.GetUsersInRoleAsync(Roles.Admin)).Count <= 1)
        {
            return new(false, l["Members.LastAdmin"]);
        }
        var result = on ? await users.AddToRoleAsync(member, role) : await users.RemoveFromRoleAsync(member, role);
        if (!result.Succeeded)
        {
            return new(false, string.Join(" ", result.Errors.Select(e => e.Description)));
        }
        var audit = scope.ServiceProvider.GetRequiredService<Moderation.AuditLog>();
        audit.Record(actor, on ? Moderation.AuditActions.RoleAdd : Moderation.AuditActions.RoleRemove, "member", member.Id, after: new { Role = role });
        // The member's cookie must pick up the change at its next validation (this saves the audit entry too).
        await users.UpdateSecurityStampAsync(member);
        return new(true, null);
    }
}
