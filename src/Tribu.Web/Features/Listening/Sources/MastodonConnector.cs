using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Tribu.Web.Features.Listening.Ingestion;

namespace Tribu.Web.Features.Listening.Sources;

/// <summary>
/// Mastodon: a hashtag timeline (<c>/api/v1/timelines/tag/:hashtag</c>), a public search (<c>/api/v2/search?type=statuses</c>)
/// or an account's statuses (<c>/api/v1/accounts/lookup</c> then <c>/api/v1/accounts/:id/statuses</c>).
/// <para>
/// Each poll is a sweep from the newest status down to the newest one of the last finished sweep: the first page has
/// no <c>max_id</c>, each next one has the smallest id seen as its <c>max_id</c>, and every request carries the lower bound
/// (<c>since_id</c>; <c>min_id</c> for the search, which has no <c>since_id</c>). The cursor saved with each page holds
/// the lower bound, the top of the sweep and where it stands, so a poll stopped after any page goes on from the next one;
/// when a page comes back empty the sweep is done and its top becomes the next lower bound. Statuses published during a
/// sweep are above its top: the next sweep finds them. The very first sweep reads a few pages only (no whole history).
/// </para>
/// <para>
/// A boost (reblog) is stored as the status it boosts (its id, text and author): boosts of one status are one mention,
/// the status itself, and what the brand hears is the original words, not "X boosted".
/// </para>
/// Rate limits: a 429 (Retry-After, or X-RateLimit-Reset) or a nearly spent X-RateLimit-Remaining ends the poll and
/// pushes the next one to the reset time; the sweep resumes where it stopped.
/// </summary>
public sealed class MastodonConnector(SourceFetcher fetcher, TimeProvider clock) : ISourceConnector
{
    public const int PageSize = 40;
    /// <summary>Pages read by a source's very first sweep.</summary>
    public const int BackfillPages = 1;
    /// <summary>Pages read per poll at most; a longer sweep goes on at the next poll.</summary>
    public const int MaxPagesPerPoll = 10;

    public SourceKind Kind => SourceKind.Mastodon;

    internal sealed class Cursor
    {
        /// <summary>The newest status id of the last finished sweep: statuses above it are new.</summary>
        public string? Since { get; set; }
        /// <summary>The newest status id of the sweep in progress.</summary>
        public string? Top { get; set; }
        /// <summary>The smallest id read so far by the sweep in progress: the next page is below it.</summary>
        public string? Max { get; set; }
        public string? AccountId { get; set; }
        public string? Acct { get; set; }
        /// <summary>Pages read by the first sweep so far (bounded backfill).</summary>
        public int? Backfilled { get; set; }
    }

    public async IAsyncEnumerable<SourcePage> PollAsync(SourcePoll poll, [EnumeratorCancellation] CancellationToken ct)
    {
        if (!Uri.TryCreate(poll.Url, UriKind.Absolute, out var instance)) throw new SourceException("Sources.Error.BadUrl");
        var mode = poll.Settings.Mode ?? MastodonMode.Hashtag;
        var query = (poll.Settings.Query ?? "").Trim();
        if (mode == MastodonMode.Hashtag) query = query.TrimStart('#');
        if (query.Length == 0) throw new SourceException("Sources.Error.NoQuery");
        var cursor = CursorJson.Read<Cursor>(poll.Cursor);
        if (mode == MastodonMode.Account && (cursor.AccountId is null || cursor.Acct != query))
        {
            var lookup = await GetJsonAsync(new Uri(instance, "/api/v1/accounts/lookup?acct=" + Uri.EscapeDataString(query.TrimStart('@'))), poll.Secret, ct);
            if (lookup.RateLimitedUntil is { } until)
            {
                yield return new SourcePage([], poll.Cursor, SourceMessage.Encode("Sources.Warning.RateLimited"), until);
                yield break;
            }
            if (lookup.Status == HttpStatusCode.NotFound) throw new SourceException("Sources.Error.AccountNotFound", query);
            cursor = new Cursor { AccountId = lookup.Json!.RootElement.GetProperty("id").GetString(), Acct = query };
        }
        for (var pages = 0; pages < MaxPagesPerPoll; pages++)
        {
            var response = await GetJsonAsync(PageUrl(instance, mode, query, cursor), poll.Secret, ct);
            if (response.RateLimitedUntil is { } until)
            {
                yield return new SourcePage([], CursorJson.Write(cursor), SourceMessage.Encode("Sources.Warning.RateLimited"), until);
                yield break;
            }
            if (response.Status == HttpStatusCode.NotFound) throw new SourceException(mode == MastodonMode.Hashtag ? "Sources.Error.HashtagNotFound" : "Sources.Error.AccountNotFound", query);
            var statuses = mode == MastodonMode.Search
                ? response.Json!.RootElement.TryGetProperty("statuses", out var found) && found.ValueKind == JsonValueKind.Array ? found : default
                : response.Json!.RootElement;
            if (statuses.ValueKind != JsonValueKind.Array) throw new SourceException("Sources.Error.BadResponse");
            var items = new List<IncomingMention>(statuses.GetArrayLength());
            string? newest = null, oldest = null;
            foreach (var status in statuses.EnumerateArray())
            {
                var id = status.GetProperty("id").GetString()!;
                if (newest is null || CompareIds(id, newest) > 0) newest = id;
                if (oldest is null || CompareIds(id, oldest) < 0) oldest = id;
                if (Map(status, instance) is { } mention) items.Add(mention);
            }
            if (newest is null)
            {
                // Nothing (more) above the lower bound: the sweep is done.
                if (cursor.Top is not null || cursor.Max is not null)
                {
                    cursor = Finish(cursor);
                    yield return new SourcePage([], CursorJson.Write(cursor));
                }
                yield break;
            }
            cursor.Top ??= newest;
            cursor.Max = oldest;
            if (cursor.Since is null && (cursor.Backfilled = (cursor.Backfilled ?? 0) + 1) >= BackfillPages)
            {
                // The first sweep stops after a few pages: older history is not what listening is for.
                cursor = Finish(cursor);
                yield return new SourcePage(items, CursorJson.Write(cursor), NotBefore: RateLimits.Exhausted(response.Fetch, Now));
                yield break;
            }
            var exhausted = RateLimits.Exhausted(response.Fetch, Now);
            yield return new SourcePage(items, CursorJson.Write(cursor), NotBefore: exhausted);
            if (exhausted is not null) yield break;
        }
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private static Cursor Finish(Cursor cursor) => new() { Since = cursor.Top ?? cursor.Since, AccountId = cursor.AccountId, Acct = cursor.Acct };

    private static Uri PageUrl(Uri instance, MastodonMode mode, string query, Cursor cursor)
    {
        var url = new StringBuilder(mode switch
        {
            MastodonMode.Search => "/api/v2/search?type=statuses&q=" + Uri.EscapeDataString(query) + "&",
            MastodonMode.Account => $"/api/v1/accounts/{Uri.EscapeDataString(cursor.AccountId!)}/statuses?",
            _ => "/api/v1/timelines/tag/" + Uri.EscapeDataString(query) + "?",
        });
        url.Append("limit=").Append(PageSize);
        if (cursor.Since is not null) url.Append(mode == MastodonMode.Search ? "&min_id=" : "&since_id=").Append(Uri.EscapeDataString(cursor.Since));
        if (cursor.Max is not null) url.Append("&max_id=").Append(Uri.EscapeDataString(cursor.Max));
        return new Uri(instance, url.ToString());
    }

    /// <summary>Mastodon ids are numbers written as strings (of any length); other servers' ids are compared as text.</summary>
    internal static int CompareIds(string a, string b) =>
        a.All(char.IsAsciiDigit) && b.All(char.IsAsciiDigit) && a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);

