using System.Text.Json;
using Tribu.Web.Platform.Webhooks;

namespace Tribu.Web.Features.Inbox.Tickets;

/// <summary>
/// Follows the outbox's ticket calls: adds <c>X-Tribu-Ticket-Key</c> (the same on every delivery of an item's ticket, retries
/// included, where <c>Idempotency-Key</c> is the same on every attempt of one delivery) and hands each outcome to
/// <see cref="TicketService.ApplyDeliveryAsync"/>.
/// </summary>
public sealed class TicketDeliveryObserver(TicketService tickets) : IWebhookDeliveryObserver
{
    public const string TicketKeyHeader = "X-Tribu-Ticket-Key";

    public string Event => TicketComposer.CreateEvent;

    public IEnumerable<KeyValuePair<string, string>> HeadersFor(WebhookDelivery delivery)
    {
        string? key = null;
        try
        {
            using var document = JsonDocument.Parse(delivery.Payload);
            if (document.RootElement.TryGetProperty("ticketKey", out var value) && value.ValueKind == JsonValueKind.String) key = value.GetString();
        }
        catch (JsonException)
        {
            // Not a payload of ours: no key to send.
        }
        return string.IsNullOrEmpty(key) ? [] : [new(TicketKeyHeader, key)];
    }

    public Task AfterAttemptAsync(WebhookDelivery delivery, CancellationToken ct) => tickets.ApplyDeliveryAsync(delivery, ct);
}
