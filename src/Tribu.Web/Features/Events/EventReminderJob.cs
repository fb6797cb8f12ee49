using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Quartz;
using Tribu.Web.Features.Admin;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Email;
using Tribu.Web.Platform.Localization;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Events;

/// <summary>
/// Mails the members going a reminder a day before an event and another an hour before. Driven by the database: an
/// RSVP whose reminder is due and not yet sent. Each reminder is claimed by a conditional update in the same transaction
/// that stores its mail, so it goes once, whatever runs twice (a second instance, a retry). A member who answers less than
/// an hour before gets the hour's reminder only.
/// </summary>
[DisallowConcurrentExecution]
public sealed class EventReminderJob(TribuDbContext db, EmailOutbox outbox, IStringLocalizerFactory localizers, SiteSettingsService settings, NotificationMails links, TimeProvider clock) : IJob
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

    private OutgoingEmail Compose(string to, string language, CommunityEvent ev, bool hour, string community)
    {
        language = language is "fr" ? "fr" : "en";
        var culture = CultureInfo.GetCultureInfo(language);
        var l = localizers.Create(typeof(UiStrings));
        string T(string key, params object[] args) => LocalizationFeature.InLanguage(language, () => l[key, args].Value);
        var start = EventTime.InZone(ev.StartsAt, ev.TimeZone);
        var when = $"{start.ToString("f", culture)} ({ev.TimeZone})";
        var subject = T(hour ? "Events.Mail.SubjectHour" : "Events.Mail.SubjectDay", community, ev.Title);
        var where = ev.IsOnline ? ev.Link ?? "" : ev.Place ?? "";
        var url = $"{links.BaseUrl}/events/{ev.Id.ToString(CultureInfo.InvariantCulture)}";
        var enc = HtmlEncoder.Default;
        var html = new StringBuilder($"<!DOCTYPE html><html lang=\"{language}\"><head><meta charset=\"utf-8\"><title>{enc.Encode(subject)}</title></head>")
            .Append("<body style=\"font-family:system-ui,sans-serif;max-width:560px;margin:auto;padding:24px\">")
            .Append(CultureInfo.InvariantCulture, $"<h1 style=\"font-size:20px\">{enc.Encode(ev.Title)}</h1>")
            .Append(CultureInfo.InvariantCulture, $"<p>{enc.Encode(T("Events.Mail.When", when))}</p>")
            .Append(CultureInfo.InvariantCulture, $"<p>{enc.Encode(T("Events.Mail.Where", where))}</p>")
            .Append(CultureInfo.InvariantCulture, $"<p><a href=\"{enc.Encode(url)}\">{enc.Encode(T("Events.Mail.Open"))}</a></p>")
            .Append(CultureInfo.InvariantCulture, $"<p style=\"font-size:13px;color:#555\">{enc.Encode(T("Events.Mail.Why"))}</p></body></html>");
        var text = new StringBuilder().Append(ev.Title).Append("\n\n").Append(T("Events.Mail.When", when)).Append('\n').Append(T("Events.Mail.Where", where))
            .Append("\n\n").Append(T("Events.Mail.Open")).Append(": ").Append(url).Append("\n\n").Append(T("Events.Mail.Why")).Append('\n');
        return new OutgoingEmail(to, subject, html.ToString(), text.ToString(), MailKind);
    }
}
