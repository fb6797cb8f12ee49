namespace Tribu.Web.Platform.Jobs;

/// <summary>
/// The Quartz job store's tables, applied by our own migrations (one per provider) so that every schema
/// change goes through EF's migration lock rather than racing between instances. The scripts are
/// Quartz.NET's (Apache-2.0), see their headers.
/// </summary>
public static class QuartzSchema
{
    /// <summary>Child tables first, so they can be dropped in this order.</summary>
    public static readonly string[] Tables =
    [
        "QRTZ_FIRED_TRIGGERS", "QRTZ_PAUSED_TRIGGER_GRPS", "QRTZ_PAUSED_JOB_GRPS", "QRTZ_SCHEDULER_STATE", "QRTZ_LOCKS",
        "QRTZ_SIMPLE_TRIGGERS", "QRTZ_SIMPROP_TRIGGERS", "QRTZ_CRON_TRIGGERS", "QRTZ_BLOB_TRIGGERS", "QRTZ_TRIGGERS",
        "QRTZ_JOB_DETAILS", "QRTZ_CALENDARS", "QRTZ_EXECUTION_HISTORY", "QRTZ_MISFIRE_HISTORY", "QRTZ_JOB_STATUS",
    ];

    public static string Script(string provider)
    {
        using var stream = typeof(QuartzSchema).Assembly.GetManifestResourceStream($"Tribu.Web.Platform.Jobs.Sql.quartz-{provider}.sql")
            ?? throw new InvalidOperationException($"The Quartz schema script for {provider} is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static string DropScript(bool postgres) =>
        string.Concat(Tables.Select(t => postgres ? $"DROP TABLE IF EXISTS {t.ToLowerInvariant()} CASCADE;\n" : $"DROP TABLE IF EXISTS {t};\n"));
}
