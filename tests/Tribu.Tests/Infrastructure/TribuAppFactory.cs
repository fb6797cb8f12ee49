using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tribu.Web.Platform.Data;

namespace Tribu.Tests.Infrastructure;

public enum TestDatabase
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Tribu hosted in memory on its own SQLite file or its own PostgreSQL database, with its own data
/// folder (mail sink included) and a known administrator. Settings can be overridden per test class.
/// </summary>
public class TribuAppFactory(TestDatabase database = TestDatabase.Sqlite, IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminEmail = "admin@tribu.test";
    public const string AdminPassword = "correct horse battery staple";

    private PostgresDatabase? _postgres;

    public TestDatabase Database { get; } = database;
    public string DataPath { get; } = Path.Combine(Path.GetTempPath(), "tribu-tests", Guid.NewGuid().ToString("N"));
    public string MailPath => Path.Combine(DataPath, "mail");
    public ConcurrentQueue<string> Logs { get; } = new();
    public MailSink Mail => new(MailPath);

    public virtual async ValueTask InitializeAsync()
    {
        // A given connection string (a second instance on the same database) is used as it is.
        if (Database == TestDatabase.Postgres && settings?.ContainsKey("Database:ConnectionString") != true)
        {
            if (string.IsNullOrEmpty(TestEnvironment.PostgresAdmin))
            {
                // The tests skip (or fail, under TRIBU_TEST_REQUIRE_ALL) when they start: see TribuTestBase.
                return;
            }
            _postgres = await PostgresDatabase.CreateAsync();
        }
        // Starting the host runs migrations and the first-run set-up.
        _ = Services;
    }

    protected virtual void ConfigureSettings(IDictionary<string, string?> values) { }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var values = new Dictionary<string, string?>
        {
            ["Storage:DataPath"] = DataPath,
            ["Database:Provider"] = Database.ToString(),
            ["Database:ConnectionString"] = _postgres?.ConnectionString ?? "",
            ["Admin:Email"] = AdminEmail,
            ["Admin:Password"] = AdminPassword,
            ["Demo:SeedOnFirstRun"] = "false",
            ["RateLimits:LogInPerMinute"] = "1000",
            ["RateLimits:SignUpPerHour"] = "1000",
            ["RateLimits:PasswordResetPerHour"] = "1000",
            ["Urls"] = "",
            // The tests' webhook receivers and fake helpdesks listen on loopback (refused by default: WebhookGuardTests).
            ["Webhooks:AllowPrivateNetworks"] = "true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }
        ConfigureSettings(values);
        // Host settings: visible to Program's registrations, which read them while building.
        foreach (var (key, value) in values)
        {
            builder.UseSetting(key, value);
        }
        builder.UseEnvironment("Testing");
        builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(Logs)));
    }

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Runs <paramref name="work"/> with a fresh scope's services (a DbContext, a UserManager...).</summary>
    public async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    public Task<T> WithDbAsync<T>(Func<TribuDbContext, Task<T>> work) =>
        WithScopeAsync(sp => work(sp.GetRequiredService<TribuDbContext>()));

    /// <summary>Where clients send requests; the in-memory server unless a real port is in use.</summary>
    protected virtual Uri ClientBaseAddress => new("http://localhost");

    public TribuClient CreateTribuClient(string? acceptLanguage = "en") =>
        new(CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = ClientBaseAddress }), acceptLanguage);

    public override async ValueTask DisposeAsync()
    {
        // Server-side errors of this app, kept for whoever reads a failed run (test.sh prints where).
        var errors = Logs.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)).ToList();
        if (errors.Count > 0)
        {
            var folder = Path.Combine(Path.GetTempPath(), "tribu-test-errors");
            Directory.CreateDirectory(folder);
            await File.WriteAllLinesAsync(Path.Combine(folder, $"{GetType().Name}-{Database}-{Guid.NewGuid():N}.log"), errors);
        }
        await base.DisposeAsync();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a finishing job: the temp folder is cleaned by the OS.
        }
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteAppFactory() : TribuAppFactory(TestDatabase.Sqlite);

/// <summary>Every HTTP test class derives from this: a PostgreSQL run skips cleanly where there is no server.</summary>
public abstract class TribuTestBase<TFactory> where TFactory : TribuAppFactory
{
    protected TribuTestBase(TFactory app)
    {
        if (app.Database == TestDatabase.Postgres)
        {
            TestEnvironment.RequirePostgres();
        }
        App = app;
    }

    protected TFactory App { get; }
}

public sealed class PostgresAppFactory() : TribuAppFactory(TestDatabase.Postgres);

/// <summary>Keeps every log line, formatted, with its exception: what the "no secrets in logs" tests read.</summary>
internal sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {state} {exception}");
    }
}
