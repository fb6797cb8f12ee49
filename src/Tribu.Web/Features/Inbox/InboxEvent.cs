using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Inbox;

public enum InboxEventKind
{
    Created,
    StatusChanged,
    Assigned,
    PriorityChanged,
    TagsChanged,
    /// <summary>An internal note: staff only, never sent.</summary>
    Note,
    Replied,
    ReplyFailed,
    /// <summary>A response given outside Tribu, recorded by hand (it stops the first-response clock).</summary>
    RespondedElsewhere,
    RuleApplied,
    SlaWarning,
    SlaBreached,
    TicketRequested,
    TicketCreated,
    TicketFailed,
    TicketUpdated,
    /// <summary>The thing it is about changed on its own (a question answered, flags decided).</summary>
    SourceChanged,
}

/// <summary>
/// One line of an item's history: who (null for Tribu itself: a rule, the SLA clock, the helpdesk), what and when, with
/// the before/after words (<see cref="From"/>, <see cref="To"/>) or a text (a note, a reply, an error).
/// </summary>
public sealed class InboxEvent
{
    public const int TextMaxLength = 10_000;

    public long Id { get; set; }
    public long ItemId { get; set; }
    public DateTime At { get; set; }
    public Guid? ActorId { get; set; }
    public Members.Member? Actor { get; set; }
    public InboxEventKind Kind { get; set; }
    public string? From { get; set; }
    public string? To { get; set; }
    public string? Text { get; set; }
}

internal sealed class InboxEventConfiguration : IEntityTypeConfiguration<InboxEvent>
{
    public void Configure(EntityTypeBuilder<InboxEvent> builder)
    {
        builder.Property(e => e.From).HasMaxLength(300);
        builder.Property(e => e.To).HasMaxLength(300);
        builder.Property(e => e.Text).HasMaxLength(InboxEvent.TextMaxLength);
        builder.HasIndex(e => new { e.ItemId, e.At });
        builder.HasIndex(e => new { e.Kind, e.At });
        builder.HasOne<InboxItem>().WithMany().HasForeignKey(e => e.ItemId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(e => e.Actor).WithMany().HasForeignKey(e => e.ActorId).OnDelete(DeleteBehavior.SetNull);
    }
}
