using Microsoft.EntityFrameworkCore;
using Quartz;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Inbox;

/// <summary>
/// Every minute: an open item that has used the warning share of an SLA target gets a warning, and one past its target a
/// breach, each once (<see cref="InboxItem.SlaNotices"/>, set by a conditional update so two instances never both send):
/// a history line and an in-app notification to its assignee — or, unassigned, to its team or every manager.
/// </summary>
[DisallowConcurrentExecution]
public sealed class InboxSlaJob(TribuDbContext db, InboxService inbox, ILiveBus bus, TimeProvider clock) : IJob
{
    public const string Name = "inbox-sla";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        context.Result = await RunAsync(cancellationToken);

    public async Task<int> RunAsync(CancellationToken ct = default)
    {
        var settings = await InboxSettingsStore.GetAsync(db, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var open = await db.InboxItems.AsNoTracking()
            .Where(i => (i.Status == InboxStatus.Open || i.Status == InboxStatus.Pending) && i.ResolutionDueAt != null)
            .Select(i => new { i.Id, i.CreatedAt, i.FirstResponseAt, i.FirstResponseDueAt, i.ResolutionDueAt, i.SlaNotices })
            .ToListAsync(ct);
        var sent = 0;
        foreach (var i in open)
        {
            var notice = SlaNotice.None;
            if (i.FirstResponseAt is null && i.FirstResponseDueAt is { } firstDue)
            {
                notice |= Due(i.CreatedAt, firstDue, now, settings.WarnAtPercent, i.SlaNotices, SlaNotice.FirstResponseWarned, SlaNotice.FirstResponseBreached);
            }
            notice |= Due(i.CreatedAt, i.ResolutionDueAt!.Value, now, settings.WarnAtPercent, i.SlaNotices, SlaNotice.ResolutionWarned, SlaNotice.ResolutionBreached);
            if (notice == SlaNotice.None) continue;
            if (await NotifyAsync(i.Id, i.SlaNotices, notice, now, ct)) sent++;
        }
        return sent;
    }

    /// <summary>Which notices of one target are due and not yet sent (a breach implies its warning: only the breach is told).</summary>
    private static SlaNotice Due(DateTime start, DateTime due, DateTime now, int warnPercent, SlaNotice sent, SlaNotice warned, SlaNotice breached)
    {
        if (now >= due)
        {
            return sent.HasFlag(breached) ? SlaNotice.None : breached | (sent.HasFlag(warned) ? SlaNotice.None : warned);
        }
        var warnAt = start + (due - start) * (warnPercent / 100.0);
        return now >= warnAt && !sent.HasFlag(warned) ? warned : SlaNotice.None;
    }

    private async Task<bool> NotifyAsync(long itemId, SlaNotice before, SlaNotice add, DateTime now, CancellationToken ct)
    {
        // Claim: only the instance whose update sees the old flags tells anyone.
        var claimed = await db.InboxItems.Where(i => i.Id == itemId && i.SlaNotices == before)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.SlaNotices, before | add), ct);
        if (claimed == 0) return false;
        var item = await db.InboxItems.FirstAsync(i => i.Id == itemId, ct);
        var recipients = await RecipientsAsync(item, ct);
        foreach (var (flag, kind, target) in new[]
        {
            (SlaNotice.FirstResponseBreached, InboxEventKind.SlaBreached, "first-response"),
            (SlaNotice.ResolutionBreached, InboxEventKind.SlaBreached, "resolution"),
            (SlaNotice.FirstResponseWarned, InboxEventKind.SlaWarning, "first-response"),
            (SlaNotice.ResolutionWarned, InboxEventKind.SlaWarning, "resolution"),
        })
        {
            if (!add.HasFlag(flag)) continue;
            // A breach told in the same run as its warning says only "breached".
            if (kind == InboxEventKind.SlaWarning && add.HasFlag(flag == SlaNotice.FirstResponseWarned ? SlaNotice.FirstResponseBreached : SlaNotice.ResolutionBreached)) continue;
            inbox.AddEvent(item, kind, null, now, null, target);
            foreach (var r in recipients) InboxNotices.Sla(db, item, r, (kind == InboxEventKind.SlaBreached ? "breached:" : "warning:") + target, now);
        }
        await db.SaveChangesAsync(ct);
        foreach (var r in recipients) await bus.PublishAsync(LiveChannels.Member(r), ct);
        await inbox.PublishAsync(item.Id, ct);
        return true;
    }

    private async Task<List<Guid>> RecipientsAsync(InboxItem item, CancellationToken ct)
    {
        if (item.AssigneeId is { } assignee) return [assignee];
        if (item.TeamId is { } team)
        {
            var members = await db.InboxTeamMembers.Where(m => m.TeamId == team).Select(m => m.MemberId).ToListAsync(ct);
            if (members.Count > 0) return members;
        }
        return [.. (await inbox.ManagersAsync(ct)).Select(m => m.Id)];
    }
}
