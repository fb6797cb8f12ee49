using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Tribu.Tests.Features.Listening.Sources;

/// <summary>
/// A Mastodon server on loopback with the API's real shapes (Status, Account, Notification and Instance entities as
/// docs.joinmastodon.org describes them) and behaviour: hashtag timelines, v2 search (with <c>resolve=true</c> fetching a
/// status from a peer server by its address), account lookup and statuses; since_id/min_id/max_id/limit paging with Link
/// headers; X-RateLimit-* headers; a 429 with Retry-After on demand; a failure on demand. For the brand's own accounts:
/// bearer tokens (401 "The access token is invalid" once revoked), verify_credentials, the v2 instance's status limits,
/// posting statuses (recorded; the same Idempotency-Key returns the same status; 404 for a reply to a status that is
/// gone; 422 over the character limit) and mention notifications.
/// </summary>
public sealed class FakeMastodon : IAsyncDisposable
{
    private readonly List<JsonObject> _statuses = [];
    private readonly Dictionary<string, JsonObject> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<JsonObject>> _notifications = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _idempotent = new(StringComparer.Ordinal);
    private long _nextId = 109_000_000_000_000_000;
    private long _nextNotificationId = 9_000;
    private readonly object _gate = new();

    private FakeMastodon(LoopbackServer server) => Server = server;

    public LoopbackServer Server { get; }
    public Uri BaseUrl => Server.BaseUrl;
    public string Host => $"{BaseUrl.Host}:{BaseUrl.Port}";
    /// <summary>When it returns true for a request's path and query, the server answers 500.</summary>
    public Func<string, bool> Fail { get; set; } = _ => false;
    /// <summary>Called before each timeline/search request is answered (tests stop a run from here).</summary>
    public Action<string>? OnRequest { get; set; }
    public int? RateLimitRemaining { get; set; }
    public TimeSpan? TooManyRequestsFor { get; set; }
    /// <summary>What the instance allows a status (its v2 instance document says so, and posting enforces it).</summary>
    public int MaxCharacters { get; set; } = 500;
    /// <summary>Other servers this one can fetch statuses from (what <c>resolve=true</c> does over ActivityPub).</summary>
    public List<FakeMastodon> Peers { get; } = [];
    /// <summary>Every status posted through the API, as it was asked for (with its Idempotency-Key), in order.</summary>
    public List<Posted> Statuses { get; } = [];

    public sealed record Posted(string Id, string Token, string Text, string? InReplyToId, string Visibility, string? Language, string? IdempotencyKey);

    /// <summary>An account of this server with an access token for it (what an app's "Your access token" gives); returns its account id.</summary>
    public string AddAccount(string username, string token)
    {
        lock (_gate)
        {
            var account = Account(username, 321);
            account["id"] = (++_nextId).ToString(CultureInfo.InvariantCulture);
            _tokens[token] = account;
            _accounts[(string)account["id"]!] = account;
            _notifications[(string)account["id"]!] = [];
            return (string)account["id"]!;
        }
    }

    /// <summary>Another token for an account of this server (a new app authorised by the same person).</summary>
    public void AddToken(string accountId, string token)
    {
        lock (_gate) _tokens[token] = _accounts[accountId];
    }

    /// <summary>The token stops working, as when the app is revoked in the account's settings.</summary>
    public void Revoke(string token)
    {
        lock (_gate) _tokens.Remove(token);
    }

    /// <summary>
    /// <paramref name="from"/> writes a status naming the account of <paramref name="token"/> (a reply to
    /// <paramref name="inReplyToId"/> if given), and the account is notified; returns the status id.
    /// </summary>
    public string Mention(string token, string from, string text, string visibility = "public", string? inReplyToId = null, string language = "fr")
    {
        lock (_gate)
        {
            var brand = _tokens[token];
            var id = (++_nextId).ToString(CultureInfo.InvariantCulture);
            var status = Status(id, $"<p><span class=\"h-card\"><a href=\"{brand["url"]}\" class=\"u-url mention\">@<span>{brand["username"]}</span></a></span> {System.Net.WebUtility.HtmlEncode(text)}</p>", "", from, 850, language);
            status["visibility"] = visibility;
            status["in_reply_to_id"] = inReplyToId;
            status["mentions"] = new JsonArray(new JsonObject { ["id"] = brand["id"]!.DeepClone(), ["username"] = brand["username"]!.DeepClone(), ["acct"] = brand["acct"]!.DeepClone(), ["url"] = brand["url"]!.DeepClone() });
            _statuses.Add(status);
            var notificationId = (++_nextNotificationId).ToString(CultureInfo.InvariantCulture);
            _notifications[(string)brand["id"]!].Add(new JsonObject
            {
                ["id"] = notificationId,
                ["type"] = "mention",
                ["group_key"] = "ungrouped-" + notificationId,
                ["created_at"] = status["created_at"]!.DeepClone(),
                ["account"] = status["account"]!.DeepClone(),
                ["status"] = status.DeepClone(),
            });
            return id;
        }
    }