    /// <summary>A Status entity as a mention; a boost as the status it boosts.</summary>
    internal static IncomingMention? Map(JsonElement status, Uri instance)
    {
        if (status.TryGetProperty("reblog", out var reblog) && reblog.ValueKind == JsonValueKind.Object) status = reblog;
        var id = Str(status, "id");
        if (id is null) return null;
        var content = Str(status, "content") ?? "";
        var spoiler = Str(status, "spoiler_text");
        if (!string.IsNullOrWhiteSpace(spoiler)) content = $"<p>{WebUtility.HtmlEncode(spoiler)}</p>{content}";
        DateTime? created = DateTimeOffset.TryParse(Str(status, "created_at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.UtcDateTime : null;
        IncomingAuthor? author = null;
        if (status.TryGetProperty("account", out var account) && account.ValueKind == JsonValueKind.Object)
        {
            var acct = Str(account, "acct");
            // Local accounts come without their server: the handle is made whole so it means the same everywhere.
            var handle = acct is null ? null : acct.Contains('@', StringComparison.Ordinal) ? acct : $"{acct}@{instance.Host}";
            int? followers = account.TryGetProperty("followers_count", out var f) && f.ValueKind == JsonValueKind.Number && f.TryGetInt32(out var n) ? n : null;
            author = new IncomingAuthor(handle, Str(account, "display_name") is { Length: > 0 } name ? name : Str(account, "username"), Str(account, "url"), followers);
        }
        return new IncomingMention(id, content, IsHtml: true, Url: Str(status, "url") ?? Str(status, "uri"), PublishedAt: created, Language: Str(status, "language"), Author: author);
    }

    private static string? Str(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private sealed record JsonResponse(HttpStatusCode Status, JsonDocument? Json, FetchResult Fetch, DateTime? RateLimitedUntil);

    private async Task<JsonResponse> GetJsonAsync(Uri url, string? token, CancellationToken ct)
    {
        var response = await fetcher.GetAsync(new FetchRequest(url, "application/json", token), ct);
        if (response.Status == HttpStatusCode.TooManyRequests) return new JsonResponse(response.Status, null, response, RateLimits.RetryAfter(response, Now));
        if (response.Status == HttpStatusCode.NotFound) return new JsonResponse(response.Status, null, response, null);
        if (response.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) throw new SourceException("Sources.Error.Unauthorized", ((int)response.Status).ToString(CultureInfo.InvariantCulture));
        if (!response.IsSuccess) throw new SourceException("Sources.Error.Http", ((int)response.Status).ToString(CultureInfo.InvariantCulture));
        if (response.Truncated) throw new SourceException("Sources.Error.TooLarge", (fetcher.Options.MaxResponseBytes / (1024 * 1024)).ToString(CultureInfo.InvariantCulture));
        try
        {
            return new JsonResponse(response.Status, JsonDocument.Parse(response.Body), response, null);
        }
        catch (JsonException)
        {
            throw new SourceException("Sources.Error.BadResponse");
        }
    }
}
