using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Tribu.Web.Features.Moderation;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Members;

/// <summary>What a member has done, in one window: since they joined, or recently.</summary>
public sealed record TrustActivity(int DaysVisited, int TopicsEntered, int PostsRead, int TopicsRepliedTo, int ReactionsGiven, int ReactionsReceived, int AcceptedAnswers, int FlagsUpheld)
{
    public static readonly TrustActivity None = new(0, 0, 0, 0, 0, 0, 0, 0);

    public bool Meets(TrustLevelOptions.Requirements r) =>
        DaysVisited >= r.DaysVisited && TopicsEntered >= r.TopicsEntered && PostsRead >= r.PostsRead && TopicsRepliedTo >= r.TopicsRepliedTo
        && ReactionsGiven >= r.ReactionsGiven && ReactionsReceived >= r.ReactionsReceived && AcceptedAnswers >= r.AcceptedAnswers
        && (r.MaxFlagsUpheld is not { } max || FlagsUpheld <= max);
}

/// <summary>A member's activity for both windows, and whether a recent sanction bars levels 3 and 4.</summary>
public sealed record TrustStats(TrustActivity AllTime, TrustActivity Recent, bool RecentlySanctioned);

/// <summary>
/// Trust levels: computed from activity by <see cref="TrustLevelJob"/>, set and locked by staff. The rules are in
/// <see cref="Decide"/>, a pure function, so the job, the member's progress page and the tests agree.
/// </summary>
public sealed class TrustLevels(TribuDbContext db, TimeProvider clock, IOptions<TrustLevelOptions> options, AuditLog audit, IStringLocalizer<UiStrings> l)
{
    public TrustLevelOptions Options => options.Value;

    /// <summary>The level a member has earned, given where they are now.</summary>
    public static TrustLevel Decide(TrustLevel current, DateTime? changedAt, TrustStats stats, TrustLevelOptions o, DateTime now)
    {
        var earned = TrustLevel.New;
        if (stats.AllTime.Meets(o.Basic)) earned = TrustLevel.Basic;
        if (earned == TrustLevel.Basic && stats.AllTime.Meets(o.Member)) earned = TrustLevel.Member;
        if (earned == TrustLevel.Member && !stats.RecentlySanctioned && stats.Recent.Meets(o.Regular)) earned = TrustLevel.Regular;
        if (earned == TrustLevel.Regular && stats.Recent.Meets(o.Leader)) earned = TrustLevel.Leader;
        if (earned >= current) return earned;

        // Levels 1 and 2 are kept once earned; 3 and 4 are lost one level at a time, after a grace period at the level.
        var floor = (TrustLevel)Math.Min((int)current, (int)TrustLevel.Member);
        if (current <= TrustLevel.Member) return current;
        if (changedAt is { } since && since.AddDays(o.GraceDays) > now) return current;
        return (TrustLevel)Math.Max(Math.Max((int)earned, (int)floor), (int)current - 1);
    }

    /// <summary>Activity of the given members (all members when null), in a handful of grouped queries.</summary>
    public async Task<Dictionary<Guid, TrustStats>> StatsAsync(IReadOnlyCollection<Guid>? memberIds, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var since = now.AddDays(-options.Value.WindowDays);
        var sinceDay = DateOnly.FromDateTime(since);
        var sanctionSince = now.AddDays(-options.Value.SanctionFreeDays);
        var ids = memberIds?.ToList();

        var visits = await db.MemberVisits.Where(v => ids == null || ids.Contains(v.MemberId)).GroupBy(v => v.MemberId)
            .Select(g => new { g.Key, All = g.Count(), Recent = g.Count(v => v.Day >= sinceDay) }).ToDictionaryAsync(x => x.Key, ct);
        var reads = await db.TopicReads.Where(r => ids == null || ids.Contains(r.MemberId)).GroupBy(r => r.MemberId)
            .Select(g => new
            {
                g.Key,
                Topics = g.Count(), Posts = g.Sum(r => r.HighestNumber),
                RecentTopics = g.Count(r => r.LastReadAt >= since), RecentPosts = g.Sum(r => r.LastReadAt >= since ? r.HighestNumber : 0),
            }).ToDictionaryAsync(x => x.Key, ct);
        var replies = await db.Posts.Where(p => p.Number > 1 && !p.IsDeleted && p.Status == PostStatus.Published && (ids == null || ids.Contains(p.AuthorId)))
            .GroupBy(p => p.AuthorId)
            .Select(g => new { g.Key, All = g.Select(p => p.TopicId).Distinct().Count(), Recent = g.Where(p => p.CreatedAt >= since).Select(p => p.TopicId).Distinct().Count() })
            .ToDictionaryAsync(x => x.Key, ct);
        var given = await db.PostReactions.Where(r => ids == null || ids.Contains(r.MemberId)).GroupBy(r => r.MemberId)
            .Select(g => new { g.Key, All = g.Count(), Recent = g.Count(r => r.CreatedAt >= since) }).ToDictionaryAsync(x => x.Key, ct);
        var received = await (from r in db.PostReactions
                              join p in db.Posts on r.PostId equals p.Id
                              where !p.IsDeleted && (ids == null || ids.Contains(p.AuthorId))
                              group r by p.AuthorId into g
                              select new { g.Key, All = g.Count(), Recent = g.Count(r => r.CreatedAt >= since) }).ToDictionaryAsync(x => x.Key, ct);
        var answers = await (from t in db.Topics
                             join p in db.Posts on t.AcceptedPostId equals p.Id
                             where !t.IsDeleted && !p.IsDeleted && (ids == null || ids.Contains(p.AuthorId))
                             group p by p.AuthorId into g
                             select new { g.Key, All = g.Count(), Recent = g.Count(p => p.CreatedAt >= since) }).ToDictionaryAsync(x => x.Key, ct);
        var upheld = await (from f in db.Set<Flag>()
                            join p in db.Posts on f.PostId equals p.Id
                            where f.Upheld == true && (ids == null || ids.Contains(p.AuthorId))
                            group f by p.AuthorId into g
                            select new { g.Key, All = g.Select(f => f.PostId).Distinct().Count(), Recent = g.Where(f => f.ResolvedAt >= since).Select(f => f.PostId).Distinct().Count() })
            .ToDictionaryAsync(x => x.Key, ct);
        var sanctioned = (await db.Set<Sanction>()
            .Where(s => s.Kind != SanctionKind.Warning && s.CreatedAt >= sanctionSince && (ids == null || ids.Contains(s.MemberId)))
            .Select(s => s.MemberId).Distinct().ToListAsync(ct)).ToHashSet();

        var everyone = ids ?? [.. visits.Keys.Concat(reads.Keys).Concat(replies.Keys).Concat(given.Keys).Concat(received.Keys).Distinct()];
        var stats = new Dictionary<Guid, TrustStats>();
        foreach (var id in everyone)
        {
            visits.TryGetValue(id, out var v);
            reads.TryGetValue(id, out var r);
            replies.TryGetValue(id, out var p);
            given.TryGetValue(id, out var g);
            received.TryGetValue(id, out var rc);
            answers.TryGetValue(id, out var a);
            upheld.TryGetValue(id, out var f);
            stats[id] = new TrustStats(
                new(v?.All ?? 0, r?.Topics ?? 0, r?.Posts ?? 0, p?.All ?? 0, g?.All ?? 0, rc?.All ?? 0, a?.All ?? 0, f?.All ?? 0),
                new(v?.Recent ?? 0, r?.RecentTopics ?? 0, r?.RecentPosts ?? 0, p?.Recent ?? 0, g?.Recent ?? 0, rc?.Recent ?? 0, a?.Recent ?? 0, f?.Recent ?? 0),
                sanctioned.Contains(id));
        }
        return stats;
    }

