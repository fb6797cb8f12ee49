using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Quartz;
using Tribu.Web.Features.Admin;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Observability;

namespace Tribu.Web.Platform.Email;

/// <summary>
/// Delivers what is due in the outbox. Driven by database state ("pending and due"), so a crash or a
/// second instance does no harm; a failed send is retried with back-off, then marked failed, visibly.
/// </summary>
[DisallowConcurrentExecution]
public sealed class EmailDeliveryJob(
    TribuDbContext db, IEmailTransport transport, IOptions<EmailOptions> options, SiteSettingsService settings,
    TimeProvider clock, TribuMetrics metrics, ILogger<EmailDeliveryJob> logger) : IJob
{
    public const string Name = "email-delivery";
    private const int BatchSize = 50;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await DeliverDueAsync(cancellationToken);

    public async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.EmailMessages
            .Where(m => m.Status == EmailStatus.Pending && m.NextAttemptAt <= now)
            .OrderBy(m => m.NextAttemptAt)
            .Take(BatchSize)
            .ToListAsync(ct);
        if (due.Count == 0)
        {
            return 0;
        }
        var site = await settings.GetAsync(ct);
        var sent = 0;
        foreach (var message in due)
        {
            message.Attempts++;
            try
            {
                await transport.SendAsync(ToMime(message, site.CommunityName), ct);
                message.Status = EmailStatus.Sent;
                message.SentAt = clock.GetUtcNow().UtcDateTime;
                message.LastError = null;
                metrics.MailsSent.Add(1);
                sent++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                metrics.MailsFailed.Add(1);
                message.LastError = Truncate($"{ex.GetType().Name}: {ex.Message}", 1000);
                if (message.Attempts >= EmailMessage.MaxAttempts)
                {
                    message.Status = EmailStatus.Failed;
                    logger.LogError("Mail {MailId} ({Kind}) failed for good after {Attempts} attempts: {Error}", message.Id, message.Kind, message.Attempts, message.LastError);
                }
                else
                {
                    message.NextAttemptAt = clock.GetUtcNow().UtcDateTime + EmailMessage.Backoff(message.Attempts);
                    logger.LogWarning("Mail {MailId} ({Kind}) attempt {Attempts} failed, retrying at {NextAttempt}: {Error}", message.Id, message.Kind, message.Attempts, message.NextAttemptAt, message.LastError);
                }
            }
            // Saved one by one: a crash after a send leaves at most that one mail to be sent again, never the batch.
            await db.SaveChangesAsync(ct);
        }
        return sent;
    }

    private MimeMessage ToMime(EmailMessage message, string communityName)
    {
        var o = options.Value;
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(o.FromName ?? communityName, o.FromAddress));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        mime.Date = clock.GetUtcNow();
        mime.MessageId = MessageId(message, o.FromAddress);
        if (message.UnsubscribeUrl is not null)
        {
            // RFC 8058 one-click unsubscribe.
            mime.Headers.Add("List-Unsubscribe", $"<{message.UnsubscribeUrl}>");
            mime.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        mime.Headers.Add("X-Tribu-Kind", message.Kind);
        mime.Body = new BodyBuilder { HtmlBody = message.HtmlBody, TextBody = message.TextBody }.ToMessageBody();
        return mime;
    }

    /// <summary>
    /// The Message-ID a stored mail is sent with (without the angle brackets), the same on every attempt: a feature can
    /// name the mail before it goes (the inbox's e-mailed tickets). <paramref name="message"/> as stored (its id and
    /// creation time read back from the database).
    /// </summary>
    public static string MessageId(EmailMessage message, string fromAddress) =>
        $"tribu-{message.Id}-{message.CreatedAt.Ticks}@{fromAddress.Split('@').Last()}";

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}

/// <summary>Purges delivered and failed mails past the retention period, from the outbox and the pickup folder.</summary>
[DisallowConcurrentExecution]
public sealed class OutboxCleanupJob(TribuDbContext db, IOptions<EmailOptions> options, TimeProvider clock, IServiceProvider services) : IJob
{
    public const string Name = "outbox-cleanup";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime.AddDays(-options.Value.RetentionDays);
        await db.EmailMessages
            .Where(m => m.Status != EmailStatus.Pending && m.CreatedAt < cutoff)
            .ExecuteDeleteAsync(cancellationToken);
        if (services.GetService<PickupDirectoryTransport>() is { } pickup && Directory.Exists(pickup.Directory))
        {
            foreach (var file in Directory.EnumerateFiles(pickup.Directory, "*.eml"))
            {
                if (File.GetLastWriteTimeUtc(file) < cutoff)
                {
                    File.Delete(file);
                }
            }
        }
    }
}
