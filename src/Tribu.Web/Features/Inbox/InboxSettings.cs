using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Inbox;

public enum HelpdeskMode
{
    None,
    /// <summary>A signed JSON call to the helpdesk, which answers with the ticket's id and address.</summary>
    Webhook,
    /// <summary>An e-mail to the helpdesk's address (most helpdesks turn mail into tickets).</summary>
    Email,
}

/// <summary>The inbox's settings, one row: when questions enter it, who counts as an influencer, SLA targets, the helpdesk.</summary>
public sealed class InboxSettings
{
    public int Id { get; set; }

    /// <summary>A community question with no reply after this many hours enters the inbox.</summary>
    public int QuestionUnansweredHours { get; set; } = 24;
    /// <summary>An author with at least this many followers is an influencer (inbox rules, priority).</summary>
    public int InfluencerFollowers { get; set; } = 10_000;

    // SLA targets per priority, in minutes: first response, then resolution.
    public int UrgentFirstResponseMinutes { get; set; } = 30;
    public int UrgentResolutionMinutes { get; set; } = 4 * 60;
    public int HighFirstResponseMinutes { get; set; } = 60;
    public int HighResolutionMinutes { get; set; } = 8 * 60;
    public int NormalFirstResponseMinutes { get; set; } = 4 * 60;
    public int NormalResolutionMinutes { get; set; } = 24 * 60;
    public int LowFirstResponseMinutes { get; set; } = 24 * 60;
    public int LowResolutionMinutes { get; set; } = 72 * 60;
    /// <summary>A warning goes out when this share of a target has gone by (then another at the breach).</summary>
    public int WarnAtPercent { get; set; } = 75;

    // Customer service.
    public HelpdeskMode HelpdeskMode { get; set; }
    /// <summary>Shown to staff and in the "your case now lives at" reply ("Zendesk", "the support desk").</summary>
    public string? HelpdeskName { get; set; }
    public string? HelpdeskWebhookUrl { get; set; }
    /// <summary>Signs outgoing ticket calls; protected with ASP.NET Data Protection.</summary>
    public string? ProtectedHelpdeskSecret { get; set; }
    public string? HelpdeskEmail { get; set; }
    /// <summary>Checks the helpdesk's status updates to Tribu; protected with ASP.NET Data Protection.</summary>
    public string? ProtectedInboundSecret { get; set; }

    public DateTime UpdatedAt { get; set; }

    public (int FirstResponse, int Resolution) TargetsFor(InboxPriority priority) => priority switch
    {
        InboxPriority.Urgent => (UrgentFirstResponseMinutes, UrgentResolutionMinutes),
        InboxPriority.High => (HighFirstResponseMinutes, HighResolutionMinutes),
        InboxPriority.Normal => (NormalFirstResponseMinutes, NormalResolutionMinutes),
        _ => (LowFirstResponseMinutes, LowResolutionMinutes),
    };
}

internal sealed class InboxSettingsConfiguration : IEntityTypeConfiguration<InboxSettings>
{
    public void Configure(EntityTypeBuilder<InboxSettings> builder)
    {
        // One row, always number 1: two first requests cannot both create it.
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.HelpdeskName).HasMaxLength(100);
        builder.Property(s => s.HelpdeskWebhookUrl).HasMaxLength(2000);
        builder.Property(s => s.ProtectedHelpdeskSecret).HasMaxLength(2000);
        builder.Property(s => s.HelpdeskEmail).HasMaxLength(320);
        builder.Property(s => s.ProtectedInboundSecret).HasMaxLength(2000);
    }
}

/// <summary>Who has an item open right now, and whether they are typing a reply: the collision warning.</summary>
public sealed class InboxPresence
{
    public long ItemId { get; set; }
    public Guid MemberId { get; set; }
    public Members.Member? Member { get; set; }
    public bool IsTyping { get; set; }
    /// <summary>The last heartbeat; a presence older than <see cref="Lifetime"/> is gone.</summary>
    public DateTime SeenAt { get; set; }

    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(40);
}

internal sealed class InboxPresenceConfiguration : IEntityTypeConfiguration<InboxPresence>
{
    public void Configure(EntityTypeBuilder<InboxPresence> builder)
    {
        builder.HasKey(p => new { p.ItemId, p.MemberId });
        builder.HasIndex(p => p.SeenAt);
        builder.HasOne<InboxItem>().WithMany().HasForeignKey(p => p.ItemId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(p => p.Member).WithMany().HasForeignKey(p => p.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}
