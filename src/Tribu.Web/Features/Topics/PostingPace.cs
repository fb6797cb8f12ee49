using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Topics;

/// <summary>Bound to the <c>Posting</c> section: how fast a new member may post.</summary>
public sealed class PostingOptions
{
    public const string Section = "Posting";

    /// <summary>Topics and replies a new member may post in any hour.</summary>
    public int NewMemberPostsPerHour { get; set; } = 10;

    /// <summary>Seconds a new member waits between two posts.</summary>
    public int NewMemberSecondsBetweenPosts { get; set; } = 20;
}

/// <summary>
/// Slows down new accounts (the usual shape of spam and of heated first days) without bothering anyone else: staff and
/// members past trust level 0 post freely.
/// </summary>
public sealed class PostingPace(TribuDbContext db, TimeProvider clock, IOptions<PostingOptions> options, IStringLocalizer<UiStrings> l)
{
    /// <summary>Whether the member is still at trust level 0 (new): the new-member limits apply to them.</summary>
    public async Task<bool> IsNewMemberAsync(Guid memberId, CancellationToken ct = default) =>
        await db.Users.Where(u => u.Id == memberId).Select(u => u.TrustLevel).FirstOrDefaultAsync(ct) == Members.TrustLevel.New;

    /// <summary>When the member may post again, or null when they may post now.</summary>
    public async Task<DateTime?> NextAllowedAsync(Guid memberId, ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (TopicPermissions.IsStaff(user)) return null;
        if (!await IsNewMemberAsync(memberId, ct)) return null;
        var o = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;

        var hourAgo = now.AddHours(-1);
        var recent = await db.Posts.Where(p => p.AuthorId == memberId && p.CreatedAt > hourAgo)
            .OrderByDescending(p => p.CreatedAt).Select(p => p.CreatedAt).Take(Math.Max(1, o.NewMemberPostsPerHour)).ToListAsync(ct);
        DateTime? retry = null;
        if (recent.Count > 0 && recent[0].AddSeconds(o.NewMemberSecondsBetweenPosts) > now) retry = recent[0].AddSeconds(o.NewMemberSecondsBetweenPosts);
        if (recent.Count >= o.NewMemberPostsPerHour)
        {
            var hourly = recent[^1].AddHours(1);
            retry = retry is null || hourly > retry ? hourly : retry;
        }
        return retry;
    }

    /// <summary>"You can post again in 3 min." in the reader's language.</summary>
    public string Message(DateTime retryAt)
    {
        var wait = retryAt - clock.GetUtcNow().UtcDateTime;
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        var delay = seconds < 60
            ? l["Post.TooFast.Seconds", seconds.ToString(CultureInfo.CurrentCulture)]
            : l["Post.TooFast.Minutes", ((int)Math.Ceiling(seconds / 60d)).ToString(CultureInfo.CurrentCulture)];
        return l["Post.TooFast", delay];
    }
}
