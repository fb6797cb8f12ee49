using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Tribu.Web.Features.SocialAccounts;

/// <summary>A logged-in session on a PDS (<c>com.atproto.server.createSession</c>): who, and the tokens of its calls.</summary>
public sealed record BlueskySession(string Did, string Handle, string AccessJwt, string RefreshJwt, DateTime AccessExpiresAt);

/// <summary>How to log an account in: its service (the PDS or the bsky.social entryway), identifier (DID or handle) and app password.</summary>
public sealed record BlueskyLogin(int AccountId, Uri Service, string Identifier, string Password, string Fingerprint);

/// <summary>
/// The AT Protocol calls the brand's Bluesky account makes, through its service (which answers <c>app.bsky.*</c> itself or
/// proxies them to the AppView): sessions, reading posts, creating a post record, reading notifications. Sessions are kept
/// in memory per account (app passwords are rate-limited to a few logins an hour); an expired access token is refreshed
/// with <c>com.atproto.server.refreshSession</c>, or a new session is made when that fails. Failures are
/// <see cref="SocialApiException"/>.
/// </summary>
public sealed partial class BlueskyApi(SocialHttp http)
{
    public const string DefaultService = "https://bsky.social";
    public const string PostCollection = "app.bsky.feed.post";
    public const int MaxGraphemes = 300;
    public const int NotificationsPageSize = 50;
    /// <summary>The notification reasons that are someone speaking to or about the account.</summary>
    public static readonly string[] DirectReasons = ["mention", "reply", "quote"];

    private readonly ConcurrentDictionary<int, (string Fingerprint, BlueskySession Session)> _sessions = new();

    public static Uri Service(string baseUrl) => new(baseUrl.TrimEnd('/') + "/");

    /// <summary>Logs in anew. Refused credentials are <see cref="SocialFailure.Unauthorized"/> with the PDS's message.</summary>
    public async Task<BlueskySession> CreateSessionAsync(Uri service, string identifier, string password, CancellationToken ct)
    {
        var url = new Uri(service, "xrpc/com.atproto.server.createSession");
        var response = await http.PostJsonAsync(url, null, new JsonObject { ["identifier"] = identifier, ["password"] = password }, null, ct);
        // 401 AuthenticationRequired "Invalid identifier or password"; 400 AccountTakedown, AuthFactorTokenRequired (e-mail codes are for people, not apps).
        if ((int)response.Status is 400 or 401 && response.ErrorCode is "AuthenticationRequired" or "AccountTakedown" or "AuthFactorTokenRequired" or "InvalidRequest" or "AccountDeactivated")
        {
            throw new SocialApiException(SocialFailure.Unauthorized, response.Message);
        }
        if (!response.IsSuccess) throw http.Failure(response, url);
        return ReadSession(response.Json) ?? throw BadResponse();
    }

    /// <summary>Forgets an account's session (it was deleted or reconnected).</summary>
    public void Forget(int accountId) => _sessions.TryRemove(accountId, out _);

    /// <summary>The account's session: the one in memory while its access token is good for another minute, else a refreshed or new one.</summary>
    public async Task<BlueskySession> SessionAsync(BlueskyLogin login, CancellationToken ct)
    {
        if (_sessions.TryGetValue(login.AccountId, out var kept) && kept.Fingerprint == login.Fingerprint)
        {
            if (kept.Session.AccessExpiresAt > http.Now.AddMinutes(1)) return kept.Session;
            return await RenewAsync(login, kept.Session, ct);
        }
        return Keep(login, await CreateSessionAsync(login.Service, login.Identifier, login.Password, ct));
    }

    /// <summary><c>app.bsky.feed.getPosts</c> for one post: its postView, or null when it no longer exists.</summary>
    public async Task<JsonObject?> GetPostAsync(BlueskyLogin login, string atUri, CancellationToken ct)
    {
        var url = new Uri(login.Service, "xrpc/app.bsky.feed.getPosts?uris=" + Uri.EscapeDataString(atUri));
        var response = await AuthorizedAsync(login, s => http.GetAsync(url, s.AccessJwt, ct), ct);
        if ((int)response.Status == 400 && response.Message.Contains("not found", StringComparison.OrdinalIgnoreCase)) return null;
        if (!response.IsSuccess) throw http.Failure(response, url);
        if (response.Json?["posts"] is not JsonArray posts) throw BadResponse();
        return posts.OfType<JsonObject>().FirstOrDefault(p => SocialResponse.Str(p, "uri") == atUri) ?? posts.OfType<JsonObject>().FirstOrDefault();
    }

