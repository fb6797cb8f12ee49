namespace Tribu.Web.Platform.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Bound to the <c>Database</c> configuration section.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>For SQLite, defaults to <c>tribu.db</c> in the data folder; for PostgreSQL, required.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply pending migrations when the app starts (the <c>migrate</c> verb does it on demand).</summary>
    public bool MigrateOnStartup { get; set; } = true;
}
