using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Tribu.Web.Platform.Data;

public static class DataFeature
{
    public static IServiceCollection AddTribuData(this IServiceCollection services, IConfiguration configuration, string dataPath)
    {
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = ResolveConnectionString(options, dataPath);
        services.AddSingleton(options);
        services.AddScoped<DatabaseMaintenance>();

        // A factory for interactive (long-lived) components and jobs, and a scoped context for requests.
        // Features add EF interceptors by registering IInterceptor singletons (search keeps its index this way).
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                services.AddPooledDbContextFactory<SqliteTribuDbContext>((sp, o) => o
                    .UseSqlite(connectionString, sqlite => sqlite.CommandTimeout(30))
                    .AddInterceptors(new SqlitePragmaInterceptor())
                    .AddInterceptors(sp.GetServices<IInterceptor>()));
                services.AddProviderContext<SqliteTribuDbContext>();
                break;
            case DatabaseProvider.Postgres:
                services.AddPooledDbContextFactory<PostgresTribuDbContext>((sp, o) => o
                    .UseNpgsql(connectionString)
                    .AddInterceptors(sp.GetServices<IInterceptor>()));
                services.AddProviderContext<PostgresTribuDbContext>();
                break;
        }
        return services;
    }

    private static void AddProviderContext<TContext>(this IServiceCollection services) where TContext : TribuDbContext
    {
        // Pooled contexts: a request borrows one from the factory's pool and returns it when its scope ends.
        services.AddScoped<TribuDbContext>(sp => sp.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext());
        services.AddScoped(sp => (TContext)sp.GetRequiredService<TribuDbContext>());
        services.AddSingleton<IDbContextFactory<TribuDbContext>, ProviderContextFactory<TContext>>();
    }

    private sealed class ProviderContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<TribuDbContext>
        where TContext : TribuDbContext
    {
        public TribuDbContext CreateDbContext() => inner.CreateDbContext();
    }

    /// <summary>Resolves the connection string, or throws naming the setting that is wrong.</summary>
    public static string ResolveConnectionString(DatabaseOptions options, string dataPath)
    {
        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    Directory.CreateDirectory(dataPath);
                    return new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataPath, "tribu.db"), Pooling = true }.ToString();
                }
                try
                {
                    return new SqliteConnectionStringBuilder(options.ConnectionString).ToString();
                }
                catch (ArgumentException ex)
                {
                    throw new DatabaseConfigurationException($"Database:ConnectionString is not a valid SQLite connection string ({ex.Message}).", ex);
                }
            case DatabaseProvider.Postgres:
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                {
                    throw new DatabaseConfigurationException("Database:ConnectionString is required when Database:Provider is Postgres.");
                }
                try
                {
                    return new NpgsqlConnectionStringBuilder(options.ConnectionString).ConnectionString;
                }
                catch (ArgumentException ex)
                {
                    throw new DatabaseConfigurationException($"Database:ConnectionString is not a valid PostgreSQL connection string ({ex.Message}).", ex);
                }
            default:
                throw new DatabaseConfigurationException($"Database:Provider '{options.Provider}' is not supported: use Sqlite or Postgres.");
        }
    }
}

/// <summary>A database setting is missing or wrong; the message names the setting and never its secret value.</summary>
public sealed class DatabaseConfigurationException : Exception
{
    public DatabaseConfigurationException(string message) : base(message) { }
    public DatabaseConfigurationException(string message, Exception inner) : base(message, inner) { }
    public DatabaseConfigurationException() { }
}
