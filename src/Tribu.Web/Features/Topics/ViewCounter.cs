using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Topics;

/// <summary>
/// Topic views, counted in memory and added to the database every few seconds in one statement per topic: a page view
/// is a read, and must not queue behind writes (SQLite has one writer). Each instance adds its own views, so counts stay
/// right with several instances; at worst the last few seconds of views are lost in a crash.
/// </summary>
public sealed partial class ViewCounter(IDbContextFactory<TribuDbContext> contexts, ILogger<ViewCounter> logger) : BufferedWriter
{
    public static readonly TimeSpan FlushEvery = TimeSpan.FromSeconds(5);

    protected override TimeSpan Interval => FlushEvery;

    private readonly ConcurrentDictionary<long, int> _pending = new();

    public void Count(long topicId) => _pending.AddOrUpdate(topicId, 1, (_, n) => n + 1);

    /// <summary>Adds the views counted so far to their topics.</summary>
    public override async Task FlushAsync(CancellationToken ct = default)
    {
        if (_pending.IsEmpty) return;
        await using var db = await contexts.CreateDbContextAsync(ct);
        foreach (var topicId in _pending.Keys)
        {
            if (!_pending.TryRemove(topicId, out var views) || views == 0) continue;
            try
            {
                await db.Topics.Where(t => t.Id == topicId).ExecuteUpdateAsync(s => s.SetProperty(t => t.ViewCount, t => t.ViewCount + views), ct);
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                // Put them back for the next round rather than lose them.
                _pending.AddOrUpdate(topicId, views, (_, n) => n + views);
                LogFlushFailed(logger, ex);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Topic views could not be saved; they are kept for the next attempt.")]
    private static partial void LogFlushFailed(ILogger logger, Exception ex);

    /// <summary>Sent by the topic page's script when it fetches its posts again after a change.</summary>
    public const string LiveHeader = "X-Tribu-Live";
}