    /// <summary>Someone follows the account: a notification that is not a mention.</summary>
    public void Follow(string token, string from)
    {
        lock (_gate)
        {
            var brand = _tokens[token];
            var notificationId = (++_nextNotificationId).ToString(CultureInfo.InvariantCulture);
            _notifications[(string)brand["id"]!].Add(new JsonObject
            {
                ["id"] = notificationId, ["type"] = "follow", ["created_at"] = "2026-11-20T10:00:00.000Z", ["account"] = Account(from, 3),
            });
        }
    }

    /// <summary>The status is deleted: lookups and replies to it find nothing.</summary>
    public void Delete(string id)
    {
        lock (_gate) _statuses.RemoveAll(s => (string)s["id"]! == id);
    }

    public JsonObject? Find(string id)
    {
        lock (_gate) return _statuses.FirstOrDefault(s => (string)s["id"]! == id);
    }

    public static async Task<FakeMastodon> StartAsync()
    {
        var server = await LoopbackServer.StartAsync();
        var fake = new FakeMastodon(server);
        server.Handler = fake.HandleAsync;
        return fake;
    }

    /// <summary>Publishes statuses with the given texts (each newer than the last); returns their ids.</summary>
    public List<string> Publish(int count, string hashtag = "veloria", string? text = null, string account = "alice", int followers = 1200, string language = "fr")
    {
        var ids = new List<string>();
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                var id = (++_nextId).ToString(CultureInfo.InvariantCulture);
                ids.Add(id);
                _statuses.Add(Status(id, text ?? $"<p>Status {id} about <a href=\"{BaseUrl}tags/{hashtag}\" class=\"mention hashtag\" rel=\"tag\">#<span>{hashtag}</span></a></p>", hashtag, account, followers, language));
            }
        }
        return ids;
    }

    /// <summary>A boost by <paramref name="booster"/> of the status <paramref name="originalId"/>.</summary>
    public string Boost(string originalId, string booster = "bob")
    {
        lock (_gate)
        {
            var original = _statuses.First(s => (string)s["id"]! == originalId);
            var id = (++_nextId).ToString(CultureInfo.InvariantCulture);
            var boost = Status(id, "", "", booster, 10, null);
            boost["reblog"] = original.DeepClone();
            _statuses.Add(boost);
            return id;
        }
    }

    private JsonObject Status(string id, string content, string hashtag, string account, int followers, string? language)
    {
        var created = TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var acct = account.Contains('@', StringComparison.Ordinal) ? account : account;
        return new JsonObject
        {
            ["id"] = id,
            ["created_at"] = created,
            ["in_reply_to_id"] = null,
            ["in_reply_to_account_id"] = null,
            ["sensitive"] = false,
            ["spoiler_text"] = "",
            ["visibility"] = "public",
            ["language"] = language,
            ["uri"] = $"{BaseUrl}users/{account}/statuses/{id}",
            ["url"] = $"{BaseUrl}@{account}/{id}",
            ["replies_count"] = 0,
            ["reblogs_count"] = 0,
            ["favourites_count"] = 0,
            ["edited_at"] = null,
            ["content"] = content,
            ["reblog"] = null,
            ["application"] = new JsonObject { ["name"] = "Web", ["website"] = null },
            ["account"] = Account(acct, followers),
            ["media_attachments"] = new JsonArray(),
            ["mentions"] = new JsonArray(),
            ["tags"] = hashtag.Length == 0 ? new JsonArray() : new JsonArray(new JsonObject { ["name"] = hashtag, ["url"] = $"{BaseUrl}tags/{hashtag}" }),
            ["emojis"] = new JsonArray(),
            ["card"] = null,
            ["poll"] = null,
        };
    }

    private JsonObject Account(string account, int followers) => new()
    {
        ["id"] = "10" + account.Length.ToString(CultureInfo.InvariantCulture),
        ["username"] = account.Split('@')[0],
        ["acct"] = account,
        ["display_name"] = char.ToUpperInvariant(account[0]) + account[1..].Split('@')[0],
        ["locked"] = false,
        ["bot"] = false,
        ["discoverable"] = true,
        ["group"] = false,
        ["created_at"] = "2022-11-01T00:00:00.000Z",
        ["note"] = "<p>Hello</p>",
        ["url"] = $"{BaseUrl}@{account}",
        ["uri"] = $"{BaseUrl}users/{account}",
        ["avatar"] = $"{BaseUrl}avatars/original/missing.png",
        ["avatar_static"] = $"{BaseUrl}avatars/original/missing.png",
        ["header"] = $"{BaseUrl}headers/original/missing.png",
        ["header_static"] = $"{BaseUrl}headers/original/missing.png",
        ["followers_count"] = followers,
        ["following_count"] = 12,
        ["statuses_count"] = 345,
        ["last_status_at"] = "2026-11-22",
        ["emojis"] = new JsonArray(),
        ["fields"] = new JsonArray(),
    };

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        var pathAndQuery = path + request.QueryString;
        context.Response.Headers["X-RateLimit-Limit"] = "300";
        context.Response.Headers["X-RateLimit-Remaining"] = (RateLimitRemaining ?? 299).ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["X-RateLimit-Reset"] = TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(4).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        if (path is "/api/v2/instance")
        {
            await WriteJsonAsync(context, new JsonObject
            {
                ["domain"] = Host,
                ["title"] = "Fake Mastodon",
                ["version"] = "4.3.0",
                ["source_url"] = "https://github.com/mastodon/mastodon",
                ["languages"] = new JsonArray("fr", "en"),
                ["configuration"] = new JsonObject
                {
                    ["urls"] = new JsonObject { ["streaming"] = "wss://" + Host },
                    ["accounts"] = new JsonObject { ["max_featured_tags"] = 10, ["max_pinned_statuses"] = 5 },
                    ["statuses"] = new JsonObject { ["max_characters"] = MaxCharacters, ["max_media_attachments"] = 4, ["characters_reserved_per_url"] = 23 },
                    ["polls"] = new JsonObject { ["max_options"] = 4, ["max_characters_per_option"] = 50, ["min_expiration"] = 300, ["max_expiration"] = 2629746 },
                },
                ["registrations"] = new JsonObject { ["enabled"] = false, ["approval_required"] = false, ["message"] = null },
            });
            return;
        }
        OnRequest?.Invoke(pathAndQuery);
        if (TooManyRequestsFor is { } wait)
        {
            context.Response.StatusCode = 429;
            context.Response.Headers.RetryAfter = ((int)wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            await WriteJsonAsync(context, new JsonObject { ["error"] = "Too many requests" }, 429);
            return;
        }
        if (Fail(pathAndQuery))
        {
            await WriteJsonAsync(context, new JsonObject { ["error"] = "Internal error" }, 500);
            return;
        }
        if (await HandleAccountApiAsync(context, path)) return;
        List<JsonObject> pool;
        lock (_gate) pool = [.. _statuses];
        if (path.StartsWith("/api/v1/timelines/tag/", StringComparison.Ordinal))
        {
            var tag = Uri.UnescapeDataString(path["/api/v1/timelines/tag/".Length..]);
            var page = Page(pool.Where(s => ((JsonArray)s["tags"]!).Any(t => (string)t!["name"]! == tag)), request.Query, allowSince: true);
            Link(context, path, page);
            await WriteJsonAsync(context, new JsonArray([.. page.Select(s => s.DeepClone())]));
        }
        else if (path == "/api/v2/search" && request.Query["resolve"] == "true")
        {
            // Resolving fetches remote things on the user's behalf: it needs a token.
            if (Authorized(context) is null)
            {
                await WriteJsonAsync(context, new JsonObject { ["error"] = "The access token is invalid" }, 401);
                return;
            }
            var found = Resolve(request.Query["q"].ToString());
            await WriteJsonAsync(context, new JsonObject { ["accounts"] = new JsonArray(), ["statuses"] = found is null ? new JsonArray() : new JsonArray(found.DeepClone()), ["hashtags"] = new JsonArray() });
        }
        else if (path == "/api/v2/search")
        {
            var q = request.Query["q"].ToString();
            var matching = request.Query["type"] == "statuses" ? pool.Where(s => ((string)s["content"]!).Contains(q, StringComparison.OrdinalIgnoreCase)) : [];
            var page = Page(matching, request.Query, allowSince: false);
            await WriteJsonAsync(context, new JsonObject { ["accounts"] = new JsonArray(), ["statuses"] = new JsonArray([.. page.Select(s => s.DeepClone())]), ["hashtags"] = new JsonArray() });
        }
        else if (path == "/api/v1/accounts/lookup")
        {
            var acct = request.Query["acct"].ToString();
            var status = pool.FirstOrDefault(s => (string)s["account"]!["acct"]! == acct);
            if (status is null) await WriteJsonAsync(context, new JsonObject { ["error"] = "Record not found" }, 404);
            else await WriteJsonAsync(context, status["account"]!.DeepClone());
        }
        else if (path.StartsWith("/api/v1/accounts/", StringComparison.Ordinal) && path.EndsWith("/statuses", StringComparison.Ordinal))
        {
            var id = path.Split('/')[4];
            var page = Page(pool.Where(s => (string)s["account"]!["id"]! == id), request.Query, allowSince: true);
            Link(context, path, page);
            await WriteJsonAsync(context, new JsonArray([.. page.Select(s => s.DeepClone())]));
        }
        else
        {
            await WriteJsonAsync(context, new JsonObject { ["error"] = "Record not found" }, 404);
        }
    }

    private JsonObject? Authorized(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal)) return null;
        lock (_gate) return _tokens.GetValueOrDefault(header["Bearer ".Length..]);
    }

    /// <summary>A status by its address: this server's own, or a peer's fetched and given a local id (as federation does).</summary>
    private JsonObject? Resolve(string url)
    {
        lock (_gate)
        {
            var local = _statuses.FirstOrDefault(s => (string?)s["url"] == url || (string?)s["uri"] == url);
            if (local is not null) return local;
        }
        foreach (var peer in Peers)
        {
            JsonObject? remote;
            lock (peer._gate) remote = peer._statuses.FirstOrDefault(s => (string?)s["url"] == url || (string?)s["uri"] == url)?.DeepClone().AsObject();
            if (remote is null) continue;
            lock (_gate)
            {
                remote["id"] = (++_nextId).ToString(CultureInfo.InvariantCulture);
                var account = remote["account"]!.AsObject();
                account["acct"] = $"{account["username"]}@{peer.BaseUrl.Host}";
                _statuses.Add(remote);
                return remote;
            }
        }
        return null;
    }

    /// <summary>What the brand's own account does: verify its token, read and post statuses, read its notifications.</summary>
    private async Task<bool> HandleAccountApiAsync(HttpContext context, string path)
    {
        var request = context.Request;
        var own = path is "/api/v1/accounts/verify_credentials" or "/api/v1/notifications"
            || (path == "/api/v1/statuses" && HttpMethods.IsPost(request.Method))
            || (path.StartsWith("/api/v1/statuses/", StringComparison.Ordinal) && HttpMethods.IsGet(request.Method));
        if (!own) return false;
        var account = Authorized(context);
        if (account is null)
        {
            await WriteJsonAsync(context, new JsonObject { ["error"] = "The access token is invalid" }, 401);
            return true;
        }
        if (path == "/api/v1/accounts/verify_credentials")
        {
            var credential = account.DeepClone().AsObject();
            credential["source"] = new JsonObject { ["privacy"] = "public", ["sensitive"] = false, ["language"] = "fr", ["note"] = "", ["fields"] = new JsonArray() };
            await WriteJsonAsync(context, credential);
        }
        else if (path == "/api/v1/notifications")
        {
            List<JsonObject> mine;
            var types = request.Query["types[]"].Select(t => t!).ToHashSet(StringComparer.Ordinal);
            lock (_gate) mine = [.. _notifications[(string)account["id"]!].Where(n => types.Count == 0 || types.Contains((string)n["type"]!))];
            var page = Page(mine, request.Query, allowSince: true);
            Link(context, path, page);
            await WriteJsonAsync(context, new JsonArray([.. page.Select(n => n.DeepClone())]));
        }
        else if (HttpMethods.IsGet(request.Method))
        {
            var status = Find(path["/api/v1/statuses/".Length..]);
            if (status is null) await WriteJsonAsync(context, new JsonObject { ["error"] = "Record not found" }, 404);
            else await WriteJsonAsync(context, status.DeepClone());
        }
        else
        {
            await PostStatusAsync(context, account);
        }
        return true;
    }

    private async Task PostStatusAsync(HttpContext context, JsonObject account)
    {
        var request = context.Request;
        Dictionary<string, string?> fields;
        if (request.HasFormContentType) fields = (await request.ReadFormAsync()).ToDictionary(f => f.Key, f => (string?)f.Value.ToString());
        else
        {
            var json = (await JsonNode.ParseAsync(request.Body))!.AsObject();
            fields = json.ToDictionary(f => f.Key, f => f.Value is JsonValue v && v.TryGetValue<string>(out var text) ? text : f.Value?.ToJsonString());
        }
        var token = request.Headers.Authorization.ToString()["Bearer ".Length..];
        var key = request.Headers["Idempotency-Key"].ToString();
        // Mastodon keeps the key an hour per account: the same request again answers with the same status, posting nothing.
        JsonObject? same;
        lock (_gate) same = key.Length > 0 ? _idempotent.GetValueOrDefault(token + "|" + key) : null;
        if (same is not null)
        {
            await WriteJsonAsync(context, same.DeepClone());
            return;
        }
        var text = fields.GetValueOrDefault("status") ?? "";
        var inReplyTo = fields.GetValueOrDefault("in_reply_to_id");
        if (!string.IsNullOrEmpty(inReplyTo) && Find(inReplyTo) is null)
        {
            await WriteJsonAsync(context, new JsonObject { ["error"] = "The post you are trying to reply to does not appear to exist." }, 404);
            return;
        }
        var length = new System.Globalization.StringInfo(System.Text.RegularExpressions.Regex.Replace(text, @"https?://\S+", new string('x', 23))).LengthInTextElements;
        if (length > MaxCharacters)
        {
            await WriteJsonAsync(context, new JsonObject { ["error"] = $"Validation failed: Text character limit of {MaxCharacters} exceeded" }, 422);
            return;
        }
        JsonObject status;
        lock (_gate)
        {
            var id = (++_nextId).ToString(CultureInfo.InvariantCulture);
            status = Status(id, "<p>" + System.Net.WebUtility.HtmlEncode(text) + "</p>", "", (string)account["username"]!, 321, fields.GetValueOrDefault("language"));
            status["account"] = account.DeepClone();
            status["url"] = $"{BaseUrl}@{account["username"]}/{id}";
            status["uri"] = $"{BaseUrl}users/{account["username"]}/statuses/{id}";
            status["in_reply_to_id"] = string.IsNullOrEmpty(inReplyTo) ? null : inReplyTo;
            status["visibility"] = fields.GetValueOrDefault("visibility") ?? "public";
            _statuses.Add(status);
            Statuses.Add(new Posted(id, token, text, status["in_reply_to_id"]?.GetValue<string>(), (string)status["visibility"]!, fields.GetValueOrDefault("language"), key.Length > 0 ? key : null));
            if (key.Length > 0) _idempotent[token + "|" + key] = status;
        }
        await WriteJsonAsync(context, status.DeepClone());
    }

    /// <summary>Mastodon's paging: max_id an upper bound, since_id a lower bound (newest first), min_id the page just above it.</summary>
    private static List<JsonObject> Page(IEnumerable<JsonObject> statuses, IQueryCollection query, bool allowSince)
    {
        static decimal Id(JsonObject s) => decimal.Parse((string)s["id"]!, CultureInfo.InvariantCulture);
        var limit = Math.Min(40, int.TryParse(query["limit"], out var l) ? l : 20);
        var list = statuses.ToList();
        if (decimal.TryParse(query["max_id"], CultureInfo.InvariantCulture, out var max)) list = [.. list.Where(s => Id(s) < max)];
        if (allowSince && decimal.TryParse(query["since_id"], CultureInfo.InvariantCulture, out var since)) list = [.. list.Where(s => Id(s) > since)];
        if (decimal.TryParse(query["min_id"], CultureInfo.InvariantCulture, out var min))
        {
            list = [.. list.Where(s => Id(s) > min)];
            // Timelines: the page immediately above min_id. Search (Elasticsearch, newest first): the newest above it.
            if (allowSince) return [.. list.OrderBy(Id).Take(limit).OrderByDescending(Id)];
        }
        return [.. list.OrderByDescending(Id).Take(limit)];
    }

    private void Link(HttpContext context, string path, List<JsonObject> page)
    {
        if (page.Count == 0) return;
        var next = $"<{BaseUrl.ToString().TrimEnd('/')}{path}?max_id={page[^1]["id"]}>; rel=\"next\"";
        var prev = $"<{BaseUrl.ToString().TrimEnd('/')}{path}?min_id={page[0]["id"]}>; rel=\"prev\"";
        context.Response.Headers["Link"] = next + ", " + prev;
    }

    private static async Task WriteJsonAsync(HttpContext context, JsonNode node, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(node.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
