using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Listening.Sources;

/// <summary>
/// A source as a manager creates or changes it. <c>Url</c> is the feed (RSS), the instance (Mastodon) or the AppView
/// (Bluesky, optional); <c>Mode</c> and <c>Query</c> say what is listened to; <c>AccessToken</c> (Mastodon, Bluesky) is
/// stored protected and never returned (empty keeps the current one, <c>ClearAccessToken</c> removes it).
/// </summary>
public sealed record SourceRequest(
    SourceKind? Kind,
    string? Name,
    string? Url = null,
    MastodonMode? Mode = null,
    string? Query = null,
    string? AccessToken = null,
    int? PollIntervalMinutes = null,
    bool? IsEnabled = null,
    bool ClearAccessToken = false);

/// <summary>The outcome of a save: the source, or the problems by field (in the reader's language); a new webhook's secret, once.</summary>
public sealed record SourceSaveResult(ListeningSource? Source, Dictionary<string, string[]> Errors, string? NewSecret = null);

/// <summary>Creating, changing, enabling, deleting sources and their secrets: the validation the pages and the API share.</summary>
public sealed partial class SourceEditor(TribuDbContext db, SourceSecrets secrets, SourceFetcher fetcher, TimeProvider clock, IStringLocalizer<ManageStrings> l)
{
    public async Task<SourceSaveResult> SaveAsync(int? id, SourceRequest request, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        var source = id is null ? null : await db.ListeningSources.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (id is not null && source is null) return new SourceSaveResult(null, new() { [""] = [l["Sources.NotFound"]] });
        var kind = source?.Kind ?? request.Kind;
        if (kind is null || !Enum.IsDefined(kind.Value))
        {
            errors["Kind"] = [l["Sources.KindInvalid"]];
            return new SourceSaveResult(null, errors);
        }
        var name = (request.Name ?? "").Trim();
        if (name.Length is 0 or > ListeningSource.NameMaxLength) errors["Name"] = [l["Sources.NameInvalid", ListeningSource.NameMaxLength]];
        if (request.PollIntervalMinutes is { } minutes && minutes is < ListeningSource.MinPollIntervalMinutes or > ListeningSource.MaxPollIntervalMinutes)
        {
            errors["PollIntervalMinutes"] = [l["Sources.IntervalInvalid", ListeningSource.MinPollIntervalMinutes, ListeningSource.MaxPollIntervalMinutes]];
        }

        string? url = null;
        var settings = new SourceSettings();
        var rawUrl = request.Url?.Trim();
        switch (kind)
        {
            case SourceKind.Rss:
                url = HttpUrl(rawUrl, required: true, errors, "Sources.FeedUrlInvalid");
                break;
            case SourceKind.Mastodon:
                url = HttpUrl(rawUrl is { Length: > 0 } && !rawUrl.Contains("://", StringComparison.Ordinal) ? "https://" + rawUrl : rawUrl, required: true, errors, "Sources.InstanceUrlInvalid");
                if (url is not null) url = new Uri(url).GetLeftPart(UriPartial.Authority);
                var mode = request.Mode ?? MastodonMode.Hashtag;
                if (!Enum.IsDefined(mode)) errors["Mode"] = [l["Sources.ModeInvalid"]];
                var query = (request.Query ?? "").Trim();
                switch (mode)
                {
                    case MastodonMode.Hashtag:
                        query = query.TrimStart('#');
                        if (query.Length == 0) errors["Query"] = [l["Sources.HashtagRequired"]];
                        else if (!HashtagRegex().IsMatch(query)) errors["Query"] = [l["Sources.HashtagInvalid"]];
                        break;
                    case MastodonMode.Account:
                        query = query.TrimStart('@');
                        if (query.Length == 0) errors["Query"] = [l["Sources.AccountRequired"]];
                        else if (!AccountRegex().IsMatch(query)) errors["Query"] = [l["Sources.AccountInvalid"]];
                        break;
                    default:
                        if (query.Length == 0) errors["Query"] = [l["Sources.SearchRequired"]];
                        break;
                }
                if (query.Length > 500) errors["Query"] = [l["Sources.QueryTooLong", 500]];
                settings = new SourceSettings { Mode = mode, Query = query };
                break;
            case SourceKind.Bluesky:
                url = string.IsNullOrEmpty(rawUrl) ? BlueskyConnector.DefaultAppView : HttpUrl(rawUrl, required: true, errors, "Sources.AppViewUrlInvalid");
                if (url is not null) url = new Uri(url).GetLeftPart(UriPartial.Authority);
                var terms = (request.Query ?? "").Trim();
                if (terms.Length == 0) errors["Query"] = [l["Sources.SearchRequired"]];
                else if (terms.Length > 500) errors["Query"] = [l["Sources.QueryTooLong", 500]];
                settings = new SourceSettings { Query = terms };
                break;
        }
        if (errors.Count > 0) return new SourceSaveResult(null, errors);

        var settingsJson = kind is SourceKind.Mastodon or SourceKind.Bluesky ? settings.ToJson() : null;
        var changed = source is null || source.Url != url || source.Settings != settingsJson;
        if (kind == SourceKind.Mastodon && changed && !await IsMastodonAsync(new Uri(url!), ct))
        {
            errors["Url"] = [l["Sources.UnknownInstance", new Uri(url!).Host]];
            return new SourceSaveResult(null, errors);
        }

        string? newSecret = null;
        var now = clock.GetUtcNow().UtcDateTime;
        if (source is null)
        {
            source = new ListeningSource { Kind = kind.Value, CreatedAt = now };
            if (kind == SourceKind.Webhook)
            {
                newSecret = SourceSecrets.NewWebhookSecret();
                source.ProtectedSecret = secrets.Protect(newSecret);
            }
            db.ListeningSources.Add(source);
        }
        source.Name = name;
        source.Url = url;
        source.Settings = settingsJson;
        if (request.PollIntervalMinutes is { } interval) source.PollIntervalMinutes = interval;
        if (request.IsEnabled is { } enabled) source.IsEnabled = enabled;
        if (kind is SourceKind.Mastodon or SourceKind.Bluesky)
        {
            if (request.ClearAccessToken) source.ProtectedSecret = null;
            else if (!string.IsNullOrWhiteSpace(request.AccessToken)) source.ProtectedSecret = secrets.Protect(request.AccessToken.Trim());
        }
        if (changed && source.IsPolled)
        {
            // Listening to something else: start from its present, now.
            source.Cursor = null;
            source.NextPollAt = null;
            source.ConsecutiveFailures = 0;
            source.LastError = null;
            source.LastWarning = null;
        }
        await db.SaveChangesAsync(ct);
        return new SourceSaveResult(source, errors, newSecret);
    }

