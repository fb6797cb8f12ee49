using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Listening.Analysis;
using Tribu.Web.Features.Listening.Ingestion;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Listening.Alerts;

/// <summary>
/// Decides when a listening query raises an alert, one per episode (design and numbers: docs/listening-alerts.md).
/// <list type="bullet">
/// <item>Keyword: a new mention matches the query's alert keywords. Big author: its author has at least the query's
/// follower threshold. Both only for mentions published in the last 24 hours (a backfill of old posts raises nothing).</item>
/// <item>Volume spike: the last hour's mentions reach the query's minimum and its factor times the usual hourly volume,
/// the higher of the rolling mean of the 24 hours before and the mean of the same hour in the previous four weeks.</item>
/// <item>Negative surge (the bad-buzz early warning): the last hour's negative mentions reach the minimum, their share
/// reaches the query's percentage and at least 1.5 times the usual share of those same baseline windows.</item>
/// </list>
/// While an alert of a kind is open or acknowledged for the query, what would raise another is counted on it instead;
/// the episode ends when someone resolves it or when it has been quiet (no hit for 24 hours, or the volume condition
/// false for 2 hours). A spike is not raised while a negative surge is open for the query: the bad buzz is told once.
/// Two instances cannot open two alerts of the same episode: a unique index allows one unresolved alert per query and kind.
/// </summary>
public sealed partial class AlertEvaluator(TribuDbContext db, WatchCatalog catalog, AlertDelivery delivery, TimeProvider clock, ILogger<AlertEvaluator> logger)
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);
    public static readonly TimeSpan VolumeQuiet = TimeSpan.FromHours(2);
    public static readonly TimeSpan HitQuiet = TimeSpan.FromHours(24);
    /// <summary>A query younger than this (and without older matches) has no usual volume yet: no spike or surge.</summary>
    public static readonly TimeSpan MinimumHistory = TimeSpan.FromHours(24);
    public const int BaselineWeeks = 4;
    public const double SurgeOverUsual = 1.5;

    public static TimeSpan QuietPeriod(AlertKind kind) => kind is AlertKind.VolumeSpike or AlertKind.NegativeSurge ? VolumeQuiet : HitQuiet;

    private bool _changed;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>After a batch of new mentions: hits of each query that matched some, and its volume when they are recent.</summary>
    public async Task MentionsAddedAsync(IReadOnlyList<IngestedMention> mentions, CancellationToken ct = default)
    {
        var byWatch = mentions.SelectMany(m => m.WatchIds.Select(w => (WatchId: w, Mention: m)))
            .GroupBy(x => x.WatchId, x => x.Mention).ToDictionary(g => g.Key, g => g.ToList());
        if (byWatch.Count == 0) return;
        var ids = byWatch.Keys.ToList();
        var watches = await db.Watches.AsNoTracking().Where(w => ids.Contains(w.Id) && w.IsActive).OrderBy(w => w.Id).ToListAsync(ct);
        var compiled = (await catalog.GetAsync(db, ct)).ToDictionary(c => c.Id);
        var now = Now;
        foreach (var watch in watches)
        {
            var batch = byWatch[watch.Id];
            var recent = batch.Where(m => m.PublishedAt > now - HitQuiet).ToList();
            if (recent.Count > 0 && compiled.GetValueOrDefault(watch.Id)?.Keywords is { } keywords)
            {
                var hits = recent.Where(m => keywords.Matches(m.Words)).ToList();
                if (hits.Count > 0)
                {
                    await RecordHitsAsync(watch, AlertKind.Keyword, hits.Count, hits[0].Id, AlertExplanation.Keyword, AlertExplanation.Args(watch.AlertKeywords!.Trim()), now, ct);
                }
            }
            if (recent.Count > 0 && watch.BigAuthorFollowers is { } threshold)
            {
                var hits = recent.Where(m => m.AuthorFollowers >= threshold).OrderByDescending(m => m.AuthorFollowers).ToList();
                if (hits.Count > 0)
                {
                    var top = hits[0];
                    await RecordHitsAsync(watch, AlertKind.BigAuthor, hits.Count, top.Id, AlertExplanation.BigAuthor, AlertExplanation.Args(top.AuthorHandle ?? "?", top.AuthorFollowers!.Value), now, ct);
                }
            }
        }
        var volume = watches.Where(w => (w.AlertOnSpike || w.AlertOnNegativeSurge) && byWatch[w.Id].Any(m => m.PublishedAt > now - Window)).ToList();
        await EvaluateVolumesAsync(volume, now, ct);
        await FlushAsync(ct);
    }

    /// <summary>
    /// The periodic pass: every active query's volume (so an episode can end, and a surge shows even when mentions stop
    /// arriving through this instance), then every episode quiet for its period ends. Returns the episodes ended.
    /// </summary>
    public async Task<int> EvaluateAllAsync(CancellationToken ct = default)
    {
        var now = Now;
        var watches = await db.Watches.AsNoTracking().Where(w => w.IsActive && (w.AlertOnSpike || w.AlertOnNegativeSurge)).OrderBy(w => w.Id).ToListAsync(ct);
        await EvaluateVolumesAsync(watches, now, ct);
        var ended = 0;
        foreach (var kind in Enum.GetValues<AlertKind>())
        {
            var quietSince = now - QuietPeriod(kind);
            ended += await db.ListeningAlerts.Where(a => a.Kind == kind && a.Status != AlertStatus.Resolved && a.LastSeenAt <= quietSince)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, AlertStatus.Resolved).SetProperty(a => a.ResolvedAt, now), ct);
        }
        _changed |= ended > 0;
        await FlushAsync(ct);
        return ended;
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        if (!_changed) return;
        _changed = false;
        // Opened alerts' notifications, mails and webhooks, then the live pages.
        await delivery.AfterCommitAsync(ct);
    }

    /// <summary>A keyword or big-author hit: counted on the open episode, or opening one.</summary>
    private async Task RecordHitsAsync(Watch watch, AlertKind kind, int count, long mentionId, string key, string args, DateTime now, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var open = await OpenEpisodeAsync(watch.Id, kind, now, ct);
            if (open is not null)
            {
                await db.ListeningAlerts.Where(a => a.Id == open.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.MentionCount, a => a.MentionCount + count).SetProperty(a => a.LastSeenAt, now), ct);
                _changed = true;
                return;
            }
            var alert = new ListeningAlert
            {
                WatchId = watch.Id, Kind = kind, Status = AlertStatus.Open, OpenedAt = now, LastSeenAt = now, MentionCount = count, MentionId = mentionId,
                ExplanationKey = key, ExplanationArgs = args,
            };
            if (await OpenAsync(watch, alert, ct)) return;
            // Another instance opened the episode a moment ago: count on it.
        }
    }

    /// <summary>The unresolved alert of a query and kind, after ending it if it has been quiet for its period.</summary>
    private async Task<ListeningAlert?> OpenEpisodeAsync(int watchId, AlertKind kind, DateTime now, CancellationToken ct)
    {
        var open = await db.ListeningAlerts.AsNoTracking().FirstOrDefaultAsync(a => a.WatchId == watchId && a.Kind == kind && a.Status != AlertStatus.Resolved, ct);
        if (open is null || now - open.LastSeenAt < QuietPeriod(kind)) return open;
        await EndAsync(open.Id, now, ct);
        return null;
    }

    private async Task EndAsync(long alertId, DateTime now, CancellationToken ct)
    {
        await db.ListeningAlerts.Where(a => a.Id == alertId && a.Status != AlertStatus.Resolved)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, AlertStatus.Resolved).SetProperty(a => a.ResolvedAt, now), ct);
        _changed = true;
    }

    /// <summary>Stores a new alert with its notifications, mails and webhook; false when the episode was opened elsewhere first.</summary>
    private async Task<bool> OpenAsync(Watch watch, ListeningAlert alert, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.ListeningAlerts.Add(alert);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            await transaction.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return false;
        }
        var mention = alert.MentionId is { } mentionId ? await db.Mentions.AsNoTracking().FirstOrDefaultAsync(m => m.Id == mentionId, ct) : null;
        await delivery.QueueAsync(alert, watch, mention, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        _changed = true;
        LogOpened(logger, alert.Id, alert.Kind, watch.Id);
        return true;
    }

    private readonly record struct Counts(int Total, int Negative)
    {
        public double NegativeShare => Total == 0 ? 0 : Negative / (double)Total;
    }

    /// <summary>The usual hourly volume and negative share of a query, or null when it has less than a day of history.</summary>
    private sealed record Baseline(double Hourly, double NegativeShare);

    /// <summary>Mentions of a query published in (from, to], and how many of them are negative: one range of the (query, date) index.</summary>
    private async Task<Counts> CountAsync(int watchId, DateTime from, DateTime to, CancellationToken ct)
    {
        var row = await db.MentionMatches.Where(m => m.WatchId == watchId && m.PublishedAt > from && m.PublishedAt <= to)
            .GroupBy(m => 1).Select(g => new { Total = g.Count(), Negative = g.Count(m => m.Sentiment == SentimentLabel.Negative) })
            .FirstOrDefaultAsync(ct);
        return row is null ? default : new Counts(row.Total, row.Negative);
    }

    private async Task<Baseline?> BaselineAsync(Watch watch, DateTime now, CancellationToken ct)
    {
        var firstMatch = await db.MentionMatches.Where(m => m.WatchId == watch.Id).MinAsync(m => (DateTime?)m.PublishedAt, ct);
        var start = firstMatch is { } f && f < watch.CreatedAt ? f : watch.CreatedAt;
        var hourStart = now - Window;
        if (hourStart - start < MinimumHistory) return null;
        var rolling = await CountAsync(watch.Id, hourStart - TimeSpan.FromHours(24), hourStart, ct);
        var weeks = 0;
        var weekly = default(Counts);
        for (var k = 1; k <= BaselineWeeks; k++)
        {
            var end = now - TimeSpan.FromDays(7 * k);
            if (end - Window < start) break;
            var c = await CountAsync(watch.Id, end - Window, end, ct);
            weekly = new Counts(weekly.Total + c.Total, weekly.Negative + c.Negative);
            weeks++;
        }
        var hourly = Math.Max(rolling.Total / 24.0, weeks == 0 ? 0 : weekly.Total / (double)weeks);
        var total = rolling.Total + weekly.Total;
        return new Baseline(hourly, total == 0 ? 0 : (rolling.Negative + weekly.Negative) / (double)total);
    }

    private static bool IsSpike(Watch watch, Counts last, Baseline b) =>
        watch.AlertOnSpike && last.Total >= Math.Max(1, watch.SpikeMinimum) && last.Total >= watch.SpikeFactor * b.Hourly;

    private static bool IsSurge(Watch watch, Counts last, Baseline b) =>
        watch.AlertOnNegativeSurge && last.Negative >= Math.Max(1, watch.NegativeMinimum)
        && last.Negative * 100 >= watch.NegativeSharePercent * last.Total
        && last.NegativeShare >= SurgeOverUsual * b.NegativeShare;

    /// <summary>
    /// Spike and surge of some queries at <paramref name="now"/>. Two queries for all of them (the last hour's counts, the
    /// open volume episodes); a query under its thresholds with no open episode costs nothing more, so ingestion with
    /// many active queries stays cheap.
    /// </summary>
    private async Task EvaluateVolumesAsync(List<Watch> watches, DateTime now, CancellationToken ct)
    {
        if (watches.Count == 0) return;
        var ids = watches.Select(w => w.Id).ToList();
        var hourStart = now - Window;
        var counts = await db.MentionMatches.Where(m => ids.Contains(m.WatchId) && m.PublishedAt > hourStart && m.PublishedAt <= now)
            .GroupBy(m => m.WatchId).Select(g => new { WatchId = g.Key, Total = g.Count(), Negative = g.Count(m => m.Sentiment == SentimentLabel.Negative) })
            .ToDictionaryAsync(c => c.WatchId, c => new Counts(c.Total, c.Negative), ct);
        var open = (await db.ListeningAlerts.AsNoTracking()
            .Where(a => ids.Contains(a.WatchId) && (a.Kind == AlertKind.VolumeSpike || a.Kind == AlertKind.NegativeSurge) && a.Status != AlertStatus.Resolved).ToListAsync(ct))
            .ToLookup(a => a.WatchId);
        foreach (var watch in watches)
        {
            await EvaluateVolumeAsync(watch, counts.GetValueOrDefault(watch.Id), [.. open[watch.Id]], now, ct);
        }
    }

    /// <summary>Spike and surge of one query: opens, continues or ends their episodes.</summary>
    private async Task EvaluateVolumeAsync(Watch watch, Counts last, List<ListeningAlert> open, DateTime now, CancellationToken ct)
    {
        if (open.Count == 0 && !(watch.AlertOnSpike && last.Total >= watch.SpikeMinimum) && !(watch.AlertOnNegativeSurge && last.Negative >= watch.NegativeMinimum)) return;
        var openSurge = open.FirstOrDefault(a => a.Kind == AlertKind.NegativeSurge);
        var openSpike = open.FirstOrDefault(a => a.Kind == AlertKind.VolumeSpike);
        // The baseline (six small counts) only when a threshold is within reach: normal traffic costs one count.
        var reachable = (watch.AlertOnSpike && last.Total >= watch.SpikeMinimum) || (watch.AlertOnNegativeSurge && last.Negative >= watch.NegativeMinimum);
        var baseline = reachable ? await BaselineAsync(watch, now, ct) : null;

        var surgeOpened = await VolumeEpisodeAsync(watch, AlertKind.NegativeSurge, openSurge, last, baseline, now,
            (c, b) => IsSurge(watch, c, b), (c, b) => AlertExplanation.Args(c.Negative, c.Total, Math.Round(c.NegativeShare * 100), Math.Round(b.NegativeShare * 100)), ct);
        // A spike while the query's negative surge is open is the same bad buzz: counted there, not told twice.
        var foldIntoSurge = openSpike is null && (openSurge is not null || surgeOpened);
        await VolumeEpisodeAsync(watch, AlertKind.VolumeSpike, openSpike, last, foldIntoSurge ? null : baseline, now,
            (c, b) => IsSpike(watch, c, b), (c, b) => AlertExplanation.Args(c.Total, Math.Round(b.Hourly, 1)), ct);
    }

    /// <summary>One volume episode: continued while its condition holds, ended after the quiet period, opened when it starts. True when opened.</summary>
    private async Task<bool> VolumeEpisodeAsync(Watch watch, AlertKind kind, ListeningAlert? open, Counts last, Baseline? baseline, DateTime now,
        Func<Counts, Baseline, bool> holds, Func<Counts, Baseline, string> explain, CancellationToken ct)
    {
        var negativeOnly = kind == AlertKind.NegativeSurge;
        var condition = baseline is not null && holds(last, baseline);
        if (open is not null)
        {
            if (condition)
            {
                // The episode's mentions: from the hour before it opened until now.
                var episode = await CountAsync(watch.Id, open.OpenedAt - Window, now, ct);
                var count = negativeOnly ? episode.Negative : episode.Total;
                await db.ListeningAlerts.Where(a => a.Id == open.Id && a.Status != AlertStatus.Resolved)
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.LastSeenAt, now).SetProperty(a => a.MentionCount, count), ct);
                _changed = true;
            }
            else if (now - open.LastSeenAt >= VolumeQuiet)
            {
                await EndAsync(open.Id, now, ct);
            }
            return false;
        }
        if (!condition) return false;

        // Mentions already counted in a resolved episode never open the next one: after a resolution, the window starts there.
        var resolvedAt = await db.ListeningAlerts.Where(a => a.WatchId == watch.Id && a.Kind == kind && a.Status == AlertStatus.Resolved)
            .MaxAsync(a => a.ResolvedAt, ct);
        var from = now - Window;
        if (resolvedAt is { } r && r > from)
        {
            from = r;
            last = await CountAsync(watch.Id, from, now, ct);
            if (!holds(last, baseline!)) return false;
        }
        var trigger = await db.MentionMatches
            .Where(m => m.WatchId == watch.Id && m.PublishedAt > from && m.PublishedAt <= now && (!negativeOnly || m.Sentiment == SentimentLabel.Negative))
            .OrderByDescending(m => m.PublishedAt).ThenByDescending(m => m.MentionId).Select(m => (long?)m.MentionId).FirstOrDefaultAsync(ct);
        var alert = new ListeningAlert
        {
            WatchId = watch.Id, Kind = kind, Status = AlertStatus.Open, OpenedAt = now, LastSeenAt = now, MentionCount = negativeOnly ? last.Negative : last.Total,
            MentionId = trigger, ExplanationKey = kind == AlertKind.NegativeSurge ? AlertExplanation.NegativeSurge : AlertExplanation.VolumeSpike, ExplanationArgs = explain(last, baseline!),
        };
        return await OpenAsync(watch, alert, ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening alert {AlertId} opened: {Kind} on query {WatchId}.")]
    private static partial void LogOpened(ILogger logger, long alertId, AlertKind kind, int watchId);
}
