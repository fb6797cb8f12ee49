using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Moderation;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Listening;

/// <summary>
/// Links mention authors to community members: a member names their own accounts on their profile, or a staff member
/// links a handle from a mention. Mentions already collected are linked at once, later ones at ingestion.
/// </summary>
public sealed class AuthorLinks(TribuDbContext db, AuditLog audit, IStringLocalizer<UiStrings> l, TimeProvider clock)
{
    public async Task<Change<AuthorLinkResponse>> LinkAsync(ClaimsPrincipal user, string? rawHandle, string? memberHandle, AuthorLinkOrigin origin, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        var handle = AuthorHandles.Normalize(rawHandle);
        if (handle is null) errors["Handle"] = [l["Listening.Authors.HandleInvalid"]];
        var memberName = memberHandle?.Trim().TrimStart('@');
        var member = string.IsNullOrEmpty(memberName) ? null
            : await db.Users.AsNoTracking().Where(m => m.Handle == memberName && m.ErasedAt == null).Select(m => new { m.Id, m.Handle }).FirstOrDefaultAsync(ct);
        if (member is null) errors["Member"] = [l["Listening.Authors.MemberUnknown"]];
        if (errors.Count > 0) return Change<AuthorLinkResponse>.Invalid(errors);
        var existing = await db.AuthorLinks.FirstOrDefaultAsync(a => a.Handle == handle, ct);
        if (existing is not null && existing.MemberId != member!.Id && existing.Origin == AuthorLinkOrigin.Profile && origin == AuthorLinkOrigin.Profile)
        {
            return Change<AuthorLinkResponse>.Invalid(new() { ["Handle"] = [l["Listening.Authors.HandleTaken"]] });
        }
        existing ??= db.AuthorLinks.Add(new AuthorLink { Handle = handle!, CreatedAt = clock.GetUtcNow().UtcDateTime }).Entity;
        existing.MemberId = member!.Id;
        existing.Origin = origin;
        existing.CreatedById = TopicPermissions.MemberId(user);
        if (origin == AuthorLinkOrigin.Staff) audit.Record(user, AuditActions.AuthorLink, "member", member.Id, after: new { Handle = handle });
        await db.SaveChangesAsync(ct);
        var linked = await db.Mentions.Where(m => m.AuthorHandle == handle).ExecuteUpdateAsync(s => s.SetProperty(m => m.MemberId, member.Id), ct);
        return Change<AuthorLinkResponse>.Ok(new AuthorLinkResponse(existing.Id, existing.Handle, member.Id, member.Handle, origin.ToString(), linked));
    }

    public async Task<bool> UnlinkAsync(ClaimsPrincipal user, int id, CancellationToken ct = default)
    {
        var link = await db.AuthorLinks.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (link is null) return false;
        await RemoveAsync(link, ct);
        audit.Record(user, AuditActions.AuthorUnlink, "member", link.MemberId, before: new { link.Handle });
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>The handles a member linked on their profile.</summary>
    public Task<List<string>> ProfileHandlesAsync(Guid memberId, CancellationToken ct = default) =>
        db.AuthorLinks.AsNoTracking().Where(a => a.MemberId == memberId && a.Origin == AuthorLinkOrigin.Profile).OrderBy(a => a.Handle).Select(a => a.Handle).ToListAsync(ct);

    /// <summary>
    /// Replaces the handles a member gives on their profile (one per line or comma-separated). A handle another member
    /// already claimed on their profile is refused; one a staff member linked to someone else is taken over (the
    /// member's own word wins over a guess).
    /// </summary>
    public async Task<Dictionary<string, string[]>> SetProfileHandlesAsync(ClaimsPrincipal user, Guid memberId, string? handles, CancellationToken ct = default)
    {
        var wanted = new List<string>();
        foreach (var raw in Queries.WatchService.SplitList(handles))
        {
            if (AuthorHandles.Normalize(raw) is not { } h) return new() { ["SocialHandles"] = [l["Listening.Authors.HandleInvalidNamed", raw]] };
            if (!wanted.Contains(h)) wanted.Add(h);
        }
        if (wanted.Count > 10) return new() { ["SocialHandles"] = [l["Listening.Authors.TooMany", 10]] };
        var taken = await db.AuthorLinks.AsNoTracking().Where(a => wanted.Contains(a.Handle) && a.MemberId != memberId && a.Origin == AuthorLinkOrigin.Profile).Select(a => a.Handle).FirstOrDefaultAsync(ct);
        if (taken is not null) return new() { ["SocialHandles"] = [l["Listening.Authors.HandleTakenNamed", taken]] };
        var mine = await db.AuthorLinks.Where(a => a.MemberId == memberId && a.Origin == AuthorLinkOrigin.Profile).ToListAsync(ct);
        foreach (var gone in mine.Where(a => !wanted.Contains(a.Handle)))
        {
            await RemoveAsync(gone, ct);
        }
        var handle = await db.Users.Where(m => m.Id == memberId).Select(m => m.Handle).FirstAsync(ct);
        foreach (var h in wanted.Where(h => mine.All(a => a.Handle != h)))
        {
            await LinkAsync(user, h, handle, AuthorLinkOrigin.Profile, ct);
        }
        await db.SaveChangesAsync(ct);
        return [];
    }

    private async Task RemoveAsync(AuthorLink link, CancellationToken ct)
    {
        db.AuthorLinks.Remove(link);
        await db.Mentions.Where(m => m.AuthorHandle == link.Handle && m.MemberId == link.MemberId).ExecuteUpdateAsync(s => s.SetProperty(m => m.MemberId, (Guid?)null), ct);
    }
}
