using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace Tribu.Web.Features.Listening.Sources;

/// <summary>Limits of every request a listening source makes; bound to <c>Listening:Http</c>.</summary>
public sealed class ListeningHttpOptions
{
    public const string Section = "Listening:Http";

    /// <summary>A response is read up to this many bytes (after decompression); the rest is cut off and reported.</summary>
    public long MaxResponseBytes { get; set; } = 10 * 1024 * 1024;
    /// <summary>The whole request, from connecting to the last byte.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>Longest wait for the next bytes of a response: a server that trickles them is given up.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(15);
    public int MaxRedirects { get; set; } = 5;
    public string UserAgent { get; set; } = "Tribu-Listening/1.0 (+https://github.com/tribu; self-hosted community platform)";
    /// <summary>
    /// Whether sources may point at loopback, private or link-local addresses. Off by default: a manager must not be able
    /// to make the server read its own network (cloud metadata, admin pages). Turned on for intranet feeds and tests.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }
}

/// <summary>A fault of a source, with a <c>ManageStrings</c> key and its arguments, stored as the source's last error or warning.</summary>
public sealed class SourceException(string key, params string[] args) : Exception(SourceMessage.Encode(key, args))
{
    public string Key { get; } = key;
    public string[] Args { get; } = args;
    public string Stored => SourceMessage.Encode(Key, Args);
}

/// <summary>Stored messages of sources (errors, warnings) are keys with arguments, shown in each reader's language.</summary>
public static class SourceMessage
{
    private const char Separator = '\u001f';
    private const int MaxLength = 1900;

    public static string Encode(string key, params string[] args)
    {
        var text = args.Length == 0 ? key : key + Separator + string.Join(Separator, args.Select(a => a.Replace(Separator, ' ')));
        return text.Length <= MaxLength ? text : text[..MaxLength];
    }

    /// <summary>The message in the reader's language; a stored text that is not a known key is shown as it is.</summary>
    public static string Localize(Microsoft.Extensions.Localization.IStringLocalizer localizer, string? stored)
    {
        if (string.IsNullOrEmpty(stored)) return "";
        var parts = stored.Split(Separator);
        var text = localizer[parts[0], [.. parts.Skip(1)]];
        return text.ResourceNotFound ? stored.Replace(Separator, ' ') : text.Value;
    }

    /// <summary>Several messages kept in one field (a poll's warnings).</summary>
    public static string? Join(IEnumerable<string> messages)
    {
        var list = messages.Distinct(StringComparer.Ordinal).ToList();
        return list.Count == 0 ? null : Encode(string.Join('\u001e', list));
    }

    public static IEnumerable<string> Split(string? stored) => string.IsNullOrEmpty(stored) ? [] : stored.Split('\u001e');
}

/// <summary>A GET as a connector asks for it.</summary>
public sealed record FetchRequest(Uri Url, string? Accept = null, string? BearerToken = null, string? ETag = null, string? LastModified = null);

/// <summary>What came back: the status, the body (possibly cut at the limit), the validators for the next conditional GET.</summary>
public sealed record FetchResult(HttpStatusCode Status, Uri FinalUrl, byte[] Body, bool Truncated, string? Charset, string? MediaType, string? ETag, string? LastModified, HttpResponseHeaders Headers, HttpContentHeaders? ContentHeaders)
{
    public bool NotModified => Status == HttpStatusCode.NotModified;
    public bool IsSuccess => (int)Status is >= 200 and < 300;

    public string? Header(string name) =>
        Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : ContentHeaders is not null && ContentHeaders.TryGetValues(name, out var c) ? c.FirstOrDefault() : null;
}

/// <summary>
/// The one way listening sources read the web: a named client from the factory, redirects followed by hand (at most a
/// few, http and https only), the whole request under a time limit, each read under an idle limit (a server that
/// trickles bytes is given up), the body read up to a size limit and cut off beyond it, conditional GET validators sent
/// and returned.
/// </summary>
public sealed class SourceFetcher(IHttpClientFactory clients, IOptions<ListeningHttpOptions> options)
{
    public const string ClientName = "listening";

