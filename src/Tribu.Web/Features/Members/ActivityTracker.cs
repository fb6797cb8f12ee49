using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Members;

/// <summary>
/// What signed-in members do that trust levels count but no other table records: the days they come by and how far
/// they read each topic. Gathered in memory and written every few seconds (like <see cref="Topics.ViewCounter"/>): a
/// page view is a read and must not queue behind writes. Writes are idempotent (a day is a key, a read keeps the
/// highest post number), so several instances and retries never count twice.
/// </summary>
public sealed partial class ActivityTracker(IDbContextFactory<TribuDbContext> contexts, TimeProvider clock, ILogger<ActivityTracker> logger) : BufferedWriter
{
    public static readonly TimeSpan FlushEvery = TimeSpan.FromSeconds(10);

    protected override TimeSpan Interval => FlushEvery;

    private readonly ConcurrentDictionary<(Guid Member, DateOnly Day), byte> _visits = new();
    // Days already written by this instance: a member's every request must not become a lookup.
    private readonly ConcurrentDictionary<(Guid Member, DateOnly Day), byte> _written = new();
    private readonly ConcurrentDictionary<(Guid Member, long Topic), (int Highest, DateTime At)> _reads = new();

    public void Visited(Guid memberId)
    {
        var key = (memberId, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        if (!_written.ContainsKey(key)) _visits.TryAdd(key, 0);
    }

    /// <summary>The member had posts up to <paramref name="highestNumber"/> of a topic on screen.</summary>
    public void Read(Guid memberId, long topicId, int highestNumber)
    {
        if (highestNumber <= 0) return;
        var now = clock.GetUtcNow().UtcDateTime;
        _reads.AddOrUpdate((memberId, topicId), (highestNumber, now), (_, seen) => (Math.Max(seen.Highest, highestNumber), now));
        Visited(memberId);
    }

    public override async Task FlushAsync(CancellationToken ct = default)
    {
        var visits = Take(_visits).Select(v => v.Key).ToList();
        var reads = Take(_reads);
        if (visits.Count == 0 && reads.Count == 0) return;
        try
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            await WriteVisitsAsync(db, visits, ct);
            await WriteReadsAsync(db, reads, ct);
            foreach (var v in visits) _written.TryAdd(v, 0);
            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            foreach (var old in _written.Keys.Where(k => k.Day < today)) _written.TryRemove(old, out _);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            // Kept for the next round rather than lost.
            foreach (var v in visits) _visits.TryAdd(v, 0);
            foreach (var (key, seen) in reads) _reads.AddOrUpdate(key, seen, (_, now) => (Math.Max(now.Highest, seen.Highest), now.At > seen.At ? now.At : seen.At));
            LogFlushFailed(logger, ex);
        }
    }

    private static List<KeyValuePair<TKey, TValue>> Take<TKey, TValue>(ConcurrentDictionary<TKey, TValue> pending) where TKey : notnull
    {
        var taken = new List<KeyValuePair<TKey, TValue>>();
        foreach (var key in pending.Keys)
        {
            if (pending.TryRemove(key, out var value)) taken.Add(new(key, value));
        }
        return taken;
    }

    private async Task WriteVisitsAsync(TribuDbContext db, List<(Guid Member, DateOnly Day)> visits, CancellationToken ct)
    {
        foreach (var day in visits.GroupBy(v => v.Day))
        {
            foreach (var chunk in day.Select(v => v.Member).Chunk(500))
            {
                // Another instance may write the same day at the same moment: read what is there, add the rest, and
                // on a collision read again once.
                for (var attempt = 0; ; attempt++)
                {
                    var known = await db.MemberVisits.Where(v => v.Day == day.Key && chunk.Contains(v.MemberId)).Select(v => v.MemberId).ToListAsync(ct);
                    var live = await db.Users.Where(u => chunk.Contains(u.Id) && u.ErasedAt == null).Select(u => u.Id).ToListAsync(ct);
                    db.MemberVisits.AddRange(live.Except(known).Select(id => new MemberVisit { MemberId = id, Day = day.Key }));
                    try
                    {
                        await db.SaveChangesAsync(ct);
                        break;
                    }
                    catch (DbUpdateException) when (attempt == 0)
                    {
                        db.ChangeTracker.Clear();
                    }
                }
            }
            var now = clock.GetUtcNow().UtcDateTime;
            var ids = day.Select(v => v.Member).ToList();
            await db.Users.Where(u => ids.Contains(u.Id) && u.ErasedAt == null).ExecuteUpdateAsync(s => s.SetProperty(u => u.LastSeenAt, now), ct);
        }
    }

    private static async Task WriteReadsAsync(TribuDbContext db, List<KeyValuePair<(Guid Member, long Topic), (int Highest, DateTime At)>> reads, CancellationToken ct)
    {
        foreach (var chunk in reads.Chunk(200))
        {
            for (var attempt = 0; ; attempt++)
            {
                var members = chunk.Select(r => r.Key.Member).Distinct().ToList();
                var topics = chunk.Select(r => r.Key.Topic).Distinct().ToList();
                var existing = await db.TopicReads.Where(r => members.Contains(r.MemberId) && topics.Contains(r.TopicId)).ToDictionaryAsync(r => (r.MemberId, r.TopicId), ct);
                var liveTopics = await db.Topics.Where(t => topics.Contains(t.Id)).Select(t => t.Id).ToListAsync(ct);
                foreach (var ((member, topic), (highest, at)) in chunk)
                {
                    if (existing.TryGetValue((member, topic), out var read))
                    {
                        read.HighestNumber = Math.Max(read.HighestNumber, highest);
                        if (at > read.LastReadAt) read.LastReadAt = at;
                    }
                    else if (liveTopics.Contains(topic))
                    {
                        db.TopicReads.Add(new TopicRead { MemberId = member, TopicId = topic, HighestNumber = highest, FirstReadAt = at, LastReadAt = at });
                    }
                }
                try
                {
                    await db.SaveChangesAsync(ct);
                    db.ChangeTracker.Clear();
                    break;
                }
                catch (DbUpdateException) when (attempt == 0)
                {
                    db.ChangeTracker.Clear();
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Member activity could not be saved; it is kept for the next attempt.")]
    private static partial void LogFlushFailed(ILogger logger, Exception ex);
}
