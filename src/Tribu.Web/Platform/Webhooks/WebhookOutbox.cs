using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Jobs;

namespace Tribu.Web.Platform.Webhooks;

/// <summary>
/// Protects webhook signing secrets at rest (ASP.NET Data Protection, one purpose for every feature): a feature that
/// stores a secret on its own entity (a listening query's alert webhook) protects it here, and the delivery job reads
/// it back only to sign. A secret is never logged or shown again.
/// </summary>
public sealed class WebhookSecrets(IDataProtectionProvider protection)
{
    public const string Purpose = "Tribu.Webhooks.Secret";
    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);

    public string Protect(string secret) => _protector.Protect(secret);

    /// <summary>The secret, or null when there is none or it cannot be read (the keys were lost): the call is then sent unsigned.</summary>
    public string? Unprotect(string? protectedSecret)
    {
        if (string.IsNullOrEmpty(protectedSecret)) return null;
        try
        {
            return _protector.Unprotect(protectedSecret);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}

/// <summary>
/// The outgoing webhook outbox: a feature adds a call in its own unit of work (saved with what caused it), and
/// <see cref="WebhookDeliveryJob"/> sends it, signed, with retries.
/// </summary>
public sealed class WebhookOutbox(TribuDbContext db, TimeProvider clock, JobRunner jobs)
{
    /// <summary>camelCase, like the API.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>
    /// Adds a delivery to the caller's context; it is stored by the caller's SaveChanges. <paramref name="protectedSecret"/>
    /// comes from <see cref="WebhookSecrets.Protect"/> (null sends the call unsigned).
    /// </summary>
    public WebhookDelivery Add(string url, string eventName, string payloadJson, string? protectedSecret)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        var now = clock.GetUtcNow().UtcDateTime;
        var delivery = new WebhookDelivery
        {
            Url = url.Trim(),
            Event = eventName,
            Payload = payloadJson,
            ProtectedSecret = string.IsNullOrEmpty(protectedSecret) ? null : protectedSecret,
            IdempotencyKey = Guid.NewGuid(),
            Status = WebhookDeliveryStatus.Pending,
            CreatedAt = now,
            NextAttemptAt = now,
        };
        db.WebhookDeliveries.Add(delivery);
        return delivery;
    }

    /// <summary>Like <see cref="Add(string, string, string, string?)"/>, the payload serialised as the API would.</summary>
    public WebhookDelivery Add<T>(string url, string eventName, T payload, string? protectedSecret) =>
        Add(url, eventName, JsonSerializer.Serialize(payload, Json), protectedSecret);

    /// <summary>Asks the delivery job to run now rather than at its next sweep; call it after the commit.</summary>
    public Task DeliverSoonAsync(CancellationToken ct = default) => jobs.TriggerAsync(WebhookDeliveryJob.Name, ct);
}

/// <summary>Bound to the <c>Webhooks</c> section.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>How long one call may take, connection included.</summary>
    public int TimeoutSeconds { get; set; } = 10;
    /// <summary>Attempts before a delivery is marked failed.</summary>
    public int MaxAttempts { get; set; } = 8;
    /// <summary>The wait after the first failed attempt; doubled after each further one.</summary>
    public int FirstRetrySeconds { get; set; } = 30;
    /// <summary>
    /// Whether calls may go to loopback, private, link-local (cloud metadata) addresses: off, so a webhook address typed
    /// in a form cannot reach the machine's own services. Checked when connecting, after DNS, so a name that later
    /// resolves to such an address is refused too. On for an intranet helpdesk (and in the tests' loopback receivers).
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }
}

/// <summary>A webhook's address resolved only to addresses that calls may not reach (see <see cref="WebhookOptions.AllowPrivateNetworks"/>).</summary>
public sealed class PrivateAddressException(string host) : IOException($"The address {host} is on a private or loopback network; webhooks may not call it.");

public static class WebhooksFeature
{
    public const string HttpClientName = "tribu-webhooks";

    /// <summary>The outbox, the secrets' protector and the HTTP client of outgoing webhooks. Safe to call more than once.</summary>
    public static IServiceCollection AddTribuWebhooks(this IServiceCollection services)
    {
        if (services.Any(s => s.ServiceType == typeof(WebhookOutbox))) return services;
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section);
        services.AddSingleton<WebhookSecrets>();
        services.AddScoped<WebhookOutbox>();
        services.AddHttpClient(HttpClientName, c =>
        {
            // The job applies its own per-call timeout.
            c.Timeout = Timeout.InfiniteTimeSpan;
            c.DefaultRequestHeaders.UserAgent.ParseAdd("Tribu-Webhooks/1.0");
        })
        // The factory's own logs print the whole URL, and some receivers (Zapier, Make) carry their secret in the path.
        .RemoveAllLoggers()
        .ConfigurePrimaryHttpMessageHandler(sp =>
        {
            var options = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhookOptions>>().Value;
            return new SocketsHttpHandler
            {
                // A redirect is an answer, not a hop: a signed call is never re-sent to an address nobody configured.
                AllowAutoRedirect = false,
                ConnectTimeout = TimeSpan.FromSeconds(10),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectCallback = Security.PrivateNetworks.Connect(options.AllowPrivateNetworks, host => new PrivateAddressException(host)),
            };
        });
        return services;
    }
}
