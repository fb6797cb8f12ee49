using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tribu.Web.Platform.Data;

/// <summary>
/// Tunes every SQLite connection as it opens: a busy timeout so concurrent writers wait instead of failing,
/// enforced foreign keys, and the NORMAL sync level that WAL makes safe. Write-ahead logging itself is a
/// property of the database file, set once by <see cref="DatabaseMaintenance"/>.
/// </summary>
internal sealed class SqlitePragmaInterceptor : DbConnectionInterceptor
{
    internal const string Pragmas = "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
