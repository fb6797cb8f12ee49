using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Tribu.Tests.Features.Listening.Sources;

/// <summary>
/// A Bluesky AppView on loopback answering app.bsky.feed.searchPosts as the lexicon defines it: q, sort, limit (≤ 100),
/// since, cursor; output { cursor?, hitsTotal, posts: [postView] } with uri, cid, author (profileViewBasic), record
/// (app.bsky.feed.post), counts, indexedAt, labels. The cursor is an offset, as the public AppView's is.
/// </summary>
public sealed class FakeBluesky : IAsyncDisposable
{
    private readonly List<(DateTime IndexedAt, JsonObject Post)> _posts = [];
    private readonly object _gate = new();
    private int _seq;

    private FakeBluesky(LoopbackServer server) => Server = server;

    public LoopbackServer Server { get; }
    public Uri BaseUrl => Server.BaseUrl;
    public Func<string, bool> Fail { get; set; } = _ => false;
    public Action<string>? OnRequest { get; set; }

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
                var uri = $"at://did:plc:fake{handle.Length}/app.bsky.feed.post/{rkey}";
                uris.Add(uri);
                var stamp = at.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
                _posts.Add((at, new JsonObject
                {
                    ["uri"] = uri,
                    ["cid"] = "bafyreig" + n.ToString("D20", CultureInfo.InvariantCulture),
                    ["author"] = new JsonObject
                    {
                        ["did"] = $"did:plc:fake{handle.Length}",
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

    private static async Task WriteAsync(HttpContext context, JsonNode node, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(node.ToJsonString());
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