    private readonly ListeningHttpOptions _options = options.Value;

    public ListeningHttpOptions Options => _options;

    public async Task<FetchResult> GetAsync(FetchRequest request, CancellationToken ct)
    {
        using var total = CancellationTokenSource.CreateLinkedTokenSource(ct);
        total.CancelAfter(_options.Timeout);
        var client = clients.CreateClient(ClientName);
        var url = request.Url;
        try
        {
            for (var hop = 0; ; hop++)
            {
                if (url.Scheme is not ("http" or "https")) throw new SourceException("Sources.Error.Scheme", url.Scheme);
                using var message = new HttpRequestMessage(HttpMethod.Get, url);
                message.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
                message.Headers.TryAddWithoutValidation("Accept", request.Accept ?? "*/*");
                if (request.BearerToken is not null) message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", request.BearerToken);
                if (request.ETag is not null) message.Headers.TryAddWithoutValidation("If-None-Match", request.ETag);
                if (request.LastModified is not null) message.Headers.TryAddWithoutValidation("If-Modified-Since", request.LastModified);
                using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, total.Token);
                if ((int)response.StatusCode is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
                {
                    if (hop >= _options.MaxRedirects) throw new SourceException("Sources.Error.TooManyRedirects", _options.MaxRedirects.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    url = location.IsAbsoluteUri ? location : new Uri(url, location);
                    // A bearer token is for the server it was given to, never for where that server sends us.
                    if (request.BearerToken is not null && !string.Equals(url.Authority, request.Url.Authority, StringComparison.OrdinalIgnoreCase))
                    {
                        request = request with { BearerToken = null };
                    }
                    continue;
                }
                var (body, truncated) = await ReadBodyAsync(response, total.Token, ct);
                var contentType = response.Content.Headers.ContentType;
                return new FetchResult(response.StatusCode, url, body, truncated, contentType?.CharSet, contentType?.MediaType,
                    response.Headers.ETag?.ToString(), response.Content.Headers.LastModified?.ToString("R"), response.Headers, response.Content.Headers);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new SourceException("Sources.Error.Timeout", ((int)_options.Timeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (HttpRequestException ex) when (ex.InnerException is SourceException inner)
        {
            throw inner;
        }
        catch (HttpRequestException ex)
        {
            throw new SourceException("Sources.Error.Unreachable", url.Host, ex.HttpRequestError.ToString());
        }
    }

    private async Task<(byte[] Body, bool Truncated)> ReadBodyAsync(HttpResponseMessage response, CancellationToken total, CancellationToken caller)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(total);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(total);
        while (true)
        {
            idle.CancelAfter(_options.IdleTimeout);
            int read;
            try
            {
                read = await stream.ReadAsync(chunk, idle.Token);
            }
            catch (OperationCanceledException) when (!total.IsCancellationRequested && !caller.IsCancellationRequested)
            {
                throw new SourceException("Sources.Error.Idle", ((int)_options.IdleTimeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            if (read == 0) return (buffer.ToArray(), false);
            var room = _options.MaxResponseBytes - buffer.Length;
            if (read > room)
            {
                // Cut off: what was read is kept (a feed is parsed as far as it goes), the rest is never read.
                buffer.Write(chunk, 0, (int)room);
                return (buffer.ToArray(), true);
            }
            buffer.Write(chunk, 0, read);
        }
    }

    /// <summary>The client's handler: no automatic redirects (they are followed by hand), decompression, and the private-network guard.</summary>
    internal static SocketsHttpHandler CreateHandler(ListeningHttpOptions options) => new()
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.All,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(15),
        UseCookies = false,
        ConnectCallback = Platform.Security.PrivateNetworks.Connect(options.AllowPrivateNetworks, host => new SourceException("Sources.Error.PrivateAddress", host)),
    };
}
