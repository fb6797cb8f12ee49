using System.Data.Common;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Platform;

/// <summary>
/// Turns a start-up failure caused by configuration or an unreachable database into one clear log line
/// that names the setting to fix (never its value, which may hold a password) and a non-zero exit code.
/// </summary>
internal static class StartupFailure
{
    public static bool IsReportable(Exception ex) => Root(ex) is not null;

    public static void Report(Exception ex)
    {
        using var loggers = LoggerFactory.Create(b => b.AddJsonConsole(o => o.UseUtcTimestamp = true));
        var logger = loggers.CreateLogger("Tribu.Startup");
        var root = Root(ex)!;
        var message = root switch
        {
            DatabaseConfigurationException config => config.Message,
            DbException db => $"The database could not be used ({db.GetType().Name}: {FirstLine(db.Message)}). Check Database:Provider and Database:ConnectionString, that the server is reachable, and that the database belongs to this version of Tribu.",
            InvalidOperationException invalid when invalid.Message.Contains("Database", StringComparison.Ordinal) =>
                $"The database settings are invalid ({FirstLine(invalid.Message)}). Check Database:Provider (Sqlite or Postgres) and Database:ConnectionString.",
            _ => FirstLine(root.Message),
        };
        logger.LogCritical("Tribu cannot start: {Reason}", message);
    }

    private static Exception? Root(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is DatabaseConfigurationException or DbException)
            {
                return e;
            }
            if (e is InvalidOperationException && e.Message.Contains("'Database:", StringComparison.Ordinal))
            {
                return e;
            }
        }
        return null;
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
