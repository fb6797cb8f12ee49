using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Tribu.Web.Features.Listening.Sources;

namespace Tribu.Web.Features.SocialAccounts;

/// <summary>What went wrong talking to a network, as the inbox and the accounts page tell it.</summary>
public enum SocialFailure
{
    /// <summary>Unreachable, timed out, a server error: worth trying again.</summary>
    Network,
    /// <summary>The credentials were refused (401, 403, a revoked app password).</summary>
    Unauthorized,
    /// <summary>What was asked about no longer exists (a deleted post).</summary>
    NotFound,
    TooLong,
    RateLimited,
    /// <summary>The network refused the request for another reason, given in its message.</summary>
    Rejected,
}

/// <summary>
/// A network call that did not work. <see cref="Detail"/> is the network's own message, or a stored
/// <see cref="SourceMessage"/> (a <c>ManageStrings</c> key with its arguments) for faults of the transport; either way it
/// reads well through <see cref="SourceMessage.Localize"/> and never holds a credential.
/// </summary>
public sealed class SocialApiException(SocialFailure failure, string detail, DateTime? retryAt = null) : Exception(detail)
{
    public SocialFailure Failure { get; } = failure;
    public string Detail { get; } = detail;
    /// <summary>When a rate limit lifts, if the network said.</summary>
    public DateTime? RetryAt { get; } = retryAt;
}

/// <summary>An answer as it came: status, body (JSON when it parses), headers.</summary>
public sealed class SocialResponse(HttpStatusCode status, byte[] body, HttpResponseHeaders headers, HttpContentHeaders? contentHeaders)
{
    private JsonNode? _json;
    private bool _parsed;

    public HttpStatusCode Status { get; } = status;
    public byte[] Body { get; } = body;
    public bool IsSuccess => (int)Status is >= 200 and < 300;

    /// <summary>The body as JSON, or null when it is not JSON.</summary>
    public JsonNode? Json
    {
        get
        {
            if (_parsed) return _json;
            _parsed = true;
            try
            {
                _json = Body.Length == 0 ? null : JsonNode.Parse(Body);
            }
            catch (JsonException)
            {
                _json = null;
            }
            return _json;
        }
    }

    public string? Header(string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault()
        : contentHeaders is not null && contentHeaders.TryGetValues(name, out var c) ? c.FirstOrDefault() : null;

    /// <summary>The error code of an XRPC error (<c>{"error": "ExpiredToken", "message": …}</c>); Mastodon puts its message there.</summary>
    public string? ErrorCode => Str(Json, "error");

    /// <summary>The network's explanation: an XRPC error's message, Mastodon's <c>error</c> (and <c>error_description</c>), or the status.</summary>
    public string Message
    {
        get
        {
            var message = Str(Json, "message") ?? Str(Json, "error_description") ?? Str(Json, "error");
            if (string.IsNullOrWhiteSpace(message))
            {
                return $"HTTP {(int)Status}";
            }
            message = message.Trim();
            return message.Length <= 500 ? message : message[..500];
        }
    }

    /// <summary>A fetch-shaped copy, for the rate-limit helpers the listening connectors share.</summary>
    internal FetchResult AsFetch(Uri url) => new(Status, url, Body, false, null, null, null, null, headers, contentHeaders);

    public static string? Str(JsonNode? node, string name) =>
        node is JsonObject o && o.TryGetPropertyValue(name, out var value) && value is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}

/// <summary>
/// The HTTP side of the networks: the same guarded client as the listening sources (<see cref="SourceFetcher.ClientName"/>:
/// private networks refused unless <c>Listening:Http:AllowPrivateNetworks</c>, no automatic redirects) and the same limits
/// (<see cref="ListeningHttpOptions"/>: whole-request timeout, response size), with the verbs and headers posting needs.
/// Transport faults become <see cref="SocialApiException"/> of kind <see cref="SocialFailure.Network"/>.
/// </summary>
public sealed class SocialHttp(IHttpClientFactory clients, IOptions<ListeningHttpOptions> options, TimeProvider clock)
{
    private readonly ListeningHttpOptions _options = options.Value;

    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    public Task<SocialResponse> GetAsync(Uri url, string? bearer, CancellationToken ct) => SendAsync(HttpMethod.Get, url, bearer, null, null, null, ct);

