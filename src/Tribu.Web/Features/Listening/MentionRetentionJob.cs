using Microsoft.EntityFrameworkCore;
using Quartz;
using Tribu.Web.Features.Admin;
using Tribu.Web.Features.Moderation;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Listening;

/// <summary>
/// Every night: mentions older than the retention the admins chose are deleted (people quoted in them are not members
/// and never agreed to be kept). In batches, so a large purge never holds the database for long; idempotent.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class MentionRetentionJob(TribuDbContext db, SiteSettingsService settings, AuditLog audit, TimeProvider clock, ILogger<MentionRetentionJob> logger) : IJob
{
    public const string Name = "mention-retention";
    private const int BatchSize = 5_000;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        context.Result = await PurgeAsync(cancellationToken);

    /// <summary>Deletes what is past retention; returns how many mentions went.</summary>
    public async Task<int> PurgeAsync(CancellationToken ct = default)
    {
        var months = (await settings.GetAsync(ct)).ListeningRetentionMonths;
        if (months <= 0) return 0;
        var cutoff = clock.GetUtcNow().UtcDateTime.AddMonths(-months);
        var total = 0;
        while (true)
        {
            var batch = await db.Mentions.Where(m => m.PublishedAt < cutoff).OrderBy(m => m.Id).Select(m => m.Id).Take(BatchSize).ToListAsync(ct);
            if (batch.Count == 0) break;
            total += await db.Mentions.Where(m => batch.Contains(m.Id)).ExecuteDeleteAsync(ct);
        }
        if (total > 0)
        {
            audit.Record(null, AuditActions.MentionRetention, "mentions", months, after: new { Deleted = total, Before = cutoff });
            await db.SaveChangesAsync(ct);
            LogPurged(logger, total, months);
        }
        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} mentions older than {Months} months deleted (retention).")]
    private static partial void LogPurged(ILogger logger, int count, int months);
}
