using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Web.Platform.Data;

namespace Tribu.Tests.Platform.Data;

/// <summary>Each provider's migrations set must describe exactly the model the app runs with.</summary>
public sealed class MigrationsTests
{
    public static TheoryData<string> Providers => new() { "Sqlite", "Postgres" };

    [Theory]
    [MemberData(nameof(Providers))]
    public void Model_MatchesItsProvidersMigrations(string provider)
    {
        // The context as the app builds it (same DI, same Identity options), without connecting anywhere.
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider,
            ["Database:ConnectionString"] = provider == "Postgres" ? "Host=127.0.0.1;Database=unused" : "Data Source=:memory:",
        }).Build();
        services.AddLogging();
        services.AddTribuData(configuration, Path.GetTempPath());
        Tribu.Web.Features.Accounts.AccountsFeature.AddAccountsFeature(services);
        using var provided = services.BuildServiceProvider();
        using var scope = provided.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TribuDbContext>();

        var migrations = db.GetService<IMigrationsAssembly>();
        migrations.ModelSnapshot.ShouldNotBeNull($"{provider} has no migrations");
        var snapshot = db.GetService<IModelRuntimeInitializer>().Initialize(((IMutableModel)migrations.ModelSnapshot!.Model).FinalizeModel());
        var differences = db.GetService<IMigrationsModelDiffer>().GetDifferences(
            snapshot.GetRelationalModel(), db.GetService<IDesignTimeModel>().Model.GetRelationalModel());

        differences.ShouldBeEmpty(
            $"the {provider} model has changes no migration covers: " + string.Join("; ", differences.Select(d => d.GetType().Name + " " + Describe(d))) +
            $". Add one with: dotnet ef migrations add <Name> --context {provider}TribuDbContext --output-dir Platform/Data/Migrations/{provider}");
        db.Database.HasPendingModelChanges().ShouldBeFalse();
    }

    private static string Describe(MigrationOperation operation) => operation switch
    {
        ColumnOperation c => $"{c.Table}.{c.Name}",
        TableOperation t => t.Name,
        CreateIndexOperation i => $"{i.Table}.{i.Name}",
        _ => operation.ToString() ?? "",
    };
}
