using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Listening.Alerts;

/// <summary>What raised an alert.</summary>
public enum AlertKind
{
    /// <summary>A mention matched the query's alert keywords.</summary>
    Keyword,
    /// <summary>The hour's volume is far above the usual volume for that hour.</summary>
    VolumeSpike,
    /// <summary>The negative share of the hour's mentions surged: the bad-buzz early warning.</summary>
    NegativeSurge,
    /// <summary>An author above the query's follower threshold mentioned it.</summary>
    BigAuthor,
}

public enum AlertStatus
{
    Open,
    Acknowledged,
    Resolved,
}

/// <summary>
/// One alert per episode, not one per mention: while an alert of a kind is open (or acknowledged) for a query, further
/// mentions of the same episode are counted on it (<see cref="MentionCount"/>, <see cref="LastSeenAt"/>) instead of
/// raising another.
/// </summary>
public sealed class ListeningAlert
{
    public long Id { get; set; }
    public int WatchId { get; set; }
    public Watch? Watch { get; set; }
    public AlertKind Kind { get; set; }
    public AlertStatus Status { get; set; }
    public DateTime OpenedAt { get; set; }
    /// <summary>The latest mention or evaluation that belonged to the episode.</summary>
    public DateTime LastSeenAt { get; set; }
    /// <summary>Mentions counted in the episode.</summary>
    public int MentionCount { get; set; }
    /// <summary>The mention that raised it, when one did.</summary>
    public long? MentionId { get; set; }
    /// <summary>A <c>UiStrings</c> key explaining it ("42 mentions in the last hour, usually 6"), and its arguments as a JSON array.</summary>
    public string ExplanationKey { get; set; } = "";
    public string ExplanationArgs { get; set; } = "[]";
    public DateTime? AcknowledgedAt { get; set; }
    public Guid? AcknowledgedById { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public Guid? ResolvedById { get; set; }
}

internal sealed class ListeningAlertConfiguration : IEntityTypeConfiguration<ListeningAlert>
{
    public void Configure(EntityTypeBuilder<ListeningAlert> builder)
    {
        builder.Property(a => a.ExplanationKey).HasMaxLength(100).IsRequired();
        builder.Property(a => a.ExplanationArgs).HasMaxLength(2000).IsRequired();
        builder.HasIndex(a => new { a.WatchId, a.Kind, a.Status });
        // One episode at a time: at most one unresolved alert per query and kind, so two instances cannot both open it.
        builder.HasIndex(a => new { a.WatchId, a.Kind }).IsUnique().HasFilter("\"Status\" <> 'Resolved'").HasDatabaseName("IX_ListeningAlerts_OneEpisode");
        builder.HasIndex(a => new { a.Status, a.OpenedAt });
        builder.HasOne(a => a.Watch).WithMany().HasForeignKey(a => a.WatchId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Mention>().WithMany().HasForeignKey(a => a.MentionId).OnDelete(DeleteBehavior.SetNull);
    }
}
