using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Inbox;

/// <summary>Someone with the item open: their name, and whether they are writing a reply.</summary>
public sealed record PresenceRow(Guid MemberId, string Name, bool IsTyping);

/// <summary>
/// Who has an item open, kept in the database so every instance sees the same (a heartbeat every few seconds from the
/// item's page; a presence without one for <see cref="InboxPresence.Lifetime"/> is gone). A change (someone arrives,
/// starts or stops typing, leaves) is signalled on the item's live channel.
/// </summary>
public sealed class InboxPresences(TribuDbContext db, ILiveBus bus, TimeProvider clock)
{
    public async Task<IReadOnlyList<PresenceRow>> BeatAsync(long itemId, Guid memberId, bool typing, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var fresh = now - InboxPresence.Lifetime;
        var before = await db.InboxPresences.AsNoTracking().Where(p => p.ItemId == itemId && p.MemberId == memberId)
            .Select(p => new { p.IsTyping, p.SeenAt }).FirstOrDefaultAsync(ct);
        var changed = before is null || before.SeenAt < fresh || before.IsTyping != typing;
        var updated = await db.InboxPresences.Where(p => p.ItemId == itemId && p.MemberId == memberId)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.SeenAt, now).SetProperty(p => p.IsTyping, typing), ct);
        if (updated == 0)
        {
            db.InboxPresences.Add(new InboxPresence { ItemId = itemId, MemberId = memberId, IsTyping = typing, SeenAt = now });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // The same person's other tab made the row a moment ago (or the item is gone).
                db.ChangeTracker.Clear();
            }
        }
        // Old presences are cleared as people come and go: the table stays as small as the team.
        await db.InboxPresences.Where(p => p.SeenAt < now.AddHours(-1)).ExecuteDeleteAsync(ct);
        if (changed) await bus.PublishAsync(LiveChannels.InboxItem(itemId), ct);
        return await WhoAsync(itemId, ct);
    }

    public async Task LeaveAsync(long itemId, Guid memberId, CancellationToken ct = default)
    {
        if (await db.InboxPresences.Where(p => p.ItemId == itemId && p.MemberId == memberId).ExecuteDeleteAsync(ct) > 0)
        {
            await bus.PublishAsync(LiveChannels.InboxItem(itemId), ct);
        }
    }

    public async Task<IReadOnlyList<PresenceRow>> WhoAsync(long itemId, CancellationToken ct = default)
    {
        var fresh = clock.GetUtcNow().UtcDateTime - InboxPresence.Lifetime;
        return await db.InboxPresences.AsNoTracking().Where(p => p.ItemId == itemId && p.SeenAt >= fresh)
            .OrderBy(p => p.Member!.DisplayName).Select(p => new PresenceRow(p.MemberId, p.Member!.DisplayName, p.IsTyping)).ToListAsync(ct);
    }

    /// <summary>For lists: who has each of these items open.</summary>
    public async Task<Dictionary<long, List<PresenceRow>>> WhoAsync(IReadOnlyCollection<long> itemIds, CancellationToken ct = default)
    {
        var fresh = clock.GetUtcNow().UtcDateTime - InboxPresence.Lifetime;
        var rows = await db.InboxPresences.AsNoTracking().Where(p => itemIds.Contains(p.ItemId) && p.SeenAt >= fresh)
            .Select(p => new { p.ItemId, Row = new PresenceRow(p.MemberId, p.Member!.DisplayName, p.IsTyping) }).ToListAsync(ct);
        return rows.GroupBy(r => r.ItemId).ToDictionary(g => g.Key, g => g.Select(r => r.Row).ToList());
    }
}
