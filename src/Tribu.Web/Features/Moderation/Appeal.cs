using Microsoft.AspNetCore.DataProtection;
using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Moderation;

/// <summary>
/// A member asking the moderators to look again at a decision: a hidden post of theirs (<see cref="PostId"/>) or a
/// sanction they received (<see cref="SanctionId"/>); one open appeal per decision.
/// </summary>
public sealed class Appeal
{
    public long Id { get; set; }
    public long? PostId { get; set; }
    public long? SanctionId { get; set; }
    public Guid MemberId { get; set; }
    public string Text { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public Guid? ResolvedById { get; set; }
    /// <summary>True when the post was put back.</summary>
    public bool? Granted { get; set; }
    public string? Response { get; set; }
}

internal sealed class AppealConfiguration : IEntityTypeConfiguration<Appeal>
{
    public void Configure(EntityTypeBuilder<Appeal> builder)
    {
        builder.Property(a => a.Text).HasMaxLength(2000).IsRequired();
        builder.Property(a => a.Response).HasMaxLength(2000);
        builder.HasIndex(a => new { a.ResolvedAt, a.CreatedAt });
        builder.HasIndex(a => new { a.PostId, a.ResolvedAt });
        builder.HasIndex(a => new { a.SanctionId, a.ResolvedAt });
        builder.HasOne<Sanction>().WithMany().HasForeignKey(a => a.SanctionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Post>().WithMany().HasForeignKey(a => a.PostId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Members.Member>().WithMany().HasForeignKey(a => a.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>An open appeal as the queue shows it.</summary>
public sealed record QueueAppeal(long Id, long PostId, long TopicId, string TopicTitle, string TopicSlug, int Number, int SpaceId, string AuthorName, string AuthorHandle, string BodyHtml, string Text, DateTime CreatedAt);

/// <summary>An open appeal of a sanction as the queue shows it (staff only).</summary>
public sealed record QueueSanctionAppeal(long Id, long SanctionId, SanctionKind Kind, DateTime? Until, string Reason, string MemberName, string MemberHandle, string Text, DateTime CreatedAt);

/// <summary>
/// Appeals: the author of a hidden post, or a sanctioned member, asks for another look; a moderator puts the post back
/// (or lifts the sanction) or keeps the decision, and says why.
/// </summary>
public sealed class AppealService(TribuDbContext db, TimeProvider clock, AuditLog audit, Notifications.Notifier notifier, Notifications.ILiveBus live,
    SanctionService sanctions, Accounts.AccountEmails emails, Platform.Email.EmailOutbox outbox, Microsoft.AspNetCore.DataProtection.IDataProtectionProvider protection,
    IStringLocalizer<UiStrings> l)
{
    public const int TextMaxLength = 2000;
    /// <summary>How long the appeal link shown to a suspended member at sign-in stays valid.</summary>
    public static readonly TimeSpan SuspendedLinkLifetime = TimeSpan.FromHours(1);

    /// <summary>Open appeals of sanctions: for staff, who give and lift sanctions.</summary>
    public static IQueryable<QueueSanctionAppeal> OpenSanctionAppeals(TribuDbContext db) =>
        from a in db.Set<Appeal>().AsNoTracking()
        where a.ResolvedAt == null
        join s in db.Set<Sanction>() on a.SanctionId equals s.Id
        join m in db.Users on s.MemberId equals m.Id
        orderby a.CreatedAt
        select new QueueSanctionAppeal(a.Id, s.Id, s.Kind, s.Until, s.Reason, m.DisplayName, m.Handle, a.Text, a.CreatedAt);

    /// <summary>Whether this sanction may be appealed now: still running (or a warning), and no appeal of it open or already decided.</summary>
    public async Task<bool> CanAppealSanctionAsync(Guid memberId, long sanctionId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Set<Sanction>().AnyAsync(s => s.Id == sanctionId && s.MemberId == memberId && s.LiftedAt == null && (s.Kind == SanctionKind.Warning || s.Until > now), ct)
            && !await db.Set<Appeal>().AnyAsync(a => a.SanctionId == sanctionId, ct);
    }

    /// <summary>One appeal per sanction: asking again returns the first one.</summary>
    public async Task<Change<Appeal>> AppealSanctionAsync(Guid memberId, long sanctionId, string? text, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var sanction = await db.Set<Sanction>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == sanctionId && s.MemberId == memberId, ct);
        if (sanction is null) return Change<Appeal>.NotFound();
        var existing = await db.Set<Appeal>().FirstOrDefaultAsync(a => a.SanctionId == sanctionId, ct);
        if (existing is not null) return Change<Appeal>.Ok(existing);
        if (sanction.LiftedAt is not null || (sanction.Kind != SanctionKind.Warning && sanction.Until <= now)) return Change<Appeal>.Refused(l["Appeal.SanctionOver"]);
        if (string.IsNullOrWhiteSpace(text)) return Change<Appeal>.Invalid(new() { ["Text"] = [l["Appeal.Error.Text"]] });
        if (text.Length > TextMaxLength) return Change<Appeal>.Invalid(new() { ["Text"] = [l["Flag.Error.TextTooLong", TextMaxLength]] });
        var appeal = new Appeal { SanctionId = sanctionId, MemberId = memberId, Text = text.Trim(), CreatedAt = now };
        db.Add(appeal);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same appeal sent twice at once: one appeal.
            db.Entry(appeal).State = EntityState.Detached;
            return Change<Appeal>.Ok(await db.Set<Appeal>().AsNoTracking().FirstAsync(a => a.SanctionId == sanctionId, ct));
        }
        return Change<Appeal>.Ok(appeal);
    }

    /// <summary>
    /// A suspended member cannot sign in, so the sign-in page (after checking their password) hands them a short-lived
    /// link to appeal their running suspension or ban; null when there is nothing to appeal.
    /// </summary>
    public async Task<string?> SuspendedAppealLinkAsync(Guid memberId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var sanction = await db.Set<Sanction>().AsNoTracking()
            .Where(s => s.MemberId == memberId && s.LiftedAt == null && (s.Kind == SanctionKind.Suspension || s.Kind == SanctionKind.Ban) && s.Until > now)
            .OrderByDescending(s => s.Until).Select(s => (long?)s.Id).FirstOrDefaultAsync(ct);
        if (sanction is null) return null;
        var token = Protector().Protect(string.Create(CultureInfo.InvariantCulture, $"{memberId:N}:{sanction}"), SuspendedLinkLifetime);
        return string.Create(CultureInfo.InvariantCulture, $"/sanctions/{sanction}/appeal?token={Uri.EscapeDataString(token)}");
    }

    /// <summary>The member a suspended-appeal token names, when it is valid for this sanction and not expired.</summary>
    public Guid? MemberFromToken(string? token, long sanctionId)
    {
        if (string.IsNullOrEmpty(token)) return null;
        try
        {
            var parts = Protector().Unprotect(token, out _).Split(':');
            return parts.Length == 2 && Guid.TryParseExact(parts[0], "N", out var member) && parts[1] == sanctionId.ToString(CultureInfo.InvariantCulture) ? member : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    private Microsoft.AspNetCore.DataProtection.ITimeLimitedDataProtector Protector() =>
        Microsoft.AspNetCore.DataProtection.DataProtectionAdvancedExtensions.ToTimeLimitedDataProtector(protection.CreateProtector("Tribu.SanctionAppeal"));

    public static IQueryable<QueueAppeal> Open(TribuDbContext db, ClaimsPrincipal user)
    {
        var appeals = db.Set<Appeal>().AsNoTracking().Where(a => a.ResolvedAt == null);
        if (!Spaces.SpaceAccess.IsStaff(user))
        {
            var spaces = Spaces.SpaceAccess.ModeratedSpaceIds(user);
            appeals = appeals.Where(a => db.Posts.Any(p => p.Id == a.PostId && spaces.Contains(p.Topic!.SpaceId)));
        }
        return from a in appeals
               join p in db.Posts on a.PostId equals p.Id
               orderby a.CreatedAt
               select new QueueAppeal(a.Id, p.Id, p.TopicId, p.Topic!.Title, p.Topic.Slug, p.Number, p.Topic.SpaceId, p.Author!.DisplayName, p.Author.Handle, p.BodyHtml, a.Text, a.CreatedAt);
    }

    /// <summary>Whether the member may appeal this post now: theirs, hidden, and no appeal already open.</summary>
    public async Task<bool> CanAppealAsync(ClaimsPrincipal user, long postId, CancellationToken ct = default) =>
        TopicPermissions.MemberId(user) is { } me
        && await db.Posts.AnyAsync(p => p.Id == postId && p.AuthorId == me && !p.IsDeleted && p.Status == PostStatus.Hidden, ct)
        && !await db.Set<Appeal>().AnyAsync(a => a.PostId == postId && a.ResolvedAt == null, ct);

    public async Task<Change<Appeal>> AppealAsync(ClaimsPrincipal user, long postId, string? text, CancellationToken ct = default)
    {
        if (TopicPermissions.MemberId(user) is not { } me) return Change<Appeal>.Forbidden();
        var post = await db.Posts.AsNoTracking().FirstOrDefaultAsync(p => p.Id == postId && p.AuthorId == me && !p.IsDeleted, ct);
        if (post is null || post.Status != PostStatus.Hidden) return Change<Appeal>.NotFound();
        if (string.IsNullOrWhiteSpace(text)) return Change<Appeal>.Invalid(new() { ["Text"] = [l["Appeal.Error.Text"]] });
        if (text.Length > TextMaxLength) return Change<Appeal>.Invalid(new() { ["Text"] = [l["Flag.Error.TextTooLong", TextMaxLength]] });
        var open = await db.Set<Appeal>().FirstOrDefaultAsync(a => a.PostId == postId && a.ResolvedAt == null, ct);
        if (open is not null) return Change<Appeal>.Ok(open);
        var appeal = new Appeal { PostId = postId, MemberId = me, Text = text.Trim(), CreatedAt = clock.GetUtcNow().UtcDateTime };
        db.Add(appeal);
        await db.SaveChangesAsync(ct);
        return Change<Appeal>.Ok(appeal);
    }

    public async Task<Change<Appeal>> ResolveAsync(ClaimsPrincipal user, long appealId, bool grant, string? response, CancellationToken ct = default)
    {
        if (TopicPermissions.MemberId(user) is not { } me) return Change<Appeal>.Forbidden();
        var appeal = await db.Set<Appeal>().FirstOrDefaultAsync(a => a.Id == appealId, ct);
        if (appeal is null) return Change<Appeal>.NotFound();
        if (appeal.SanctionId is { } sanctionId) return await ResolveSanctionAppealAsync(user, me, appeal, sanctionId, grant, response, ct);
        var post = await db.Posts.Include(p => p.Topic).FirstAsync(p => p.Id == appeal.PostId, ct);
        var topic = post.Topic!;
        if (!TopicPermissions.IsModerator(topic.SpaceId, user)) return Change<Appeal>.Forbidden();
        if ((response?.Length ?? 0) > TextMaxLength) return Change<Appeal>.Invalid(new() { ["Response"] = [l["Flag.Error.TextTooLong", TextMaxLength]] });
        if (!await ClaimAsync(appeal, me, grant, response, ct)) return Change<Appeal>.Invalid(new() { [""] = [l["Appeal.AlreadyDecided"]] });
        var now = appeal.ResolvedAt!.Value;
        if (grant && post.Status == PostStatus.Hidden && !post.IsDeleted)
        {
            post.Status = PostStatus.Published;
            post.ReviewedAt = now;
            post.ReviewedById = me;
            if (post.Number == 1) topic.IsHidden = false;
            else topic.ReplyCount++;
        }
        audit.Record(user, grant ? AuditActions.AppealGrant : AuditActions.AppealDeny, "post", post.Id, reason: appeal.Response);
        await db.SaveChangesAsync(ct);
        var note = appeal.Response ?? l[grant ? "Appeal.Granted" : "Appeal.Denied"];
        if (post.AuthorId != me) await notifier.ModeratedAsync(topic, post, me, note, ct);
        if (grant) await live.PublishAsync(Notifications.LiveChannels.Topic(topic.Id), ct);
        return Change<Appeal>.Ok(appeal);
    }

    private async Task<Change<Appeal>> ResolveSanctionAppealAsync(ClaimsPrincipal user, Guid me, Appeal appeal, long sanctionId, bool grant, string? response, CancellationToken ct)
    {
        var sanction = await db.Set<Sanction>().AsNoTracking().FirstAsync(s => s.Id == sanctionId, ct);
        var member = await db.Users.AsNoTracking().FirstAsync(u => u.Id == sanction.MemberId, ct);
        var memberIsStaff = await db.UserRoles.AnyAsync(ur => ur.UserId == member.Id && db.Roles.Any(r => r.Id == ur.RoleId && Members.Roles.Staff.Contains(r.Name!)), ct);
        if (!SanctionService.CanSanction(user, member.Id, memberIsStaff)) return Change<Appeal>.Forbidden();
        if ((response?.Length ?? 0) > TextMaxLength) return Change<Appeal>.Invalid(new() { ["Response"] = [l["Flag.Error.TextTooLong", TextMaxLength]] });
        if (!await ClaimAsync(appeal, me, grant, response, ct)) return Change<Appeal>.Invalid(new() { [""] = [l["Appeal.AlreadyDecided"]] });
        audit.Record(user, grant ? AuditActions.AppealGrant : AuditActions.AppealDeny, "sanction", sanctionId, reason: appeal.Response);
        await db.SaveChangesAsync(ct);
        // Granted: the sanction is lifted (and the member's standing recomputed) the way a moderator lifts it by hand.
        if (grant) await sanctions.LiftAsync(user, sanctionId, ct);
        if (member.Email is not null)
        {
            await emails.SendAppealAnsweredAsync(member, grant, appeal.Response, ct);
            await db.SaveChangesAsync(ct);
            await outbox.DeliverSoonAsync(ct);
        }
        return Change<Appeal>.Ok(appeal);
    }

    /// <summary>Takes the decision like a queue decision (conditional): false when another moderator decided first.</summary>
    private async Task<bool> ClaimAsync(Appeal appeal, Guid me, bool grant, string? response, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var claimed = await db.Set<Appeal>().Where(a => a.Id == appeal.Id && a.ResolvedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.ResolvedAt, now).SetProperty(a => a.ResolvedById, me).SetProperty(a => a.Granted, grant), ct);
        if (claimed == 0) return false;
        appeal.ResolvedAt = now;
        appeal.ResolvedById = me;
        appeal.Granted = grant;
        appeal.Response = string.IsNullOrWhiteSpace(response) ? null : response.Trim();
        return true;
    }
}
