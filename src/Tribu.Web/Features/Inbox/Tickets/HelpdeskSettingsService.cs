using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Admin;
using Tribu.Web.Features.Listening.Sources;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Email;
using Tribu.Web.Platform.Webhooks;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Inbox.Tickets;

/// <summary>The helpdesk settings as a form sends them. <c>Mode</c>: None, Webhook or Email.</summary>
public sealed record HelpdeskSettingsRequest(string? Mode, string? Name, string? WebhookUrl, string? Email);

/// <summary>The outcome of a save: the problems by field, and the secrets made by this save (shown this once).</summary>
public sealed record HelpdeskSaveResult(Dictionary<string, string[]> Errors, string? NewSigningSecret = null, string? NewInboundSecret = null)
{
    public bool Saved => Errors.Count == 0;
}

public enum HelpdeskSecret
{
    /// <summary>Signs Tribu's calls to the helpdesk (<c>X-Tribu-Signature</c>).</summary>
    Signing,
    /// <summary>Checks the helpdesk's status updates to Tribu.</summary>
    Inbound,
}

/// <summary>The last "send a test", as the settings page shows it.</summary>
public sealed record HelpdeskTestOutcome(HelpdeskMode Mode, string Status, DateTime At, int Attempts, string? Error, string? Response, DateTime? NextAttemptAt);

