using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Events;

public enum EventKind
{
    Meetup,
    RoundTable,
    Webinar,
    Launch,
}

/// <summary>A member's answer to an event.</summary>
public enum RsvpStatus
{
    Going,
    Maybe,
    NotGoing,
    /// <summary>Asked to go while the event was full: promoted in order of <see cref="EventRsvp.WaitlistPosition"/>.</summary>
    Waitlisted,
}

/// <summary>
/// An event of the community, online or in person. Times are stored in UTC with the IANA time zone they were entered in,
/// so that they show as the organiser meant them and as each reader lives them.
/// </summary>
public sealed class CommunityEvent
{
    public const int TitleMaxLength = 120;
    public const int DescriptionMaxLength = 20000;

    public int Id { get; set; }
    /// <summary>Stable across edits: the iCalendar UID, so that a calendar updates the event rather than adding another.</summary>
    public Guid Uid { get; set; }
    public EventKind Kind { get; set; }
    public bool IsOnline { get; set; }
    public string Title { get; set; } = "";
    public string DescriptionMarkdown { get; set; } = "";
    public DateTime StartsAt { get; set; }
    public DateTime EndsAt { get; set; }
    /// <summary>IANA id such as <c>Europe/Paris</c>.</summary>
    public string TimeZone { get; set; } = "UTC";
    /// <summary>Where an in-person event happens (public).</summary>
    public string? Place { get; set; }
    /// <summary>Where an online event happens: shown only to the members going, and to staff.</summary>
    public string? Link { get; set; }
    /// <summary>Seats; null for no limit.</summary>
    public int? Capacity { get; set; }
    public int? SpaceId { get; set; }
    public Guid CreatedById { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>
    /// Bumped as the first write of every change to the event's RSVPs: the row lock it takes makes those changes run one
    /// after another (PostgreSQL row lock, SQLite write lock), so two last-seat RSVPs or two cancellations never race.
    /// </summary>
    public long RsvpVersion { get; set; }
    /// <summary>When staff cancelled the event (it stays listed, marked cancelled; no more answers).</summary>
    public DateTime? CancelledAt { get; set; }
    /// <summary>Why, as told to the members who had answered.</summary>
    public string? CancelReason { get; set; }
    /// <summary>The topic where members talk about the event and share photos afterwards, once someone opened it.</summary>
    public long? DiscussionTopicId { get; set; }
}

/// <summary>One member's answer to one event.</summary>
public sealed class EventRsvp
{
    public long Id { get; set; }
    public int EventId { get; set; }
    public CommunityEvent? Event { get; set; }
    public Guid MemberId { get; set; }
    public RsvpStatus Status { get; set; }
    /// <summary>The order on the waitlist (smaller first); null when not waitlisted.</summary>
    public long? WaitlistPosition { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>When the member was moved from the waitlist to going.</summary>
    public DateTime? PromotedAt { get; set; }
    public bool Attended { get; set; }
    public DateTime? CheckedInAt { get; set; }
    public Guid? CheckedInById { get; set; }
    /// <summary>The secret printed as a QR code on the member's ticket, given when they first open it; staff scan it to check them in.</summary>
    public string? TicketCode { get; set; }
    /// <summary>Set when the reminder a day before was queued: never sent twice.</summary>
    public DateTime? DayReminderSentAt { get; set; }
    /// <summary>Set when the reminder an hour before was queued: never sent twice.</summary>
    public DateTime? HourReminderSentAt { get; set; }
}

/// <summary>A photo of a past event, added by staff, with the text that describes it to those who cannot see it.</summary>
public sealed class EventPhoto
{
    public const int AltMaxLength = 300;

    public long Id { get; set; }
    public int EventId { get; set; }
    public long UploadId { get; set; }
    public Uploads.Upload? Upload { get; set; }
    public string Alt { get; set; } = "";
    public Guid AddedById { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>The secret of a member's private calendar feed (the events they go to); a new one replaces the old.</summary>
public sealed class EventFeedToken
{
    public Guid MemberId { get; set; }
    public string Token { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

internal sealed class CommunityEventConfiguration : IEntityTypeConfiguration<CommunityEvent>
{
    public void Configure(EntityTypeBuilder<CommunityEvent> builder)
    {
        builder.ToTable("Events");
        builder.Property(e => e.Title).HasMaxLength(CommunityEvent.TitleMaxLength).IsRequired();
        builder.Property(e => e.DescriptionMarkdown).HasMaxLength(CommunityEvent.DescriptionMaxLength);
        builder.Property(e => e.TimeZone).HasMaxLength(64).IsRequired();
        builder.Property(e => e.Place).HasMaxLength(300);
        builder.Property(e => e.Link).HasMaxLength(500);
        builder.HasIndex(e => e.Uid).IsUnique();
        builder.HasIndex(e => e.StartsAt);
        builder.HasOne<Spaces.Space>().WithMany().HasForeignKey(e => e.SpaceId).OnDelete(DeleteBehavior.SetNull);
        builder.Property(e => e.CancelReason).HasMaxLength(1000);
        builder.HasOne<Topics.Topic>().WithMany().HasForeignKey(e => e.DiscussionTopicId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class EventRsvpConfiguration : IEntityTypeConfiguration<EventRsvp>
{
    public void Configure(EntityTypeBuilder<EventRsvp> builder)
    {
        builder.HasIndex(r => new { r.EventId, r.MemberId }).IsUnique();
        builder.HasIndex(r => new { r.EventId, r.Status, r.WaitlistPosition });
        builder.HasIndex(r => r.MemberId);
        builder.Property(r => r.TicketCode).HasMaxLength(32);
        builder.HasIndex(r => r.TicketCode).IsUnique();
        builder.HasOne(r => r.Event).WithMany().HasForeignKey(r => r.EventId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Members.Member>().WithMany().HasForeignKey(r => r.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EventFeedTokenConfiguration : IEntityTypeConfiguration<EventFeedToken>
{
    public void Configure(EntityTypeBuilder<EventFeedToken> builder)
    {
        builder.HasKey(t => t.MemberId);
        builder.Property(t => t.Token).HasMaxLength(64).IsRequired();
        builder.HasIndex(t => t.Token).IsUnique();
        builder.HasOne<Members.Member>().WithMany().HasForeignKey(t => t.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EventPhotoConfiguration : IEntityTypeConfiguration<EventPhoto>
{
    public void Configure(EntityTypeBuilder<EventPhoto> builder)
    {
        builder.Property(p => p.Alt).HasMaxLength(EventPhoto.AltMaxLength).IsRequired();
        builder.HasIndex(p => new { p.EventId, p.UploadId }).IsUnique();
        builder.HasOne<CommunityEvent>().WithMany().HasForeignKey(p => p.EventId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(p => p.Upload).WithMany().HasForeignKey(p => p.UploadId).OnDelete(DeleteBehavior.Restrict);
    }
}