    /// <summary>Recomputes every member's level (staff-locked and erased members aside); returns how many changed.</summary>
    public async Task<int> RecomputeAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var stats = await StatsAsync(null, ct);
        var changed = 0;
        // Only members with activity or a level above New can change: the rest stay New without being loaded.
        var candidates = stats.Keys.ToList();
        foreach (var chunk in candidates.Chunk(500))
        {
            var members = await db.Users.Where(u => chunk.Contains(u.Id) && !u.TrustLevelLocked && u.ErasedAt == null).ToListAsync(ct);
            changed += members.Count(m => Apply(m, stats[m.Id], now));
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        // Levels 3 and 4 need recent activity: those who have none at all left do not appear in the stats.
        var idle = await db.Users.Where(u => u.TrustLevel > TrustLevel.Member && !u.TrustLevelLocked && u.ErasedAt == null && !candidates.Contains(u.Id)).ToListAsync(ct);
        var none = new TrustStats(TrustActivity.None, TrustActivity.None, false);
        changed += idle.Count(m => Apply(m, none, now));
        await db.SaveChangesAsync(ct);
        return changed;
    }

    /// <summary>Moves one member to the level their activity earns, with an audit entry; false when it stays.</summary>
    private bool Apply(Member member, TrustStats stats, DateTime now)
    {
        var level = Decide(member.TrustLevel, member.TrustLevelChangedAt, stats, options.Value, now);
        if (level == member.TrustLevel) return false;
        audit.Record(null, AuditActions.TrustLevelChange, "member", member.Id, new { TrustLevel = (int)member.TrustLevel }, new { TrustLevel = (int)level }, l["TrustLevel.Reason.Activity"]);
        member.TrustLevel = level;
        member.TrustLevelChangedAt = now;
        return true;
    }

    /// <summary>Staff set a member's level and lock it (the job leaves it), or unlock it (the job takes over again).</summary>
    public async Task<Change<Member>> SetAsync(ClaimsPrincipal actor, Guid memberId, TrustLevel? level, bool locked, string? reason, CancellationToken ct = default)
    {
        if (!TopicPermissions.IsStaff(actor)) return Change<Member>.Forbidden();
        var member = await db.Users.FirstOrDefaultAsync(u => u.Id == memberId && u.ErasedAt == null, ct);
        if (member is null) return Change<Member>.NotFound();
        var errors = new Dictionary<string, string[]>();
        if (level is null || !Enum.IsDefined(level.Value)) errors["Level"] = [l["TrustLevel.Error.Level"]];
        if (string.IsNullOrWhiteSpace(reason)) errors["Reason"] = [l["TrustLevel.Error.Reason"]];
        else if (reason.Length > 1000) errors["Reason"] = [l["Flag.Error.TextTooLong", 1000]];
        if (errors.Count > 0) return Change<Member>.Invalid(errors);
        if (member.TrustLevel == level && member.TrustLevelLocked == locked) return Change<Member>.Ok(member);
        audit.Record(actor, AuditActions.TrustLevelChange, "member", member.Id,
            new { TrustLevel = (int)member.TrustLevel, Locked = member.TrustLevelLocked }, new { TrustLevel = (int)level!.Value, Locked = locked }, reason);
        if (member.TrustLevel != level) member.TrustLevelChangedAt = clock.GetUtcNow().UtcDateTime;
        member.TrustLevel = level.Value;
        member.TrustLevelLocked = locked;
        await db.SaveChangesAsync(ct);
        return Change<Member>.Ok(member);
    }
}
