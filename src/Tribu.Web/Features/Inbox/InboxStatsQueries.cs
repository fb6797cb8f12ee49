using Microsoft.EntityFrameworkCore;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Inbox;

/// <summary>Durations in minutes over the items that have one: how many, median, average, 90th percentile, and the share within the SLA target.</summary>
public sealed record DurationStats(int Count, double? MedianMinutes, double? AverageMinutes, double? P90Minutes, double? WithinTargetPercent);

/// <summary>The inbox's records for analytics, over the items created in a period.</summary>
public sealed record InboxStats(
    DateOnly From, DateOnly To, int Items, int Open, int Resolved, DurationStats FirstResponse, DurationStats Resolution,
    IReadOnlyDictionary<string, int> ByChannel, IReadOnlyDictionary<string, int> ByTag, IReadOnlyList<DayCount> ByDay);

public sealed record DayCount(DateOnly Day, int Items, int Responded);

public sealed class InboxStatsQueries(TribuDbContext db, TimeProvider clock)
{
    public const int DefaultDays = 30;

    public async Task<InboxStats> ComputeAsync(DateOnly? from, DateOnly? to, CancellationToken ct = default)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var last = to ?? today;
        var first = from ?? last.AddDays(-(DefaultDays - 1));
        if (first > last) (first, last) = (last, first);
        var start = first.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var end = last.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var rows = await db.InboxItems.AsNoTracking().Where(i => i.CreatedAt >= start && i.CreatedAt < end)
            .Select(i => new { i.Channel, i.Status, i.Tags, i.CreatedAt, i.FirstResponseAt, i.ResolvedAt, i.FirstResponseDueAt, i.ResolutionDueAt })
            .ToListAsync(ct);

        var firstResponse = Durations(rows.Where(r => r.FirstResponseAt is not null).Select(r => (r.FirstResponseAt!.Value - r.CreatedAt, r.FirstResponseDueAt is { } d ? r.FirstResponseAt <= d : (bool?)null)));
        var resolution = Durations(rows.Where(r => r.ResolvedAt is not null).Select(r => (r.ResolvedAt!.Value - r.CreatedAt, r.ResolutionDueAt is { } d ? r.ResolvedAt <= d : (bool?)null)));
        var byChannel = Enum.GetValues<InboxChannel>().ToDictionary(c => c.ToString(), c => rows.Count(r => r.Channel == c));
        var byTag = rows.SelectMany(r => InboxTags.Split(r.Tags)).GroupBy(t => t, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var byDay = new List<DayCount>();
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            var dayRows = rows.Where(r => DateOnly.FromDateTime(r.CreatedAt) == day).ToList();
            byDay.Add(new DayCount(day, dayRows.Count, dayRows.Count(r => r.FirstResponseAt is not null)));
        }
        return new InboxStats(first, last, rows.Count, rows.Count(r => r.Status is InboxStatus.Open or InboxStatus.Pending),
            rows.Count(r => r.Status is InboxStatus.Resolved or InboxStatus.Closed), firstResponse, resolution, byChannel, byTag, byDay);
    }

    private static DurationStats Durations(IEnumerable<(TimeSpan Took, bool? Within)> items)
    {
        var list = items.ToList();
        if (list.Count == 0) return new DurationStats(0, null, null, null, null);
        var minutes = list.Select(i => Math.Max(0, i.Took.TotalMinutes)).Order().ToList();
        var withTarget = list.Where(i => i.Within is not null).ToList();
        return new DurationStats(list.Count, Math.Round(Percentile(minutes, 0.5), 1), Math.Round(minutes.Average(), 1), Math.Round(Percentile(minutes, 0.9), 1),
            withTarget.Count == 0 ? null : Math.Round(100.0 * withTarget.Count(i => i.Within == true) / withTarget.Count, 1));
    }

    /// <summary>Linear interpolation between the closest ranks (the usual definition, and the one spreadsheets use).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 1) return sorted[0];
        var rank = p * (sorted.Count - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }
}
