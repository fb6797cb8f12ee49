using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Tribu.Web.Platform.Data;

namespace Tribu.Bench.Seeding;

/// <summary>Where rows go, fast: one transaction of prepared inserts on SQLite, binary COPY on PostgreSQL.</summary>
internal interface IBulkTarget : IAsyncDisposable
{
    Task BeginAsync();

    /// <summary>Rows of one entity type, in the columns the model maps.</summary>
    Task WriteAsync<T>(IReadOnlyList<T> rows) where T : class;

    /// <summary>The search index of these posts: SearchDocuments and the provider's full-text structure.</summary>
    Task WriteSearchAsync(IReadOnlyList<SearchRow> rows);

    /// <summary>Commits, then whatever the provider does once (building the full-text index, statistics).</summary>
    Task CompleteAsync(Action<string> log);
}

/// <summary>
/// SQLite: one connection, one transaction, one prepared INSERT per table (parameters typed by the app's EF mappings),
/// rollback journal and no fsync while loading (the file is thrown away if the seed fails), WAL again at the end.
/// </summary>
internal sealed class SqliteTarget(string connectionString, TribuDbContext model) : IBulkTarget
{
    private readonly SqliteConnection _connection = new(connectionString);
    private readonly Dictionary<Type, (TableMap Map, SqliteCommand Command)> _inserts = [];
    private SqliteTransaction? _transaction;
    private SqliteCommand? _fts;

    public async Task BeginAsync()
    {
        await _connection.OpenAsync();
        await ExecuteAsync("PRAGMA journal_mode=DELETE; PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000; PRAGMA temp_store=MEMORY; PRAGMA foreign_keys=OFF;");
        _transaction = (SqliteTransaction)await _connection.BeginTransactionAsync();
        _fts = Prepare("""INSERT INTO "PostSearch" (rowid, title, body) VALUES ($id, $title, $body)""", "$id", "$title", "$body");
    }

    public Task WriteAsync<T>(IReadOnlyList<T> rows) where T : class
    {
        if (!_inserts.TryGetValue(typeof(T), out var insert))
        {
            var map = TableMap.For<T>(model);
            var command = _connection.CreateCommand();
            command.Transaction = _transaction;
            command.CommandText = $"""INSERT INTO "{map.Table}" ({map.QuotedColumns}) VALUES ({string.Join(", ", map.Names.Select((_, i) => "$p" + i))})""";
            for (var i = 0; i < map.Columns.Count; i++)
            {
                // The app's own type mapping configures the parameter (GUIDs as upper-case TEXT, dates as ISO text…).
                command.Parameters.Add(map.Mappings[i].CreateParameter(command, "$p" + i, null, map.Columns[i].IsNullable));
            }
            command.Prepare();
            insert = (map, command);
            _inserts[typeof(T)] = insert;
        }
        foreach (var row in rows)
        {
            for (var i = 0; i < insert.Map.Columns.Count; i++)
            {
                insert.Command.Parameters[i].Value = insert.Map.Value(i, row) ?? DBNull.Value;
            }
            // Synchronous on purpose: Microsoft.Data.Sqlite runs it synchronously anyway, without the per-row task.
            insert.Command.ExecuteNonQuery();
        }
        return Task.CompletedTask;
    }

    public async Task WriteSearchAsync(IReadOnlyList<SearchRow> rows)
    {
        var documents = new List<Web.Features.Search.SearchDocument>(rows.Count);
        foreach (var row in rows)
        {
            // What SqliteSearchIndex.WriteAsync writes: the stems in the contentless FTS5 table, the text beside it.
            _fts!.Parameters[0].Value = row.PostId;
            _fts.Parameters[1].Value = row.TitleTerms;
            _fts.Parameters[2].Value = row.BodyTerms;
            _fts.ExecuteNonQuery();
            documents.Add(new Web.Features.Search.SearchDocument
            {
                PostId = row.PostId, Language = row.Language, Version = Web.Features.Search.SearchDocument.CurrentVersion, PostEditedAt = row.EditedAt, Text = row.Text,
            });
        }
        await WriteAsync<Web.Features.Search.SearchDocument>(documents);
    }

    public async Task CompleteAsync(Action<string> log)
    {
        await _transaction!.CommitAsync();
        await _transaction.DisposeAsync();
        _transaction = null;
        await ExecuteAsync("PRAGMA journal_mode=WAL;");
        log("committed; journal back to WAL");
    }

    private SqliteCommand Prepare(string sql, params string[] names)
    {
        var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
        foreach (var name in names) command.Parameters.Add(new SqliteParameter { ParameterName = name });
        command.Prepare();
        return command;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, command) in _inserts.Values) await command.DisposeAsync();
        if (_fts is not null) await _fts.DisposeAsync();
        if (_transaction is not null) await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}

/// <summary>
/// PostgreSQL: binary COPY per table and chunk in one transaction; the search text goes to an unlogged staging table,
/// and the tsvectors are computed at the end by the database itself, exactly as PostgresSearchIndex.WriteAsync computes
/// them (same configurations, title weighted A, body B), with the GIN index dropped meanwhile and built once after.
/// </summary>
internal sealed class PostgresTarget(string connectionString, TribuDbContext model, int parallelism) : IBulkTarget
{
    private const string Staging = "bench_search_staging";
    private readonly NpgsqlConnection _connection = new(connectionString);
    private readonly Dictionary<Type, TableMap> _maps = [];
    private NpgsqlTransaction? _transaction;

