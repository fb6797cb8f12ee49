using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Tribu.Tests.Features.Listening.Sources;

/// <summary>
/// A Bluesky AppView on loopback answering app.bsky.feed.searchPosts as the lexicon defines it: q, sort, limit (≤ 100),
/// since, cursor; output { cursor?, hitsTotal, posts: [postView] } with uri, cid, author (profileViewBasic), record
/// (app.bsky.feed.post), counts, indexedAt, labels. The cursor is an offset, as the public AppView's is.
/// <para>
/// It is also the PDS (entryway) of the brand's accounts, as bsky.social is: createSession with an app password (access
/// JWTs that expire, refresh JWTs), refreshSession, getPosts, createRecord (recorded; a record key already used is refused
/// with a 500, as the reference PDS's repository refuses to add a key twice), getRecord, and listNotifications (newest
/// first, reasons filter, cursor), with XRPC errors shaped as the real ones (ExpiredToken, InvalidToken,
/// AuthenticationRequired, RecordNotFound).
/// </para>
/// </summary>
public sealed class FakeBluesky : IAsyncDisposable
{
    private readonly List<(DateTime IndexedAt, JsonObject Post)> _posts = [];
    private readonly Dictionary<string, (string Did, string Handle, string Password)> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Did, DateTime Expires)> _access = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _refresh = new(StringComparer.Ordinal);
    private readonly List<(string Did, long Seq, JsonObject Notification)> _notifications = [];
    private readonly object _gate = new();
    private int _seq;
    private long _notificationSeq;
    private int _tokens;

    private FakeBluesky(LoopbackServer server) => Server = server;

    public LoopbackServer Server { get; }
    public Uri BaseUrl => Server.BaseUrl;
    public Func<string, bool> Fail { get; set; } = _ => false;
    public Action<string>? OnRequest { get; set; }
    /// <summary>How long an access JWT is good for (bsky.social: about two hours).</summary>
    public TimeSpan AccessLifetime { get; set; } = TimeSpan.FromHours(2);
    /// <summary>Every post record created through createRecord, in order.</summary>
    public List<Created> Records { get; } = [];
    public int SessionsCreated { get; private set; }
    public int SessionsRefreshed { get; private set; }
    /// <summary>The next createRecord is stored, then its answer is lost (the connection drops), as a crash or a timeout would.</summary>
    public bool DropNextCreateAnswer { get; set; }

    public sealed record Created(string Repo, string Rkey, string Uri, JsonObject Record);

    /// <summary>An account hosted here, with an app password; returns its DID.</summary>
    public string AddAccount(string handle, string appPassword)
    {
        var did = "did:plc:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(handle)))[..24];
        lock (_gate) _accounts[handle] = (did, handle, appPassword);
        return did;
    }

    /// <summary>The app password is revoked: its sessions end and it no longer logs in.</summary>
    public void RevokeAppPassword(string handle)
    {
        lock (_gate)
        {
            var did = _accounts[handle].Did;
            _accounts[handle] = (did, handle, "revoked-" + Guid.NewGuid());
            foreach (var token in _access.Where(a => a.Value.Did == did).Select(a => a.Key).ToList()) _access.Remove(token);
            foreach (var token in _refresh.Where(r => r.Value == did).Select(r => r.Key).ToList()) _refresh.Remove(token);
        }
    }

    /// <summary>Every access token issued so far expires now (the client still thinks it good).</summary>
    public void ExpireAccessTokens()
    {
        lock (_gate)
        {
            foreach (var token in _access.Keys.ToList()) _access[token] = (_access[token].Did, DateTime.MinValue);
        }
    }

    /// <summary>
    /// <paramref name="from"/> posts (a reply to <paramref name="replyTo"/> if given) and the account <paramref name="to"/>
    /// is notified for <paramref name="reason"/> (mention, reply, quote, like…); returns the post's AT URI.
    /// </summary>
    public string Notify(string to, string from, string text, string reason = "mention", string? replyTo = null)
    {
        var uri = Publish(1, text, from)[0];
        lock (_gate)
        {
            var post = _posts.First(p => (string)p.Post["uri"]! == uri).Post;
            var record = post["record"]!.AsObject();
            record["text"] = text;
            if (replyTo is not null)
            {
                var parent = _posts.First(p => (string)p.Post["uri"]! == replyTo).Post;
                var parentRef = new JsonObject { ["uri"] = parent["uri"]!.DeepClone(), ["cid"] = parent["cid"]!.DeepClone() };
                record["reply"] = new JsonObject { ["root"] = parent["record"]!["reply"]?["root"]?.DeepClone() ?? parentRef.DeepClone(), ["parent"] = parentRef };
            }
            var did = _accounts[to].Did;
            var seq = ++_notificationSeq;
            _notifications.Add((did, seq, new JsonObject
            {
                ["uri"] = uri,
                ["cid"] = post["cid"]!.DeepClone(),
                ["author"] = post["author"]!.DeepClone(),
                ["reason"] = reason,
                ["record"] = record.DeepClone(),
                ["isRead"] = false,
                ["indexedAt"] = TimeProvider.System.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
                ["labels"] = new JsonArray(),
            }));
        }
        return uri;
    }

    /// <summary>The post is deleted: getPosts no longer returns it.</summary>
    public void Delete(string uri)
    {
        lock (_gate) _posts.RemoveAll(p => (string)p.Post["uri"]! == uri);
    }

    public JsonObject? Post(string uri)
    {
        lock (_gate) return _posts.FirstOrDefault(p => (string)p.Post["uri"]! == uri).Post;
    }

    public static async Task<FakeBluesky> StartAsync()
    {
        var server = await LoopbackServer.StartAsync();
        var fake = new FakeBluesky(server);
        server.Handler = fake.HandleAsync;
        return fake;
    }

    public List<string> Publish(int count, string text = "Véloria est super", string handle = "carol.bsky.social")
    {
        var uris = new List<string>();
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                var n = ++_seq;
                // Posts a second apart, the newest last, as they arrive.
                var at = TimeProvider.System.GetUtcNow().UtcDateTime.AddHours(-1).AddSeconds(n);
                var rkey = "3l" + n.ToString("D11", CultureInfo.InvariantCulture);
                var did = _accounts.TryGetValue(handle, out var own) ? own.Did : $"did:plc:fake{handle.Length}";
                var uri = $"at://{did}/app.bsky.feed.post/{rkey}";
                uris.Add(uri);
                var stamp = at.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
                _posts.Add((at, new JsonObject
                {
                    ["uri"] = uri,
                    ["cid"] = "bafyreig" + n.ToString("D20", CultureInfo.InvariantCulture),
                    ["author"] = new JsonObject
                    {
                        ["did"] = did,
                        ["handle"] = handle,
                        ["displayName"] = "Carol",
                        ["avatar"] = "https://cdn.bsky.app/img/avatar/plain/did:plc:fake/abc@jpeg",
                        ["labels"] = new JsonArray(),
                        ["createdAt"] = "2023-05-01T10:00:00.000Z",
                    },
                    ["record"] = new JsonObject
                    {
                        ["$type"] = "app.bsky.feed.post",
                        ["text"] = $"{text} #{n}",
                        ["createdAt"] = stamp,
                        ["langs"] = new JsonArray("fr"),
                    },
                    ["replyCount"] = 0,
                    ["repostCount"] = 1,
                    ["likeCount"] = 3,
                    ["quoteCount"] = 0,
                    ["indexedAt"] = stamp,
                    ["labels"] = new JsonArray(),
                }));
            }
        }
        return uris;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var pathAndQuery = request.Path + request.QueryString;
        context.Response.Headers["RateLimit-Limit"] = "3000";
        context.Response.Headers["RateLimit-Remaining"] = "2999";
        context.Response.Headers["RateLimit-Reset"] = TimeProvider.System.GetUtcNow().AddMinutes(5).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        OnRequest?.Invoke(pathAndQuery);
        if (Fail(pathAndQuery))
        {
            await WriteAsync(context, new JsonObject { ["error"] = "InternalServerError", ["message"] = "Internal Server Error" }, 500);
            return;
        }
        if (await HandlePdsAsync(context)) return;
        if (request.Path != "/xrpc/app.bsky.feed.searchPosts")
        {
            await WriteAsync(context, new JsonObject { ["error"] = "MethodNotImplemented", ["message"] = "Method Not Implemented" }, 501);
            return;
        }
        var q = request.Query["q"].ToString();
        if (q.Length == 0)
        {
            await WriteAsync(context, new JsonObject { ["error"] = "InvalidRequest", ["message"] = "Error: Params must have the property \"q\"" }, 400);
            return;
        }
        var limit = Math.Clamp(int.TryParse(request.Query["limit"], out var l) ? l : 25, 1, 100);
        var offset = int.TryParse(request.Query["cursor"], out var c) ? c : 0;
        List<(DateTime IndexedAt, JsonObject Post)> matching;
        lock (_gate) matching = [.. _posts.Where(p => ((string)p.Post["record"]!["text"]!).Contains(q.Split(' ')[0], StringComparison.OrdinalIgnoreCase))];
        if (DateTimeOffset.TryParse(request.Query["since"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since))
        {
            matching = [.. matching.Where(p => p.IndexedAt >= since.UtcDateTime)];
        }
        var ordered = matching.OrderByDescending(p => p.IndexedAt).ToList();
        var page = ordered.Skip(offset).Take(limit).ToList();
        var result = new JsonObject { ["hitsTotal"] = ordered.Count, ["posts"] = new JsonArray([.. page.Select(p => p.Post.DeepClone())]) };
        if (offset + page.Count < ordered.Count) result["cursor"] = (offset + page.Count).ToString(CultureInfo.InvariantCulture);
        await WriteAsync(context, result);
    }

    private (string Access, string Refresh) Issue(string did)
    {
        var n = ++_tokens;
        var expires = TimeProvider.System.GetUtcNow().UtcDateTime + AccessLifetime;
        static string B64(string json) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = B64("{\"typ\":\"at+jwt\",\"alg\":\"ES256K\"}");
        var access = $"{header}.{B64($"{{\"scope\":\"com.atproto.appPass\",\"sub\":\"{did}\",\"iat\":{new DateTimeOffset(expires - AccessLifetime).ToUnixTimeSeconds()},\"exp\":{new DateTimeOffset(expires).ToUnixTimeSeconds()},\"jti\":\"a{n}\"}}")}.c2lnbmF0dXJl{n}";
        var refresh = $"{header}.{B64($"{{\"scope\":\"com.atproto.refresh\",\"sub\":\"{did}\",\"jti\":\"r{n}\"}}")}.c2lnbmF0dXJl{n}";
        _access[access] = (did, expires);
        _refresh[refresh] = did;
        return (access, refresh);
    }

    private JsonObject SessionBody(string did, (string Access, string Refresh) tokens)
    {
        var account = _accounts.Values.First(a => a.Did == did);
        return new JsonObject
        {
            ["accessJwt"] = tokens.Access,
            ["refreshJwt"] = tokens.Refresh,
            ["handle"] = account.Handle,
            ["did"] = did,
            ["didDoc"] = new JsonObject
            {
                ["@context"] = new JsonArray("https://www.w3.org/ns/did/v1"),
                ["id"] = did,
                ["alsoKnownAs"] = new JsonArray($"at://{account.Handle}"),
                ["service"] = new JsonArray(new JsonObject { ["id"] = "#atproto_pds", ["type"] = "AtprotoPersonalDataServer", ["serviceEndpoint"] = BaseUrl.ToString().TrimEnd('/') }),
            },
            ["email"] = account.Handle.Split('.')[0] + "@example.com",
            ["emailConfirmed"] = true,
            ["active"] = true,
        };
    }

    /// <summary>The DID of a valid access token, or the XRPC error to answer with.</summary>
    private (string? Did, int Status, JsonObject? Error) Caller(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal)) return (null, 401, Error("AuthenticationRequired", "Authentication Required"));
        lock (_gate)
        {
            if (!_access.TryGetValue(header["Bearer ".Length..], out var access)) return (null, 400, Error("InvalidToken", "Token could not be verified"));
            if (access.Expires <= TimeProvider.System.GetUtcNow().UtcDateTime) return (null, 400, Error("ExpiredToken", "Token has expired"));
            return (access.Did, 200, null);
        }
    }

    private static JsonObject Error(string error, string message) => new() { ["error"] = error, ["message"] = message };

    private async Task<bool> HandlePdsAsync(HttpContext context)
    {
        var request = context.Request;
        switch (request.Path.Value)
        {
            case "/xrpc/com.atproto.server.createSession":
            {
                var body = (await JsonNode.ParseAsync(request.Body))!.AsObject();
                var identifier = (string?)body["identifier"];
                var password = (string?)body["password"];
                JsonObject? session = null;
                lock (_gate)
                {
                    var account = _accounts.Values.FirstOrDefault(a => a.Handle == identifier || a.Did == identifier);
                    if (account.Did is not null && account.Password == password)
                    {
                        SessionsCreated++;
                        session = SessionBody(account.Did, Issue(account.Did));
                    }
                }
                await WriteAsync(context, session ?? Error("AuthenticationRequired", "Invalid identifier or password"), session is null ? 401 : 200);
                return true;
            }
            case "/xrpc/com.atproto.server.refreshSession":
            {
                var token = request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.Ordinal);
                JsonObject? session = null;
                lock (_gate)
                {
                    if (_refresh.Remove(token, out var did))
                    {
                        SessionsRefreshed++;
                        session = SessionBody(did, Issue(did));
                    }
                }
                await WriteAsync(context, session ?? Error("ExpiredToken", "Token has been revoked"), session is null ? 400 : 200);
                return true;
            }
            case "/xrpc/app.bsky.feed.getPosts" or "/xrpc/com.atproto.repo.createRecord" or "/xrpc/com.atproto.repo.getRecord" or "/xrpc/app.bsky.notification.listNotifications":
                break;
            default:
                return false;
        }
        var (caller, status, error) = Caller(context);
        if (caller is null)
        {
            await WriteAsync(context, error!, status);
            return true;
        }
        switch (request.Path.Value)
        {
            case "/xrpc/app.bsky.feed.getPosts":
            {
                var uris = request.Query["uris"].Select(u => u!).ToList();
                if (uris.Count > 25)
                {
                    await WriteAsync(context, Error("InvalidRequest", "Error: uris must not have more than 25 elements"), 400);
                    return true;
                }
                List<JsonNode> found;
                lock (_gate) found = [.. uris.Select(u => _posts.FirstOrDefault(p => (string)p.Post["uri"]! == u).Post).Where(p => p is not null).Select(p => p!.DeepClone())];
                await WriteAsync(context, new JsonObject { ["posts"] = new JsonArray([.. found]) });
                return true;
            }
            case "/xrpc/com.atproto.repo.getRecord":
            {
                var uri = $"at://{request.Query["repo"]}/{request.Query["collection"]}/{request.Query["rkey"]}";
                Created? record;
                lock (_gate) record = Records.FirstOrDefault(r => r.Uri == uri);
                if (record is null) await WriteAsync(context, Error("RecordNotFound", $"Could not locate record: {uri}"), 400);
                else await WriteAsync(context, new JsonObject { ["uri"] = uri, ["cid"] = Cid(uri), ["value"] = record.Record.DeepClone() });
                return true;
            }
            case "/xrpc/com.atproto.repo.createRecord":
                await CreateRecordAsync(context, caller);
                return true;
            default:
            {
                var limit = Math.Clamp(int.TryParse(request.Query["limit"], out var l) ? l : 50, 1, 100);
                var reasons = request.Query["reasons"].Select(r => r!).ToHashSet(StringComparer.Ordinal);
                var before = long.TryParse(request.Query["cursor"], out var c) ? c : long.MaxValue;
                List<(string Did, long Seq, JsonObject Notification)> page;
                lock (_gate)
                {
                    page = [.. _notifications.Where(n => n.Did == caller && n.Seq < before && (reasons.Count == 0 || reasons.Contains((string)n.Notification["reason"]!)))
                        .OrderByDescending(n => n.Seq).Take(limit)];
                }
                var result = new JsonObject { ["notifications"] = new JsonArray([.. page.Select(n => n.Notification.DeepClone())]), ["priority"] = false };
                if (page.Count == limit) result["cursor"] = page[^1].Seq.ToString(CultureInfo.InvariantCulture);
                await WriteAsync(context, result);
                return true;
            }
        }
    }

    private async Task CreateRecordAsync(HttpContext context, string caller)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        var repo = (string?)body["repo"];
        var collection = (string?)body["collection"];
        if (repo != caller && _accounts.Values.All(a => a.Handle != repo || a.Did != caller))
        {
            await WriteAsync(context, Error("AuthRequired", "Authentication Required"), 401);
            return;
        }
        var record = body["record"]!.AsObject();
        var text = (string?)record["text"] ?? "";
        if (new StringInfo(text).LengthInTextElements > 300)
        {
            await WriteAsync(context, Error("InvalidRequest", "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes"), 400);
            return;
        }
        var rkey = (string?)body["rkey"] ?? "3m" + Guid.NewGuid().ToString("N")[..11];
        var uri = $"at://{caller}/{collection}/{rkey}";
        bool drop;
        lock (_gate)
        {
            if (Records.Any(r => r.Uri == uri))
            {
                // The repository's tree refuses a second value under a key ("There is already a value at key"): the PDS answers 500.
                drop = false;
                uri = "";
            }
            else
            {
                Records.Add(new Created(caller, rkey, uri, record.DeepClone().AsObject()));
                var handle = _accounts.Values.First(a => a.Did == caller).Handle;
                _posts.Add((TimeProvider.System.GetUtcNow().UtcDateTime, new JsonObject
                {
                    ["uri"] = uri,
                    ["cid"] = Cid(uri),
                    ["author"] = new JsonObject { ["did"] = caller, ["handle"] = handle, ["displayName"] = "Brand", ["labels"] = new JsonArray() },
                    ["record"] = record.DeepClone(),
                    ["replyCount"] = 0, ["repostCount"] = 0, ["likeCount"] = 0, ["quoteCount"] = 0,
                    ["indexedAt"] = TimeProvider.System.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                    ["labels"] = new JsonArray(),
                }));
                drop = DropNextCreateAnswer;
                DropNextCreateAnswer = false;
            }
        }
        if (uri.Length == 0)
        {
            await WriteAsync(context, Error("InternalServerError", "Internal Server Error"), 500);
            return;
        }
        if (drop)
        {
            context.Abort();
            return;
        }
        await WriteAsync(context, new JsonObject
        {
            ["uri"] = uri,
            ["cid"] = Cid(uri),
            ["commit"] = new JsonObject { ["cid"] = "bafyreicommit" + Records.Count.ToString(CultureInfo.InvariantCulture), ["rev"] = rkey },
            ["validationStatus"] = "valid",
        });
    }

    private static string Cid(string uri) => "bafyrei" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(uri)))[..40];

    private static async Task WriteAsync(HttpContext context, JsonNode node, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(node.ToJsonString());
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