/// <summary>
/// The helpdesk settings: where tickets go (none, a webhook, an address), checked before they are stored; the two secrets,
/// made when first needed and on demand, stored protected with Data Protection (<see cref="WebhookSecrets"/>) and shown
/// only once; and a test call through the same outboxes as real tickets.
/// </summary>
public sealed class HelpdeskSettingsService(
    TribuDbContext db, WebhookSecrets secrets, HelpdeskAddress addresses, WebhookOutbox webhooks, EmailOutbox mails, TicketComposer composer,
    SiteSettingsService site, NotificationMails links, TimeProvider clock, IStringLocalizer<UiStrings> l)
{
    public const int MaxNameLength = 100;

    public Task<InboxSettings> GetAsync(CancellationToken ct = default) => InboxSettingsStore.GetAsync(db, ct);

    public async Task<HelpdeskSaveResult> SaveAsync(HelpdeskSettingsRequest request, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Enum.TryParse<HelpdeskMode>(request.Mode, ignoreCase: true, out var mode) || !Enum.IsDefined(mode) || int.TryParse(request.Mode, out _))
        {
            errors[nameof(request.Mode)] = [l["Inbox.Helpdesk.Error.Mode"]];
        }
        var name = string.IsNullOrWhiteSpace(request.Name) ? null : request.Name.Trim();
        if (name is { Length: > MaxNameLength }) errors[nameof(request.Name)] = [l["Inbox.Helpdesk.Error.NameTooLong", MaxNameLength]];
        var url = string.IsNullOrWhiteSpace(request.WebhookUrl) ? null : request.WebhookUrl.Trim();
        // An address is checked whenever one is given, so that what is stored can always be used.
        if (url is not null || mode == HelpdeskMode.Webhook)
        {
            if (await addresses.CheckUrlAsync(url, ct) is { } problem) errors[nameof(request.WebhookUrl)] = [l[problem]];
        }
        var email = string.IsNullOrWhiteSpace(request.Email) ? null : request.Email.Trim();
        if (email is not null || mode == HelpdeskMode.Email)
        {
            if (HelpdeskAddress.CheckEmail(email) is { } problem) errors[nameof(request.Email)] = [l[problem]];
        }
        if (errors.Count > 0) return new HelpdeskSaveResult(errors);

        var settings = await InboxSettingsStore.GetAsync(db, ct);
        settings.HelpdeskMode = mode;
        settings.HelpdeskName = name;
        settings.HelpdeskWebhookUrl = url;
        settings.HelpdeskEmail = email;
        string? signing = null, inbound = null;
        if (mode == HelpdeskMode.Webhook && string.IsNullOrEmpty(settings.ProtectedHelpdeskSecret))
        {
            signing = SourceSecrets.NewWebhookSecret();
            settings.ProtectedHelpdeskSecret = secrets.Protect(signing);
        }
        if (mode != HelpdeskMode.None && string.IsNullOrEmpty(settings.ProtectedInboundSecret))
        {
            inbound = SourceSecrets.NewWebhookSecret();
            settings.ProtectedInboundSecret = secrets.Protect(inbound);
        }
        settings.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return new HelpdeskSaveResult(errors, signing, inbound);
    }

    /// <summary>A new secret, stored protected and returned this once: the old one stops working at once.</summary>
    public async Task<string> RegenerateAsync(HelpdeskSecret which, CancellationToken ct = default)
    {
        var settings = await InboxSettingsStore.GetAsync(db, ct);
        var secret = SourceSecrets.NewWebhookSecret();
        if (which == HelpdeskSecret.Signing) settings.ProtectedHelpdeskSecret = secrets.Protect(secret);
        else settings.ProtectedInboundSecret = secrets.Protect(secret);
        settings.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return secret;
    }

    /// <summary>
    /// Sends a test through the outbox of the current mode: a signed <c>inbox.ticket.test</c> call (which a helpdesk answers
    /// 2xx without making a ticket), or a test mail to the helpdesk's address. Null when no helpdesk is configured.
    /// </summary>
    public async Task<HelpdeskMode?> SendTestAsync(CancellationToken ct = default)
    {
        var settings = await InboxSettingsStore.GetAsync(db, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var community = await site.GetAsync(ct);
        switch (settings.HelpdeskMode)
        {
            case HelpdeskMode.Webhook when settings.HelpdeskWebhookUrl is { } url:
                webhooks.Add(url, TicketComposer.TestEvent, new TestPayload(TicketComposer.TestEvent, true, now, community.CommunityName, links.BaseUrl + "/manage/inbox/helpdesk"),
                    settings.ProtectedHelpdeskSecret);
                await db.SaveChangesAsync(ct);
                await webhooks.DeliverSoonAsync(ct);
                return HelpdeskMode.Webhook;
            case HelpdeskMode.Email when settings.HelpdeskEmail is { } email:
                var language = community.DefaultLanguage is "fr" ? "fr" : "en";
                var sample = new TicketPayload(TicketComposer.TestEvent, "inbox-0-test", now, null, false,
                    new TicketPayload.ItemPart(0, InboxChannel.Mention, l["Inbox.Helpdesk.TestSubject"], l["Inbox.Helpdesk.TestText"], language, null, InboxPriority.Normal, [],
                        InboxStatus.Open, Listening.Analysis.SentimentLabel.Neutral, now, now),
                    new TicketPayload.AuthorPart(null, community.CommunityName, null, null),
                    [new TicketPayload.Message("original", now, community.CommunityName, l["Inbox.Helpdesk.TestText"], null)],
                    links.BaseUrl + "/manage/inbox/helpdesk");
                await mails.QueueAsync(composer.Mail(email, sample, language, community.CommunityName, settings.HelpdeskName, TicketComposer.TestMailKind), ct);
                await mails.DeliverSoonAsync(ct);
                return HelpdeskMode.Email;
            default:
                return null;
        }
    }

    /// <summary>The last test of the current mode, or null.</summary>
    public async Task<HelpdeskTestOutcome?> LastTestAsync(HelpdeskMode mode, CancellationToken ct = default)
    {
        if (mode == HelpdeskMode.Webhook)
        {
            var d = await db.WebhookDeliveries.AsNoTracking().Where(d => d.Event == TicketComposer.TestEvent).OrderByDescending(d => d.Id).FirstOrDefaultAsync(ct);
            return d is null ? null : new HelpdeskTestOutcome(mode, d.Status.ToString(), d.CreatedAt, d.Attempts, d.LastError, d.Response is { Length: > 500 } r ? r[..500] + "…" : d.Response,
                d.Status == WebhookDeliveryStatus.Pending ? d.NextAttemptAt : null);
        }
        if (mode == HelpdeskMode.Email)
        {
            var m = await db.EmailMessages.AsNoTracking().Where(m => m.Kind == TicketComposer.TestMailKind).OrderByDescending(m => m.Id).FirstOrDefaultAsync(ct);
            return m is null ? null : new HelpdeskTestOutcome(mode, m.Status.ToString(), m.CreatedAt, m.Attempts, m.LastError, null, m.Status == EmailStatus.Pending ? m.NextAttemptAt : null);
        }
        return null;
    }

    private sealed record TestPayload(string Event, bool Test, DateTime SentAt, string Community, string SettingsUrl);
}
