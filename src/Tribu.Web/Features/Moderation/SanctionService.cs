using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Moderation;

/// <summary>
/// Warn, silence, suspend or ban a member, and lift it. The member is told by e-mail (the moderator's words or the
/// standard message, in the member's language); suspensions and bans end their sessions at once.
/// </summary>
public sealed class SanctionService(
    TribuDbContext db, UserManager<Member> users, TimeProvider clock, AuditLog audit, Accounts.AccountEmails emails, Platform.Email.EmailOutbox outbox,
    IStringLocalizer<UiStrings> l)
{
    public const int MaxDays = 3650;

    /// <summary>Who may sanction whom: staff sanction members; only admins sanction staff; nobody sanctions themselves.</summary>
    public static bool CanSanction(ClaimsPrincipal actor, Guid memberId, bool targetIsStaff) =>
        TopicPermissions.IsStaff(actor) && TopicPermissions.MemberId(actor) != memberId && (!targetIsStaff || actor.IsInRole(Roles.Admin));

    public async Task<Change<Sanction>> ApplyAsync(ClaimsPrincipal actor, Guid memberId, SanctionKind? kind, int? days, string? reason, string? message, CancellationToken ct = default)
    {
        var member = await db.Users.FirstOrDefaultAsync(u => u.Id == memberId, ct);
        if (member is null) return Change<Sanction>.NotFound();
        var staffRoles = await users.GetRolesAsync(member);
        if (!CanSanction(actor, memberId, staffRoles.Any(r => Roles.Staff.Contains(r)))) return Change<Sanction>.Forbidden();

        var errors = new Dictionary<string, string[]>();
        if (kind is null || !Enum.IsDefined(kind.Value)) errors["Kind"] = [l["Sanction.Error.Kind"]];
        if (kind is SanctionKind.Silence or SanctionKind.Suspension && days is not (>= 1 and <= MaxDays)) errors["Days"] = [l["Sanction.Error.Days", 1, MaxDays]];
        if (string.IsNullOrWhiteSpace(reason)) errors["Reason"] = [l["Sanction.Error.Reason"]];
        else if (reason.Length > 1000) errors["Reason"] = [l["Flag.Error.TextTooLong", 1000]];
        if ((message?.Length ?? 0) > 2000) errors["Message"] = [l["Moderation.MessageTooLong", 2000]];
        if (kind is SanctionKind.Suspension or SanctionKind.Ban && staffRoles.Contains(Roles.Admin) && (await users.GetUsersInRoleAsync(Roles.Admin)).Count <= 1)
        {
            errors[""] = [l["Sanction.Error.LastAdmin"]];
        }
        if (errors.Count > 0) return Change<Sanction>.Invalid(errors);

        var now = clock.GetUtcNow().UtcDateTime;
        DateTime? until = kind switch
        {
            SanctionKind.Silence or SanctionKind.Suspension => now.AddDays(days!.Value),
            SanctionKind.Ban => DateTime.MaxValue,
            _ => null,
        };
        var note = string.IsNullOrWhiteSpace(message) ? null : message.Trim();
        var sanction = new Sanction
        {
            MemberId = memberId, Kind = kind!.Value, Reason = reason!.Trim(), Message = note, CreatedAt = now, Until = until, ById = TopicPermissions.MemberId(actor)!.Value,
        };
        db.Add(sanction);
        var before = new { member.SilencedUntil, member.SuspendedUntil };
        if (kind == SanctionKind.Silence) member.SilencedUntil = until;
        if (kind is SanctionKind.Suspension or SanctionKind.Ban)
        {
            member.SuspendedUntil = until;
            // Every session of the member ends now (the cookie's stamp no longer matches).
            member.SecurityStamp = Guid.NewGuid().ToString("N");
        }
        audit.Record(actor, AuditActions.SanctionApply, "member", memberId, before, new { Kind = kind.ToString(), Until = until }, sanction.Reason);
        if (member.Email is not null)
        {
            await emails.SendSanctionAsync(member, kind.Value, until, sanction.Reason, note, ct);
        }
        await db.SaveChangesAsync(ct);
        await outbox.DeliverSoonAsync(ct);
        return Change<Sanction>.Ok(sanction);
    }

    public async Task<Change<Sanction>> LiftAsync(ClaimsPrincipal actor, long sanctionId, CancellationToken ct = default)
    {
        var sanction = await db.Set<Sanction>().FirstOrDefaultAsync(s => s.Id == sanctionId, ct);
        if (sanction is null) return Change<Sanction>.NotFound();
        var member = await db.Users.FirstAsync(u => u.Id == sanction.MemberId, ct);
        if (!CanSanction(actor, member.Id, (await users.GetRolesAsync(member)).Any(r => Roles.Staff.Contains(r)))) return Change<Sanction>.Forbidden();
        if (sanction.LiftedAt is not null) return Change<Sanction>.Ok(sanction);
        var now = clock.GetUtcNow().UtcDateTime;
        sanction.LiftedAt = now;
        sanction.LiftedById = TopicPermissions.MemberId(actor);
        var before = new { member.SilencedUntil, member.SuspendedUntil };
        // The member's state comes back to what the other, still running sanctions say.
        var others = await db.Set<Sanction>().Where(s => s.MemberId == member.Id && s.Id != sanction.Id && s.LiftedAt == null && s.Until > now).ToListAsync(ct);
        member.SilencedUntil = others.Where(s => s.Kind == SanctionKind.Silence).Max(s => s.Until);
        member.SuspendedUntil = others.Where(s => s.Kind is SanctionKind.Suspension or SanctionKind.Ban).Max(s => s.Until);
        audit.Record(actor, AuditActions.SanctionLift, "member", member.Id, before, new { member.SilencedUntil, member.SuspendedUntil }, sanction.Kind.ToString());
        await db.SaveChangesAsync(ct);
        return Change<Sanction>.Ok(sanction);
    }

    /// <summary>"You are silenced until 24 Nov 2026 14:00: reason" when the member may not post now; else null.</summary>
    public static async Task<string?> SilencedMessageAsync(TribuDbContext db, Guid memberId, DateTime now, IStringLocalizer<UiStrings> l, CancellationToken ct)
    {
        var until = await db.Users.Where(u => u.Id == memberId).Select(u => u.SilencedUntil).FirstOrDefaultAsync(ct);
        return until > now ? l["Sanction.Silenced", until.Value.ToLocalTime().ToString("g", CultureInfo.CurrentCulture)].Value : null;
    }
}
