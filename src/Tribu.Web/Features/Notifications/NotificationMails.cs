using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Admin;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Email;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Notifications;

/// <summary>Bound to the <c>Site</c> section.</summary>
public sealed class SiteOptions
{
    /// <summary>The public address, for links in mails sent outside a request (digests). Requests use their own host.</summary>
    public string PublicUrl { get; set; } = "http://localhost:5080";
}

/// <summary>Notification mails (at once, or as a digest) in the recipient's language, each with a one-click unsubscribe.</summary>
public sealed class NotificationMails(
    TribuDbContext db, EmailOutbox outbox, IStringLocalizerFactory localizers, SiteSettingsService settings,
    IDataProtectionProvider protection, IHttpContextAccessor http, Microsoft.Extensions.Options.IOptions<SiteOptions> site, TimeProvider clock)
{
    private readonly IDataProtector _unsubscribe = protection.CreateProtector("Tribu.Notifications.Unsubscribe");

    public string BaseUrl => http.HttpContext is { } c ? $"{c.Request.Scheme}://{c.Request.Host}{c.Request.PathBase}" : site.Value.PublicUrl.TrimEnd('/');

    /// <summary>A link that stops mails of one kind for one member, valid without logging in (RFC 8058).</summary>
    public string UnsubscribeUrl(Guid memberId, NotificationKind? kind) =>
        $"{BaseUrl}/notifications/unsubscribe?token={Uri.EscapeDataString(_unsubscribe.Protect($"{memberId}|{kind?.ToString() ?? "all"}"))}";

    public (Guid MemberId, NotificationKind? Kind)? ReadUnsubscribeToken(string? token)
    {
        try
        {
            var parts = _unsubscribe.Unprotect(token ?? "").Split('|');
            return (Guid.Parse(parts[0]), parts[1] == "all" ? null : Enum.Parse<NotificationKind>(parts[1]));
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or FormatException or IndexOutOfRangeException or ArgumentException)
        {
            return null;
        }
    }

    public async Task QueueAsync(Notification notification, CancellationToken ct)
    {
        var item = await DescribeAsync([notification], ct);
        if (item.Count == 0) return;
        var (to, language, lines) = item[0];
        // Marked before the outbox's SaveChanges, which stores the mail and the mark together.
        notification.MailedAt = clock.GetUtcNow().UtcDateTime;
        await ComposeAsync(to, language, lines, notification.RecipientId, notification.Kind, digest: false, weekly: false, ct);
    }

    public async Task QueueDigestAsync(Guid memberId, IReadOnlyList<Notification> notifications, bool weekly, CancellationToken ct)
    {
        var items = await DescribeAsync(notifications, ct);
        if (items.Count == 0) return;
        await ComposeAsync(items[0].To, items[0].Language, [.. items.SelectMany(i => i.Lines)], memberId, null, digest: true, weekly, ct);
    }

    private async Task<List<(string To, string Language, List<(string Text, string Url)> Lines)>> DescribeAsync(IReadOnlyList<Notification> notifications, CancellationToken ct)
    {
        var recipientId = notifications[0].RecipientId;
        var recipient = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == recipientId, ct);
        if (recipient?.Email is null) return [];
        var language = recipient.PreferredLanguage ?? (await settings.GetAsync(ct)).DefaultLanguage;
        var topicIds = notifications.Select(n => n.TopicId).Distinct().ToList();
        var actorIds = notifications.Select(n => n.ActorId).Distinct().ToList();
        var topics = await db.Topics.AsNoTracking().Where(t => topicIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, ct);
        var actors = await db.Users.AsNoTracking().Where(u => actorIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var postIds = notifications.Where(n => n.PostId is not null).Select(n => n.PostId!.Value).Distinct().ToList();
        var numbers = await db.Posts.AsNoTracking().Where(p => postIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Number, ct);
        var lines = notifications.Where(n => topics.ContainsKey(n.TopicId)).Select(n =>
        {
            var topic = topics[n.TopicId];
            var number = n.PostId is { } postId ? numbers.GetValueOrDefault(postId, 1) : 1;
            var text = T(language, $"Notification.{n.Kind}", actors.GetValueOrDefault(n.ActorId, "?"), topic.Title);
            return (Text: n.Note is null ? text : $"{text}: {n.Note}", Url: $"{BaseUrl}/t/{topic.Id}/{topic.Slug}#post-{number}");
        }).ToList();
        return [(recipient.Email, language, lines)];
    }

    private async Task ComposeAsync(string to, string language, List<(string Text, string Url)> lines, Guid memberId, NotificationKind? kind, bool digest, bool weekly, CancellationToken ct)
    {
        var site = await settings.GetAsync(ct);
        var unsubscribe = UnsubscribeUrl(memberId, kind);
        var subject = digest ? T(language, weekly ? "Mail.WeeklyDigest.Subject" : "Mail.Digest.Subject", site.CommunityName, lines.Count) : $"{lines[0].Text} — {site.CommunityName}";
        var enc = HtmlEncoder.Default;
        var html = new StringBuilder($"<!DOCTYPE html><html lang=\"{language}\"><head><meta charset=\"utf-8\"><title>{enc.Encode(subject)}</title></head><body style=\"font-family:system-ui,sans-serif;max-width:560px;margin:auto;padding:24px\">");
        html.Append(CultureInfo.InvariantCulture, $"<h1 style=\"font-size:20px;color:{site.PrimaryColor}\">{enc.Encode(site.CommunityName)}</h1><ul>");
        var text = new StringBuilder(site.CommunityName).Append("\n\n");
        foreach (var (line, url) in lines)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li><a href=\"{enc.Encode(url)}\">{enc.Encode(line)}</a></li>");
            text.Append("- ").Append(line).Append('\n').Append("  ").Append(url).Append('\n');
        }
        var why = T(language, kind is null ? "Mail.Unsubscribe.All" : "Mail.Unsubscribe.Kind");
        html.Append(CultureInfo.InvariantCulture, $"</ul><p style=\"font-size:13px;color:#555\"><a href=\"{enc.Encode(unsubscribe)}\">{enc.Encode(why)}</a></p></body></html>");
        text.Append('\n').Append(why).Append(": ").Append(unsubscribe).Append('\n');
        await outbox.QueueAsync(new OutgoingEmail(to, subject, html.ToString(), text.ToString(), digest ? (weekly ? "weekly-digest" : "digest") : "notification", unsubscribe), ct);
    }

    /// <summary>A UI string in the recipient's language, whatever the current request's.</summary>
    private string T(string language, string key, params object[] args) =>
        Platform.Localization.LocalizationFeature.InLanguage(language is "fr" ? "fr" : "en", () => localizers.Create(typeof(UiStrings))[key, args].Value);
}
