using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Tribu.Web.Features.SocialAccounts;

/// <summary>What an instance allows a status: its length, and what a link counts for (<c>GET /api/v2/instance</c>, configuration.statuses).</summary>
public sealed record MastodonLimits(int MaxCharacters, int CharactersPerUrl)
{
    public static readonly MastodonLimits Default = new(MastodonApi.DefaultMaxCharacters, 23);
}

/// <summary>The parts of a Status entity the inbox needs.</summary>
public sealed record MastodonStatus(string Id, string? Url, string Visibility, string? Acct);

/// <summary>
/// The Mastodon REST API as the brand's own account uses it (docs.joinmastodon.org): verify the token, read the instance's
/// limits, look up or resolve a status, post one, read the mention notifications. Every call carries the account's
/// access token; failures are <see cref="SocialApiException"/>.
/// </summary>
public sealed partial class MastodonApi(SocialHttp http)
{
    public const int DefaultMaxCharacters = 500;
    public const int NotificationsPageSize = 40;
    private static readonly TimeSpan LimitsKeptFor = TimeSpan.FromHours(6);
    private static readonly TimeSpan LimitsRetriedAfter = TimeSpan.FromMinutes(5);

    // Instances change their limits rarely: read once per instance every few hours, per process.
    private readonly ConcurrentDictionary<string, (MastodonLimits Limits, DateTime Until)> _limits = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The address of an instance as stored (<c>https://mastodon.social</c>), as a base URI.</summary>
    public static Uri Instance(string baseUrl) => new(baseUrl.TrimEnd('/') + "/");

    /// <summary><c>GET /api/v1/accounts/verify_credentials</c>: the token's own Account entity.</summary>
    public async Task<JsonObject> VerifyCredentialsAsync(Uri instance, string token, CancellationToken ct)
    {
        var url = new Uri(instance, "api/v1/accounts/verify_credentials");
        var response = await http.GetAsync(url, token, ct);
        if (!response.IsSuccess) throw http.Failure(response, url);
        if (response.Json is not JsonObject account || SocialResponse.Str(account, "id") is null) throw BadResponse();
        return account;
    }

    /// <summary>The instance's status limits, from the cache or <c>GET /api/v2/instance</c>; the defaults when it does not say (briefly, when it cannot be read).</summary>
    public async Task<MastodonLimits> LimitsAsync(Uri instance, CancellationToken ct)
    {
        var key = instance.GetLeftPart(UriPartial.Authority);
        if (_limits.TryGetValue(key, out var cached) && cached.Until > http.Now) return cached.Limits;
        MastodonLimits limits;
        TimeSpan keep;
        try
        {
            // A short wait: the limits are shown beside the reply box, which must not hang on a slow instance.
            var response = await http.GetAsync(new Uri(instance, "api/v2/instance"), null, TimeSpan.FromSeconds(5), ct);
            var statuses = response.IsSuccess ? response.Json?["configuration"]?["statuses"] : null;
            limits = new MastodonLimits(Int(statuses, "max_characters") ?? DefaultMaxCharacters, Int(statuses, "characters_reserved_per_url") ?? 23);
            keep = response.IsSuccess ? LimitsKeptFor : LimitsRetriedAfter;
        }
        catch (SocialApiException)
        {
            limits = MastodonLimits.Default;
            keep = LimitsRetriedAfter;
        }
        _limits[key] = (limits, http.Now + keep);
        return limits;
    }

    /// <summary><c>GET /api/v1/statuses/:id</c>; a status that is gone (or hidden from the account) is <see cref="SocialFailure.NotFound"/>.</summary>
    public async Task<MastodonStatus> GetStatusAsync(Uri instance, string token, string id, CancellationToken ct)
    {
        var url = new Uri(instance, "api/v1/statuses/" + Uri.EscapeDataString(id));
        var response = await http.GetAsync(url, token, ct);
        if (!response.IsSuccess) throw http.Failure(response, url);
        return Status(response.Json) ?? throw BadResponse();
    }

    /// <summary>
    /// A status of another server, by its address, as the account's instance knows it (<c>GET /api/v2/search?resolve=true</c>,
    /// which fetches it if needed): null when the instance finds nothing there (deleted, or never public).
    /// </summary>
    public async Task<MastodonStatus?> ResolveAsync(Uri instance, string token, string statusUrl, CancellationToken ct)
    {
        var url = new Uri(instance, "api/v2/search?q=" + Uri.EscapeDataString(statusUrl) + "&resolve=true&type=statuses&limit=1");
        var response = await http.GetAsync(url, token, ct);
        if (!response.IsSuccess) throw http.Failure(response, url);
        return response.Json?["statuses"] is JsonArray { Count: > 0 } found ? Status(found[0]) : null;
    }

    /// <summary>
    /// <c>POST /api/v1/statuses</c>. The idempotency key makes a repeat of the same request (a retry after a lost answer)
    /// return the status already made instead of posting again. A reply to a status that is gone is
    /// <see cref="SocialFailure.NotFound"/>; a text over the instance's limit <see cref="SocialFailure.TooLong"/>.
    /// </summary>
    public async Task<MastodonStatus> PostStatusAsync(Uri instance, string token, string text, string? inReplyToId, string? language, string visibility, Guid idempotencyKey, CancellationToken ct)
    {
        var url = new Uri(instance, "api/v1/statuses");
        var body = new JsonObject { ["status"] = text, ["visibility"] = visibility };
        if (inReplyToId is not null) body["in_reply_to_id"] = inReplyToId;
        if (language is not null) body["language"] = language;
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = idempotencyKey.ToString("D") };
        var response = await http.PostJsonAsync(url, token, body, headers, ct);
        if (!response.IsSuccess)
        {
            // 422 "Validation failed: Text character limit of 500 exceeded".
            if ((int)response.Status == 422 && response.Message.Contains("character limit", StringComparison.OrdinalIgnoreCase))
            {
                throw new SocialApiException(SocialFailure.TooLong, response.Message);
            }
            throw http.Failure(response, url);
        }
        return Status(response.Json) ?? throw BadResponse();
    }

