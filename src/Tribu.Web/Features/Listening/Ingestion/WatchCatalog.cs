using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Listening.Analysis;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Listening.Ingestion;

/// <summary>An active listening query, parsed once, with its filters as sets.</summary>
public sealed class CompiledWatch
{
    private readonly HashSet<string> _languages;
    private readonly HashSet<int> _sources;

    public CompiledWatch(Watch watch, ListeningQuery query, ListeningQuery? keywords)
    {
        Id = watch.Id;
        Name = watch.Name;
        Kind = watch.Kind;
        Query = query;
        Keywords = keywords;
        _languages = [.. watch.LanguageList];
        _sources = [.. watch.SourceIdList];
    }

    public int Id { get; }
    public string Name { get; }
    public WatchKind Kind { get; }
    public ListeningQuery Query { get; }
    /// <summary>The alert keywords, when set.</summary>
    public ListeningQuery? Keywords { get; }

    /// <summary>Whether a mention of this source and language, with these words, belongs to the query.</summary>
    public bool Matches(int sourceId, string language, MentionWords words) =>
        (_sources.Count == 0 || _sources.Contains(sourceId))
        && (_languages.Count == 0 || _languages.Contains(language))
        && Query.Matches(words);

    /// <summary>Compiles a stored query; null when its text no longer parses (it was checked on save, so only after a grammar change).</summary>
    public static CompiledWatch? From(Watch watch)
    {
        var query = ListeningQuery.Parse(watch.Query).Query;
        if (query is null) return null;
        var keywords = string.IsNullOrWhiteSpace(watch.AlertKeywords) ? null : ListeningQuery.Parse(watch.AlertKeywords).Query;
        return new CompiledWatch(watch, query, keywords);
    }
}

/// <summary>
/// The active listening queries, compiled, shared by every ingestion on the instance. Reloaded when a query changes
/// here or on another instance (the <see cref="LiveChannels.ListeningQueries"/> signal) and at least every minute.
/// </summary>
public sealed class WatchCatalog(TimeProvider clock) : ILiveObserver
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);
    private volatile Snapshot? _snapshot;
    private int _version;

    private sealed record Snapshot(IReadOnlyList<CompiledWatch> Watches, DateTimeOffset LoadedAt, int Version);

    public async ValueTask<IReadOnlyList<CompiledWatch>> GetAsync(TribuDbContext db, CancellationToken ct)
    {
        var current = _snapshot;
        var version = Volatile.Read(ref _version);
        if (current is not null && current.Version == version && clock.GetUtcNow() - current.LoadedAt < MaxAge) return current.Watches;
        var watches = await db.Watches.AsNoTracking().Where(w => w.IsActive).OrderBy(w => w.Id).ToListAsync(ct);
        var compiled = watches.Select(CompiledWatch.From).OfType<CompiledWatch>().ToList();
        _snapshot = new Snapshot(compiled, clock.GetUtcNow(), version);
        return compiled;
    }

    /// <summary>Drops the compiled queries: the next ingestion reads them again.</summary>
    public void Invalidate() => Interlocked.Increment(ref _version);

    public ValueTask SignalledAsync(string channel, CancellationToken ct)
    {
        if (channel == LiveChannels.ListeningQueries) Invalidate();
        return ValueTask.CompletedTask;
    }
}
