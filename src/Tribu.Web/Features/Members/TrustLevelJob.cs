using Quartz;

namespace Tribu.Web.Features.Members;

/// <summary>Every night: members' trust levels follow what they did. Idempotent: a second run changes nothing.</summary>
[DisallowConcurrentExecution]
public sealed partial class TrustLevelJob(TrustLevels levels, ILogger<TrustLevelJob> logger) : IJob
{
    public const string Name = "trust-levels";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var changed = await levels.RecomputeAsync(cancellationToken);
        LogDone(logger, changed);
        context.Result = changed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Trust levels recomputed: {Changed} members changed level.")]
    private static partial void LogDone(ILogger logger, int changed);
}
