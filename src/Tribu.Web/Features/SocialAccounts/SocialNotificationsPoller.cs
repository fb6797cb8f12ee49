using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Inbox;
using Tribu.Web.Features.Listening.Analysis;
using Tribu.Web.Features.Listening.Ingestion;
using Tribu.Web.Features.Listening.Sources;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.SocialAccounts;

/// <summary>What one poll of an account's notifications did.</summary>
public sealed record NotificationsOutcome(bool Polled, int Added, int Seen, string? Error);

/// <summary>
/// Reads one connected account's notifications and hands each post that speaks to it to the inbox (a direct mention;
/// the intake stores each once per account and post). The account's <see cref="SocialAccount.NotificationsCursor"/> is
/// saved after every page, so a poll stopped anywhere resumes after the last page handed over, and a page read twice
/// adds nothing. The very first poll of an account takes only the latest page: the inbox starts from the present.
/// <para>
/// Mastodon: mention notifications read forward from the cursor (the newest id handed over) with <c>min_id</c>, which
/// gives the page just above it, oldest pages first. Bluesky: <c>listNotifications</c> only goes back in time, so each
/// poll is a sweep from the newest notification down to the newest one of the last finished sweep (kept with the
/// page cursor in the account's cursor, so a long sweep goes on at the next poll).
/// </para>
/// Failures are the account's own: refused credentials mark it unauthorized (no polling until reconnected), others back
/// off, a rate limit waits for the reset; the other accounts carry on.
/// </summary>
public sealed partial class SocialNotificationsPoller(
    TribuDbContext db,
    MastodonApi mastodon,
    BlueskyApi bluesky,
    SocialCredentials credentials,
    SocialAccountService accounts,
    InboxIntake intake,
    TimeProvider clock,
    ILogger<SocialNotificationsPoller> logger)
{
    public const int MaxPagesPerPoll = 10;

    internal sealed class BlueskyCursor
    {
        /// <summary>The newest notification time of the last finished sweep: what is at or above it is new.</summary>
        public DateTime? Since { get; set; }
        /// <summary>The newest notification time of the sweep in progress.</summary>
        public DateTime? Top { get; set; }
        /// <summary>Where the sweep in progress goes on (listNotifications' cursor).</summary>
        public string? Next { get; set; }
    }

    private sealed class Counts
    {
        public int Added;
        public int Seen;
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<NotificationsOutcome> PollAsync(int accountId, CancellationToken ct = default)
    {
        var account = await db.SocialAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == accountId, ct);
        if (account is null || !account.IsEnabled) return new NotificationsOutcome(false, 0, 0, null);
        var credential = credentials.Unprotect(account.ProtectedCredential);
        if (credential is null)
        {
            await accounts.MarkUnauthorizedAsync(account.Id, SourceMessage.Encode("SocialAccounts.Problem.Unreadable"), ct);
            return new NotificationsOutcome(true, 0, 0, SourceMessage.Encode("SocialAccounts.Problem.Unreadable"));
        }
        var counts = new Counts();
        try
        {
            var notBefore = account.Network == SocialNetwork.Mastodon
                ? await PollMastodonAsync(account, credential, counts, ct)
                : await PollBlueskyAsync(account, credential, counts, ct);
            await accounts.MarkHealthyAsync(account.Id, notBefore, ct);
            return new NotificationsOutcome(true, counts.Added, counts.Seen, null);
        }
        catch (SocialApiException ex) when (ex.Failure == SocialFailure.Unauthorized)
        {
            await accounts.MarkUnauthorizedAsync(account.Id, ex.Detail, ct);
            return new NotificationsOutcome(true, counts.Added, counts.Seen, ex.Detail);
        }
        catch (SocialApiException ex) when (ex.Failure == SocialFailure.RateLimited)
        {
            // Not the account's fault: it waits for the window to reset, without counting a failure.
            await accounts.MarkHealthyAsync(account.Id, ex.RetryAt ?? Now.AddMinutes(5), ct);
            return new NotificationsOutcome(true, counts.Added, counts.Seen, null);
        }
        catch (SocialApiException ex)
        {
            LogFailed(logger, account.Id, ex.Failure);
            await accounts.MarkFailingAsync(account.Id, ex.Detail, ex.RetryAt, ct);
            return new NotificationsOutcome(true, counts.Added, counts.Seen, ex.Detail);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogUnexpected(logger, ex, account.Id);
            var error = SourceMessage.Encode("Sources.Error.Unexpected", ex.GetType().Name);
            await accounts.MarkFailingAsync(account.Id, error, null, ct);
            return new NotificationsOutcome(true, counts.Added, counts.Seen, error);
        }
    }

    private async Task<DateTime?> PollMastodonAsync(SocialAccount account, string token, Counts counts, CancellationToken ct)
    {
        var instance = MastodonApi.Instance(account.BaseUrl);
        var cursor = account.NotificationsCursor;
        for (var pages = 0; pages < MaxPagesPerPoll; pages++)
        {
            var (page, notBefore) = await mastodon.NotificationsAsync(instance, token, cursor, ct);
            if (page.Count == 0) return notBefore;
            var ordered = page.OfType<JsonObject>().Where(n => SocialResponse.Str(n, "id") is not null)
                .OrderBy(n => SocialResponse.Str(n, "id")!, Comparer<string>.Create(MastodonConnector.CompareIds)).ToList();
            if (ordered.Count == 0) return notBefore;
            foreach (var notification in ordered)
            {
                if (notification["status"] is not JsonObject status || MastodonConnector.Map(JsonSerializer.SerializeToElement(status), instance) is not { } mention) continue;
                await AddAsync(account, mention, counts, ct);
            }
            var newest = SocialResponse.Str(ordered[^1], "id")!;
            if (cursor is null || MastodonConnector.CompareIds(newest, cursor) > 0) cursor = newest;
            await SaveCursorAsync(account.Id, cursor, ct);
            // The first poll takes the latest page only; a short page is the top; a spent rate limit waits.
            if (account.NotificationsCursor is null || page.Count < MastodonApi.NotificationsPageSize || notBefore is not null) return notBefore;
        }
        return null;
    }

    private async Task<DateTime?> PollBlueskyAsync(SocialAccount account, string password, Counts counts, CancellationToken ct)
    {
        var login = accounts.BlueskyLogin(account, password);
        var state = Read(account.NotificationsCursor);
        var first = state.Since is null && state.Top is null;
        for (var pages = 0; pages < MaxPagesPerPoll; pages++)
        {
            var (page, next, notBefore) = await bluesky.ListNotificationsAsync(login, state.Next, BlueskyApi.NotificationsPageSize, ct);
            var listed = page.OfType<JsonObject>().Select(n => (Notification: n, At: Date(SocialResponse.Str(n, "indexedAt")))).ToList();
            var fresh = listed.Where(n => BlueskyApi.DirectReasons.Contains(SocialResponse.Str(n.Notification, "reason")) && (state.Since is null || n.At is null || n.At >= state.Since))
                .OrderBy(n => n.At).ToList();
            foreach (var (notification, _) in fresh)
            {
                if (BlueskyConnector.Map(JsonSerializer.SerializeToElement(notification)) is { } mention) await AddAsync(account, mention, counts, ct);
            }
            var newest = listed.Max(n => n.At);
            if (newest is not null && (state.Top is null || newest > state.Top)) state.Top = newest;
            var reachedKnown = state.Since is not null && listed.Any(n => n.At < state.Since);
            if (first || reachedKnown || string.IsNullOrEmpty(next) || listed.Count == 0)
            {
                // The sweep is done: what it began at is where the next one stops. A first poll starts from now.
                state = new BlueskyCursor { Since = state.Top ?? state.Since ?? Now };
                await SaveCursorAsync(account.Id, Write(state), ct);
                return notBefore;
            }
            state.Next = next;
            await SaveCursorAsync(account.Id, Write(state), ct);
            if (notBefore is not null) return notBefore;
        }
        return null;
    }

    private async Task AddAsync(SocialAccount account, IncomingMention mention, Counts counts, CancellationToken ct)
    {
        counts.Seen++;
        var text = mention.IsHtml ? MentionText.FromHtml(mention.Content) : MentionText.Clean(mention.Content);
        var (_, added) = await intake.AddDirectMentionAsync(new DirectMention(account.Id, mention.ExternalId, text, mention.Url, mention.PublishedAt ?? Now,
            mention.Language, mention.Author?.Handle, mention.Author?.Name, mention.Author?.Followers), ct);
        if (added) counts.Added++;
    }

    private async Task SaveCursorAsync(int accountId, string cursor, CancellationToken ct) =>
        await db.SocialAccounts.Where(a => a.Id == accountId).ExecuteUpdateAsync(s => s.SetProperty(a => a.NotificationsCursor, cursor), ct);

    private static readonly JsonSerializerOptions CursorJson = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    internal static BlueskyCursor Read(string? cursor)
    {
        if (string.IsNullOrWhiteSpace(cursor)) return new BlueskyCursor();
        try
        {
            return JsonSerializer.Deserialize<BlueskyCursor>(cursor, CursorJson) ?? new BlueskyCursor();
        }
        catch (JsonException)
        {
            return new BlueskyCursor();
        }
    }

    private static string Write(BlueskyCursor cursor) => JsonSerializer.Serialize(cursor, CursorJson);

    private static DateTime? Date(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.UtcDateTime : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the notifications of social account {AccountId} failed: {Failure}.")]
    private static partial void LogFailed(ILogger logger, int accountId, SocialFailure failure);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading the notifications of social account {AccountId} failed unexpectedly.")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, int accountId);
}
