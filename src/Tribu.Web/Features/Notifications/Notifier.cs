using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Spaces;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Email;

namespace Tribu.Web.Features.Notifications;

/// <summary>
/// Turns community events into notifications: who is told (mentioned members, followers of the topic, the space
/// or the author), in which way (each member's preference per kind), and only if they may read the topic.
/// </summary>
public sealed class Notifier(TribuDbContext db, ILiveBus bus, TimeProvider clock, NotificationMails mails, EmailOutbox outbox)
{
    public async Task TopicStartedAsync(Topic topic, Post opening, CancellationToken ct = default)
    {
        await FollowAsync(opening.AuthorId, FollowKind.Topic, topic.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        var recipients = new Dictionary<Guid, NotificationKind>();
        foreach (var id in await MentionedAsync(opening.BodyMarkdown, opening.AuthorId, ct)) recipients[id] = NotificationKind.Mention;
        foreach (var id in await FollowersAsync(FollowKind.Space, topic.SpaceId.ToString(System.Globalization.CultureInfo.InvariantCulture), ct)) recipients.TryAdd(id, NotificationKind.NewTopic);
        foreach (var id in await FollowersAsync(FollowKind.Member, opening.AuthorId.ToString(), ct)) recipients.TryAdd(id, NotificationKind.NewTopic);
        await NotifyAsync(recipients, opening.AuthorId, topic, opening, ct);
    }

    public async Task RepliedAsync(Topic topic, Post reply, CancellationToken ct = default)
    {
        await FollowAsync(reply.AuthorId, FollowKind.Topic, topic.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        var recipients = new Dictionary<Guid, NotificationKind>();
        foreach (var id in await MentionedAsync(reply.BodyMarkdown, reply.AuthorId, ct)) recipients[id] = NotificationKind.Mention;
        foreach (var id in await FollowersAsync(FollowKind.Topic, topic.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ct)) recipients.TryAdd(id, NotificationKind.Reply);
        await NotifyAsync(recipients, reply.AuthorId, topic, reply, ct);
    }

    public Task AcceptedAsync(Topic topic, Post answer, Guid acceptedBy, CancellationToken ct = default) =>
        NotifyAsync(new() { [answer.AuthorId] = NotificationKind.Accepted }, acceptedBy, topic, answer, ct);

    /// <summary>Tells a post's author what a moderator did with it, and why.</summary>
    public Task ModeratedAsync(Topic topic, Post post, Guid moderatorId, string? note, CancellationToken ct = default) =>
        NotifyAsync(new() { [post.AuthorId] = NotificationKind.Moderation }, moderatorId, topic, post, ct, string.IsNullOrWhiteSpace(note) ? null : note.Trim());

    private async Task NotifyAsync(Dictionary<Guid, NotificationKind> recipients, Guid actorId, Topic topic, Post post, CancellationToken ct, string? note = null)
    {
        recipients.Remove(actorId);
        if (recipients.Count == 0) return;
        var space = topic.Space ?? await db.Spaces.AsNoTracking().FirstAsync(s => s.Id == topic.SpaceId, ct);
        var ids = recipients.Keys.ToList();
        // Only those who may read the topic: everyone for public and members-only spaces; staff and the space's
        // active members for the others (the same rule as SpaceAccess.CanRead, asked of the database for many members).
        if (space.Visibility is SpaceVisibility.Private or SpaceVisibility.Invite)
        {
            var staff = await db.UserRoles.Where(ur => ids.Contains(ur.UserId) && db.Roles.Any(r => r.Id == ur.RoleId && Roles.Staff.Contains(r.Name!)))
                .Select(ur => ur.UserId).ToListAsync(ct);
            var members = await db.SpaceMemberships.Where(m => m.SpaceId == space.Id && m.Status == MembershipStatus.Active && ids.Contains(m.MemberId))
                .Select(m => m.MemberId).ToListAsync(ct);
            ids = [.. ids.Intersect(staff.Concat(members))];
        }
        var preferences = await db.NotificationPreferences.Where(p => ids.Contains(p.MemberId)).ToListAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var created = new List<(Notification Notification, DeliveryChannel Channel)>();
        foreach (var id in ids)
        {
            var kind = recipients[id];
            var channel = preferences.FirstOrDefault(p => p.MemberId == id && p.Kind == kind)?.Channel ?? DeliveryChannel.InApp;
            if (channel == DeliveryChannel.None) continue;
            var notification = new Notification { RecipientId = id, Kind = kind, ActorId = actorId, TopicId = topic.Id, PostId = post.Id, CreatedAt = now, Note = note };
            db.Notifications.Add(notification);
            created.Add((notification, channel));
        }
        await db.SaveChangesAsync(ct);
        var mailed = false;
        foreach (var (notification, channel) in created)
        {
            await bus.PublishAsync(LiveChannels.Member(notification.RecipientId), ct);
            if (channel == DeliveryChannel.EmailNow)
            {
                await mails.QueueAsync(notification, ct);
                mailed = true;
            }
        }
        if (mailed) await outbox.DeliverSoonAsync(ct);
    }

    private async Task<List<Guid>> MentionedAsync(string markdown, Guid authorId, CancellationToken ct)
    {
        var handles = Topics.Mentions.Find(markdown);
        if (handles.Count == 0) return [];
        // Each member says whose mentions reach them: everyone's, those of members they follow, or nobody's.
        var author = authorId.ToString();
        return await db.Users.Where(u => handles.Contains(u.Handle)
                && (u.MentionPolicy == MentionPolicy.Everyone
                    || (u.MentionPolicy == MentionPolicy.Following && db.Follows.Any(f => f.FollowerId == u.Id && f.Kind == FollowKind.Member && f.TargetKey == author))))
            .Select(u => u.Id).ToListAsync(ct);
    }

    private Task<List<Guid>> FollowersAsync(FollowKind kind, string key, CancellationToken ct) =>
        db.Follows.Where(f => f.Kind == kind && f.TargetKey == key).Select(f => f.FollowerId).ToListAsync(ct);

    /// <summary>Whether a member follows a topic, space or member (by its stored key): for the pages' follow buttons too.</summary>
    public static Task<bool> IsFollowingAsync(TribuDbContext context, Guid memberId, FollowKind kind, string key, CancellationToken ct = default) =>
        context.Follows.AnyAsync(f => f.FollowerId == memberId && f.Kind == kind && f.TargetKey == key, ct);

    /// <summary>Follows, if not already: posting in a topic follows it.</summary>
    public async Task FollowAsync(Guid memberId, FollowKind kind, string key, CancellationToken ct = default)
    {
        if (await IsFollowingAsync(db, memberId, kind, key, ct)) return;
        db.Follows.Add(new Follow { FollowerId = memberId, Kind = kind, TargetKey = key, CreatedAt = clock.GetUtcNow().UtcDateTime });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Followed at the same moment by another request: it is followed, as asked.
        }
    }

    public Task<int> UnfollowAsync(Guid memberId, FollowKind kind, string key, CancellationToken ct = default) =>
        db.Follows.Where(f => f.FollowerId == memberId && f.Kind == kind && f.TargetKey == key).ExecuteDeleteAsync(ct);
}
