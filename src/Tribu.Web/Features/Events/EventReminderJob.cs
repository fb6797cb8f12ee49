using Microsoft.EntityFrameworkCore;
using Quartz;
using Tribu.Web.Features.Admin;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Email;

namespace Tribu.Web.Features.Events;

/// <summary>
/// Mails the members going a reminder a day before an event and another an hour before. Driven by the database: an
/// RSVP whose reminder is due and not yet sent. Each reminder is claimed by a conditional update in the same transaction
/// that stores its mail, so it goes once, whatever runs twice (a second instance, a retry). A member who answers less than
/// an hour before gets the hour's reminder only.
/// </summary>
[DisallowConcurrentExecution]
public sealed class EventReminderJob(TribuDbContext db, EmailOutbox outbox, EventMails mails, SiteSettingsService settings, TimeProvider clock) : IJob
{
    public const string Name = "event-reminders";
    public const string MailKind = "event-reminder";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        context.Result = await SendDueAsync(cancellationToken);

    /// <summary>Queues the reminders now due; returns how many.</summary>
    public async Task<int> SendDueAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var dayAhead = now.AddHours(24);
        var hourAhead = now.AddHours(1);
        var due = await db.EventRsvps.AsNoTracking()
            .Where(r => r.Status == RsvpStatus.Going && r.Event!.StartsAt > now && r.Event.StartsAt <= dayAhead
                && (r.Event.StartsAt <= hourAhead ? r.HourReminderSentAt == null : r.DayReminderSentAt == null))
            .Join(db.Users, r => r.MemberId, u => u.Id, (r, u) => new { r.Id, Event = r.Event!, u.Email, u.PreferredLanguage, u.ErasedAt })
            .OrderBy(x => x.Id).Take(500).ToListAsync(ct);
        if (due.Count == 0) return 0;
        var site = await settings.GetAsync(ct);
        var sent = 0;
        foreach (var row in due)
        {
            var hour = row.Event.StartsAt <= hourAhead;
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // The claim: only the run that flips the column from null sends this reminder.
            var claimed = hour
                ? await db.EventRsvps.Where(r => r.Id == row.Id && r.HourReminderSentAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(r => r.HourReminderSentAt, now).SetProperty(r => r.DayReminderSentAt, r => r.DayReminderSentAt ?? now), ct)
                : await db.EventRsvps.Where(r => r.Id == row.Id && r.DayReminderSentAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(r => r.DayReminderSentAt, now), ct);
            if (claimed == 1 && row.ErasedAt is null && !string.IsNullOrEmpty(row.Email))
            {
                outbox.Add(Compose(row.Email, row.PreferredLanguage ?? site.DefaultLanguage, row.Event, hour, site.CommunityName));
                await db.SaveChangesAsync(ct);
                sent++;
            }
            await transaction.CommitAsync(ct);
        }
        if (sent > 0) await outbox.DeliverSoonAsync(ct);
        return sent;
    }

    private OutgoingEmail Compose(string to, string language, CommunityEvent ev, bool hour, string community) =>
        mails.Compose(to, language, ev, community, hour ? "Events.Mail.SubjectHour" : "Events.Mail.SubjectDay", _ => null, "Events.Mail.Why", MailKind);
}