    /// <summary><c>com.atproto.repo.createRecord</c> of a post under a chosen record key; returns its AT URI and CID.</summary>
    public async Task<(string Uri, string Cid)> CreatePostAsync(BlueskyLogin login, string rkey, JsonObject record, CancellationToken ct)
    {
        var url = new Uri(login.Service, "xrpc/com.atproto.repo.createRecord");
        var response = await AuthorizedAsync(login, s => http.PostJsonAsync(url, s.AccessJwt, new JsonObject
        {
            ["repo"] = s.Did,
            ["collection"] = PostCollection,
            ["rkey"] = rkey,
            ["record"] = record.DeepClone(),
        }, null, ct), ct);
        if (!response.IsSuccess)
        {
            var message = response.Message;
            if ((int)response.Status == 400 && (message.Contains("grapheme", StringComparison.OrdinalIgnoreCase) || message.Contains("too long", StringComparison.OrdinalIgnoreCase)))
            {
                throw new SocialApiException(SocialFailure.TooLong, message);
            }
            if ((int)response.Status == 400 && message.Contains("not found", StringComparison.OrdinalIgnoreCase)) throw new SocialApiException(SocialFailure.NotFound, message);
            throw http.Failure(response, url);
        }
        var uri = SocialResponse.Str(response.Json, "uri");
        var cid = SocialResponse.Str(response.Json, "cid");
        return uri is null || cid is null ? throw BadResponse() : (uri, cid);
    }

    /// <summary><c>com.atproto.repo.getRecord</c> of one of the account's posts: its URI and CID, or null when there is none under that key.</summary>
    public async Task<(string Uri, string Cid)?> GetOwnPostAsync(BlueskyLogin login, string rkey, CancellationToken ct)
    {
        var session = await SessionAsync(login, ct);
        var url = new Uri(login.Service, $"xrpc/com.atproto.repo.getRecord?repo={Uri.EscapeDataString(session.Did)}&collection={PostCollection}&rkey={Uri.EscapeDataString(rkey)}");
        var response = await AuthorizedAsync(login, s => http.GetAsync(url, s.AccessJwt, ct), ct);
        // 400 RecordNotFound "Could not locate record".
        if ((int)response.Status == 404 || ((int)response.Status == 400 && (response.ErrorCode == "RecordNotFound" || response.Message.Contains("could not locate", StringComparison.OrdinalIgnoreCase)))) return null;
        if (!response.IsSuccess) throw http.Failure(response, url);
        var uri = SocialResponse.Str(response.Json, "uri");
        var cid = SocialResponse.Str(response.Json, "cid");
        return uri is null || cid is null ? null : (uri, cid);
    }

    /// <summary>One page of <c>app.bsky.notification.listNotifications</c> (newest first) of the reasons that speak to the account, with the cursor of the next, older page.</summary>
    public async Task<(JsonArray Notifications, string? Cursor, DateTime? NotBefore)> ListNotificationsAsync(BlueskyLogin login, string? cursor, int limit, CancellationToken ct)
    {
        var path = "xrpc/app.bsky.notification.listNotifications?limit=" + limit.ToString(CultureInfo.InvariantCulture)
            + string.Concat(DirectReasons.Select(r => "&reasons=" + r));
        if (cursor is not null) path += "&cursor=" + Uri.EscapeDataString(cursor);
        var url = new Uri(login.Service, path);
        var response = await AuthorizedAsync(login, s => http.GetAsync(url, s.AccessJwt, ct), ct);
        if (!response.IsSuccess) throw http.Failure(response, url);
        if (response.Json?["notifications"] is not JsonArray notifications) throw BadResponse();
        return (notifications, SocialResponse.Str(response.Json, "cursor"), http.Exhausted(response, url));
    }

    /// <summary>A text's length as Bluesky limits it: grapheme clusters.</summary>
    public static int Length(string text) => new StringInfo(text).LengthInTextElements;

    /// <summary>Where a post is seen on the web: <c>https://bsky.app/profile/{handle}/post/{rkey}</c>.</summary>
    public static string WebUrl(string handleOrDid, string atUri) => $"https://bsky.app/profile/{handleOrDid}/post/{atUri[(atUri.LastIndexOf('/') + 1)..]}";

