using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Quartz;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Platform.Webhooks;

/// <summary>
/// Sends the outgoing webhooks that are due. Each delivery is claimed first with a conditional update (still pending,
/// still due) that pushes its next attempt past the call's timeout, so with two instances each call is made by one of
/// them; a crash mid-call leaves the claim to expire and the call to be made again, which the receiver recognises by
/// its <c>Idempotency-Key</c>. A call answered 2xx is delivered; a network error, a timeout, a 408, 429 or 5xx is retried
/// with exponential back-off up to <see cref="WebhookOptions.MaxAttempts"/>; any other answer fails it at once.
/// </summary>
/// <remarks>
/// Headers: <c>X-Tribu-Event</c>, <c>X-Tribu-Delivery</c> (the delivery's id), <c>X-Tribu-Timestamp</c> (Unix seconds of the
/// attempt), <c>Idempotency-Key</c> (the same on every attempt) and, when a secret is set, <c>X-Tribu-Signature:
/// sha256=&lt;hex HMAC-SHA256 of the body with the secret&gt;</c>, plus what the event's <see cref="IWebhookDeliveryObserver"/>
/// adds. The body is sent byte for byte as stored. After each attempt's outcome is stored, the event's observers are told.
/// </remarks>
[DisallowConcurrentExecution]
public sealed partial class WebhookDeliveryJob(
    TribuDbContext db, IHttpClientFactory httpClients, WebhookSecrets secrets, IOptions<WebhookOptions> options, TimeProvider clock, ILogger<WebhookDeliveryJob> logger,
    IEnumerable<IWebhookDeliveryObserver> observers) : IJob
{
    public const string Name = "webhook-delivery";
    public const string EventHeader = "X-Tribu-Event";
    public const string DeliveryHeader = "X-Tribu-Delivery";
    public const string TimestampHeader = "X-Tribu-Timestamp";
    public const string SignatureHeader = "X-Tribu-Signature";
    public const string IdempotencyHeader = "Idempotency-Key";
    private const int BatchSize = 20;
    private const int MaxResponseChars = 4000;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        context.Result = await DeliverDueAsync(cancellationToken);

    /// <summary>Sends what is due now; returns how many were delivered.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct = default)
    {
        var o = options.Value;
        var timeout = TimeSpan.FromSeconds(Math.Max(1, o.TimeoutSeconds));
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now)
            .OrderBy(d => d.NextAttemptAt).Select(d => d.Id).Take(BatchSize).ToListAsync(ct);
        var delivered = 0;
        foreach (var id in due)
        {
            // The claim: the lease outlives the call, so no other instance picks the row while it is in flight.
            var leaseUntil = now + timeout + TimeSpan.FromMinutes(1);
            var claimed = await db.WebhookDeliveries
                .Where(d => d.Id == id && d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, leaseUntil).SetProperty(d => d.Attempts, d => d.Attempts + 1), ct);
            if (claimed == 0) continue;
            var delivery = await db.WebhookDeliveries.AsNoTracking().FirstAsync(d => d.Id == id, ct);
            var watchers = observers.Where(o => o.Event == delivery.Event).ToList();
            var (ok, retry, error, response) = await SendAsync(delivery, watchers, timeout, ct);
            var at = clock.GetUtcNow().UtcDateTime;
            var attempts = delivery.Attempts;
            int stored;
            if (ok)
            {
                stored = await db.WebhookDeliveries.Where(d => d.Id == id && d.Attempts == attempts)
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, WebhookDeliveryStatus.Delivered).SetProperty(d => d.DeliveredAt, at)
                        .SetProperty(d => d.LastError, (string?)null).SetProperty(d => d.Response, response), ct);
                delivered++;
                LogDelivered(logger, id, delivery.Event, HostOf(delivery.Url), attempts);
            }
            else if (!retry || attempts >= o.MaxAttempts)
            {
                stored = await db.WebhookDeliveries.Where(d => d.Id == id && d.Attempts == attempts)
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, WebhookDeliveryStatus.Failed).SetProperty(d => d.LastError, error).SetProperty(d => d.Response, response), ct);
                LogFailed(logger, id, delivery.Event, HostOf(delivery.Url), attempts, error);
            }
            else
            {
                var next = at + Backoff(attempts, o.FirstRetrySeconds);
                stored = await db.WebhookDeliveries.Where(d => d.Id == id && d.Attempts == attempts)
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, next).SetProperty(d => d.LastError, error).SetProperty(d => d.Response, response), ct);
                LogRetrying(logger, id, delivery.Event, HostOf(delivery.Url), attempts, next, error);
            }
            // Only the outcome this attempt stored is told (a lease that expired mid-call lets another attempt decide).
            if (stored == 1 && watchers.Count > 0) await TellAsync(id, watchers, ct);
        }
        return delivered;
    }

    private async Task TellAsync(long id, List<IWebhookDeliveryObserver> watchers, CancellationToken ct)
    {
        var row = await db.WebhookDeliveries.AsNoTracking().FirstAsync(d => d.Id == id, ct);
        foreach (var observer in watchers)
        {
            try
            {
                await observer.AfterAttemptAsync(row, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogObserverFailed(logger, ex, id, row.Event, observer.GetType().Name);
            }
        }
    }

    /// <summary>Exponential back-off: the first wait, then twice as long after each further failure (30 s, 1 min, 2 min…).</summary>
    public static TimeSpan Backoff(int attempts, int firstRetrySeconds) =>
        TimeSpan.FromSeconds(firstRetrySeconds * Math.Pow(2, Math.Clamp(attempts - 1, 0, 16)));

    /// <summary>The signature header's value for a body and a secret: <c>sha256=</c> and the hex HMAC-SHA256.</summary>
    public static string Sign(byte[] body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private async Task<(bool Ok, bool Retry, string? Error, string? Response)> SendAsync(WebhookDelivery delivery, List<IWebhookDeliveryObserver> watchers, TimeSpan timeout, CancellationToken ct)
    {
        if (!Uri.TryCreate(delivery.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return (false, false, "The address is not an http(s) URL.", null);
        }
        var body = Encoding.UTF8.GetBytes(delivery.Payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(EventHeader, delivery.Event);
        request.Headers.Add(DeliveryHeader, delivery.Id.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(TimestampHeader, clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(IdempotencyHeader, delivery.IdempotencyKey.ToString());
        if (secrets.Unprotect(delivery.ProtectedSecret) is { } secret)
        {
            request.Headers.Add(SignatureHeader, Sign(body, secret));
        }
        foreach (var (name, value) in watchers.SelectMany(w => w.HeadersFor(delivery)))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            using var response = await httpClients.CreateClient(WebhooksFeature.HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
            var text = await ReadSomeAsync(response, limit.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode) return (true, false, null, text);
            var retry = status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
            return (false, retry, Truncate($"HTTP {status.ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase}".TrimEnd(), 2000), text);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (false, true, $"No answer within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.", null);
        }
        catch (HttpRequestException ex) when (ex.InnerException is PrivateAddressException refused)
        {
            // Not a passing fault: trying again changes nothing until the address or the setting changes.
            return (false, false, Truncate(refused.Message, 2000), null);
        }
        catch (HttpRequestException ex)
        {
            return (false, true, Truncate($"{ex.GetType().Name}: {ex.Message}", 2000), null);
        }
    }

    /// <summary>The start of the answer, never more: a receiver that answers with megabytes costs nothing.</summary>
    private static async Task<string?> ReadSomeAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var buffer = new char[MaxResponseChars];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await reader.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0) break;
            read += n;
        }
        return read == 0 ? null : new string(buffer, 0, read);
    }

    // Only the host is logged: some receivers (Zapier, Make) carry their secret in the path.
    private static string HostOf(string url) => Uri.TryCreate(url, UriKind.Absolute, out var u) ? u.Host : "?";

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {DeliveryId} ({Event}) delivered to {Host} at attempt {Attempts}.")]
    private static partial void LogDelivered(ILogger logger, long deliveryId, string @event, string host, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {DeliveryId} ({Event}) to {Host}: attempt {Attempts} failed, retrying at {NextAttempt}: {Error}")]
    private static partial void LogRetrying(ILogger logger, long deliveryId, string @event, string host, int attempts, DateTime nextAttempt, string? error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook {DeliveryId} ({Event}): the observer {Observer} failed.")]
    private static partial void LogObserverFailed(ILogger logger, Exception exception, long deliveryId, string @event, string observer);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook {DeliveryId} ({Event}) to {Host} failed for good after {Attempts} attempts: {Error}")]
    private static partial void LogFailed(ILogger logger, long deliveryId, string @event, string host, int attempts, string? error);
}
