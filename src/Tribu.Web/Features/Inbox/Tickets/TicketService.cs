using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Tribu.Web.Features.Admin;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Email;
using Tribu.Web.Platform.Localization;
using Tribu.Web.Platform.Webhooks;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Inbox.Tickets;

/// <summary>
/// Routes an unhappy customer to customer service: one ticket per item, never sent twice. Asking claims the item with a
/// conditional update (no ticket yet, or a failed one), so two clicks at once make one delivery. By webhook, the call goes
/// through the outbox (signed, retried with back-off, the same <c>Idempotency-Key</c> on every attempt, the same
/// <c>X-Tribu-Ticket-Key</c> on every delivery of the item) and <see cref="TicketDeliveryObserver"/> reads the helpdesk's
/// answer; by e-mail, the mail goes through the mail outbox and the ticket is created at once. The helpdesk's status
/// updates come back through <see cref="HelpdeskWebhook"/>. Every change writes its history line and refreshes the item's page.
/// </summary>
public sealed class TicketService(
    TribuDbContext db, InboxService inbox, TicketComposer composer, WebhookOutbox webhooks, EmailOutbox mails, HelpdeskAddress addresses,
    SiteSettingsService site, NotificationMails links, IOptions<EmailOptions> emailOptions, ILiveBus bus, TimeProvider clock, IStringLocalizer<UiStrings> l)
{
    /// <summary>The ticket of an item (null when there is no such item), caught up with its delivery if an outcome was missed.</summary>
    public async Task<TicketResponse?> GetAsync(long itemId, CancellationToken ct = default)
    {
        var item = await db.InboxItems.AsNoTracking().FirstOrDefaultAsync(i => i.Id == itemId, ct);
        if (item is null) return null;
        var delivery = await DeliveryAsync(item, ct);
        if (item.TicketState == TicketState.Pending && delivery is { Status: not WebhookDeliveryStatus.Pending })
        {
            // The delivery settled but the item was not told (a crash between the two): catch up now.
            await ApplyDeliveryAsync(delivery, ct);
            item = await db.InboxItems.AsNoTracking().FirstAsync(i => i.Id == itemId, ct);
        }
        return View(item, delivery, await InboxSettingsStore.GetAsync(db, ct));
    }

    /// <summary>Sends the item to the helpdesk, unless none is configured or its ticket is already pending or created.</summary>
    public Task<Change<TicketResponse>> CreateAsync(long itemId, Guid? actorId, bool includeInternalNotes = false, CancellationToken ct = default) =>
        SendAsync(itemId, actorId, includeInternalNotes, retry: false, ct);

    /// <summary>Sends a failed ticket again: a new delivery of the same logical ticket (same content, same ticket key).</summary>
    public Task<Change<TicketResponse>> RetryAsync(long itemId, Guid? actorId, CancellationToken ct = default) =>
        SendAsync(itemId, actorId, includeInternalNotes: false, retry: true, ct);

    private async Task<Change<TicketResponse>> SendAsync(long itemId, Guid? actorId, bool includeInternalNotes, bool retry, CancellationToken ct)
    {
        var item = await db.InboxItems.AsNoTracking().FirstOrDefaultAsync(i => i.Id == itemId, ct);
        if (item is null) return Change<TicketResponse>.NotFound();
        var settings = await InboxSettingsStore.GetAsync(db, ct);
        if (settings.HelpdeskMode == HelpdeskMode.None) return Refused("helpdesk", l["Inbox.Ticket.Error.NoHelpdesk"]);
        if (Refusal(item.TicketState, retry) is { } refusal) return Refused("ticket", l[refusal]);
        // Checked again before each ticket: a name that now leads to a private address is refused like the address.
        var problem = settings.HelpdeskMode == HelpdeskMode.Webhook
            ? await addresses.CheckUrlAsync(settings.HelpdeskWebhookUrl, ct)
            : HelpdeskAddress.CheckEmail(settings.HelpdeskEmail);
        if (problem is not null) return Refused("helpdesk", l["Inbox.Ticket.Error.Settings", l[problem]]);

        var now = Now();
        // A retry sends what the first request sent (the same logical ticket); a new request is composed now.
        var previous = retry && item.TicketDeliveryId is { } previousId
            ? await db.WebhookDeliveries.AsNoTracking().Where(d => d.Id == previousId && d.Event == TicketComposer.CreateEvent).Select(d => d.Payload).FirstOrDefaultAsync(ct)
            : null;
        var payload = Read(previous);
        if (payload is null) previous = null;
        payload ??= await composer.PayloadAsync(item, actorId, includeInternalNotes, links.BaseUrl, now, ct);
        var json = previous ?? JsonSerializer.Serialize(payload, WebhookOutbox.Json);
        OutgoingEmail? mail = null;
        if (settings.HelpdeskMode == HelpdeskMode.Email)
        {
            var community = await site.GetAsync(ct);
            mail = composer.Mail(settings.HelpdeskEmail!.Trim(), payload, community.DefaultLanguage is "fr" ? "fr" : "en", community.CommunityName, settings.HelpdeskName);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var claim = db.InboxItems.Where(i => i.Id == itemId);
        claim = retry
            ? claim.Where(i => i.TicketState == TicketState.Failed)
            : claim.Where(i => i.TicketState == TicketState.None || i.TicketState == TicketState.Failed);
        if (await claim.ExecuteUpdateAsync(s => s.SetProperty(i => i.TicketState, TicketState.Pending), ct) == 0)
        {
            // Someone else asked a moment ago.
            await transaction.RollbackAsync(ct);
            return Refused("ticket", l["Inbox.Ticket.Error.Pending"]);
        }
        var tracked = await FreshAsync(itemId, ct);
        tracked.TicketRequestedAt = now;
        tracked.TicketError = null;
        WebhookDelivery? delivery = null;
        if (mail is null)
        {
            delivery = webhooks.Add(settings.HelpdeskWebhookUrl!, TicketComposer.CreateEvent, json, settings.ProtectedHelpdeskSecret);
            await db.SaveChangesAsync(ct);
            tracked.TicketDeliveryId = delivery.Id;
            // From: the state it left (None, or Failed for a retry); to: how it is sent.
            inbox.AddEvent(tracked, InboxEventKind.TicketRequested, actorId, now, item.TicketState.ToString(), nameof(HelpdeskMode.Webhook));
        }
        else
        {
            var message = mails.Add(mail);
            await db.SaveChangesAsync(ct);
            // The Message-ID is made from the row as stored (PostgreSQL keeps microseconds, not ticks).
            var stored = await db.EmailMessages.AsNoTracking().Where(m => m.Id == message.Id).Select(m => new EmailMessage { Id = m.Id, CreatedAt = m.CreatedAt }).FirstAsync(ct);
            var messageId = EmailDeliveryJob.MessageId(stored, emailOptions.Value.FromAddress);
            tracked.TicketState = TicketState.Created;
            tracked.TicketId = Cut(messageId, HelpdeskAnswer.MaxIdLength);
            tracked.TicketUrl = null;
            tracked.TicketStatus = null;
            tracked.TicketDeliveryId = null;
            inbox.AddEvent(tracked, InboxEventKind.TicketRequested, actorId, now, item.TicketState.ToString(), nameof(HelpdeskMode.Email));
            inbox.AddEvent(tracked, InboxEventKind.TicketCreated, actorId, now, null, tracked.TicketId, settings.HelpdeskEmail);
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);

        await inbox.PublishAsync(itemId, ct);
        if (delivery is not null) await webhooks.DeliverSoonAsync(ct);
        else await mails.DeliverSoonAsync(ct);
        return Change<TicketResponse>.Ok(View(tracked, delivery, settings));
    }

    private static string? Refusal(TicketState state, bool retry) => state switch
    {
        TicketState.Pending => "Inbox.Ticket.Error.Pending",
        TicketState.Created => "Inbox.Ticket.Error.Created",
        TicketState.None when retry => "Inbox.Ticket.Error.NothingToRetry",
        _ => null,
    };

    /// <summary>
    /// Records what a ticket call's attempt came to (the observer of <see cref="TicketComposer.CreateEvent"/>): delivered,
    /// the ticket is created with the id and address the helpdesk answered; failed for good, the ticket fails with the last
    /// error and the assignee (or whoever asked) is told; retrying, the item's page refreshes to show the error and the next
    /// attempt. Applied once: only a pending ticket whose current delivery this is changes.
    /// </summary>
    public async Task ApplyDeliveryAsync(WebhookDelivery delivery, CancellationToken ct = default)
    {
        if (delivery.Event != TicketComposer.CreateEvent || ItemIdOf(delivery.Payload) is not { } itemId) return;
        if (delivery.Status == WebhookDeliveryStatus.Pending)
        {
            if (await db.InboxItems.AnyAsync(i => i.Id == itemId && i.TicketDeliveryId == delivery.Id, ct)) await inbox.PublishAsync(itemId, ct);
            return;
        }
        var now = Now();
        var delivered = delivery.Status == WebhookDeliveryStatus.Delivered;
        var answer = delivered ? HelpdeskAnswer.Parse(delivery.Response) : default;
        var error = delivered ? null : Cut(delivery.LastError ?? "?", 2000);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var mine = db.InboxItems.Where(i => i.Id == itemId && i.TicketDeliveryId == delivery.Id && i.TicketState == TicketState.Pending);
        var changed = delivered
            ? await mine.ExecuteUpdateAsync(s => s.SetProperty(i => i.TicketState, TicketState.Created).SetProperty(i => i.TicketId, answer.Id)
                .SetProperty(i => i.TicketUrl, answer.Url).SetProperty(i => i.TicketError, (string?)null), ct)
            : await mine.ExecuteUpdateAsync(s => s.SetProperty(i => i.TicketState, TicketState.Failed).SetProperty(i => i.TicketError, error), ct);
        if (changed == 0)
        {
            await transaction.RollbackAsync(ct);
            return;
        }
        var item = await FreshAsync(itemId, ct);
        Guid? told = null;
        if (delivered)
        {
            inbox.AddEvent(item, InboxEventKind.TicketCreated, null, now, null, answer.Id, answer.Url);
        }
        else
        {
            inbox.AddEvent(item, InboxEventKind.TicketFailed, null, now, null, null, error);
            told = item.AssigneeId ?? await db.InboxEvents.Where(e => e.ItemId == itemId && e.Kind == InboxEventKind.TicketRequested)
                .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Select(e => e.ActorId).FirstOrDefaultAsync(ct);
            if (told is { } recipient)
            {
                db.Notifications.Add(new Notification
                {
                    RecipientId = recipient, Kind = NotificationKind.InboxTicket, ActorId = Guid.Empty, TopicId = 0, PostId = itemId, CreatedAt = now, Note = error,
                });
            }
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await inbox.PublishAsync(itemId, ct);
        if (told is { } member) await bus.PublishAsync(LiveChannels.Member(member), ct);
    }

    /// <summary>
    /// A status update from the helpdesk for the ticket with this id (or, before Tribu knows the id, this ticket key):
    /// records the helpdesk's status and a history line, and moves the item (solved → resolved, closed → closed, pending
    /// → pending, open → open). The same update received twice changes nothing the second time. Null when no item has
    /// that ticket.
    /// </summary>
    public async Task<HelpdeskUpdateResponse?> ApplyUpdateAsync(HelpdeskUpdate update, CancellationToken ct = default)
    {
        var item = update.TicketId is { } ticketId
            ? await db.InboxItems.AsNoTracking().Where(i => i.TicketId == ticketId).OrderBy(i => i.Id).FirstOrDefaultAsync(ct)
            : null;
        if (item is null && TicketComposer.ItemIdOf(update.TicketKey) is { } keyed)
        {
            var candidate = await db.InboxItems.AsNoTracking().FirstOrDefaultAsync(i => i.Id == keyed, ct);
            if (candidate is not null && candidate.TicketState != TicketState.None && TicketComposer.TicketKey(candidate) == update.TicketKey) item = candidate;
        }
        if (item is null) return null;

        var now = Now();
        var before = item.TicketStatus;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Each part changes once, with a conditional update: a second delivery of the same update finds nothing to do.
        var statusChanged = await db.InboxItems.Where(i => i.Id == item.Id && (i.TicketStatus == null || i.TicketStatus != update.Status))
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.TicketStatus, update.Status), ct) == 1;
        var linkChanged = update.Url is { } url && await db.InboxItems.Where(i => i.Id == item.Id && (i.TicketUrl == null || i.TicketUrl != url))
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.TicketUrl, url), ct) == 1;
        // The helpdesk has the ticket, whatever Tribu believed (an answer not read yet, a failure after all).
        var confirmed = await db.InboxItems.Where(i => i.Id == item.Id && i.TicketState != TicketState.Created)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.TicketState, TicketState.Created).SetProperty(i => i.TicketError, (string?)null), ct) == 1;
        if (update.TicketId is { } id)
        {
            await db.InboxItems.Where(i => i.Id == item.Id && i.TicketId == null).ExecuteUpdateAsync(s => s.SetProperty(i => i.TicketId, id), ct);
        }
        var newComment = false;
        if (update.Comment is { } comment)
        {
            var last = await db.InboxEvents.Where(e => e.ItemId == item.Id && e.Kind == InboxEventKind.TicketUpdated)
                .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Select(e => e.Text).FirstOrDefaultAsync(ct);
            newComment = statusChanged || last != comment;
        }
        if (!statusChanged && !linkChanged && !confirmed && !newComment)
        {
            await transaction.RollbackAsync(ct);
            return new HelpdeskUpdateResponse(item.Id, item.TicketId, update.Status, item.Status, false);
        }
        var tracked = await FreshAsync(item.Id, ct);
        inbox.AddEvent(tracked, InboxEventKind.TicketUpdated, null, now, before, update.Status, update.Comment);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await inbox.PublishAsync(item.Id, ct);

        if (statusChanged && tracked.Status != update.MapsTo)
        {
            var settings = await InboxSettingsStore.GetAsync(db, ct);
            var language = (await site.GetAsync(ct)).DefaultLanguage;
            var why = LocalizationFeature.InLanguage(language, () => l["Inbox.Ticket.StatusWhy", settings.HelpdeskName ?? l["Inbox.Helpdesk.DefaultName"], update.Status].Value);
            await inbox.SetStatusAsync(item.Id, update.MapsTo, null, why, ct);
        }
        return new HelpdeskUpdateResponse(item.Id, tracked.TicketId, update.Status, tracked.Status, true);
    }

    private static TicketResponse View(InboxItem item, WebhookDelivery? delivery, InboxSettings settings)
    {
        var retrying = item.TicketState == TicketState.Pending && delivery is { Status: WebhookDeliveryStatus.Pending } ? delivery : null;
        var configured = settings.HelpdeskMode != HelpdeskMode.None;
        return new TicketResponse(
            item.Id, item.TicketState, settings.HelpdeskMode, settings.HelpdeskName, item.TicketId, item.TicketUrl, item.TicketStatus,
            SentByEmail: item.TicketState == TicketState.Created && item.TicketDeliveryId is null,
            item.TicketRequestedAt,
            Error: item.TicketState == TicketState.Failed ? item.TicketError : retrying?.LastError,
            Attempts: item.TicketDeliveryId is null ? 0 : delivery?.Attempts ?? 0,
            NextAttemptAt: retrying?.NextAttemptAt,
            CanCreate: configured && item.TicketState is TicketState.None or TicketState.Failed,
            CanRetry: configured && item.TicketState == TicketState.Failed);
    }

    private Task<WebhookDelivery?> DeliveryAsync(InboxItem item, CancellationToken ct) =>
        item.TicketDeliveryId is { } id ? db.WebhookDeliveries.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct) : Task.FromResult<WebhookDelivery?>(null);

    /// <summary>The item as the database has it now, tracked (reloaded when this context already tracked an older copy).</summary>
    private async Task<InboxItem> FreshAsync(long id, CancellationToken ct)
    {
        var entry = db.ChangeTracker.Entries<InboxItem>().FirstOrDefault(e => e.Entity.Id == id);
        if (entry is null) return await db.InboxItems.FirstAsync(i => i.Id == id, ct);
        await entry.ReloadAsync(ct);
        return entry.Entity;
    }

    /// <summary>A stored ticket call's body, or null when there is none or it cannot be read (an older format): it is then composed again.</summary>
    private static TicketPayload? Read(string? payload)
    {
        if (payload is null) return null;
        try
        {
            return JsonSerializer.Deserialize<TicketPayload>(payload, WebhookOutbox.Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The item a ticket call is about, from its payload.</summary>
    internal static long? ItemIdOf(string payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            return document.RootElement.TryGetProperty("item", out var item) && item.TryGetProperty("id", out var id) && id.TryGetInt64(out var value) ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Change<TicketResponse> Refused(string field, string message) => Change<TicketResponse>.Invalid(new() { [field] = [message] });

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max];
}

/// <summary>A status update from the helpdesk, checked: the status word lower-case, the item status it maps to, a safe address.</summary>
public sealed record HelpdeskUpdate(string? TicketId, string? TicketKey, string Status, InboxStatus MapsTo, string? Url, string? Comment);
