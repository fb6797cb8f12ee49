using Quartz;
using Tribu.Web.Features.Listening.Ingestion;

namespace Tribu.Web.Features.Listening.Alerts;

/// <summary>
/// Every minute: each query's volume is evaluated again even when no mention arrives (a spike or surge episode ends once
/// quiet, and mentions matched outside ingestion are seen), and quiet episodes of every kind end.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ListeningAlertJob(AlertEvaluator evaluator) : IJob
{
    public const string Name = "listening-alerts";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        context.Result = await evaluator.EvaluateAllAsync(cancellationToken);
}

/// <summary>The ingestion pipeline's hook: each committed batch of new mentions goes through the alert rules.</summary>
public sealed class AlertMentionObserver(AlertEvaluator evaluator) : IMentionObserver
{
    public Task MentionsAddedAsync(IReadOnlyList<IngestedMention> mentions, CancellationToken ct) => evaluator.MentionsAddedAsync(mentions, ct);
}