    /// <summary>A new signing key for a webhook source; the old one stops working at once. Null when the source is not a webhook.</summary>
    public async Task<string?> RegenerateSecretAsync(int id, CancellationToken ct = default)
    {
        var source = await db.ListeningSources.FirstOrDefaultAsync(s => s.Id == id && s.Kind == SourceKind.Webhook, ct);
        if (source is null) return null;
        var secret = SourceSecrets.NewWebhookSecret();
        source.ProtectedSecret = secrets.Protect(secret);
        await db.SaveChangesAsync(ct);
        return secret;
    }

    public async Task<bool> SetEnabledAsync(int id, bool enabled, CancellationToken ct = default) =>
        await db.ListeningSources.Where(s => s.Id == id).ExecuteUpdateAsync(s => s.SetProperty(x => x.IsEnabled, enabled).SetProperty(x => x.NextPollAt, (DateTime?)null), ct) > 0;

    /// <summary>Deletes a source and, with it, its mentions.</summary>
    public async Task<bool> DeleteAsync(int id, CancellationToken ct = default)
    {
        var source = await db.ListeningSources.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (source is null) return false;
        // Mentions go in batches first: one cascade over a large source would hold the database for long.
        while (await db.Mentions.Where(m => m.SourceId == id).OrderBy(m => m.Id).Select(m => m.Id).Take(5000).ToListAsync(ct) is { Count: > 0 } batch)
        {
            await db.Mentions.Where(m => batch.Contains(m.Id)).ExecuteDeleteAsync(ct);
        }
        db.ListeningSources.Remove(source);
        await db.SaveChangesAsync(ct);
        return true;
    }

    private string? HttpUrl(string? value, bool required, Dictionary<string, string[]> errors, string key)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) errors["Url"] = [l[key]];
            return null;
        }
        if (value.Length > 2000 || !Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            errors["Url"] = [l[key]];
            return null;
        }
        return uri.AbsoluteUri;
    }

    /// <summary>Whether a Mastodon-compatible server answers at this address (its instance document).</summary>
    private async Task<bool> IsMastodonAsync(Uri instance, CancellationToken ct)
    {
        foreach (var path in new[] { "/api/v2/instance", "/api/v1/instance" })
        {
            try
            {
                var response = await fetcher.GetAsync(new FetchRequest(new Uri(instance, path), "application/json"), ct);
                if (!response.IsSuccess || response.Truncated) continue;
                using var json = JsonDocument.Parse(response.Body);
                if (json.RootElement.ValueKind == JsonValueKind.Object && (json.RootElement.TryGetProperty("domain", out _) || json.RootElement.TryGetProperty("uri", out _))) return true;
            }
            catch (Exception ex) when (ex is SourceException or JsonException)
            {
                // Not this one: try the other document, then say the server is unknown.
            }
        }
        return false;
    }

    [GeneratedRegex(@"^[\p{L}\p{N}_]{1,100}$")]
    private static partial Regex HashtagRegex();

    [GeneratedRegex(@"^[A-Za-z0-9_]{1,64}(@[A-Za-z0-9.-]{1,253})?$")]
    private static partial Regex AccountRegex();
}
