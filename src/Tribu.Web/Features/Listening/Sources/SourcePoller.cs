using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Listening.Ingestion;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Listening.Sources;

/// <summary>What one poll of a source did.</summary>
public sealed record PollOutcome(bool Polled, int Added, int Duplicates, string? Error, string? Warning, DateTime? NextPollAt);

/// <summary>
/// Polls one source: asks its connector for pages and stores each page with the cursor that follows it (one transaction),
/// so a poll stopped anywhere resumes after the last stored page. Then records how it went: a success resets the
/// failures and schedules the next poll after the source's interval; a failure keeps the error, counts it and backs off
/// exponentially (up to <see cref="MaxBackoff"/>); a rate limit pushes the next poll to the server's reset time.
/// </summary>
public sealed partial class SourcePoller(
    TribuDbContext db,
    MentionIngestor ingestor,
    IEnumerable<ISourceConnector> connectors,
    SourceSecrets secrets,
    TimeProvider clock,
    ILogger<SourcePoller> logger)
{
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(6);

    public async Task<PollOutcome> PollAsync(int sourceId, CancellationToken ct = default)
    {
        var source = await db.ListeningSources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sourceId, ct);
        var connector = source is null ? null : connectors.FirstOrDefault(c => c.Kind == source.Kind);
        if (source is null || connector is null) return new PollOutcome(false, 0, 0, null, null, null);

        var poll = new SourcePoll(source.Id, source.Kind, source.Url, SourceSettings.Parse(source.Settings), source.Cursor, secrets.Unprotect(source.ProtectedSecret));
        var warnings = new List<string>();
        DateTime? notBefore = null;
        int added = 0, duplicates = 0;
        string? error = null;
        try
        {
            await foreach (var page in connector.PollAsync(poll, ct))
            {
                warnings.AddRange(SourceMessage.Split(page.Warning));
                if (page.NotBefore is { } wait && (notBefore is null || wait > notBefore)) notBefore = wait;
                var cursor = page.Cursor;
                var result = await ingestor.IngestAsync(source.Id, page.Items, s => s.Cursor = cursor, ct);
                added += result.Added;
                duplicates += result.Duplicates;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopped (shutdown): the pages stored so far stay stored with their cursor; the source stays due.
            throw;
        }
        catch (SourceException ex)
        {
            error = ex.Stored;
            LogFailed(logger, source.Id, ex.Key);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            error = SourceMessage.Encode("Sources.Error.Unexpected", ex.GetType().Name);
            LogUnexpected(logger, ex, source.Id);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var interval = TimeSpan.FromMinutes(Math.Clamp(source.PollIntervalMinutes, ListeningSource.MinPollIntervalMinutes, ListeningSource.MaxPollIntervalMinutes));
        var warning = SourceMessage.Join(warnings);
        DateTime next;
        if (error is null)
        {
            next = Later(now + interval, notBefore);
            await db.ListeningSources.Where(s => s.Id == source.Id).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.LastPolledAt, now).SetProperty(x => x.LastSuccessAt, now).SetProperty(x => x.LastError, (string?)null)
                .SetProperty(x => x.LastWarning, warning).SetProperty(x => x.ConsecutiveFailures, 0).SetProperty(x => x.NextPollAt, next), CancellationToken.None);
        }
        else
        {
            var failures = source.ConsecutiveFailures + 1;
            next = Later(now + Backoff(interval, failures), notBefore);
            await db.ListeningSources.Where(s => s.Id == source.Id).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.LastPolledAt, now).SetProperty(x => x.LastError, error)
                .SetProperty(x => x.LastWarning, warning).SetProperty(x => x.ConsecutiveFailures, failures).SetProperty(x => x.NextPollAt, next), CancellationToken.None);
        }
        return new PollOutcome(true, added, duplicates, error, warning, next);
    }

    /// <summary>After <paramref name="failures"/> failures in a row: twice the interval, then four times… up to <see cref="MaxBackoff"/>.</summary>
    public static TimeSpan Backoff(TimeSpan interval, int failures)
    {
        var factor = Math.Pow(2, Math.Min(failures, 20));
        var delay = TimeSpan.FromTicks((long)Math.Min(interval.Ticks * factor, MaxBackoff.Ticks));
        return delay < interval ? interval : delay;
    }

    private static DateTime Later(DateTime a, DateTime? b) => b is { } v && v > a ? v : a;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening source {SourceId} could not be polled: {Reason}.")]
    private static partial void LogFailed(ILogger logger, int sourceId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Listening source {SourceId} failed unexpectedly.")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, int sourceId);
}
