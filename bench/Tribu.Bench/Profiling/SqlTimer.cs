using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Tribu.Bench.Profiling;

/// <summary>
/// <c>sql (--sqlite FILE | --postgres CONNECTION) [--runs 5] "SQL" …</c>: runs each statement a few times with the
/// app's own drivers (the bundled SQLite is newer than Debian's sqlite3 and knows contentless_delete FTS5 tables),
/// prints the rows of EXPLAIN statements and the best and median times of the others.
/// </summary>
internal static class SqlTimer
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? sqlite = null, postgres = null;
        var runs = 5;
        var statements = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--sqlite": sqlite = args[++i]; break;
                case "--postgres": postgres = args[++i]; break;
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: statements.Add(args[i]); break;
            }
        }
        await using DbConnection connection = sqlite is not null
            ? new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = sqlite, Mode = SqliteOpenMode.ReadWrite }.ToString())
            : new NpgsqlConnection(postgres ?? throw new ArgumentException("--sqlite FILE or --postgres CONNECTION is required."));
        await connection.OpenAsync();
        foreach (var sql in statements)
        {
            Console.WriteLine($"--- {string.Join(' ', sql.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries))[..Math.Min(200, sql.Length)]}");
            if (sql.TrimStart().StartsWith("EXPLAIN", StringComparison.OrdinalIgnoreCase))
            {
                await using var explain = connection.CreateCommand();
                explain.CommandText = sql;
                await using var reader = await explain.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    Console.WriteLine("  " + string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(c => reader.GetValue(c)?.ToString())));
                }
                continue;
            }
            var times = new List<double>();
            var rows = 0;
            for (var run = 0; run < runs; run++)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                command.CommandTimeout = 120;
                var watch = Stopwatch.StartNew();
                await using var reader = await command.ExecuteReaderAsync();
                rows = 0;
                while (await reader.ReadAsync())
                {
                    for (var c = 0; c < reader.FieldCount; c++) _ = reader.GetValue(c);
                    rows++;
                }
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            Console.WriteLine($"  {rows} rows; best {times[0]:F2} ms, median {times[times.Count / 2]:F2} ms over {runs} runs");
        }
        return 0;
    }
}
