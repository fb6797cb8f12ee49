using Microsoft.EntityFrameworkCore;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Inbox;

/// <summary>Reads the inbox's one settings row, creating it with the defaults on first use.</summary>
public static class InboxSettingsStore
{
    public static async Task<InboxSettings> GetAsync(TribuDbContext db, CancellationToken ct = default)
    {
        var settings = await db.InboxSettings.OrderBy(s => s.Id).FirstOrDefaultAsync(ct);
        if (settings is not null) return settings;
        settings = new InboxSettings { Id = 1 };
        db.InboxSettings.Add(settings);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another request created it first.
            db.Entry(settings).State = EntityState.Detached;
            settings = await db.InboxSettings.OrderBy(s => s.Id).FirstAsync(ct);
        }
        return settings;
    }
}
