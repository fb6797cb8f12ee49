using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Jobs;

namespace Tribu.Web.Platform.Email;

/// <summary>A mail to send: composed by a feature, delivered by the outbox.</summary>
public sealed record OutgoingEmail(string To, string Subject, string HtmlBody, string TextBody, string Kind, string? UnsubscribeUrl = null);

/// <summary>Stores mails durably, then asks the delivery job to run now rather than at its next sweep.</summary>
public sealed class EmailOutbox(TribuDbContext db, TimeProvider clock, JobRunner jobs)
{
    /// <summary>Adds the mail to the context; it is stored by the caller's SaveChanges, with what caused it.</summary>
    public EmailMessage Add(OutgoingEmail email)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var message = new EmailMessage
        {
            To = email.To,
            Subject = email.Subject,
            HtmlBody = email.HtmlBody,
            TextBody = email.TextBody,
            Kind = email.Kind,
            UnsubscribeUrl = email.UnsubscribeUrl,
            Status = EmailStatus.Pending,
            CreatedAt = now,
            NextAttemptAt = now,
        };
        db.EmailMessages.Add(message);
        return message;
    }

    /// <summary>
    /// Stores the mail. Inside a transaction, call <see cref="DeliverSoonAsync"/> only after the commit:
    /// on SQLite the scheduler's write would otherwise wait on the transaction's lock.
    /// </summary>
    public async Task QueueAsync(OutgoingEmail email, CancellationToken cancellationToken = default)
    {
        Add(email);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task SendAsync(OutgoingEmail email, CancellationToken cancellationToken = default)
    {
        await QueueAsync(email, cancellationToken);
        await DeliverSoonAsync(cancellationToken);
    }

    public Task DeliverSoonAsync(CancellationToken cancellationToken = default) =>
        jobs.TriggerAsync(EmailDeliveryJob.Name, cancellationToken);
}
