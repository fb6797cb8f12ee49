using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Tribu.Web.Platform.Data;

/// <summary>Migrations and backups, for start-up and for the operator's CLI.</summary>
public sealed class DatabaseMaintenance(TribuDbContext db, DatabaseOptions options, ILogger<DatabaseMaintenance> logger)
{
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct = default)
    {
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            // Persistent in the file: readers never block the writer.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count > 0)
        {
            logger.LogInformation("Applying {Count} migration(s) on {Provider}: {Migrations}", pending.Count, options.Provider, string.Join(", ", pending));
            await db.Database.MigrateAsync(ct);
        }
        return pending;
    }

    /// <summary>An online, consistent copy of the SQLite database (readers and writers carry on meanwhile).</summary>
    public async Task<string> BackupSqliteAsync(string destination, CancellationToken ct = default)
    {
        if (options.Provider != DatabaseProvider.Sqlite)
        {
            throw new InvalidOperationException("Online backup through Tribu is for SQLite; for PostgreSQL use pg_dump.");
        }
        var full = Path.GetFullPath(destination);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        if (File.Exists(full))
        {
            throw new IOException($"{full} already exists: choose another file name.");
        }
        var source = (SqliteConnection)db.Database.GetDbConnection();
        await source.OpenAsync(ct);
        await using var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = full, Pooling = false }.ToString());
        await target.OpenAsync(ct);
        source.BackupDatabase(target);
        return full;
    }
}
