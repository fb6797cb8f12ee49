using Tribu.Web.Features.Notifications;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Inbox;

/// <summary>The in-app notifications of the inbox: added to the caller's unit of work, saved with the change.</summary>
public static class InboxNotices
{
    /// <summary>Tells a person an item is now theirs (not when they took it themselves).</summary>
    public static void Assigned(TribuDbContext db, InboxItem item, Guid assigneeId, Guid? actorId, DateTime now)
    {
        if (actorId == assigneeId) return;
        db.Notifications.Add(new Notification
        {
            RecipientId = assigneeId, Kind = NotificationKind.InboxAssigned, ActorId = actorId ?? Guid.Empty, TopicId = 0, PostId = item.Id, CreatedAt = now,
        });
    }

    /// <summary>An SLA warning or breach for the item's assignee; <paramref name="note"/> says which.</summary>
    public static void Sla(TribuDbContext db, InboxItem item, Guid recipientId, string note, DateTime now) =>
        db.Notifications.Add(new Notification
        {
            RecipientId = recipientId, Kind = NotificationKind.InboxSla, ActorId = Guid.Empty, TopicId = 0, PostId = item.Id, CreatedAt = now, Note = note,
        });
}
