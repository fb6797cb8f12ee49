using System.IO.Compression;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Accounts;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Moderation;
using Tribu.Web.Features.Topics;
using Tribu.Web.Features.Uploads;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Privacy;

/// <summary>
/// A member's rights over their data (GDPR): download everything they gave or wrote, as JSON files and their uploads in a
/// ZIP; and erase their account, keeping what they wrote under "former member" unless they ask for it to go too.
/// </summary>
public sealed class PrivacyService(
    TribuDbContext db, UserManager<Member> users, UploadStore uploads, TimeProvider clock, AuditLog audit, Search.SearchIndex search,
    Notifications.ILiveBus live, IStringLocalizer<AccountStrings> l)
{
    public const string FormerMemberName = "Former member";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>Writes the member's data as a ZIP: one JSON file per kind of data, and the images they uploaded.</summary>
    public async Task ExportAsync(Guid memberId, Stream output, CancellationToken ct = default)
    {
        var member = await db.Users.AsNoTracking().FirstAsync(u => u.Id == memberId, ct);
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        async Task Add(string name, object data)
        {
            var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
            await using var stream = await entry.OpenAsync(ct);
            await JsonSerializer.SerializeAsync(stream, data, Json, ct);
        }

        await Add("profile.json", new
        {
            member.Id, member.Email, member.EmailConfirmed, member.Handle, member.DisplayName, member.Bio, member.Location, member.Interests,
            member.PreferredLanguage, member.CreatedAt, member.LastSeenAt, member.TwoFactorEnabled,
            Roles = await users.GetRolesAsync(member), member.SilencedUntil, member.SuspendedUntil,
            TrustLevel = (int)member.TrustLevel, member.TrustLevelLocked, member.TrustLevelChangedAt,
        });
        await Add("activity.json", new
        {
            DaysVisited = await db.MemberVisits.AsNoTracking().Where(v => v.MemberId == memberId).OrderBy(v => v.Day).Select(v => v.Day).ToListAsync(ct),
            TopicsRead = await db.TopicReads.AsNoTracking().Where(r => r.MemberId == memberId).OrderBy(r => r.FirstReadAt)
                .Select(r => new { r.TopicId, r.HighestNumber, r.FirstReadAt, r.LastReadAt }).ToListAsync(ct),
        });
        await Add("topics.json", await db.Topics.AsNoTracking().Where(t => t.AuthorId == memberId)
            .Select(t => new { t.Id, t.Title, Space = t.Space!.Slug, t.Kind, t.Tags, t.CreatedAt, t.IsDeleted, Url = "/t/" + t.Id + "/" + t.Slug }).ToListAsync(ct));
        await Add("posts.json", await db.Posts.AsNoTracking().Where(p => p.AuthorId == memberId).OrderBy(p => p.CreatedAt)
            .Select(p => new { p.Id, p.TopicId, Topic = p.Topic!.Title, p.Number, p.BodyMarkdown, p.CreatedAt, p.EditedAt, p.IsDeleted, p.Status }).ToListAsync(ct));
        await Add("revisions.json", await db.PostRevisions.AsNoTracking().Where(r => r.EditorId == memberId)
            .Select(r => new { r.PostId, r.Title, r.BodyMarkdown, r.Reason, r.CreatedAt }).ToListAsync(ct));
        await Add("reactions.json", await db.PostReactions.AsNoTracking().Where(r => r.MemberId == memberId).Select(r => new { r.PostId, r.Kind, r.CreatedAt }).ToListAsync(ct));
        await Add("bookmarks.json", await db.Bookmarks.AsNoTracking().Where(b => b.MemberId == memberId).Select(b => new { b.PostId, b.CreatedAt }).ToListAsync(ct));
        await Add("social-accounts.json", await db.AuthorLinks.AsNoTracking().Where(a => a.MemberId == memberId).Select(a => new { a.Handle, Origin = a.Origin.ToString(), a.CreatedAt }).ToListAsync(ct));
        await Add("follows.json", await db.Follows.AsNoTracking().Where(f => f.FollowerId == memberId).Select(f => new { f.Kind, f.TargetKey, f.CreatedAt }).ToListAsync(ct));
        await Add("notifications.json", await db.Notifications.AsNoTracking().Where(n => n.RecipientId == memberId)
            .Select(n => new { n.Kind, n.TopicId, n.PostId, n.CreatedAt, n.ReadAt, n.Note }).ToListAsync(ct));
        await Add("notification-preferences.json", await db.NotificationPreferences.AsNoTracking().Where(p => p.MemberId == memberId).Select(p => new { p.Kind, p.Channel }).ToListAsync(ct));
        await Add("consents.json", await db.Consents.AsNoTracking().Where(c => c.MemberId == memberId).Select(c => new { c.Kind, c.Version, c.GivenAt, c.WithdrawnAt }).ToListAsync(ct));
        await Add("space-memberships.json", await db.SpaceMemberships.AsNoTracking().Where(m => m.MemberId == memberId)
            .Select(m => new { Space = m.Space!.Slug, m.Role, m.Status, m.CreatedAt }).ToListAsync(ct));
        await Add("flags.json", await db.Set<Flag>().AsNoTracking().Where(f => f.FlaggerId == memberId).Select(f => new { f.PostId, f.Reason, f.Text, f.CreatedAt }).ToListAsync(ct));
        await Add("sanctions.json", await db.Set<Sanction>().AsNoTracking().Where(s => s.MemberId == memberId)
            .Select(s => new { s.Kind, s.Reason, s.Message, s.CreatedAt, s.Until, s.LiftedAt }).ToListAsync(ct));
        await Add("api-tokens.json", await db.ApiTokens.AsNoTracking().Where(t => t.MemberId == memberId).Select(t => new { t.Name, t.Hint, t.Scopes, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt }).ToListAsync(ct));

        var files = await db.Uploads.AsNoTracking().Where(u => u.UploaderId == memberId).ToListAsync(ct);
        await Add("uploads.json", files.Select(f => new { f.Url, f.OriginalName, f.ContentType, f.Size, f.CreatedAt }));
        foreach (var file in files)
        {
            var path = uploads.FileFor(file.Path);
            if (path is not null) await zip.CreateEntryFromFileAsync(path, "uploads/" + file.Path, CompressionLevel.NoCompression, ct);
        }
    }

    /// <summary>
    /// Erases the account: personal data removed everywhere, sign-in impossible. What the member wrote stays under
    /// "former member", unless <paramref name="deleteContent"/>, which removes their posts and uploads too.
    /// </summary>
    public async Task<Change<Member>> EraseAsync(ClaimsPrincipal actor, Guid memberId, bool deleteContent, CancellationToken ct = default)
    {
        var member = await db.Users.FirstOrDefaultAsync(u => u.Id == memberId, ct);
        if (member is null) return Change<Member>.NotFound();
        var self = TopicPermissions.MemberId(actor) == memberId;
        if (!self && !actor.IsInRole(Roles.Admin)) return Change<Member>.Forbidden();
        if (await users.IsInRoleAsync(member, Roles.Admin) && (await users.GetUsersInRoleAsync(Roles.Admin)).Count <= 1)
        {
            return Change<Member>.Invalid(new() { [""] = [l["Erase.LastAdmin"]] });
        }

        var email = member.Email;
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        // What is theirs alone goes.
        await db.Follows.Where(f => f.FollowerId == memberId || (f.Kind == Notifications.FollowKind.Member && (f.TargetKey == member.Handle || f.TargetKey == memberId.ToString())))
            .ExecuteDeleteAsync(ct);
        await db.Bookmarks.Where(b => b.MemberId == memberId).ExecuteDeleteAsync(ct);
        // Listening: mentions stay (they were public elsewhere) but no longer point at the member.
        await db.Mentions.Where(m => m.MemberId == memberId).ExecuteUpdateAsync(s => s.SetProperty(m => m.MemberId, (Guid?)null), ct);
        await db.AuthorLinks.Where(a => a.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.MemberVisits.Where(v => v.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.TopicReads.Where(r => r.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.Notifications.Where(n => n.RecipientId == memberId).ExecuteDeleteAsync(ct);
        await db.NotificationPreferences.Where(p => p.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.ApiTokens.Where(t => t.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.SpaceMemberships.Where(m => m.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.Consents.Where(c => c.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.Set<Flag>().Where(f => f.FlaggerId == memberId).ExecuteDeleteAsync(ct);
        await db.UserTokens.Where(t => t.UserId == memberId).ExecuteDeleteAsync(ct);
        await db.UserLogins.Where(t => t.UserId == memberId).ExecuteDeleteAsync(ct);
        await db.UserClaims.Where(t => t.UserId == memberId).ExecuteDeleteAsync(ct);
        await db.UserRoles.Where(t => t.UserId == memberId).ExecuteDeleteAsync(ct);
        if (email is not null)
        {
            await db.EmailMessages.Where(m => m.To == email).ExecuteDeleteAsync(ct);
            await db.Invitations.Where(i => i.Email == email).ExecuteDeleteAsync(ct);
        }
        // Mails to others that named them ("Camille replied…"): their copies in the outbox go too.
        var name = member.DisplayName;
        await db.EmailMessages.Where(m => m.Subject.Contains(name) || m.TextBody.Contains(name) || m.HtmlBody.Contains(name)).ExecuteDeleteAsync(ct);

        if (deleteContent)
        {
            var topicIds = await db.Posts.Where(p => p.AuthorId == memberId && p.Number == 1).Select(p => p.TopicId).ToListAsync(ct);
            var posts = await db.Posts.Include(p => p.Topic).Where(p => p.AuthorId == memberId).ToListAsync(ct);
            foreach (var post in posts)
            {
                // Through the context, so the search index forgets them too.
                if (!post.IsDeleted && post.IsPublished && post.Number > 1 && !post.Topic!.IsDeleted) post.Topic.ReplyCount = Math.Max(0, post.Topic.ReplyCount - 1);
                post.IsDeleted = true;
                post.BodyMarkdown = "";
                post.BodyHtml = "";
                post.TextHash = null;
                if (post.Topic!.AcceptedPostId == post.Id) post.Topic.AcceptedPostId = null;
            }
            foreach (var topic in await db.Topics.Where(t => topicIds.Contains(t.Id)).ToListAsync(ct))
            {
                topic.IsDeleted = true;
                topic.Title = "—";
                topic.Slug = "deleted";
                topic.Tags = null;
            }
            await db.PostRevisions.Where(r => db.Posts.Any(p => p.Id == r.PostId && p.AuthorId == memberId)).ExecuteDeleteAsync(ct);
            await db.PostReactions.Where(r => r.MemberId == memberId).ExecuteDeleteAsync(ct);
            foreach (var upload in await db.Uploads.Where(u => u.UploaderId == memberId).ToListAsync(ct))
            {
                if (uploads.FileFor(upload.Path) is { } file) File.Delete(file);
                db.Uploads.Remove(upload);
            }
        }

        // The account itself: kept as a husk so their remaining posts still have an author, with nothing personal left.
        var key = memberId.ToString("N")[..12];
        member.Email = $"erased-{key}@erased.invalid";
        member.NormalizedEmail = member.Email.ToUpperInvariant();
        member.UserName = member.Email;
        member.NormalizedUserName = member.NormalizedEmail;
        member.EmailConfirmed = false;
        member.PasswordHash = null;
        member.SecurityStamp = Guid.NewGuid().ToString("N");
        member.ConcurrencyStamp = Guid.NewGuid().ToString("N");
        member.PhoneNumber = null;
        member.TwoFactorEnabled = false;
        member.DisplayName = FormerMemberName;
        member.Handle = "former_" + key;
        member.Bio = null;
        member.Location = null;
        member.Interests = null;
        member.AvatarPath = null;
        member.PreferredLanguage = null;
        member.LastSeenAt = null;
        member.LockoutEnabled = true;
        member.LockoutEnd = DateTimeOffset.MaxValue;
        member.SuspendedUntil = DateTime.MaxValue;
        member.ErasedAt = now;
        audit.Record(self ? null : actor, AuditActions.MemberErase, "member", memberId, after: new { DeleteContent = deleteContent });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        if (deleteContent) await search.PurgeRemovedAsync(db, ct);
        // Pages cached for visitors may show the name or the posts: every instance drops them now.
        await live.PublishAsync(Notifications.LiveChannels.Site, ct);
        return Change<Member>.Ok(member);
    }
}
