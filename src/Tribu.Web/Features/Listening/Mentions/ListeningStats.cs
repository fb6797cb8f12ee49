using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Listening.Analysis;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Listening.Mentions;

/// <summary>Mentions in one time bucket (a UTC day or hour), by sentiment.</summary>
public sealed record VolumeBucket(DateTime Start, int Negative, int Neutral, int Positive)
{
    public int Total => Negative + Neutral + Positive;
}

/// <summary>One query's part of the conversation over a period.</summary>
public sealed record VoiceShare(int WatchId, string Name, WatchKind Kind, int Total, int Negative, int Neutral, int Positive, double Share)
{
    /// <summary>(positive − negative) / total, from −100 to 100.</summary>
    public int NetSentiment => Total == 0 ? 0 : (int)Math.Round(100.0 * (Positive - Negative) / Total);
}

/// <summary>
/// Counts for the listening charts, from the match rows (indexed by query and date) or, for every mention, from the
/// mentions themselves. Buckets are UTC; empty ones are filled in so a chart's axis has no holes.
/// </summary>
public sealed class ListeningStats(TribuDbContext db)
{
    public const int MaxDays = 366;
    public const int MaxHours = 24 * 14;

    public async Task<IReadOnlyList<VolumeBucket>> ByDayAsync(int? watchId, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        if (to < from) (from, to) = (to, from);
        if (to.DayNumber - from.DayNumber >= MaxDays) from = to.AddDays(-(MaxDays - 1));
        var start = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var end = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var counts = watchId is { } id
            ? await db.MentionMatches.Where(m => m.WatchId == id && m.PublishedAt >= start && m.PublishedAt < end)
                .GroupBy(m => new { m.PublishedAt.Year, m.PublishedAt.Month, m.PublishedAt.Day, m.Sentiment })
                .Select(g => new Count(g.Key.Year, g.Key.Month, g.Key.Day, 0, g.Key.Sentiment, g.Count())).ToListAsync(ct)
            : await db.Mentions.Where(m => m.PublishedAt >= start && m.PublishedAt < end)
                .GroupBy(m => new { m.PublishedAt.Year, m.PublishedAt.Month, m.PublishedAt.Day, m.Sentiment })
                .Select(g => new Count(g.Key.Year, g.Key.Month, g.Key.Day, 0, g.Key.Sentiment, g.Count())).ToListAsync(ct);
        return Fill(counts, start, end, TimeSpan.FromDays(1));
    }

    /// <summary>The last <paramref name="hours"/> hours up to <paramref name="now"/>, hour by hour.</summary>
    public async Task<IReadOnlyList<VolumeBucket>> ByHourAsync(int? watchId, DateTime now, int hours = 48, CancellationToken ct = default)
    {
        hours = Math.Clamp(hours, 1, MaxHours);
        var end = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc).AddHours(1);
        var start = end.AddHours(-hours);
        var counts = watchId is { } id
            ? await db.MentionMatches.Where(m => m.WatchId == id && m.PublishedAt >= start && m.PublishedAt < end)
                .GroupBy(m => new { m.PublishedAt.Year, m.PublishedAt.Month, m.PublishedAt.Day, m.PublishedAt.Hour, m.Sentiment })
                .Select(g => new Count(g.Key.Year, g.Key.Month, g.Key.Day, g.Key.Hour, g.Key.Sentiment, g.Count())).ToListAsync(ct)
            : await db.Mentions.Where(m => m.PublishedAt >= start && m.PublishedAt < end)
                .GroupBy(m => new { m.PublishedAt.Year, m.PublishedAt.Month, m.PublishedAt.Day, m.PublishedAt.Hour, m.Sentiment })
                .Select(g => new Count(g.Key.Year, g.Key.Month, g.Key.Day, g.Key.Hour, g.Key.Sentiment, g.Count())).ToListAsync(ct);
        return Fill(counts, start, end, TimeSpan.FromHours(1));
    }

    /// <summary>
    /// Share of voice over a period: each brand and competitor query's mentions as a share of all theirs (themes are
    /// left out: they are not voices).
    /// </summary>
    public async Task<IReadOnlyList<VoiceShare>> ShareOfVoiceAsync(DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        if (to < from) (from, to) = (to, from);
        var start = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var end = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var watches = await db.Watches.AsNoTracking().Where(w => w.Kind != WatchKind.Theme).OrderBy(w => w.Kind).ThenBy(w => w.Name)
            .Select(w => new { w.Id, w.Name, w.Kind }).ToListAsync(ct);
        var ids = watches.Select(w => w.Id).ToList();
        var counts = await db.MentionMatches.Where(m => ids.Contains(m.WatchId) && m.PublishedAt >= start && m.PublishedAt < end)
            .GroupBy(m => new { m.WatchId, m.Sentiment }).Select(g => new { g.Key.WatchId, g.Key.Sentiment, Count = g.Count() }).ToListAsync(ct);
        var total = counts.Sum(c => c.Count);
        return [.. watches.Select(w =>
        {
            int Of(SentimentLabel s) => counts.Where(c => c.WatchId == w.Id && c.Sentiment == s).Sum(c => c.Count);
            var (neg, neu, pos) = (Of(SentimentLabel.Negative), Of(SentimentLabel.Neutral), Of(SentimentLabel.Positive));
            var sum = neg + neu + pos;
            return new VoiceShare(w.Id, w.Name, w.Kind, sum, neg, neu, pos, total == 0 ? 0 : (double)sum / total);
        })];
    }

    private sealed record Count(int Year, int Month, int Day, int Hour, SentimentLabel Sentiment, int N);

    private static List<VolumeBucket> Fill(List<Count> counts, DateTime start, DateTime end, TimeSpan step)
    {
        var byStart = counts.GroupBy(c => new DateTime(c.Year, c.Month, c.Day, c.Hour, 0, 0, DateTimeKind.Utc))
            .ToDictionary(g => g.Key, g => g.ToList());
        var buckets = new List<VolumeBucket>();
        for (var t = start; t < end; t += step)
        {
            var cs = byStart.GetValueOrDefault(t) ?? [];
            int Of(SentimentLabel s) => cs.Where(c => c.Sentiment == s).Sum(c => c.N);
            buckets.Add(new VolumeBucket(t, Of(SentimentLabel.Negative), Of(SentimentLabel.Neutral), Of(SentimentLabel.Positive)));
        }
        return buckets;
    }
}
