using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tribu.Web.Platform.Data;

/// <summary>
/// Tunes every SQLite connection once, when it is first opened: a busy timeout so concurrent writers wait instead of
/// failing, enforced foreign keys, and the NORMAL sync level that WAL makes safe. These settings belong to the physical
/// connection (the sqlite3 handle), which the pool keeps across opens, so they are not run again at each open: EF opens
/// and closes the pooled connection for every query, and re-running them cost a prepared statement each time.
/// Write-ahead logging itself is a property of the database file, set once by <see cref="DatabaseMaintenance"/>.
/// </summary>
internal sealed class SqlitePragmaInterceptor : DbConnectionInterceptor
{
    internal const string Pragmas = "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=8000;";

    // Physical connections already tuned; an entry goes with its handle when the pool lets the connection go.
    private static readonly ConditionalWeakTable<object, object> Tuned = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (IsTuned(connection)) return;
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
        MarkTuned(connection);
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (IsTuned(connection)) return;
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
        MarkTuned(connection);
    }

    private static bool IsTuned(DbConnection connection) => connection is SqliteConnection { Handle: { } handle } && Tuned.TryGetValue(handle, out _);

    private static void MarkTuned(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle }) Tuned.AddOrUpdate(handle, handle);
    }
}
