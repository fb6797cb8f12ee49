using Quartz;
using Quartz.Extensibility;

namespace Tribu.Web.Platform.Jobs;

/// <summary>One job as the console shows it.</summary>
public sealed record JobView(string Name, string DescriptionKey, string Cron, DateTimeOffset? LastRunUtc, DateTimeOffset? NextRunUtc,
    string? LastResult, string? LastError, DateTimeOffset? LastFailureUtc, long RunCount, long FailureCount, TimeSpan? LastDuration);

/// <summary>What features and the console need from the scheduler: run a job now, see every job's state.</summary>
public sealed class JobRunner(ISchedulerFactory schedulers, IServiceProvider services)
{
    public async Task TriggerAsync(string name, CancellationToken ct = default)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.TriggerJob(new JobKey(name, JobsFeature.Group), ct);
    }

    public async Task<IReadOnlyList<JobView>> ListAsync(CancellationToken ct = default)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var history = services.GetService<IExecutionHistoryStore>();
        var views = new List<JobView>();
        foreach (var job in JobsFeature.All)
        {
            var key = new JobKey(job.Name, JobsFeature.Group);
            var triggers = await scheduler.QueryTriggers(new TriggerQuery { Job = key, Take = PagedQuery.All }, ct);
            var cronTrigger = triggers.Items.FirstOrDefault(t => t.Key.Name == job.Name);
            var status = history is null ? null : await history.GetJobRunStatus(scheduler.SchedulerName, key, ct);
            views.Add(new JobView(
                job.Name, job.DescriptionKey, job.Cron,
                status?.LastFiredAtUtc ?? cronTrigger?.PreviousFireTimeUtc,
                cronTrigger?.NextFireTimeUtc,
                status?.LastResult.ToString(),
                status?.LastFailureMessage,
                status?.LastFailedAtUtc,
                status?.RunCount ?? 0,
                status?.FailureCount ?? 0,
                status?.LastDuration));
        }
        return views;
    }
}
