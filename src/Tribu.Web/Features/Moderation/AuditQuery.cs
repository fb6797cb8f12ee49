using System.Globalization;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Moderation;

/// <summary>What the audit log is filtered by (all optional): the same for the page, the CSV export and the API.</summary>
public sealed record AuditFilter(string? Action = null, string? Actor = null, string? TargetType = null, string? TargetId = null, DateOnly? From = null, DateOnly? To = null)
{
    public string QueryString()
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value)) parts.Add($"{name}={Uri.EscapeDataString(value)}");
        }
        Add("action", Action);
        Add("actor", Actor);
        Add("target", TargetType);
        Add("id", TargetId);
        Add("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        return string.Join('&', parts);
    }
}

/// <summary>An entry as the log shows it; the actor resolved to a handle now (an erased member shows as none).</summary>
public sealed record AuditRow(long Id, DateTime At, Guid? ActorId, string? ActorHandle, string? ActorName, string Action, string TargetType, string TargetId, string? Before, string? After, string? Reason);

public static class AuditQuery
{
    public static IQueryable<AuditRow> Rows(TribuDbContext db, AuditFilter filter)
    {
        var entries = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Action)) entries = entries.Where(e => e.Action == filter.Action.Trim());
        if (!string.IsNullOrWhiteSpace(filter.TargetType)) entries = entries.Where(e => e.TargetType == filter.TargetType.Trim());
        if (!string.IsNullOrWhiteSpace(filter.TargetId)) entries = entries.Where(e => e.TargetId == filter.TargetId.Trim());
        if (filter.From is { } from)
        {
            var start = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            entries = entries.Where(e => e.At >= start);
        }
        if (filter.To is { } to)
        {
            var end = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            entries = entries.Where(e => e.At < end);
        }
        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            var handle = filter.Actor.Trim().TrimStart('@').ToLowerInvariant();
            entries = handle == "system"
                ? entries.Where(e => e.ActorId == null)
                : entries.Where(e => db.Users.Any(u => u.Id == e.ActorId && u.Handle == handle));
        }
        return from e in entries
               join u in db.Users on e.ActorId equals u.Id into actors
               from actor in actors.DefaultIfEmpty()
               orderby e.At descending, e.Id descending
               select new AuditRow(e.Id, e.At, e.ActorId, actor == null ? null : actor.Handle, actor == null ? null : actor.DisplayName,
                   e.Action, e.TargetType, e.TargetId, e.Before, e.After, e.Reason);
    }

    /// <summary>The filtered log as CSV (UTF-8, header row, RFC 4180 quoting by CsvHelper), newest first.</summary>
    public static async Task WriteCsvAsync(TribuDbContext db, AuditFilter filter, Stream output, CancellationToken ct)
    {
        // Spreadsheets must not run a reason that starts like a formula ("=HYPERLINK(…)"): such fields are escaped.
        await using var csv = CsvWriter.Create(output, CsvWriterOptions.Default with { Injection = CsvInjection.Escape }, leaveOpen: true);
        csv.WriteField("id"); csv.WriteField("at_utc"); csv.WriteField("actor"); csv.WriteField("action"); csv.WriteField("target_type");
        csv.WriteField("target_id"); csv.WriteField("before"); csv.WriteField("after"); csv.WriteField("reason");
        await csv.EndRecordAsync(ct);
        await foreach (var row in Rows(db, filter).AsAsyncEnumerable().WithCancellation(ct))
        {
            csv.WriteField(row.Id.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(row.At.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            csv.WriteField(row.ActorId is null ? "system" : row.ActorHandle ?? "former-member");
            csv.WriteField(row.Action);
            csv.WriteField(row.TargetType);
            csv.WriteField(row.TargetId);
            csv.WriteField(row.Before);
            csv.WriteField(row.After);
            csv.WriteField(row.Reason);
            await csv.EndRecordAsync(ct);
        }
    }
}
