using System.Text.Json;
using System.Text.Json.Serialization;
using Tribu.Web.Features.Listening.Ingestion;

namespace Tribu.Web.Features.Listening.Sources;

/// <summary>What a connector is asked to read: the source's address and settings, where the last poll stopped, and its token if any.</summary>
public sealed record SourcePoll(int SourceId, SourceKind Kind, string? Url, SourceSettings Settings, string? Cursor, string? Secret);

/// <summary>
/// One page a connector read: the mentions and the cursor to save with them (in the same transaction), so that a poll
/// stopped after this page starts again just after it. <paramref name="Warning"/> is a non-fatal fault (a stored
/// <see cref="SourceMessage"/>); <paramref name="NotBefore"/> asks the poller to wait (a rate limit).
/// </summary>
public sealed record SourcePage(IReadOnlyList<IncomingMention> Items, string? Cursor, string? Warning = null, DateTime? NotBefore = null);

/// <summary>A kind of polled source (feeds, Mastodon, Bluesky). Pages are yielded oldest work first; the poller stores each before asking for the next.</summary>
public interface ISourceConnector
{
    SourceKind Kind { get; }

    IAsyncEnumerable<SourcePage> PollAsync(SourcePoll poll, CancellationToken ct);
}

public enum MastodonMode
{
    Hashtag,
    Search,
    Account,
}

/// <summary>The kind-specific settings of a source, kept as JSON in <see cref="ListeningSource.Settings"/>.</summary>
public sealed record SourceSettings
{
    /// <summary>Mastodon: what is listened to.</summary>
    public MastodonMode? Mode { get; init; }
    /// <summary>Mastodon: the hashtag (without #), the search terms or the account (user@host); Bluesky: the search terms.</summary>
    public string? Query { get; init; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static SourceSettings Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return new SourceSettings();
        try
        {
            return JsonSerializer.Deserialize<SourceSettings>(json, Json) ?? new SourceSettings();
        }
        catch (JsonException)
        {
            return new SourceSettings();
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <summary>Small JSON cursors: each connector keeps its own record, serialised compactly.</summary>
internal static class CursorJson
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static T Read<T>(string? cursor) where T : new()
    {
        if (string.IsNullOrWhiteSpace(cursor)) return new T();
        try
        {
            return JsonSerializer.Deserialize<T>(cursor, Json) ?? new T();
        }
        catch (JsonException)
        {
            // A cursor from an older format: starting again is safe (what is stored is skipped).
            return new T();
        }
    }

    public static string Write<T>(T cursor) => JsonSerializer.Serialize(cursor, Json);
}

/// <summary>Rate-limit headers as Mastodon (X-RateLimit-*) and Bluesky (RateLimit-*) send them, and Retry-After.</summary>
internal static class RateLimits
{
    /// <summary>Requests kept in hand: below this many left, the poll stops until the window resets.</summary>
    public const int Reserve = 3;

    public static DateTime? RetryAfter(FetchResult response, DateTime now)
    {
        if (response.Headers.RetryAfter is { } retry)
        {
            if (retry.Delta is { } delta) return now + delta;
            if (retry.Date is { } date) return date.UtcDateTime;
        }
        return Reset(response, now) ?? now.AddMinutes(5);
    }

    /// <summary>When the window resets if the remaining requests are nearly spent; null while there are enough.</summary>
    public static DateTime? Exhausted(FetchResult response, DateTime now)
    {
        var remaining = response.Header("X-RateLimit-Remaining") ?? response.Header("RateLimit-Remaining");
        if (remaining is null || !int.TryParse(remaining, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var left) || left > Reserve) return null;
        return Reset(response, now) ?? now.AddMinutes(5);
    }

    private static DateTime? Reset(FetchResult response, DateTime now)
    {
        var reset = response.Header("X-RateLimit-Reset") ?? response.Header("RateLimit-Reset");
        if (reset is null) return null;
        if (long.TryParse(reset, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            // Unix seconds (Bluesky), or seconds from now when the number is small (the IETF draft).
            return number > 1_000_000_000 ? DateTimeOffset.FromUnixTimeSeconds(number).UtcDateTime : now.AddSeconds(number);
        }
        return DateTimeOffset.TryParse(reset, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at.UtcDateTime : null;
    }
}
