using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Tribu.Bench.Seeding;

/// <summary>
/// An entity's table as the app's EF model maps it: table and column names, and each column's value converted the way
/// SaveChanges would (enums as names, UTC timestamps…), so raw inserts write exactly what the app writes and reads.
/// </summary>
internal sealed class TableMap
{
    private readonly PropertyInfo[] _getters;
    private readonly ValueConverter?[] _converters;

    private TableMap(string table, IReadOnlyList<IProperty> columns)
    {
        Table = table;
        Columns = columns;
        Names = [.. columns.Select(c => c.GetColumnName())];
        Mappings = [.. columns.Select(c => c.GetRelationalTypeMapping())];
        _getters = [.. columns.Select(c => c.PropertyInfo ?? throw new InvalidOperationException($"{table}.{c.Name} is a shadow property: the seeder cannot read it."))];
        _converters = [.. Mappings.Select(m => m.Converter)];
    }

    public string Table { get; }
    public IReadOnlyList<IProperty> Columns { get; }
    public IReadOnlyList<string> Names { get; }
    public IReadOnlyList<RelationalTypeMapping> Mappings { get; }

    public static TableMap For<T>(DbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = entity.GetTableName() ?? throw new InvalidOperationException($"{typeof(T).Name} has no table.");
        return new TableMap(table, [.. entity.GetProperties()]);
    }

    /// <summary>The provider value of column <paramref name="i"/> for this row (null for SQL NULL).</summary>
    public object? Value(int i, object row)
    {
        var value = _getters[i].GetValue(row);
        return value is null ? null : _converters[i] is { } converter ? converter.ConvertToProvider(value) : value;
    }

    public string QuotedColumns => string.Join(", ", Names.Select(n => $"\"{n}\""));
}
