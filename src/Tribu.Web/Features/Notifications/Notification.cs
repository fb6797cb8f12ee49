using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Notifications;

public enum NotificationKind
{
    /// <summary>Someone replied in a topic you follow.</summary>
    Reply,
    /// <summary>Someone @mentioned you.</summary>
    Mention,
    /// <summary>A new topic in a space you follow.</summary>
    NewTopic,
    /// <summary>Your reply was accepted as the answer.</summary>
    Accepted,
    /// <summary>A moderator reviewed your post (published, hid or removed it), with their message.</summary>
    Moderation,
    /// <summary>
    /// A listening alert opened (managers only). Not about a topic: <see cref="Notification.TopicId"/> is 0 and
    /// <see cref="Notification.PostId"/> holds the alert's id.
    /// </summary>
    ListeningAlert,
    /// <summary>An inbox item was assigned to you (managers only; <see cref="Notification.PostId"/> holds the item's id).</summary>
    InboxAssigned,
    /// <summary>An inbox item you are assigned to nears or passed an SLA target (<see cref="Notification.PostId"/> holds the item's id).</summary>
    InboxSla,
    /// <summary>
    /// The customer-service ticket of an inbox item could not be created (to its assignee, else to whoever asked for it;
    /// <see cref="Notification.PostId"/> holds the item's id, <see cref="Notification.Note"/> the helpdesk's error).
    /// </summary>
    InboxTicket,
    /// <summary>A seat opened and you moved from an event's waitlist to going (<see cref="Notification.PostId"/> holds the event's id).</summary>
    EventPromoted,
    /// <summary>
    /// An idea you voted for or follow changed status (<see cref="Notification.PostId"/> holds the idea's status change,
    /// <see cref="Notification.Note"/> the official response).
    /// </summary>
    IdeaStatus,
    /// <summary>
    /// An idea you voted for was merged into another, and your vote moved there (<see cref="Notification.TopicId"/> holds the
    /// merged idea, <see cref="Notification.PostId"/> the idea it was merged into).
    /// </summary>
    IdeaMerged,
    /// <summary>
    /// An event you answered changed time or place, or was cancelled (<see cref="Notification.PostId"/> holds the event's id,
    /// <see cref="Notification.Note"/> what changed: <c>cancelled</c>, or <c>when</c>/<c>where</c> joined by commas).
    /// </summary>
    EventChanged,
}

public static class NotificationKinds
{
    /// <summary>
    /// Kinds about a topic or post of the community: they point at a topic, and members choose how each reaches them. The others
    /// (alerts, inbox, events, ideas) point elsewhere and are in-app only.
    /// </summary>
    public static bool IsAboutTopic(NotificationKind kind) =>
        kind is NotificationKind.Reply or NotificationKind.Mention or NotificationKind.NewTopic or NotificationKind.Accepted or NotificationKind.Moderation;
}

public enum DeliveryChannel
{
    InApp,
    EmailNow,
    /// <summary>In the daily digest.</summary>
    Digest,
    /// <summary>In a digest at most once a week.</summary>
    WeeklyDigest,
    None,
}

public enum FollowKind
{
    Topic,
    Space,
    Member,
}

/// <summary>Something that happened for one member.</summary>
public sealed class Notification
{
    public long Id { get; set; }
    public Guid RecipientId { get; set; }
    public NotificationKind Kind { get; set; }
    public Guid ActorId { get; set; }
    public long TopicId { get; set; }
    public long? PostId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ReadAt { get; set; }
    /// <summary>Set once the notification has been mailed (at once or in a digest): never mailed twice.</summary>
    public DateTime? MailedAt { get; set; }
    /// <summary>A message that comes with it (a moderator's explanation).</summary>
    public string? Note { get; set; }
}

/// <summary>A member following a topic, a space or another member.</summary>
public sealed class Follow
{
    public long Id { get; set; }
    public Guid FollowerId { get; set; }
    public FollowKind Kind { get; set; }
    /// <summary>The topic id, space id or member id, as text.</summary>
    public string TargetKey { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

/// <summary>How a member wants one kind of notification; no row means the default (in-app).</summary>
public sealed class NotificationPreference
{
    public Guid MemberId { get; set; }
    public NotificationKind Kind { get; set; }
    public DeliveryChannel Channel { get; set; }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> builder)
    {
        builder.Property(n => n.Note).HasMaxLength(2000);
        builder.HasIndex(n => new { n.RecipientId, n.ReadAt, n.CreatedAt });
        builder.HasIndex(n => new { n.MailedAt, n.CreatedAt });
        builder.HasOne<Members.Member>().WithMany().HasForeignKey(n => n.RecipientId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class FollowConfiguration : IEntityTypeConfiguration<Follow>
{
    public void Configure(EntityTypeBuilder<Follow> builder)
    {
        builder.Property(f => f.TargetKey).HasMaxLength(40).IsRequired();
        builder.HasIndex(f => new { f.FollowerId, f.Kind, f.TargetKey }).IsUnique();
        builder.HasIndex(f => new { f.Kind, f.TargetKey });
        builder.HasOne<Members.Member>().WithMany().HasForeignKey(f => f.FollowerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class NotificationPreferenceConfiguration : IEntityTypeConfiguration<NotificationPreference>
{
    public void Configure(EntityTypeBuilder<NotificationPreference> builder)
    {
        builder.HasKey(p => new { p.MemberId, p.Kind });
        builder.HasOne<Members.Member>().WithMany().HasForeignKey(p => p.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}