    /// <summary>A GET that gives up sooner than the usual limit.</summary>
    public Task<SocialResponse> GetAsync(Uri url, string? bearer, TimeSpan timeout, CancellationToken ct) => SendAsync(HttpMethod.Get, url, bearer, null, null, timeout, ct);

    public Task<SocialResponse> PostJsonAsync(Uri url, string? bearer, JsonNode body, IReadOnlyDictionary<string, string>? headers, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, url, bearer, body, headers, null, ct);

    public async Task<SocialResponse> SendAsync(HttpMethod method, Uri url, string? bearer, JsonNode? body, IReadOnlyDictionary<string, string>? headers, TimeSpan? timeout, CancellationToken ct)
    {
        if (url.Scheme is not ("http" or "https")) throw new SocialApiException(SocialFailure.Network, SourceMessage.Encode("Sources.Error.Scheme", url.Scheme));
        using var total = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var limit = timeout is { } t && t < _options.Timeout ? t : _options.Timeout;
        total.CancelAfter(limit);
        var client = clients.CreateClient(SourceFetcher.ClientName);
        try
        {
            using var message = new HttpRequestMessage(method, url);
            message.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
            message.Headers.TryAddWithoutValidation("Accept", "application/json");
            if (bearer is not null) message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            foreach (var (name, value) in headers ?? new Dictionary<string, string>()) message.Headers.TryAddWithoutValidation(name, value);
            if (body is not null) message.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, total.Token);
            var bytes = await ReadAsync(response, total.Token);
            return new SocialResponse(response.StatusCode, bytes, response.Headers, response.Content.Headers);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new SocialApiException(SocialFailure.Network, SourceMessage.Encode("Sources.Error.Timeout", ((int)limit.TotalSeconds).ToString(CultureInfo.InvariantCulture)));
        }
        catch (HttpRequestException ex) when (ex.InnerException is SourceException inner)
        {
            throw new SocialApiException(SocialFailure.Network, inner.Stored);
        }
        catch (HttpRequestException ex)
        {
            throw new SocialApiException(SocialFailure.Network, SourceMessage.Encode("Sources.Error.Unreachable", url.Host, ex.HttpRequestError.ToString()));
        }
    }

    private async Task<byte[]> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > _options.MaxResponseBytes)
            {
                throw new SocialApiException(SocialFailure.Network, SourceMessage.Encode("Sources.Error.TooLarge", (_options.MaxResponseBytes / (1024 * 1024)).ToString(CultureInfo.InvariantCulture)));
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// The failure an unsuccessful answer means: 401/403 refused credentials, 404 gone, 429 rate limited (with when it
    /// lifts), 5xx the network's trouble; other refusals are <see cref="SocialFailure.Rejected"/> with the network's message.
    /// </summary>
    public SocialApiException Failure(SocialResponse response, Uri url) => (int)response.Status switch
    {
        401 or 403 => new SocialApiException(SocialFailure.Unauthorized, response.Message),
        404 or 410 => new SocialApiException(SocialFailure.NotFound, response.Message),
        429 => new SocialApiException(SocialFailure.RateLimited, response.Message, RateLimits.RetryAfter(response.AsFetch(url), Now)),
        >= 500 or 408 => new SocialApiException(SocialFailure.Network, SourceMessage.Encode("Sources.Error.Http", ((int)response.Status).ToString(CultureInfo.InvariantCulture))),
        _ => new SocialApiException(SocialFailure.Rejected, response.Message),
    };

    /// <summary>When to stop calling because the remaining requests are nearly spent; null while there are enough.</summary>
    public DateTime? Exhausted(SocialResponse response, Uri url) => RateLimits.Exhausted(response.AsFetch(url), Now);
}
