using System.Diagnostics.Metrics;

namespace Tribu.Web.Platform.Observability;

/// <summary>Tribu's own counters, exported with the rest when telemetry is on.</summary>
public sealed class TribuMetrics : IDisposable
{
    public const string MeterName = "Tribu";

    private readonly Meter _meter;

    public TribuMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        MailsSent = _meter.CreateCounter<long>("tribu.mail.sent", description: "Mails delivered");
        MailsFailed = _meter.CreateCounter<long>("tribu.mail.failed", description: "Mail delivery attempts that failed");
        JobRuns = _meter.CreateCounter<long>("tribu.jobs.runs", description: "Background job executions");
        SignUps = _meter.CreateCounter<long>("tribu.accounts.signups", description: "Accounts created");
    }

    public Counter<long> MailsSent { get; }
    public Counter<long> MailsFailed { get; }
    public Counter<long> JobRuns { get; }
    public Counter<long> SignUps { get; }

    public void Dispose() => _meter.Dispose();
}
