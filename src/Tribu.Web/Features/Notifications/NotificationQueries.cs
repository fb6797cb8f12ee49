using Microsoft.EntityFrameworkCore;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Notifications;

/// <summary>Reading and managing one's own notifications and preferences.</summary>
public sealed class NotificationQueries(TribuDbContext db, TimeProvider clock)
{
    public const int PageSize = 30;

    public Task<int> UnreadCountAsync(Guid memberId, CancellationToken ct = default) => UnreadCountAsync(db, memberId, ct);

    public static Task<int> UnreadCountAsync(TribuDbContext context, Guid memberId, CancellationToken ct = default) =>
        context.Notifications.CountAsync(n => n.RecipientId == memberId && n.ReadAt == null, ct);

    public async Task<NotificationPage> ListAsync(Guid memberId, int page, CancellationToken ct = default)
    {
        var mine = db.Notifications.AsNoTracking().Where(n => n.RecipientId == memberId);
        var items = await mine.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Skip((Math.Max(1, page) - 1) * PageSize).Take(PageSize)
            .Join(db.Topics, n => n.TopicId, t => t.Id, (n, t) => new { n, t })
            .Join(db.Users, x => x.n.ActorId, u => u.Id, (x, u) => new
            {
                x.n.Id, x.n.Kind, u.DisplayName, u.Handle, TopicId = x.t.Id, x.t.Title, x.t.Slug, x.n.CreatedAt, x.n.ReadAt, x.n.Note,
                Number = db.Posts.Where(p => p.Id == x.n.PostId).Select(p => p.Number).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return new NotificationPage(
            await mine.CountAsync(n => n.ReadAt == null, ct),
            await mine.CountAsync(ct),
            [.. items.Select(i => new NotificationItem(i.Id, i.Kind, i.DisplayName, i.Handle, i.TopicId, i.Title, $"/t/{i.TopicId}/{i.Slug}#post-{Math.Max(1, i.Number)}", i.CreatedAt, i.ReadAt is not null, i.Note))]);
    }

    public Task<int> MarkReadAsync(Guid memberId, long[]? ids, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var query = db.Notifications.Where(n => n.RecipientId == memberId && n.ReadAt == null);
        if (ids is { Length: > 0 }) query = query.Where(n => ids.Contains(n.Id));
        return query.ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
    }

    public async Task<Dictionary<NotificationKind, DeliveryChannel>> PreferencesAsync(Guid memberId, CancellationToken ct = default)
    {
        var saved = await db.NotificationPreferences.AsNoTracking().Where(p => p.MemberId == memberId).ToDictionaryAsync(p => p.Kind, p => p.Channel, ct);
        return Enum.GetValues<NotificationKind>().ToDictionary(k => k, k => saved.GetValueOrDefault(k, DeliveryChannel.InApp));
    }

    public async Task SavePreferencesAsync(Guid memberId, IReadOnlyDictionary<NotificationKind, DeliveryChannel> choices, CancellationToken ct = default)
    {
        var saved = await db.NotificationPreferences.Where(p => p.MemberId == memberId).ToListAsync(ct);
        foreach (var (kind, channel) in choices.Where(c => Enum.IsDefined(c.Key) && Enum.IsDefined(c.Value)))
        {
            var row = saved.FirstOrDefault(p => p.Kind == kind);
            if (row is null) db.NotificationPreferences.Add(new NotificationPreference { MemberId = memberId, Kind = kind, Channel = channel });
            else row.Channel = channel;
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>From an unsubscribe link: no more mails of that kind (or of any kind); in-app notifications stay.</summary>
    public async Task StopMailsAsync(Guid memberId, NotificationKind? kind, CancellationToken ct = default)
    {
        var current = await PreferencesAsync(memberId, ct);
        var changes = current.Where(c => (kind is null || c.Key == kind) && c.Value is DeliveryChannel.EmailNow or DeliveryChannel.Digest or DeliveryChannel.WeeklyDigest)
            .ToDictionary(c => c.Key, _ => DeliveryChannel.InApp);
        await SavePreferencesAsync(memberId, changes, ct);
    }
}
