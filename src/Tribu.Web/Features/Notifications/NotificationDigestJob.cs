using Microsoft.EntityFrameworkCore;
using Quartz;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Email;

namespace Tribu.Web.Features.Notifications;

/// <summary>
/// Once a day, one mail per member who asked for a digest, listing what they have not read nor been mailed yet.
/// Driven by MailedAt: a re-run or a second instance mails nothing twice.
/// </summary>
[DisallowConcurrentExecution]
public sealed class NotificationDigestJob(TribuDbContext db, NotificationMails mails, EmailOutbox outbox, TimeProvider clock) : IJob
{
    public const string Name = "notification-digest";
    public const int MaxItems = 30;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) => await RunAsync(cancellationToken);

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var since = clock.GetUtcNow().UtcDateTime.AddDays(-7);
        var due = await db.Notifications
            .Where(n => n.MailedAt == null && n.ReadAt == null && n.CreatedAt >= since
                && db.NotificationPreferences.Any(p => p.MemberId == n.RecipientId && p.Kind == n.Kind && p.Channel == DeliveryChannel.Digest))
            .OrderBy(n => n.CreatedAt).ToListAsync(ct);
        var sent = 0;
        foreach (var group in due.GroupBy(n => n.RecipientId))
        {
            var now = clock.GetUtcNow().UtcDateTime;
            foreach (var n in group) n.MailedAt = now;
            // The outbox saves the digest and these marks in one SaveChanges: never sent twice, never lost.
            await mails.QueueDigestAsync(group.Key, [.. group.Take(MaxItems)], ct);
            sent++;
        }
        if (sent > 0) await outbox.DeliverSoonAsync(ct);
        return sent;
    }
}
