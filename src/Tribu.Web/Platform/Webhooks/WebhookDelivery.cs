using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Platform.Webhooks;

public enum WebhookDeliveryStatus
{
    Pending,
    Delivered,
    Failed,
}

/// <summary>
/// An outgoing webhook call, written in the same transaction as what caused it (an alert, a ticket, a publication) and
/// delivered by a job: signed with HMAC-SHA256, retried with back-off, then marked failed with the last answer.
/// </summary>
public sealed class WebhookDelivery
{
    public long Id { get; set; }
    /// <summary>What sent it ("listening-alert"), for the console and for the receiver (<c>X-Tribu-Event</c>).</summary>
    public string Event { get; set; } = "";
    public string Url { get; set; } = "";
    /// <summary>The signing secret, protected with ASP.NET Data Protection.</summary>
    public string? ProtectedSecret { get; set; }
    /// <summary>The JSON body, sent byte for byte as signed.</summary>
    public string Payload { get; set; } = "";
    /// <summary>Sent as <c>Idempotency-Key</c>: a receiver can drop a retry it already handled.</summary>
    public Guid IdempotencyKey { get; set; }
    public WebhookDeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? DeliveredAt { get; set; }
    public string? LastError { get; set; }
    /// <summary>The receiver's answer body (trimmed), kept for callers that need what it returned (a ticket id).</summary>
    public string? Response { get; set; }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.Property(d => d.Event).HasMaxLength(100).IsRequired();
        builder.Property(d => d.Url).HasMaxLength(2000).IsRequired();
        builder.Property(d => d.ProtectedSecret).HasMaxLength(2000);
        builder.Property(d => d.Payload).HasMaxLength(200_000).IsRequired();
        builder.Property(d => d.LastError).HasMaxLength(2000);
        builder.Property(d => d.Response).HasMaxLength(4000);
        builder.HasIndex(d => new { d.Status, d.NextAttemptAt });
        builder.HasIndex(d => d.IdempotencyKey).IsUnique();
    }
}
