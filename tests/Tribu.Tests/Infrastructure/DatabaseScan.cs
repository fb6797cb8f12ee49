using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace Tribu.Tests.Infrastructure;

/// <summary>Reads every table of the test database, for "no personal data left anywhere" checks.</summary>
public static class DatabaseScan
{
    /// <summary>Every text value of every table that contains one of the needles: "table.column: value".</summary>
    public static Task<List<string>> FindAsync(TribuAppFactory app, params string[] needles) => app.WithDbAsync(async db =>
    {
        var found = new List<string>();
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open) await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = app.Database == TestDatabase.Sqlite
                ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                : "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            DbDataReader rows;
            try
            {
                rows = await select.ExecuteReaderAsync();
            }
            catch (DbException)
            {
                continue; // FTS internals that cannot be read row by row
            }
            await using (rows)
            {
                while (await rows.ReadAsync())
                {
                    for (var i = 0; i < rows.FieldCount; i++)
                    {
                        if (rows.IsDBNull(i)) continue;
                        var value = rows.GetValue(i) switch { string s => s, byte[] b => System.Text.Encoding.UTF8.GetString(b), var o => o.ToString() ?? "" };
                        foreach (var needle in needles)
                        {
                            if (value.Contains(needle, StringComparison.OrdinalIgnoreCase)) found.Add($"{table}.{rows.GetName(i)}: {value[..Math.Min(value.Length, 120)]}");
                        }
                    }
                }
            }
        }
        return found;
    });
}
