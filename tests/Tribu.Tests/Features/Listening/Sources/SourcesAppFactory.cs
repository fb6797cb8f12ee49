using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Listening;
using Tribu.Web.Features.Listening.Sources;

namespace Tribu.Tests.Features.Listening.Sources;

/// <summary>Tribu with listening sources allowed on loopback (the fake servers) and short limits, so faults show quickly.</summary>
public static class SourcesSettings
{
    public static readonly IReadOnlyDictionary<string, string?> Values = new Dictionary<string, string?>
    {
        // Jobs are driven by hand here: the poll job firing on its own would race the tests for the same pages.
        ["Jobs:Enabled"] = "false",
        ["Listening:Http:AllowPrivateNetworks"] = "true",
        ["Listening:Http:Timeout"] = "00:00:08",
        ["Listening:Http:IdleTimeout"] = "00:00:01",
        ["Listening:Http:MaxResponseBytes"] = "2000000",
    };
}

public sealed class SourcesSqliteAppFactory() : TribuAppFactory(TestDatabase.Sqlite, SourcesSettings.Values);

public sealed class SourcesPostgresAppFactory() : TribuAppFactory(TestDatabase.Postgres, SourcesSettings.Values);

internal static class SourceTestData
{
    public static Task<int> CreateAsync(TribuAppFactory app, SourceKind kind, string? url, SourceSettings? settings = null, string? name = null) =>
        app.WithDbAsync(async db =>
        {
            var source = new ListeningSource
            {
                Kind = kind, Name = name ?? $"{kind} {Guid.NewGuid():N}"[..30], Url = url, Settings = settings?.ToJson(),
                CreatedAt = TimeProvider.System.GetUtcNow().UtcDateTime,
            };
            db.ListeningSources.Add(source);
            await db.SaveChangesAsync();
            return source.Id;
        });

    public static Task<ListeningSource> GetAsync(TribuAppFactory app, int id) =>
        app.WithDbAsync(db => db.ListeningSources.AsNoTracking().FirstAsync(s => s.Id == id));

    public static Task<List<string>> IdsAsync(TribuAppFactory app, int sourceId) =>
        app.WithDbAsync(db => db.Mentions.Where(m => m.SourceId == sourceId).Select(m => m.ExternalId).ToListAsync());

    public static Task<PollOutcome> PollAsync(TribuAppFactory app, int sourceId, CancellationToken ct = default) =>
        app.WithScopeAsync(sp => sp.GetRequiredService<SourcePoller>().PollAsync(sourceId, ct));
}
