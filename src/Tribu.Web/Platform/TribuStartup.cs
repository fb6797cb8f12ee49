using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Admin;
using Tribu.Web.Features.Admin.Demo;
using Tribu.Web.Features.Members;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Platform;

/// <summary>Bound to the <c>Admin</c> section: the first administrator, created on the first run.</summary>
public sealed class FirstAdminOptions
{
    public string Email { get; set; } = "admin@tribu.local";
    /// <summary>Leave empty to have a strong password generated and printed once.</summary>
    public string? Password { get; set; }
}

/// <summary>
/// Brings the database up to date and prepares a first run, before the scheduler and the server start.
/// A hosted service (not code after Build) so that tests hosting the app go through it too.
/// </summary>
internal sealed class TribuStartup(
    IServiceProvider services, IHostApplicationLifetime lifetime, IServer server, IConfiguration configuration,
    DatabaseOptions database, ILogger<TribuStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        if (database.MigrateOnStartup)
        {
            await sp.GetRequiredService<DatabaseMaintenance>().MigrateAsync(cancellationToken);
        }
        await EnsureRolesAsync(sp.GetRequiredService<RoleManager<IdentityRole<Guid>>>());

        var db = sp.GetRequiredService<TribuDbContext>();
        if (!await db.SiteSettings.AnyAsync(cancellationToken))
        {
            db.SiteSettings.Add(new SiteSettings { UpdatedAt = sp.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync(cancellationToken);
        }

        var admins = sp.GetRequiredService<AdminAccounts>();
        string? announcement = null;
        if (!await admins.AnyAdminAsync(cancellationToken))
        {
            var first = configuration.GetSection("Admin").Get<FirstAdminOptions>() ?? new FirstAdminOptions();
            var created = await admins.CreateAsync(first.Email, first.Password, "Admin", cancellationToken);
            announcement = first.Password is null
                ? $"  Admin log-in: {created.Email}  /  password: {created.Password}  (shown once: write it down)"
                : $"  Admin log-in: {created.Email}  (password from configuration)";
        }
        if (configuration.GetValue("Demo:SeedOnFirstRun", true) && !await db.Spaces.AnyAsync(cancellationToken))
        {
            var seeded = await sp.GetRequiredService<DemoSeeder>().SeedAsync(cancellationToken);
            logger.LogInformation("Demo community seeded: {Members} members, {Topics} topics, {Posts} posts", seeded.Members, seeded.Topics, seeded.Posts);
        }

        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var url = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? addresses.FirstOrDefault();
            if (url is null)
            {
                return;
            }
            // Straight to the console, not through logging: the first-run password must never reach log storage.
            Console.Out.WriteLine();
            Console.Out.WriteLine($"  Tribu is ready at {url.Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)}");
            if (announcement is not null)
            {
                Console.Out.WriteLine(announcement);
            }
            Console.Out.WriteLine();
            Console.Out.Flush();
        });
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal static async Task EnsureRolesAsync(RoleManager<IdentityRole<Guid>> roles)
    {
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole<Guid>(role));
            }
        }
    }
}
