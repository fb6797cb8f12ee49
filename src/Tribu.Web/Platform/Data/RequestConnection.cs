using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Tribu.Web.Platform.Data;

/// <summary>
/// One open connection for a page's queries. EF opens and closes the context's connection around every query: on SQLite
/// each open takes the pool's lock (contended under load) and registers EF's SQL functions again; on PostgreSQL each
/// connection returned to the pool is reset before its next command. A page with several queries opens it once instead.
/// </summary>
public static class RequestConnection
{
    /// <summary>Opens the connection (unless it is open already) until the returned handle is disposed.</summary>
    public static async Task<IAsyncDisposable> KeepOpenAsync(this DatabaseFacade database, CancellationToken ct = default)
    {
        if (database.GetDbConnection().State == System.Data.ConnectionState.Open) return NothingToClose.Instance;
        await database.OpenConnectionAsync(ct);
        return new Closer(database);
    }

    private sealed class Closer(DatabaseFacade database) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => new(database.CloseConnectionAsync());
    }

    private sealed class NothingToClose : IAsyncDisposable
    {
        public static readonly NothingToClose Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
