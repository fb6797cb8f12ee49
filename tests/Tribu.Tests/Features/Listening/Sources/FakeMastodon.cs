using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Tribu.Tests.Features.Listening.Sources;

/// <summary>
/// A Mastodon server on loopback with the API's real shapes (Status and Account entities as docs.joinmastodon.org describes
/// them) and behaviour: hashtag timelines, v2 search, account lookup and statuses; since_id/min_id/max_id/limit paging with
/// Link headers; X-RateLimit-* headers; a 429 with Retry-After on demand; a failure on demand.
/// </summary>
public sealed class FakeMastodon : IAsyncDisposable
{
    private readonly List<JsonObject> _statuses = [];
    private long _nextId = 109_000_000_000_000_000;
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
            ["account"] = new JsonObject
            {
                ["id"] = "10" + account.Length.ToString(CultureInfo.InvariantCulture),
                ["username"] = account.Split('@')[0],
                ["acct"] = acct,
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
            },
            ["media_attachments"] = new JsonArray(),
            ["mentions"] = new JsonArray(),
            ["tags"] = hashtag.Length == 0 ? new JsonArray() : new JsonArray(new JsonObject { ["name"] = hashtag, ["url"] = $"{BaseUrl}tags/{hashtag}" }),
            ["emojis"] = new JsonArray(),
            ["card"] = null,
            ["poll"] = null,
        };
    }

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
            await WriteJsonAsync(context, new JsonObject { ["domain"] = Host, ["title"] = "Fake Mastodon", ["version"] = "4.3.0" });
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
        List<JsonObject> pool;
        lock (_gate) pool = [.. _statuses];
        if (path.StartsWith("/api/v1/timelines/tag/", StringComparison.Ordinal))
        {
            var tag = Uri.UnescapeDataString(path["/api/v1/timelines/tag/".Length..]);
            var page = Page(pool.Where(s => ((JsonArray)s["tags"]!).Any(t => (string)t!["name"]! == tag)), request.Query, allowSince: true);
            Link(context, path, page);
            await WriteJsonAsync(context, new JsonArray([.. page.Select(s => s.DeepClone())]));
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
