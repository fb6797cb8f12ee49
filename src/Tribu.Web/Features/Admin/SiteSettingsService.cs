using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Admin;

/// <summary>Reads the brand and policies through the cache (every page needs them); saving invalidates it.</summary>
public sealed class SiteSettingsService(TribuDbContext db, IDbContextFactory<TribuDbContext> dbFactory, HybridCache cache, TimeProvider clock, Moderation.AuditLog audit, Notifications.ILiveBus live)
{
    private const string CacheKey = "site-settings";

    public async Task<SiteSettings> GetAsync(CancellationToken ct = default) =>
        await cache.GetOrCreateAsync(CacheKey, async token =>
        {
            // Its own context: App, layout and page all ask for the settings while rendering side by side.
            await using var context = await dbFactory.CreateDbContextAsync(token);
            return await context.SiteSettings.AsNoTracking().FirstOrDefaultAsync(s => s.Id == SiteSettings.SingletonId, token) ?? new SiteSettings();
        }, cancellationToken: ct);

    public async Task SaveAsync(SiteSettings changed, System.Security.Claims.ClaimsPrincipal actor, CancellationToken ct = default)
    {
        var row = await db.SiteSettings.FirstOrDefaultAsync(s => s.Id == SiteSettings.SingletonId, ct);
        if (row is null)
        {
            row = new SiteSettings();
            db.SiteSettings.Add(row);
        }
        var before = Snapshot(row);
        row.CommunityName = changed.CommunityName.Trim();
        row.TaglineEn = NullIfBlank(changed.TaglineEn);
        row.TaglineFr = NullIfBlank(changed.TaglineFr);
        row.LogoUrl = NullIfBlank(changed.LogoUrl);
        row.PrimaryColor = changed.PrimaryColor;
        row.AccentColor = changed.AccentColor;
        row.SignUpMode = changed.SignUpMode;
        row.DefaultLanguage = changed.DefaultLanguage;
        row.ListeningRetentionMonths = changed.ListeningRetentionMonths;
        row.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        audit.Record(actor, Moderation.AuditActions.SettingsUpdate, "settings", SiteSettings.SingletonId, before, Snapshot(row));
        await db.SaveChangesAsync(ct);
        await cache.RemoveAsync(CacheKey, ct);
        // The brand is on every page: cached pages go.
        await live.PublishAsync(Notifications.LiveChannels.Site, ct);
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static object Snapshot(SiteSettings s) =>
        new { s.CommunityName, s.TaglineEn, s.TaglineFr, s.LogoUrl, s.PrimaryColor, s.AccentColor, SignUpMode = s.SignUpMode.ToString(), s.DefaultLanguage, s.ListeningRetentionMonths };
}
