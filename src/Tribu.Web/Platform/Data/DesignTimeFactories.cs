using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Tribu.Web.Platform.Data;

// Used only by `dotnet ef migrations add`: each provider's migrations are generated from its own context.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteTribuDbContext>
{
    public SqliteTribuDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteTribuDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresTribuDbContext>
{
    public PostgresTribuDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresTribuDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
