using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Platform.Email;

public enum EmailStatus
{
    Pending,
    Sent,
    Failed,
}

/// <summary>
/// A mail in the durable outbox: written in the same transaction as what caused it, delivered by
/// <see cref="EmailDeliveryJob"/> with retries, and listed at /manage/outbox.
/// </summary>
public sealed class EmailMessage
{
    public const int MaxAttempts = 6;

    public long Id { get; set; }
    public string To { get; set; } = "";
    public string Subject { get; set; } = "";
    public string HtmlBody { get; set; } = "";
    public string TextBody { get; set; } = "";
    /// <summary>What kind of mail this is (confirm-email, reset-password…), for the outbox and metrics.</summary>
    public string Kind { get; set; } = "";
    /// <summary>A one-click unsubscribe URL (RFC 8058) for mails a member can opt out of.</summary>
    public string? UnsubscribeUrl { get; set; }
    public EmailStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? SentAt { get; set; }
    public string? LastError { get; set; }

    /// <summary>Exponential back-off: 30 s, 1 min, 2 min, 4 min, 8 min.</summary>
    public static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(30 * Math.Pow(2, Math.Max(0, attempts - 1)));
}

internal sealed class EmailMessageConfiguration : IEntityTypeConfiguration<EmailMessage>
{
    public void Configure(EntityTypeBuilder<EmailMessage> builder)
    {
        builder.Property(m => m.To).HasMaxLength(256).IsRequired();
        builder.Property(m => m.Subject).HasMaxLength(300).IsRequired();
        builder.Property(m => m.Kind).HasMaxLength(40).IsRequired();
        builder.Property(m => m.UnsubscribeUrl).HasMaxLength(500);
        builder.Property(m => m.LastError).HasMaxLength(1000);
        builder.HasIndex(m => new { m.Status, m.NextAttemptAt });
        builder.HasIndex(m => m.CreatedAt);
    }
}
