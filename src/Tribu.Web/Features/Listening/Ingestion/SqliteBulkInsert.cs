using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Tribu.Web.Features.Listening.Ingestion;

/// <summary>
/// Inserts many rows of one entity type on SQLite with one prepared statement, rebound per row, in the context's
/// current transaction. EF Core sends each row as its own statement text, which SQLite parses and plans again every
/// time: for the ingestion pipeline's hundreds of mentions and matches per batch, that parsing was most of the cost.
/// Columns, conversions (enums as strings, GUIDs as text, UTC dates) and parameters come from the EF model, so the rows
/// are exactly what EF would write. The rows are not tracked; generated keys are written back to the entities.
/// </summary>
internal static class SqliteBulkInsert
{
    public static async Task InsertAsync<T>(DbContext db, IReadOnlyList<T> rows, Action<T>? beforeInsert, CancellationToken ct) where T : class
    {
        if (rows.Count == 0) return;
        var entityType = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var key = entityType.FindPrimaryKey()!;
        var generated = key.Properties is [{ ValueGenerated: ValueGenerated.OnAdd } k] ? k : null;
        var columns = entityType.GetProperties().Where(p => p != generated).Select(p => (Property: p, Column: p.GetColumnName(table)!, Mapping: p.GetRelationalTypeMapping())).ToList();

        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = $"INSERT INTO \"{table.Name}\" ({string.Join(", ", columns.Select(c => $"\"{c.Column}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))})"
            + (generated is null ? "" : $" RETURNING \"{generated.GetColumnName(table)}\"");
        // Parameters are made once (typed by the EF mapping) and only their values change per row.
        var getters = columns.Select(c => c.Property.GetGetter()).ToArray();
        var converters = columns.Select(c => c.Mapping.Converter).ToArray();
        var parameters = new DbParameter[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            parameters[i] = columns[i].Mapping.CreateParameter(command, $"@p{i}", null, nullable: true);
            command.Parameters.Add(parameters[i]);
        }
        foreach (var row in rows)
        {
            beforeInsert?.Invoke(row);
            for (var i = 0; i < parameters.Length; i++)
            {
                var value = getters[i].GetClrValueUsingContainingEntity(row);
                if (value is not null && converters[i] is { } converter) value = converter.ConvertToProvider(value);
                parameters[i].Value = value ?? DBNull.Value;
            }
            if (generated is null)
            {
                await command.ExecuteNonQueryAsync(ct);
            }
            else
            {
                var id = await command.ExecuteScalarAsync(ct);
                var clr = Convert.ChangeType(id, generated.ClrType, System.Globalization.CultureInfo.InvariantCulture);
                generated.PropertyInfo!.SetValue(row, clr);
            }
        }
    }
}
