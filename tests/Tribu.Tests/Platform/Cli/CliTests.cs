using Microsoft.Data.Sqlite;
using Tribu.Tests.Infrastructure;

namespace Tribu.Tests.Platform.Cli;

/// <summary>The operator's verbs and start-up failures, through the real executable.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tribu-cli", Guid.NewGuid().ToString("N"));

    private string Data => $"--Storage:DataPath={_dir}/data";

    [Fact]
    public async Task Help_ListsTheVerbs()
    {
        var help = await TribuProcess.RunAsync(_dir, "--help");
        help.ExitCode.ShouldBe(0);
        foreach (var verb in new[] { "migrate", "create-admin", "seed-demo", "backup", "search-check" })
        {
            help.Output.ShouldContain(verb);
        }
    }

    [Fact]
    public async Task MigrateCreateAdminSeedSearchCheckAndBackup_WorkOnAFreshSqliteDatabase()
    {
        var migrate = await TribuProcess.RunAsync(_dir, "migrate", Data);
        migrate.ExitCode.ShouldBe(0, migrate.Output);
        migrate.Output.ShouldMatch(@"Applied \d+ migration\(s\): \S*_Initial, \S*_QuartzStore");
        (await TribuProcess.RunAsync(_dir, "migrate", Data)).Output.ShouldContain("The database is up to date.");

        var admin = await TribuProcess.RunAsync(_dir, "create-admin", "--email", "ops@example.com", Data);
        admin.ExitCode.ShouldBe(0, admin.Output);
        admin.Output.ShouldMatch(@"Administrator ops@example.com ready\. Password \(shown once\): \S{20}");

        var seed = await TribuProcess.RunAsync(_dir, "seed-demo", Data);
        seed.ExitCode.ShouldBe(0, seed.Output);
        seed.Output.ShouldContain("Demo community seeded: 50 members, 5 spaces");
        (await TribuProcess.RunAsync(_dir, "seed-demo", Data)).ExitCode.ShouldBe(2);

        // Every post checked against the search index, and the watermark written (the next start checks new posts only).
        var check = await TribuProcess.RunAsync(_dir, "search-check", Data);
        check.ExitCode.ShouldBe(0, check.Output);
        check.Output.ShouldMatch(@"Search index checked: \d+ post\(s\) indexed again or removed\.");

        var backupFile = Path.Combine(_dir, "copy.db");
        var backup = await TribuProcess.RunAsync(_dir, "backup", "--output", backupFile, Data);
        backup.ExitCode.ShouldBe(0, backup.Output);
        await using var copy = new SqliteConnection($"Data Source={backupFile};Mode=ReadOnly;Pooling=False");
        await copy.OpenAsync(TestContext.Current.CancellationToken);
        await using var count = copy.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM Topics";
        Convert.ToInt32(await count.ExecuteScalarAsync(TestContext.Current.CancellationToken)).ShouldBeGreaterThan(50);
        count.CommandText = "SELECT Version FROM SearchWatermarks";
        Convert.ToInt32(await count.ExecuteScalarAsync(TestContext.Current.CancellationToken)).ShouldBe(Tribu.Web.Features.Search.SearchDocument.CurrentVersion);
        // A second backup never overwrites the first.
        (await TribuProcess.RunAsync(_dir, "backup", "--output", backupFile, Data)).ExitCode.ShouldBe(1);
    }

    [Fact]
    public async Task Start_PostgresWithoutConnectionString_ExitsNamingTheSetting()
    {
        var run = await TribuProcess.RunAsync(_dir, "--Database:Provider=Postgres", Data);
        run.ExitCode.ShouldNotBe(0);
        run.Output.ShouldContain("Tribu cannot start");
        run.Output.ShouldContain("Database:ConnectionString is required");
    }

    [Fact]
    public async Task Start_UnknownProvider_ExitsNamingTheSetting()
    {
        var run = await TribuProcess.RunAsync(_dir, "--Database:Provider=Oracle", Data);
        run.ExitCode.ShouldNotBe(0);
        run.Output.ShouldContain("Database:Provider");
    }

    [Fact]
    public async Task Start_UnreachableDatabase_ExitsWithOneClearLineAndNoPassword()
    {
        var run = await TribuProcess.RunAsync(_dir, "--Database:Provider=Postgres",
            "--Database:ConnectionString=Host=127.0.0.1;Port=9;Username=tribu;Password=Sup3rS3cretPw;Timeout=3", Data);
        run.ExitCode.ShouldNotBe(0);
        run.Output.ShouldContain("Check Database:Provider and Database:ConnectionString");
        run.Output.ShouldNotContain("Sup3rS3cretPw");
        run.Output.Split('\n').Count(l => l.Contains("Tribu cannot start", StringComparison.Ordinal)).ShouldBe(1);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