    public async Task BeginAsync()
    {
        await _connection.OpenAsync();
        await ExecuteAsync(_connection, $"""
            DROP TABLE IF EXISTS {Staging};
            CREATE UNLOGGED TABLE {Staging} (post_id bigint NOT NULL, language varchar(8) NOT NULL, edited_at timestamptz NULL, title text NOT NULL, body text NOT NULL, title_words text NOT NULL, body_words text NOT NULL);
            """);
        _transaction = await _connection.BeginTransactionAsync();
    }

    public async Task WriteAsync<T>(IReadOnlyList<T> rows) where T : class
    {
        if (rows.Count == 0) return;
        if (!_maps.TryGetValue(typeof(T), out var map)) _maps[typeof(T)] = map = TableMap.For<T>(model);
        await using var writer = await _connection.BeginBinaryImportAsync($"""COPY "{map.Table}" ({map.QuotedColumns}) FROM STDIN (FORMAT BINARY)""");
        foreach (var row in rows)
        {
            await writer.StartRowAsync();
            for (var i = 0; i < map.Columns.Count; i++) await WriteValueAsync(writer, map.Value(i, row));
        }
        await writer.CompleteAsync();
    }

    public async Task WriteSearchAsync(IReadOnlyList<SearchRow> rows)
    {
        if (rows.Count == 0) return;
        await using var writer = await _connection.BeginBinaryImportAsync($"COPY {Staging} (post_id, language, edited_at, title, body, title_words, body_words) FROM STDIN (FORMAT BINARY)");
        foreach (var row in rows)
        {
            await writer.StartRowAsync();
            await writer.WriteAsync(row.PostId, NpgsqlDbType.Bigint);
            await writer.WriteAsync(row.Language, NpgsqlDbType.Varchar);
            await WriteValueAsync(writer, row.EditedAt);
            await writer.WriteAsync(row.Title, NpgsqlDbType.Text);
            await writer.WriteAsync(row.Text, NpgsqlDbType.Text);
            // As PostgresSearchIndex writes them since index version 3: vectors of the words the app reads, not of the raw text.
            await writer.WriteAsync(string.Join(' ', Web.Features.Search.SearchText.Words(row.Title).Select(w => w.Text)), NpgsqlDbType.Text);
            await writer.WriteAsync(string.Join(' ', Web.Features.Search.SearchText.Words(row.Text).Select(w => w.Text)), NpgsqlDbType.Text);
        }
        await writer.CompleteAsync();
    }

    public async Task CompleteAsync(Action<string> log)
    {
        // Identity columns were given explicit values: move their sequences past them, as inserts by the app expect.
        foreach (var table in (string[])["Spaces", "Topics", "Posts"])
        {
            await ExecuteAsync(_connection, $"""SELECT setval(pg_get_serial_sequence('"{table}"', 'Id'), (SELECT max("Id") FROM "{table}"));""");
        }
        await _transaction!.CommitAsync();
        log("rows committed");

        var start = TimeProvider.System.GetTimestamp();
        await ExecuteAsync(_connection, """DROP INDEX IF EXISTS "IX_SearchDocuments_SearchVector";""");
        await Task.WhenAll(Enumerable.Range(0, parallelism).Select(async part =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await ExecuteAsync(connection, $"""
                INSERT INTO "SearchDocuments" ("PostId", "Language", "Version", "PostEditedAt", "Text", "SearchVector")
                SELECT s.post_id, s.language, {Web.Features.Search.SearchDocument.CurrentVersion}, s.edited_at, s.body,
                    setweight(to_tsvector(c.config, s.title_words), 'A') || setweight(to_tsvector(c.config, s.body_words), 'B')
                FROM {Staging} s, LATERAL (SELECT (CASE s.language WHEN 'fr' THEN 'tribu_french' ELSE 'tribu_english' END)::regconfig AS config) c
                WHERE s.post_id % {parallelism} = {part};
                """);
        }));
        log($"tsvectors computed ({parallelism} connections) in {TimeProvider.System.GetElapsedTime(start).TotalSeconds:F1} s");
        start = TimeProvider.System.GetTimestamp();
        // The same index the Search migration creates.
        await ExecuteAsync(_connection, """
            SET maintenance_work_mem = '512MB';
            CREATE INDEX "IX_SearchDocuments_SearchVector" ON "SearchDocuments" USING GIN ("SearchVector");
            """);
        await ExecuteAsync(_connection, $"DROP TABLE {Staging};");
        log($"GIN index built in {TimeProvider.System.GetElapsedTime(start).TotalSeconds:F1} s");
        start = TimeProvider.System.GetTimestamp();
        // What autovacuum would have done by the time a real community reached this size.
        await ExecuteAsync(_connection, "VACUUM (ANALYZE);");
        log($"VACUUM ANALYZE in {TimeProvider.System.GetElapsedTime(start).TotalSeconds:F1} s");
    }

    private static async Task WriteValueAsync(NpgsqlBinaryImporter writer, object? value)
    {
        switch (value)
        {
            case null: await writer.WriteNullAsync(); break;
            case string s: await writer.WriteAsync(s, NpgsqlDbType.Text); break;
            case Guid g: await writer.WriteAsync(g, NpgsqlDbType.Uuid); break;
            case DateTime d: await writer.WriteAsync(d, NpgsqlDbType.TimestampTz); break;
            case DateTimeOffset o: await writer.WriteAsync(o, NpgsqlDbType.TimestampTz); break;
            case bool b: await writer.WriteAsync(b, NpgsqlDbType.Boolean); break;
            case int i: await writer.WriteAsync(i, NpgsqlDbType.Integer); break;
            case long l: await writer.WriteAsync(l, NpgsqlDbType.Bigint); break;
            default: throw new NotSupportedException($"No COPY type for {value.GetType().Name}.");
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_transaction is not null) await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