    /// <summary>
    /// One page of mention notifications (<c>GET /api/v1/notifications?types[]=mention</c>), newest first. With
    /// <paramref name="minId"/>, the page just above it (reading forward from a cursor); without, the latest page.
    /// </summary>
    public async Task<(JsonArray Notifications, DateTime? NotBefore)> NotificationsAsync(Uri instance, string token, string? minId, CancellationToken ct)
    {
        var path = "api/v1/notifications?types[]=mention&limit=" + NotificationsPageSize.ToString(CultureInfo.InvariantCulture);
        if (minId is not null) path += "&min_id=" + Uri.EscapeDataString(minId);
        var url = new Uri(instance, path);
        var response = await http.GetAsync(url, token, ct);
        if (!response.IsSuccess) throw http.Failure(response, url);
        if (response.Json is not JsonArray notifications) throw BadResponse();
        return (notifications, http.Exhausted(response, url));
    }

    /// <summary>
    /// A text's length as Mastodon counts it (its StatusLengthValidator): grapheme clusters, each link as a fixed number of
    /// characters whatever its length, and a mention of another server's account as its local part only.
    /// </summary>
    public static int Length(string text, MastodonLimits limits)
    {
        var links = 0;
        var counted = LinkRegex().Replace(text, _ =>
        {
            links++;
            return "";
        });
        counted = RemoteMentionRegex().Replace(counted, "@$1");
        return StringInfo.ParseCombiningCharacters(counted).Length + links * limits.CharactersPerUrl;
    }

    /// <summary>A Status entity's id, address, visibility and author; null when it is not one.</summary>
    internal static MastodonStatus? Status(JsonNode? node)
    {
        var id = SocialResponse.Str(node, "id");
        if (id is null) return null;
        return new MastodonStatus(id, SocialResponse.Str(node, "url") ?? SocialResponse.Str(node, "uri"), SocialResponse.Str(node, "visibility") ?? "public",
            SocialResponse.Str(node?["account"], "acct"));
    }

    private static int? Int(JsonNode? node, string name) =>
        node is JsonObject o && o.TryGetPropertyValue(name, out var value) && value is JsonValue v && v.TryGetValue<int>(out var n) && n > 0 ? n : null;

    private static SocialApiException BadResponse() => new(SocialFailure.Network, Listening.Sources.SourceMessage.Encode("Sources.Error.BadResponse"));

    [GeneratedRegex(@"https?://[^\s<>""]+", RegexOptions.IgnoreCase)]
    private static partial Regex LinkRegex();

    [GeneratedRegex(@"(?<![\w/])@([A-Za-z0-9_]+)@[A-Za-z0-9.\-]+[A-Za-z0-9]")]
    private static partial Regex RemoteMentionRegex();
}
