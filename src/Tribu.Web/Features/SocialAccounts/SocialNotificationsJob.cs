using Microsoft.EntityFrameworkCore;
using Quartz;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.SocialAccounts;

/// <summary>
/// Every 30 seconds: reads the notifications of the enabled connected accounts whose next poll is due (not those the
/// network refused: they wait to be reconnected), a few at once, each in its own scope and isolated from the others.
/// Driven by the accounts' NextPollAt and cursors, so a crash or a restart neither skips nor repeats.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class SocialNotificationsJob(IServiceScopeFactory scopes, TribuDbContext db, TimeProvider clock, ILogger<SocialNotificationsJob> logger) : IJob
{
    public const string Name = "social-notifications";
    public const int Parallelism = 4;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        context.Result = await RunAsync(cancellationToken);

    /// <summary>Polls every due account; returns how many were polled.</summary>
    public async Task<int> RunAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.SocialAccounts.AsNoTracking()
            .Where(a => a.IsEnabled && a.Status != SocialAccountStatus.Unauthorized && (a.NextPollAt == null || a.NextPollAt <= now))
            .OrderBy(a => a.NextPollAt).ThenBy(a => a.Id).Select(a => a.Id).ToListAsync(ct);
        if (due.Count == 0) return 0;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (id, token) =>
        {
            await using var scope = scopes.CreateAsyncScope();
            try
            {
                await scope.ServiceProvider.GetRequiredService<SocialNotificationsPoller>().PollAsync(id, token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Recording the outcome itself failed (the database was busy): the account stays due and is tried again.
                LogPollFailed(logger, ex, id);
            }
        });
        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading the notifications of social account {AccountId} failed.")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, int accountId);
}
