namespace Tribu.Web.Platform.Webhooks;

/// <summary>
/// A feature that needs to know how its outgoing webhooks went (the inbox reads the helpdesk's answer to a ticket call).
/// <see cref="WebhookDeliveryJob"/> calls the observers of a delivery's event after each attempt's outcome is stored,
/// with the row as stored: <see cref="WebhookDelivery.Status"/> is <c>Delivered</c> (with the receiver's
/// <see cref="WebhookDelivery.Response"/>), <c>Failed</c> for good (with <see cref="WebhookDelivery.LastError"/>), or still
/// <c>Pending</c> with the next attempt's time after a failure that will be retried. Registered as scoped services.
/// </summary>
/// <remarks>
/// An observer runs after the delivery's own update is committed: a crash in between leaves the delivery settled and the
/// observer not told, so an observer keeps its own state able to catch up from the delivery row (see the inbox's tickets).
/// An observer that throws is logged and does not stop the other deliveries.
/// </remarks>
public interface IWebhookDeliveryObserver
{
    /// <summary>The event it watches (<see cref="WebhookDelivery.Event"/>), compared exactly.</summary>
    string Event { get; }

    /// <summary>
    /// Headers to add to every attempt of a delivery, besides the job's own: a key the receiver can recognise across
    /// several deliveries of the same logical thing. None by default.
    /// </summary>
    IEnumerable<KeyValuePair<string, string>> HeadersFor(WebhookDelivery delivery) => [];

    /// <summary>After an attempt's outcome is stored.</summary>
    Task AfterAttemptAsync(WebhookDelivery delivery, CancellationToken ct);
}
