using Microsoft.EntityFrameworkCore;
using Quartz;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Email;

namespace Tribu.Web.Features.Notifications;

/// <summary>
/// Once a day, one mail per member who asked for a daily digest, listing what they have not read nor been mailed yet; and
/// a weekly digest for those who asked for one, once the oldest thing waiting for it is six days old (so at most one a week,
/// whatever day the member chose it). Driven by MailedAt: a re-run or a second instance mails nothing twice.
/// </summary>
[DisallowConcurrentExecution]
public sealed class NotificationDigestJob(TribuDbContext db, NotificationMails mails, EmailOutbox outbox, TimeProvider clock) : IJob
{
    public const string Name = "notification-digest";
    public const int MaxItems = 30;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) => await RunAsync(cancellationToken);

    public static readonly TimeSpan WeeklyAge = TimeSpan.FromDays(6);

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var sent = await SendAsync(DeliveryChannel.Digest, now.AddDays(-7), null, ct);
        sent += await SendAsync(DeliveryChannel.WeeklyDigest, now.AddDays(-14), now - WeeklyAge, ct);
        if (sent > 0) await outbox.DeliverSoonAsync(ct);
        return sent;
    }

    // dueWhenOldestBefore (weekly): a member's digest waits until their oldest waiting item was created before it.
    private async Task<int> SendAsync(DeliveryChannel channel, DateTime since, DateTime? dueWhenOldestBefore, CancellationToken ct)
    {
        var due = await db.Notifications
            .Where(n => n.MailedAt == null && n.ReadAt == null && n.CreatedAt >= since
                && db.NotificationPreferences.Any(p => p.MemberId == n.RecipientId && p.Kind == n.Kind && p.Channel == channel))
            .OrderBy(n => n.CreatedAt).ToListAsync(ct);
        var sent = 0;
        foreach (var group in due.GroupBy(n => n.RecipientId))
        {
            if (dueWhenOldestBefore is { } limit && group.First().CreatedAt > limit) continue;
            var now = clock.GetUtcNow().UtcDateTime;
            foreach (var n in group) n.MailedAt = now;
            // The outbox saves the digest and these marks in one SaveChanges: never sent twice, never lost.
            await mails.QueueDigestAsync(group.Key, [.. group.Take(MaxItems)], weekly: channel == DeliveryChannel.WeeklyDigest, ct);
            sent++;
        }
        return sent;
    }
}
