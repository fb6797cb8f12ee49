using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Tribu.Web.Features.Listening.Ingestion;

namespace Tribu.Web.Features.Listening.Sources;

/// <summary>
/// Bluesky post search (<c>app.bsky.feed.searchPosts</c>, <c>sort=latest</c>) on an AppView (by default the public one).
/// Like Mastodon's, each poll is a sweep from the newest post down to where the last finished sweep began, by the
/// search's own cursor; the cursor saved with each page holds the lower bound (<c>since</c>), the top of the sweep and
/// the search cursor of the next page, so a restart resumes the sweep. The lower bound is a minute under the newest post
/// of the last sweep (Bluesky sorts by a time that is not quite the creation time): the overlap is read again and
/// skipped as already stored.
/// </summary>
public sealed class BlueskyConnector(SourceFetcher fetcher, TimeProvider clock) : ISourceConnector
{
    public const string DefaultAppView = "https://public.api.bsky.app";
    public const int PageSize = 100;
    public const int BackfillPages = 1;
    public const int MaxPagesPerPoll = 10;
    private static readonly TimeSpan Overlap = TimeSpan.FromMinutes(1);

    public SourceKind Kind => SourceKind.Bluesky;

    internal sealed class Cursor
    {
        public string? Since { get; set; }
        public string? Top { get; set; }
        public string? Next { get; set; }
        public int? Backfilled { get; set; }
    }

    public async IAsyncEnumerable<SourcePage> PollAsync(SourcePoll poll, [EnumeratorCancellation] CancellationToken ct)
    {
        if (!Uri.TryCreate(string.IsNullOrWhiteSpace(poll.Url) ? DefaultAppView : poll.Url, UriKind.Absolute, out var appView)) throw new SourceException("Sources.Error.BadUrl");
        var query = (poll.Settings.Query ?? "").Trim();
        if (query.Length == 0) throw new SourceException("Sources.Error.NoQuery");
        var cursor = CursorJson.Read<Cursor>(poll.Cursor);
        for (var pages = 0; pages < MaxPagesPerPoll; pages++)
        {
            var url = $"/xrpc/app.bsky.feed.searchPosts?q={Uri.EscapeDataString(query)}&sort=latest&limit={PageSize}";
            if (cursor.Since is not null) url += "&since=" + Uri.EscapeDataString(cursor.Since);
            if (cursor.Next is not null) url += "&cursor=" + Uri.EscapeDataString(cursor.Next);
            var response = await fetcher.GetAsync(new FetchRequest(new Uri(appView, url), "application/json", poll.Secret), ct);
            if (response.Status == HttpStatusCode.TooManyRequests)
            {
                yield return new SourcePage([], CursorJson.Write(cursor), SourceMessage.Encode("Sources.Warning.RateLimited"), RateLimits.RetryAfter(response, Now));
                yield break;
            }
            if (response.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) throw new SourceException("Sources.Error.Unauthorized", ((int)response.Status).ToString(CultureInfo.InvariantCulture));
            if (response.Status == HttpStatusCode.BadRequest) throw new SourceException("Sources.Error.BadQuery", XrpcMessage(response) ?? "");
            if (!response.IsSuccess) throw new SourceException("Sources.Error.Http", ((int)response.Status).ToString(CultureInfo.InvariantCulture));
            if (response.Truncated) throw new SourceException("Sources.Error.TooLarge", (fetcher.Options.MaxResponseBytes / (1024 * 1024)).ToString(CultureInfo.InvariantCulture));
            using var json = Parse(response.Body);
            if (!json.RootElement.TryGetProperty("posts", out var posts) || posts.ValueKind != JsonValueKind.Array) throw new SourceException("Sources.Error.BadResponse");
            var items = new List<IncomingMention>(posts.GetArrayLength());
            DateTime? newest = null;
            foreach (var post in posts.EnumerateArray())
            {
                if (Map(post) is not { } mention) continue;
                items.Add(mention);
                var sortAt = SortAt(post);
                if (sortAt is not null && (newest is null || sortAt > newest)) newest = sortAt;
            }
            var next = json.RootElement.TryGetProperty("cursor", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            if (items.Count == 0 && posts.GetArrayLength() == 0)
            {
                if (cursor.Top is not null || cursor.Next is not null)
                {
                    cursor = Finish(cursor);
                    yield return new SourcePage([], CursorJson.Write(cursor));
                }
                yield break;
            }
            if (cursor.Top is null && newest is not null) cursor.Top = (newest.Value - Overlap).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            cursor.Next = next;
            var exhausted = RateLimits.Exhausted(response, Now);
            var backfillDone = cursor.Since is null && (cursor.Backfilled = (cursor.Backfilled ?? 0) + 1) >= BackfillPages;
            if (string.IsNullOrEmpty(next) || backfillDone)
            {
                cursor = Finish(cursor);
                yield return new SourcePage(items, CursorJson.Write(cursor), NotBefore: exhausted);
                yield break;
            }
            yield return new SourcePage(items, CursorJson.Write(cursor), NotBefore: exhausted);
            if (exhausted is not null) yield break;
        }
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private static Cursor Finish(Cursor cursor) => new() { Since = cursor.Top ?? cursor.Since };

    private static JsonDocument Parse(byte[] body)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            throw new SourceException("Sources.Error.BadResponse");
        }
    }

    private static string? XrpcMessage(FetchResult response)
    {
        try
        {
            using var json = JsonDocument.Parse(response.Body);
            return json.RootElement.TryGetProperty("message", out var m) ? m.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The earlier of the post's creation and indexing times: roughly what the search sorts and filters on.</summary>
    private static DateTime? SortAt(JsonElement post)
    {
        var indexed = Date(Str(post, "indexedAt"));
        var created = post.TryGetProperty("record", out var record) ? Date(Str(record, "createdAt")) : null;
        return indexed is null ? created : created is null ? indexed : created < indexed ? created : indexed;
    }

    /// <summary>A postView as a mention: its at:// URI is its id, its record's text the content, the bsky.app page its link.</summary>
    internal static IncomingMention? Map(JsonElement post)
    {
        var uri = Str(post, "uri");
        if (uri is null || !post.TryGetProperty("record", out var record) || record.ValueKind != JsonValueKind.Object) return null;
        string? handle = null, name = null;
        if (post.TryGetProperty("author", out var author) && author.ValueKind == JsonValueKind.Object)
        {
            handle = Str(author, "handle");
            name = Str(author, "displayName");
        }
        var rkey = uri[(uri.LastIndexOf('/') + 1)..];
        var profile = handle is null || handle == "handle.invalid" ? null : $"https://bsky.app/profile/{handle}";
        var url = profile is null ? null : $"{profile}/post/{rkey}";
        var language = record.TryGetProperty("langs", out var langs) && langs.ValueKind == JsonValueKind.Array && langs.GetArrayLength() > 0 ? langs[0].GetString() : null;
        return new IncomingMention(uri, Str(record, "text"), IsHtml: false, Url: url, PublishedAt: Date(Str(record, "createdAt")), Language: language,
            Author: handle is null ? null : new IncomingAuthor(handle, string.IsNullOrWhiteSpace(name) ? null : name, profile));
    }

    private static DateTime? Date(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.UtcDateTime : null;

    private static string? Str(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
