using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Moderation;

/// <summary>
/// The moderation settings through the cache, and the checks compiled from them once per version of the settings
/// (compiling thousands of blocked words on every post would cost more than checking them).
/// </summary>
public sealed class ModerationRules(TribuDbContext db, IDbContextFactory<TribuDbContext> contexts, HybridCache cache, TimeProvider clock, AuditLog audit)
{
    private const string CacheKey = "moderation-settings";
    private static (DateTime Version, PostChecks Checks)? s_compiled;
    private static readonly Lock s_lock = new();

    public async Task<ModerationSettings> GetAsync(CancellationToken ct = default) =>
        await cache.GetOrCreateAsync(CacheKey, async token =>
        {
            await using var context = await contexts.CreateDbContextAsync(token);
            return await context.Set<ModerationSettings>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == ModerationSettings.SingletonId, token) ?? new ModerationSettings();
        }, cancellationToken: ct);

    public async Task<PostChecks> ChecksAsync(CancellationToken ct = default)
    {
        var settings = await GetAsync(ct);
        lock (s_lock)
        {
            if (s_compiled is { } c && c.Version == settings.UpdatedAt) return c.Checks;
            var checks = new PostChecks(settings);
            s_compiled = (settings.UpdatedAt, checks);
            return checks;
        }
    }

    public async Task SaveAsync(ModerationSettings changed, System.Security.Claims.ClaimsPrincipal actor, CancellationToken ct = default)
    {
        var row = await db.Set<ModerationSettings>().FirstOrDefaultAsync(s => s.Id == ModerationSettings.SingletonId, ct);
        if (row is null)
        {
            row = new ModerationSettings();
            db.Add(row);
        }
        var before = Snapshot(row);
        row.BlockedWordsFr = Clean(changed.BlockedWordsFr);
        row.BlockedWordsEn = Clean(changed.BlockedWordsEn);
        row.BlockedDomains = Clean(changed.BlockedDomains);
        row.FirstPostsNeedApproval = changed.FirstPostsNeedApproval;
        row.NewMemberMaxLinks = changed.NewMemberMaxLinks;
        row.NewMemberMaxImages = changed.NewMemberMaxImages;
        row.NewMemberMaxMentions = changed.NewMemberMaxMentions;
        row.LinkHeavyThreshold = changed.LinkHeavyThreshold;
        row.RepeatedTextLimit = changed.RepeatedTextLimit;
        row.FlagHideThreshold = changed.FlagHideThreshold;
        row.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        audit.Record(actor, AuditActions.ModerationSettingsUpdate, "settings", "moderation", before, Snapshot(row));
        await db.SaveChangesAsync(ct);
        await cache.RemoveAsync(CacheKey, ct);
    }

    /// <summary>Changes the code of conduct; its version goes up, so new acceptances say which text they accepted.</summary>
    public async Task SaveCodeAsync(string? english, string? french, System.Security.Claims.ClaimsPrincipal actor, CancellationToken ct = default)
    {
        var row = await db.Set<ModerationSettings>().FirstOrDefaultAsync(s => s.Id == ModerationSettings.SingletonId, ct);
        if (row is null)
        {
            row = new ModerationSettings();
            db.Add(row);
        }
        var before = new { row.CodeOfConductVersion, En = row.CodeOfConductEn.Length, Fr = row.CodeOfConductFr.Length };
        row.CodeOfConductEn = english?.Trim() ?? "";
        row.CodeOfConductFr = french?.Trim() ?? "";
        row.CodeOfConductVersion++;
        row.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        audit.Record(actor, AuditActions.CodeOfConductUpdate, "settings", "code-of-conduct", before, new { row.CodeOfConductVersion, En = row.CodeOfConductEn.Length, Fr = row.CodeOfConductFr.Length });
        await db.SaveChangesAsync(ct);
        await cache.RemoveAsync(CacheKey, ct);
    }

    private static string Clean(string? list) =>
        string.Join('\n', (list ?? "").Replace("\r", "", StringComparison.Ordinal).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.OrdinalIgnoreCase));

    private static object Snapshot(ModerationSettings s) => new
    {
        BlockedWordsFr = s.BlockedWordsFr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length,
        BlockedWordsEn = s.BlockedWordsEn.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length,
        BlockedDomains = s.BlockedDomains.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length,
        s.FirstPostsNeedApproval, s.NewMemberMaxLinks, s.NewMemberMaxImages, s.NewMemberMaxMentions, s.LinkHeavyThreshold, s.RepeatedTextLimit, s.FlagHideThreshold,
    };
}
