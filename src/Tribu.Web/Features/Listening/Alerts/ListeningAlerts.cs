using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Moderation;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Listening.Alerts;

/// <summary>
/// An alert as the console and the API show it, its explanation in the reader's language. <c>EndedByItself</c>: resolved by
/// Tribu after its quiet period rather than by someone.
/// </summary>
public sealed record ListeningAlertResponse(
    long Id, int QueryId, string QueryName, AlertKind Kind, AlertStatus Status, string Explanation, int MentionCount, long? MentionId,
    DateTime OpenedAt, DateTime LastSeenAt, DateTime? AcknowledgedAt, string? AcknowledgedBy, DateTime? ResolvedAt, string? ResolvedBy, bool EndedByItself);

/// <summary>A page of alerts, newest first.</summary>
public sealed record ListeningAlertPage(int Total, int Page, int PageSize, List<ListeningAlertResponse> Items);

/// <summary>Reading alerts, and acknowledging ("someone is on it") and resolving ("over") them, with who and when, in the audit log.</summary>
public sealed class ListeningAlerts(TribuDbContext db, AuditLog audit, ILiveBus bus, TimeProvider clock, IStringLocalizer<UiStrings> l)
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;

    public async Task<ListeningAlertPage> ListAsync(AlertStatus? status, int? queryId, int page = 1, int pageSize = DefaultPageSize, CancellationToken ct = default)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        page = Math.Max(1, page);
        var query = db.ListeningAlerts.AsNoTracking();
        if (status is { } s) query = query.Where(a => a.Status == s);
        if (queryId is { } w) query = query.Where(a => a.WatchId == w);
        var total = await query.CountAsync(ct);
        var items = await ProjectAsync(query.OrderByDescending(a => a.OpenedAt).ThenByDescending(a => a.Id).Skip((page - 1) * pageSize).Take(pageSize), ct);
        return new ListeningAlertPage(total, page, pageSize, items);
    }

    public async Task<ListeningAlertResponse?> GetAsync(long id, CancellationToken ct = default) =>
        (await ProjectAsync(db.ListeningAlerts.AsNoTracking().Where(a => a.Id == id), ct)).FirstOrDefault();

    /// <summary>Someone is on it: further mentions of the episode are still counted on it.</summary>
    public Task<Change<ListeningAlertResponse>> AcknowledgeAsync(ClaimsPrincipal user, long id, CancellationToken ct = default) =>
        ChangeAsync(user, id, AlertStatus.Acknowledged, ct);

    /// <summary>The episode is over: the next hit or surge opens a new alert.</summary>
    public Task<Change<ListeningAlertResponse>> ResolveAsync(ClaimsPrincipal user, long id, CancellationToken ct = default) =>
        ChangeAsync(user, id, AlertStatus.Resolved, ct);

    private async Task<Change<ListeningAlertResponse>> ChangeAsync(ClaimsPrincipal user, long id, AlertStatus to, CancellationToken ct)
    {
        var me = TopicPermissions.MemberId(user);
        var now = clock.GetUtcNow().UtcDateTime;
        var before = await db.ListeningAlerts.AsNoTracking().Where(a => a.Id == id).Select(a => new { a.Status }).FirstOrDefaultAsync(ct);
        if (before is null) return Change<ListeningAlertResponse>.NotFound();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Conditional: of two managers clicking at once, one changes it and the other is told it was already done.
        var changed = to == AlertStatus.Acknowledged
            ? await db.ListeningAlerts.Where(a => a.Id == id && a.Status == AlertStatus.Open)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, AlertStatus.Acknowledged).SetProperty(a => a.AcknowledgedAt, now).SetProperty(a => a.AcknowledgedById, me), ct)
            : await db.ListeningAlerts.Where(a => a.Id == id && a.Status != AlertStatus.Resolved)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, AlertStatus.Resolved).SetProperty(a => a.ResolvedAt, now).SetProperty(a => a.ResolvedById, me), ct);
        if (changed == 0)
        {
            await transaction.RollbackAsync(ct);
            var current = await db.ListeningAlerts.AsNoTracking().Where(a => a.Id == id).Select(a => (AlertStatus?)a.Status).FirstOrDefaultAsync(ct);
            if (current is null) return Change<ListeningAlertResponse>.NotFound();
            return Change<ListeningAlertResponse>.Invalid(new() { [""] = [l["Alert.Already." + current]] });
        }
        audit.Record(user, to == AlertStatus.Acknowledged ? AuditActions.ListeningAlertAcknowledge : AuditActions.ListeningAlertResolve, "listening-alert", id,
            before: new { before.Status }, after: new { Status = to });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await bus.PublishAsync(LiveChannels.Listening, ct);
        return Change<ListeningAlertResponse>.Ok((await GetAsync(id, ct))!);
    }

    private async Task<List<ListeningAlertResponse>> ProjectAsync(IQueryable<ListeningAlert> query, CancellationToken ct)
    {
        var rows = await query.Select(a => new
        {
            Alert = a,
            QueryName = a.Watch!.Name,
            AckBy = db.Users.Where(u => u.Id == a.AcknowledgedById).Select(u => u.DisplayName).FirstOrDefault(),
            ResolvedBy = db.Users.Where(u => u.Id == a.ResolvedById).Select(u => u.DisplayName).FirstOrDefault(),
        }).ToListAsync(ct);
        return [.. rows.Select(r => new ListeningAlertResponse(
            r.Alert.Id, r.Alert.WatchId, r.QueryName, r.Alert.Kind, r.Alert.Status, AlertExplanation.Format(l, r.Alert.ExplanationKey, r.Alert.ExplanationArgs, System.Globalization.CultureInfo.CurrentCulture),
            r.Alert.MentionCount, r.Alert.MentionId, r.Alert.OpenedAt, r.Alert.LastSeenAt, r.Alert.AcknowledgedAt, r.AckBy, r.Alert.ResolvedAt, r.ResolvedBy,
            r.Alert.Status == AlertStatus.Resolved && r.Alert.ResolvedById is null))];
    }
}
