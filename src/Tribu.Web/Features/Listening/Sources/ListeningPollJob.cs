using Microsoft.EntityFrameworkCore;
using Quartz;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Listening.Sources;

/// <summary>
/// Every 30 seconds: polls the enabled feeds and networks whose next poll is due, a few at once, each in its own scope
/// (its own DbContext) and isolated from the others: one that is down, slow or broken records its error and backs off,
/// the others carry on. Driven by the sources' NextPollAt, so a crash or a restart loses nothing.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class ListeningPollJob(IServiceScopeFactory scopes, TribuDbContext db, TimeProvider clock, ILogger<ListeningPollJob> logger) : IJob
{
    public const string Name = "listening-poll";
    public const int Parallelism = 4;
    public const int MaxSourcesPerRun = 200;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        context.Result = await RunAsync(cancellationToken);

    /// <summary>Polls every due source; returns how many were polled.</summary>
    public async Task<int> RunAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.ListeningSources.AsNoTracking()
            .Where(s => s.IsEnabled && (s.Kind == SourceKind.Rss || s.Kind == SourceKind.Mastodon || s.Kind == SourceKind.Bluesky) && (s.NextPollAt == null || s.NextPollAt <= now))
            .OrderBy(s => s.NextPollAt).ThenBy(s => s.Id).Select(s => s.Id).Take(MaxSourcesPerRun).ToListAsync(ct);
        if (due.Count == 0) return 0;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (id, token) =>
        {
            await using var scope = scopes.CreateAsyncScope();
            try
            {
                await scope.ServiceProvider.GetRequiredService<SourcePoller>().PollAsync(id, token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Recording the outcome itself failed (the database was busy): the source stays due and is tried again.
                LogPollFailed(logger, ex, id);
            }
        });
        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Polling listening source {SourceId} failed.")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, int sourceId);
}
