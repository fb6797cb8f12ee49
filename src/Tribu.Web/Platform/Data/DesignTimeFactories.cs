using Microsoft.EntityFrameworkCore.Design;
using Tribu.Web.Features.Accounts;

namespace Tribu.Web.Platform.Data;

// Used only by `dotnet ef migrations add`. The context is built through the same registrations as the app,
// so options that reach the model through DI (Identity's store schema version) are the same in both.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteTribuDbContext>
{
    public SqliteTribuDbContext CreateDbContext(string[] args) => DesignTime.Create<SqliteTribuDbContext>("Sqlite", "Data Source=design.db");
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresTribuDbContext>
{
    public PostgresTribuDbContext CreateDbContext(string[] args) => DesignTime.Create<PostgresTribuDbContext>("Postgres", "Host=localhost;Database=design");
}

internal static class DesignTime
{
    public static TContext Create<TContext>(string provider, string connectionString) where TContext : TribuDbContext
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider,
            ["Database:ConnectionString"] = connectionString,
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddTribuData(configuration, Path.GetTempPath());
        services.AddAccountsFeature();
        // The provider is left undisposed on purpose: the tool owns the context for the length of one command.
        return services.BuildServiceProvider().CreateScope().ServiceProvider.GetRequiredService<TContext>();
    }
}