    /// <summary>Link facets (byte ranges of the UTF-8 text), so the addresses in a reply are links in every client.</summary>
    public static JsonArray LinkFacets(string text)
    {
        var facets = new JsonArray();
        foreach (Match match in LinkRegex().Matches(text))
        {
            var value = match.Value.TrimEnd('.', ',', ';', ':', '!', '?', ')');
            var start = Encoding.UTF8.GetByteCount(text.AsSpan(0, match.Index));
            facets.Add(new JsonObject
            {
                ["index"] = new JsonObject { ["byteStart"] = start, ["byteEnd"] = start + Encoding.UTF8.GetByteCount(value) },
                ["features"] = new JsonArray(new JsonObject { ["$type"] = "app.bsky.richtext.facet#link", ["uri"] = value }),
            });
        }
        return facets;
    }

    private async Task<SocialResponse> AuthorizedAsync(BlueskyLogin login, Func<BlueskySession, Task<SocialResponse>> send, CancellationToken ct)
    {
        var session = await SessionAsync(login, ct);
        var response = await send(session);
        if (!IsExpired(response)) return response;
        // The token expired early or was revoked server-side: renew once and try again.
        session = await RenewAsync(login, session, ct);
        return await send(session);
    }

    private static bool IsExpired(SocialResponse response) =>
        (int)response.Status is 400 or 401 && response.ErrorCode is "ExpiredToken" or "InvalidToken";

    private async Task<BlueskySession> RenewAsync(BlueskyLogin login, BlueskySession old, CancellationToken ct)
    {
        var url = new Uri(login.Service, "xrpc/com.atproto.server.refreshSession");
        var response = await http.SendAsync(HttpMethod.Post, url, old.RefreshJwt, null, null, null, ct);
        if (response.IsSuccess && ReadSession(response.Json) is { } renewed) return Keep(login, renewed);
        if ((int)response.Status is >= 500 or 429) throw http.Failure(response, url);
        // The refresh token expired or was revoked too: log in again with the app password.
        return Keep(login, await CreateSessionAsync(login.Service, login.Identifier, login.Password, ct));
    }

    private BlueskySession Keep(BlueskyLogin login, BlueskySession session)
    {
        _sessions[login.AccountId] = (login.Fingerprint, session);
        return session;
    }

    private BlueskySession? ReadSession(JsonNode? json)
    {
        var did = SocialResponse.Str(json, "did");
        var access = SocialResponse.Str(json, "accessJwt");
        var refresh = SocialResponse.Str(json, "refreshJwt");
        if (did is null || access is null || refresh is null) return null;
        return new BlueskySession(did, SocialResponse.Str(json, "handle") ?? did, access, refresh, Expiry(access) ?? http.Now.AddMinutes(15));
    }

    /// <summary>The <c>exp</c> claim of a JWT (read, not verified: the PDS verifies its own tokens).</summary>
    internal static DateTime? Expiry(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length < 2) return null;
        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
            var exp = JsonNode.Parse(Convert.FromBase64String(payload))?["exp"];
            return exp is JsonValue v && v.TryGetValue<long>(out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime : null;
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static SocialApiException BadResponse() => new(SocialFailure.Network, Listening.Sources.SourceMessage.Encode("Sources.Error.BadResponse"));

    [GeneratedRegex(@"https?://[^\s<>""]+", RegexOptions.IgnoreCase)]
    private static partial Regex LinkRegex();
}

/// <summary>
/// Timestamp identifiers (atproto.com/specs/tid), the record keys of posts: a 64-bit number (top bit 0, 53 bits of
/// microseconds since the Unix epoch, 10 bits of "clock id") written in base32-sortable, 13 characters.
/// </summary>
public static class Tid
{
    private const string Alphabet = "234567abcdefghijklmnopqrstuvwxyz";

    public static string Create(long microseconds, int clockId)
    {
        var value = ((ulong)microseconds & ((1UL << 53) - 1)) << 10 | ((ulong)clockId & 0x3FF);
        Span<char> chars = stackalloc char[13];
        for (var i = 12; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(value & 0x1F)];
            value >>= 5;
        }
        return new string(chars);
    }

    /// <summary>
    /// The record key of an inbox reply: from when it was written and its idempotency key, so every attempt to send the
    /// same reply names the same record, and the PDS refuses a second one.
    /// </summary>
    public static string ForReply(DateTime createdAtUtc, Guid idempotencyKey)
    {
        var microseconds = (createdAtUtc.Ticks - DateTime.UnixEpoch.Ticks) / 10;
        Span<byte> bytes = stackalloc byte[16];
        idempotencyKey.TryWriteBytes(bytes);
        return Create(microseconds, bytes[0] | bytes[1] << 8);
    }
}
