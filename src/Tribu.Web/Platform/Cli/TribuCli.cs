using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Admin;
using Tribu.Web.Features.Admin.Demo;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Platform.Cli;

/// <summary>
/// Operator verbs in the same executable: <c>migrate</c>, <c>create-admin</c>, <c>seed-demo</c>, <c>backup</c>, <c>search-check</c>.
/// Each builds the app's services with the same configuration as the server, without starting it.
/// </summary>
public static class TribuCli
{
    private static readonly string[] Verbs = ["migrate", "create-admin", "seed-demo", "backup", "search-check", "--help", "-h", "-?", "--version"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Verbs.Contains(args[0]);

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Tribu: the brand community and the community manager's cockpit. Without a verb, runs the web app.");

        var migrate = new Command("migrate", "Apply pending database migrations, then exit.");
        migrate.SetAction(async (parse, ct) => await WithServicesAsync(parse, async (sp, token) =>
        {
            var applied = await sp.GetRequiredService<DatabaseMaintenance>().MigrateAsync(token);
            await Console.Out.WriteLineAsync(applied.Count == 0 ? "The database is up to date." : $"Applied {applied.Count} migration(s): {string.Join(", ", applied)}");
            return 0;
        }, ct));

        var email = new Option<string>("--email") { Description = "The administrator's e-mail address.", Required = true };
        var password = new Option<string?>("--password") { Description = "Leave out to generate a strong one (printed once)." };
        var name = new Option<string>("--name") { Description = "Display name.", DefaultValueFactory = _ => "Admin" };
        var createAdmin = new Command("create-admin", "Create an administrator, or reset an existing account's password and make it an administrator.") { email, password, name };
        createAdmin.SetAction(async (parse, ct) => await WithServicesAsync(parse, async (sp, token) =>
        {
            await sp.GetRequiredService<DatabaseMaintenance>().MigrateAsync(token);
            await TribuStartup.EnsureRolesAsync(sp.GetRequiredService<Microsoft.AspNetCore.Identity.RoleManager<Microsoft.AspNetCore.Identity.IdentityRole<Guid>>>());
            var created = await sp.GetRequiredService<AdminAccounts>().CreateAsync(parse.GetValue(email)!, parse.GetValue(password), parse.GetValue(name)!, token);
            await Console.Out.WriteLineAsync(parse.GetValue(password) is null
                ? $"Administrator {created.Email} ready. Password (shown once): {created.Password}"
                : $"Administrator {created.Email} ready.");
            return 0;
        }, ct));

        var seedDemo = new Command("seed-demo", "Seed the demo community (only into a community without spaces).");
        seedDemo.SetAction(async (parse, ct) => await WithServicesAsync(parse, async (sp, token) =>
        {
            await sp.GetRequiredService<DatabaseMaintenance>().MigrateAsync(token);
            await TribuStartup.EnsureRolesAsync(sp.GetRequiredService<Microsoft.AspNetCore.Identity.RoleManager<Microsoft.AspNetCore.Identity.IdentityRole<Guid>>>());
            if (await sp.GetRequiredService<TribuDbContext>().Spaces.AnyAsync(token))
            {
                await Console.Error.WriteLineAsync("This community already has spaces: the demo is only seeded into an empty one.");
                return 2;
            }
            var seeded = await sp.GetRequiredService<DemoSeeder>().SeedAsync(token);
            await Console.Out.WriteLineAsync($"Demo community seeded: {seeded.Members} members, {seeded.Spaces} spaces, {seeded.Topics} topics, {seeded.Posts} posts.");
            return 0;
        }, ct));

        var output = new Option<string>("--output") { Description = "Destination file (SQLite). Defaults to data/backups/tribu-<timestamp>.db." };
        var backup = new Command("backup", "Online backup of the SQLite database; for PostgreSQL, prints the pg_dump command to use.") { output };
        backup.SetAction(async (parse, ct) => await WithServicesAsync(parse, async (sp, token) =>
        {
            var options = sp.GetRequiredService<DatabaseOptions>();
            if (options.Provider == DatabaseProvider.Postgres)
            {
                await Console.Out.WriteLineAsync("PostgreSQL: back up with the database's own tool, for example:");
                await Console.Out.WriteLineAsync("  pg_dump --format=custom --file=tribu-$(date +%Y%m%d-%H%M).dump \"$DATABASE_URL\"");
                await Console.Out.WriteLineAsync("and restore with: pg_restore --clean --if-exists --dbname=\"$DATABASE_URL\" tribu-YYYYMMDD-HHMM.dump");
                return 0;
            }
            var clock = sp.GetRequiredService<TimeProvider>();
            var destination = parse.GetValue(output)
                ?? Path.Combine(sp.GetRequiredService<TribuPaths>().Data, "backups", $"tribu-{clock.GetUtcNow():yyyyMMdd-HHmmss}.db");
            var file = await sp.GetRequiredService<DatabaseMaintenance>().BackupSqliteAsync(destination, token);
            await Console.Out.WriteLineAsync($"Backup written to {file}");
            return 0;
        }, ct));

        // A start checks only the posts above the search watermark unless the index needs more (SearchBackfill.CatchUpAsync).
        var searchCheck = new Command("search-check", "Check every post against the search index (index what it lacks, drop deleted posts), then exit.");
        searchCheck.SetAction(async (parse, ct) => await WithServicesAsync(parse, async (sp, token) =>
        {
            await sp.GetRequiredService<DatabaseMaintenance>().MigrateAsync(token);
            var changed = await sp.GetRequiredService<Features.Search.SearchBackfill>().RunAsync(token);
            await Console.Out.WriteLineAsync($"Search index checked: {changed} post(s) indexed again or removed.");
            return 0;
        }, ct));

        foreach (var command in new Command[] { root, migrate, createAdmin, seedDemo, backup, searchCheck })
        {
            // Configuration overrides such as --Database:Provider=Postgres pass through to the host builder.
            command.TreatUnmatchedTokensAsErrors = false;
        }
        root.Subcommands.Add(migrate);
        root.Subcommands.Add(createAdmin);
        root.Subcommands.Add(seedDemo);
        root.Subcommands.Add(backup);
        root.Subcommands.Add(searchCheck);
        return await root.Parse(args).InvokeAsync();
    }

    private static async Task<int> WithServicesAsync(ParseResult parse, Func<IServiceProvider, CancellationToken, Task<int>> action, CancellationToken ct)
    {
        try
        {
            // The same configuration sources as the server (appsettings, environment, command line).
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. parse.UnmatchedTokens] });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.AddTribu();
            await using var app = builder.Build();
            await using var scope = app.Services.CreateAsyncScope();
            return await action(scope.ServiceProvider, ct);
        }
        catch (Exception ex) when (StartupFailure.IsReportable(ex))
        {
            StartupFailure.Report(ex);
            return 1;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 1;
        }
    }
}
