using System.Globalization;
using System.Net.Mail;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Admin;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Email;
using Tribu.Web.Platform.Localization;
using Tribu.Web.Platform.Webhooks;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Listening.Alerts;

/// <summary>
/// Tells people of a new alert, once per episode: an in-app notification to every manager (their unread badge updates
/// live), a mail to each of the query's alert addresses in that person's language (the site's default for an address
/// no member has), and a signed call to the query's alert webhook (payload: docs/listening-alerts.md). The rows are
/// added to the caller's unit of work, saved with the alert; <see cref="AfterCommitAsync"/> then wakes the live pages
/// and the delivery jobs.
/// </summary>
public sealed class AlertDelivery(
    TribuDbContext db, EmailOutbox mails, WebhookOutbox webhooks, ILiveBus bus, IStringLocalizerFactory localizers, SiteSettingsService settings, NotificationMails links)
{
    public const string WebhookEvent = "listening.alert.opened";
    public const string MailKind = "listening-alert";
    public const int MaxAddresses = 20;

    private readonly HashSet<Guid> _notified = [];
    private bool _mailed;
    private bool _called;

    /// <summary>Adds the notifications, mails and webhook call of a newly opened alert (saved by the caller).</summary>
    public async Task QueueAsync(ListeningAlert alert, Watch watch, Mention? mention, CancellationToken ct)
    {
        var site = await settings.GetAsync(ct);
        foreach (var managerId in await ManagersAsync(ct))
        {
            db.Notifications.Add(new Notification
            {
                RecipientId = managerId, Kind = NotificationKind.ListeningAlert, ActorId = Guid.Empty, TopicId = 0, PostId = alert.Id, CreatedAt = alert.OpenedAt,
            });
            _notified.Add(managerId);
        }

        var addresses = Addresses(watch.AlertEmails);
        if (addresses.Count > 0)
        {
            var normalized = addresses.Select(a => a.ToUpperInvariant()).ToList();
            var languages = await db.Users.AsNoTracking().Where(u => u.NormalizedEmail != null && normalized.Contains(u.NormalizedEmail))
                .Select(u => new { u.NormalizedEmail, u.PreferredLanguage }).ToListAsync(ct);
            foreach (var address in addresses)
            {
                var language = languages.FirstOrDefault(l => string.Equals(l.NormalizedEmail, address, StringComparison.OrdinalIgnoreCase))?.PreferredLanguage ?? site.DefaultLanguage;
                mails.Add(Compose(address, language is "fr" ? "fr" : "en", alert, watch, mention, site.CommunityName));
                _mailed = true;
            }
        }

        if (!string.IsNullOrWhiteSpace(watch.AlertWebhookUrl))
        {
            webhooks.Add(watch.AlertWebhookUrl, WebhookEvent, Payload(alert, watch, mention, site.DefaultLanguage), watch.ProtectedAlertWebhookSecret);
            _called = true;
        }
    }

    /// <summary>After the commit: the managers' badges and the alerts page refresh, the mails and the webhook go now.</summary>
    public async Task AfterCommitAsync(CancellationToken ct)
    {
        foreach (var id in _notified) await bus.PublishAsync(LiveChannels.Member(id), ct);
        _notified.Clear();
        await bus.PublishAsync(LiveChannels.Listening, ct);
        if (_mailed) await mails.DeliverSoonAsync(ct);
        if (_called) await webhooks.DeliverSoonAsync(ct);
        _mailed = _called = false;
    }

    /// <summary>Admins and community managers: who reads the listening console.</summary>
    private async Task<List<Guid>> ManagersAsync(CancellationToken ct)
    {
        var ids = await db.UserRoles.Where(ur => db.Roles.Any(r => r.Id == ur.RoleId && (r.Name == Roles.Admin || r.Name == Roles.CommunityManager)))
            .Select(ur => ur.UserId).Distinct().ToListAsync(ct);
        // A manager who chose "none" for this kind (through the API) is left alone.
        var silenced = await db.NotificationPreferences.Where(p => ids.Contains(p.MemberId) && p.Kind == NotificationKind.ListeningAlert && p.Channel == DeliveryChannel.None)
            .Select(p => p.MemberId).ToListAsync(ct);
        return [.. ids.Except(silenced)];
    }

    /// <summary>The addresses of a comma-, semicolon- or space-separated list that look like addresses, once each.</summary>
    public static List<string> Addresses(string? list)
    {
        if (string.IsNullOrWhiteSpace(list)) return [];
        var result = new List<string>();
        foreach (var part in list.Split([',', ';', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.Length > 254 || !MailAddress.TryCreate(part, out var parsed) || parsed.Address != part) continue;
            if (!result.Contains(part, StringComparer.OrdinalIgnoreCase)) result.Add(part);
            if (result.Count == MaxAddresses) break;
        }
        return result;
    }

    private OutgoingEmail Compose(string to, string language, ListeningAlert alert, Watch watch, Mention? mention, string community)
    {
        var culture = CultureInfo.GetCultureInfo(language);
        var l = localizers.Create(typeof(UiStrings));
        string T(string key, params object[] args) => LocalizationFeature.InLanguage(language, () => l[key, args].Value);
        var kind = T("Alert.Kind." + alert.Kind);
        var explanation = LocalizationFeature.InLanguage(language, () => AlertExplanation.Format(l, alert.ExplanationKey, alert.ExplanationArgs, culture));
        var subject = T("Alert.Mail.Subject", community, watch.Name, kind);
        var pageUrl = links.BaseUrl + AlertExplanation.PageUrl(alert.Id);
        var enc = HtmlEncoder.Default;
        var html = new StringBuilder($"<!DOCTYPE html><html lang=\"{language}\"><head><meta charset=\"utf-8\"><title>{enc.Encode(subject)}</title></head>")
            .Append("<body style=\"font-family:system-ui,sans-serif;max-width:560px;margin:auto;padding:24px\">")
            .Append(CultureInfo.InvariantCulture, $"<h1 style=\"font-size:20px\">{enc.Encode(kind)} — {enc.Encode(watch.Name)}</h1>")
            .Append(CultureInfo.InvariantCulture, $"<p>{enc.Encode(explanation)}</p>");
        var text = new StringBuilder().Append(kind).Append(" — ").Append(watch.Name).Append("\n\n").Append(explanation).Append("\n\n");
        if (mention is not null)
        {
            var excerpt = mention.Text.Length > 500 ? mention.Text[..500] + "…" : mention.Text;
            var author = mention.AuthorName ?? mention.AuthorHandle ?? "?";
            var mentionUrl = $"{links.BaseUrl}/manage/listening/mentions/{mention.Id.ToString(CultureInfo.InvariantCulture)}";
            html.Append(CultureInfo.InvariantCulture, $"<p>{enc.Encode(T("Alert.Mail.Mention", author))}</p><blockquote style=\"border-left:3px solid #999;margin:0;padding-left:12px\">{enc.Encode(excerpt)}</blockquote>")
                .Append(CultureInfo.InvariantCulture, $"<p><a href=\"{enc.Encode(mentionUrl)}\">{enc.Encode(T("Alert.Mail.OpenMention"))}</a></p>");
            text.Append(T("Alert.Mail.Mention", author)).Append('\n').Append(excerpt).Append('\n').Append(mentionUrl).Append("\n\n");
        }
        html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{enc.Encode(pageUrl)}\">{enc.Encode(T("Alert.Mail.Open"))}</a></p>")
            .Append(CultureInfo.InvariantCulture, $"<p style=\"font-size:13px;color:#555\">{enc.Encode(T("Alert.Mail.Why", watch.Name))}</p></body></html>");
        text.Append(T("Alert.Mail.Open")).Append(": ").Append(pageUrl).Append("\n\n").Append(T("Alert.Mail.Why", watch.Name)).Append('\n');
        return new OutgoingEmail(to, subject, html.ToString(), text.ToString(), MailKind);
    }

    /// <summary>The webhook's JSON body (documented in docs/listening-alerts.md).</summary>
    public AlertWebhookPayload Payload(ListeningAlert alert, Watch watch, Mention? mention, string language)
    {
        var l = localizers.Create(typeof(UiStrings));
        var lang = language is "fr" ? "fr" : "en";
        var explanation = LocalizationFeature.InLanguage(lang, () => AlertExplanation.Format(l, alert.ExplanationKey, alert.ExplanationArgs, CultureInfo.GetCultureInfo(lang)));
        using var args = System.Text.Json.JsonDocument.Parse(alert.ExplanationArgs);
        return new AlertWebhookPayload(
            WebhookEvent,
            new AlertWebhookPayload.AlertPart(alert.Id, alert.Kind, alert.Status, alert.OpenedAt, alert.MentionCount, explanation, lang, alert.ExplanationKey, args.RootElement.Clone(),
                links.BaseUrl + AlertExplanation.PageUrl(alert.Id)),
            new AlertWebhookPayload.QueryPart(watch.Id, watch.Name, watch.Kind),
            mention is null ? null : new AlertWebhookPayload.MentionPart(mention.Id, mention.Url, mention.Text, mention.Language, mention.Sentiment, mention.SentimentScore,
                mention.AuthorHandle, mention.AuthorName, mention.AuthorFollowers, mention.PublishedAt));
    }
}

/// <summary>The body of a <c>listening.alert.opened</c> webhook call.</summary>
public sealed record AlertWebhookPayload(string Event, AlertWebhookPayload.AlertPart Alert, AlertWebhookPayload.QueryPart Query, AlertWebhookPayload.MentionPart? Mention)
{
    public sealed record AlertPart(long Id, AlertKind Kind, AlertStatus Status, DateTime OpenedAt, int MentionCount, string Explanation, string Language,
        string ExplanationKey, System.Text.Json.JsonElement ExplanationArgs, string Url);

    public sealed record QueryPart(int Id, string Name, WatchKind Kind);

    public sealed record MentionPart(long Id, string? Url, string Text, string Language, Analysis.SentimentLabel Sentiment, double SentimentScore,
        string? AuthorHandle, string? AuthorName, int? AuthorFollowers, DateTime PublishedAt);
}
