using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Features.Spaces;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Ideas;

public enum IdeaSort
{
    Trending,
    Top,
    New,
}

/// <summary>One line of an idea list.</summary>
public sealed record IdeaRow(long Id, string BoardSlug, string Title, IdeaStatus Status, int VoteCount, DateTime CreatedAt, string AuthorName, string AuthorHandle)
{
    public string Url => $"/ideas/{BoardSlug}/{Id}";
}

/// <summary>Votes counted by one segment of the voters (a trust level, a language).</summary>
public sealed record VoteSegment(string Name, int Count);

/// <summary>The logic of idea boards, shared by the pages and the API.</summary>
public sealed class IdeasService(TribuDbContext db, MarkdownRenderer markdown, ILiveBus bus, TimeProvider clock, IStringLocalizer<UiStrings> l)
{
    public const int PageSize = 30;

    /// <summary>Staff who decide on ideas: admins and community managers.</summary>
    public static bool IsStaff(ClaimsPrincipal user) => user.IsInRole(Roles.Admin) || user.IsInRole(Roles.CommunityManager);

    /// <summary>
    /// Trending: votes weighed down by age, so that a recent idea many vote for rises above an old one that gathered more
    /// votes long ago (score = (votes + 1) / (hours + 2)^1.5, the decay news sites use).
    /// </summary>
    public static double TrendingScore(int votes, DateTime createdAt, DateTime now) =>
        (votes + 1) / Math.Pow(Math.Max(0, (now - createdAt).TotalHours) + 2, 1.5);

    public async Task<List<IdeaBoard>> BoardsAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        var boards = await db.IdeaBoards.AsNoTracking().OrderBy(b => b.Name).ToListAsync(ct);
        var spaceIds = boards.Where(b => b.SpaceId is not null).Select(b => b.SpaceId!.Value).Distinct().ToList();
        var spaces = await db.Spaces.AsNoTracking().Where(s => spaceIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        return [.. boards.Where(b => b.SpaceId is not { } id || (spaces.TryGetValue(id, out var space) && SpaceAccess.CanRead(space, user)))];
    }

    /// <summary>A board the user may see, or null.</summary>
    public async Task<IdeaBoard?> BoardAsync(string slug, ClaimsPrincipal user, CancellationToken ct = default)
    {
        var board = await db.IdeaBoards.AsNoTracking().FirstOrDefaultAsync(b => b.Slug == slug, ct);
        return board is not null && await CanSeeAsync(board, user, ct) ? board : null;
    }

    private async Task<bool> CanSeeAsync(IdeaBoard board, ClaimsPrincipal user, CancellationToken ct)
    {
        if (board.SpaceId is not { } spaceId) return true;
        var space = await db.Spaces.AsNoTracking().FirstOrDefaultAsync(s => s.Id == spaceId, ct);
        return space is not null && SpaceAccess.CanRead(space, user);
    }

    public async Task<Change<IdeaBoard>> CreateBoardAsync(ClaimsPrincipal user, string? name, string? slug, string? description, string? space, CancellationToken ct = default)
    {
        if (!IsStaff(user)) return Change<IdeaBoard>.Forbidden();
        var errors = new Dictionary<string, string[]>();
        name = name?.Trim() ?? "";
        if (name.Length is 0 or > 100) errors["Name"] = [l["Ideas.Board.NameRequired"]];
        slug = string.IsNullOrWhiteSpace(slug) ? TopicsFeature.Slugify(name) : TopicsFeature.Slugify(slug);
        if (await db.IdeaBoards.AnyAsync(b => b.Slug == slug, ct)) errors["Slug"] = [l["Ideas.Board.SlugTaken"]];
        if ((description?.Length ?? 0) > 1000) errors["Description"] = [l["Ideas.Board.DescriptionTooLong"]];
        int? spaceId = null;
        if (!string.IsNullOrWhiteSpace(space))
        {
            spaceId = await db.Spaces.Where(s => s.Slug == space).Select(s => (int?)s.Id).FirstOrDefaultAsync(ct);
            if (spaceId is null) errors["Space"] = [l["Ideas.Board.NoSuchSpace"]];
        }
        if (errors.Count > 0) return Change<IdeaBoard>.Invalid(errors);
        var board = new IdeaBoard { Name = name, Slug = slug, Description = description?.Trim() ?? "", SpaceId = spaceId, CreatedAt = Now };
        db.IdeaBoards.Add(board);
        await db.SaveChangesAsync(ct);
        return Change<IdeaBoard>.Ok(board);
    }

    /// <summary>A board's ideas (merged ones left out), sorted and filtered; the page count alongside.</summary>
    public async Task<(List<IdeaRow> Rows, int PageCount)> ListAsync(IdeaBoard board, IdeaSort sort, IdeaStatus? status, int page, CancellationToken ct = default)
    {
        var query = db.Ideas.AsNoTracking().Where(i => i.BoardId == board.Id && i.MergedIntoId == null);
        if (status is { } s) query = query.Where(i => i.Status == s);
        var count = await query.CountAsync(ct);
        var skip = (Math.Max(1, page) - 1) * PageSize;
        List<long> ids;
        if (sort == IdeaSort.Trending)
        {
            // The decay needs a power: computed here rather than in two SQL dialects; a board holds hundreds of ideas, not millions.
            var now = Now;
            var all = await query.Select(i => new { i.Id, i.VoteCount, i.CreatedAt }).ToListAsync(ct);
            ids = [.. all.OrderByDescending(i => TrendingScore(i.VoteCount, i.CreatedAt, now)).ThenByDescending(i => i.Id).Skip(skip).Take(PageSize).Select(i => i.Id)];
        }
        else
        {
            var ordered = sort == IdeaSort.Top
                ? query.OrderByDescending(i => i.VoteCount).ThenByDescending(i => i.CreatedAt)
                : query.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id);
            ids = await ordered.Skip(skip).Take(PageSize).Select(i => i.Id).ToListAsync(ct);
        }
        var rows = await RowsAsync(db.Ideas.Where(i => ids.Contains(i.Id)), ct);
        return ([.. ids.Select(id => rows.First(r => r.Id == id))], Math.Max(1, (int)Math.Ceiling(count / (double)PageSize)));
    }

    private Task<List<IdeaRow>> RowsAsync(IQueryable<Idea> ideas, CancellationToken ct) =>
        ideas.AsNoTracking().Select(i => new IdeaRow(i.Id, i.Board!.Slug, i.Title, i.Status, i.VoteCount, i.CreatedAt,
            db.Users.Where(u => u.Id == i.AuthorId).Select(u => u.DisplayName).First(),
            db.Users.Where(u => u.Id == i.AuthorId).Select(u => u.Handle).First())).ToListAsync(ct);

    /// <summary>The public roadmap: planned, in progress and shipped ideas of the boards the user may see.</summary>
    public async Task<Dictionary<IdeaStatus, List<IdeaRow>>> RoadmapAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        var boardIds = (await BoardsAsync(user, ct)).Select(b => b.Id).ToList();
        IdeaStatus[] columns = [IdeaStatus.Planned, IdeaStatus.InProgress, IdeaStatus.Shipped];
        var rows = await RowsAsync(db.Ideas.Where(i => boardIds.Contains(i.BoardId) && i.MergedIntoId == null && columns.Contains(i.Status))
            .OrderByDescending(i => i.VoteCount).ThenByDescending(i => i.UpdatedAt).Take(300), ct);
        return columns.ToDictionary(c => c, c => rows.Where(r => r.Status == c).ToList());
    }

    /// <summary>An idea the user may see, with its board; a merged idea is returned too (the caller redirects).</summary>
    public async Task<Idea?> FindAsync(long id, ClaimsPrincipal user, CancellationToken ct = default)
    {
        var idea = await db.Ideas.AsNoTracking().Include(i => i.Board).FirstOrDefaultAsync(i => i.Id == id, ct);
        return idea is not null && await CanSeeAsync(idea.Board!, user, ct) ? idea : null;
    }

    /// <summary>Where a merged idea lives now (following merges of merges).</summary>
    public async Task<Idea?> ResolveAsync(long id, ClaimsPrincipal user, CancellationToken ct = default)
    {
        var idea = await FindAsync(id, user, ct);
        for (var hops = 0; idea?.MergedIntoId is { } next && hops < 10; hops++) idea = await FindAsync(next, user, ct);
        return idea;
    }

    public async Task<Change<Idea>> CreateAsync(ClaimsPrincipal user, string boardSlug, string? title, string? body, CancellationToken ct = default)
    {
        if (TopicPermissions.MemberId(user) is not { } me) return Change<Idea>.Forbidden();
        var board = await BoardAsync(boardSlug, user, ct);
        if (board is null) return Change<Idea>.NotFound();
        var errors = Validate(ref title, ref body);
        if (errors.Count > 0) return Change<Idea>.Invalid(errors);
        var now = Now;
        var idea = new Idea
        {
            BoardId = board.Id, AuthorId = me, Title = title!, BodyMarkdown = body!, BodyHtml = markdown.Render(body!),
            Status = IdeaStatus.New, CreatedAt = now, UpdatedAt = now, VoteCount = 1,
        };
        db.Ideas.Add(idea);
        await db.SaveChangesAsync(ct);
        // The author wants it: their vote is counted, and they hear of its fate.
        db.IdeaVotes.Add(new IdeaVote { IdeaId = idea.Id, MemberId = me, CreatedAt = now });
        db.IdeaFollowers.Add(new IdeaFollower { IdeaId = idea.Id, MemberId = me, CreatedAt = now });
        await db.SaveChangesAsync(ct);
        idea.Board = board;
        return Change<Idea>.Ok(idea);
    }

    /// <summary>Whether the reader may change the idea's title and text: its author while it is new, staff always.</summary>
    public static bool CanEdit(Idea idea, ClaimsPrincipal user) =>
        idea.MergedIntoId is null && (IsStaff(user) || (idea.Status == IdeaStatus.New && TopicPermissions.MemberId(user) == idea.AuthorId));

    /// <summary>Changes an idea's title and text (see <see cref="CanEdit"/>).</summary>
    public async Task<Change<Idea>> EditAsync(ClaimsPrincipal user, long id, string? title, string? body, CancellationToken ct = default)
    {
        var idea = await db.Ideas.Include(i => i.Board).FirstOrDefaultAsync(i => i.Id == id, ct);
        if (idea is null || await FindAsync(id, user, ct) is null) return Change<Idea>.NotFound();
        if (!CanEdit(idea, user)) return Change<Idea>.Forbidden();
        var errors = Validate(ref title, ref body);
        if (errors.Count > 0) return Change<Idea>.Invalid(errors);
        idea.Title = title!;
        idea.BodyMarkdown = body!;
        idea.BodyHtml = markdown.Render(body!);
        idea.UpdatedAt = Now;
        await db.SaveChangesAsync(ct);
        return Change<Idea>.Ok(idea);
    }

    /// <summary>The open ideas of the same board another may be merged into, most voted first.</summary>
    public Task<List<IdeaRef>> MergeTargetsAsync(Idea idea, CancellationToken ct = default) =>
        db.Ideas.AsNoTracking().Where(i => i.BoardId == idea.BoardId && i.Id != idea.Id && i.MergedIntoId == null)
            .OrderByDescending(i => i.VoteCount).ThenBy(i => i.Id).Take(300).Select(i => new IdeaRef(i.Id, i.Title, i.VoteCount)).ToListAsync(ct);

    /// <summary>The duplicates merged into an idea.</summary>
    public Task<List<IdeaRef>> MergedIntoAsync(long id, CancellationToken ct = default) =>
        db.Ideas.AsNoTracking().Where(i => i.MergedIntoId == id).OrderBy(i => i.Id).Select(i => new IdeaRef(i.Id, i.Title, 0)).ToListAsync(ct);

    private Dictionary<string, string[]> Validate(ref string? title, ref string? body)
    {
        var errors = new Dictionary<string, string[]>();
        title = title?.Trim() ?? "";
        body = body?.Trim() ?? "";
        if (title.Length < 5 || title.Length > 150) errors["Title"] = [l["Ideas.TitleLength"]];
        if (body.Length is 0 or > 20000) errors["Body"] = [l["Ideas.BodyRequired"]];
        return errors;
    }

    /// <summary>Votes for (or takes back the vote for) an idea: at most one vote per member, however often asked. The new count.</summary>
    public async Task<Change<int>> VoteAsync(ClaimsPrincipal user, long id, bool vote, CancellationToken ct = default)
    {
        if (TopicPermissions.MemberId(user) is not { } me) return Change<int>.Forbidden();
        var idea = await FindAsync(id, user, ct);
        if (idea is null || idea.MergedIntoId is not null) return Change<int>.NotFound();
        if (vote)
        {
            if (!await db.IdeaVotes.AnyAsync(v => v.IdeaId == id && v.MemberId == me, ct))
            {
                db.IdeaVotes.Add(new IdeaVote { IdeaId = id, MemberId = me, CreatedAt = Now });
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException)
                {
                    // The same vote from a second request at the same moment: the key keeps one.
                    db.ChangeTracker.Clear();
                }
            }
        }
        else
        {
            await db.IdeaVotes.Where(v => v.IdeaId == id && v.MemberId == me).ExecuteDeleteAsync(ct);
        }
        var count = await RecountAsync(id, ct);
        return Change<int>.Ok(count);
    }

    private async Task<int> RecountAsync(long id, CancellationToken ct)
    {
        var count = await db.IdeaVotes.CountAsync(v => v.IdeaId == id, ct);
        await db.Ideas.Where(i => i.Id == id).ExecuteUpdateAsync(s => s.SetProperty(i => i.VoteCount, count), ct);
        return count;
    }

    public async Task<Change<bool>> FollowAsync(ClaimsPrincipal user, long id, bool follow, CancellationToken ct = default)
    {
        if (TopicPermissions.MemberId(user) is not { } me) return Change<bool>.Forbidden();
        var idea = await FindAsync(id, user, ct);
        if (idea is null || idea.MergedIntoId is not null) return Change<bool>.NotFound();
        if (!follow)
        {
            await db.IdeaFollowers.Where(f => f.IdeaId == id && f.MemberId == me).ExecuteDeleteAsync(ct);
            return Change<bool>.Ok(false);
        }
        if (!await db.IdeaFollowers.AnyAsync(f => f.IdeaId == id && f.MemberId == me, ct))
        {
            db.IdeaFollowers.Add(new IdeaFollower { IdeaId = id, MemberId = me, CreatedAt = Now });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear();
            }
        }
        return Change<bool>.Ok(true);
    }

    /// <summary>Staff set the status with an official response; voters and followers are told.</summary>
    public async Task<Change<IdeaStatusChange>> SetStatusAsync(ClaimsPrincipal user, long id, string? status, string? response, CancellationToken ct = default)
    {
        if (!IsStaff(user) || TopicPermissions.MemberId(user) is not { } me) return Change<IdeaStatusChange>.Forbidden();
        var idea = await db.Ideas.Include(i => i.Board).FirstOrDefaultAsync(i => i.Id == id && i.MergedIntoId == null, ct);
        if (idea is null) return Change<IdeaStatusChange>.NotFound();
        var errors = new Dictionary<string, string[]>();
        if (!Enum.TryParse<IdeaStatus>(status, ignoreCase: true, out var to) || !Enum.IsDefined(to) || int.TryParse(status, out _)) errors["Status"] = [l["Ideas.StatusInvalid"]];
        response = response?.Trim() ?? "";
        if (response.Length is 0 or > 5000) errors["Response"] = [l["Ideas.ResponseRequired"]];
        if (errors.Count > 0) return Change<IdeaStatusChange>.Invalid(errors);
        var now = Now;
        var change = new IdeaStatusChange { IdeaId = id, ChangedById = me, ChangedAt = now, From = idea.Status, To = to, Response = response, ResponseHtml = markdown.Render(response) };
        db.IdeaStatusChanges.Add(change);
        idea.Status = to;
        idea.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        var voters = db.IdeaVotes.Where(v => v.IdeaId == id).Select(v => v.MemberId);
        var followers = db.IdeaFollowers.Where(f => f.IdeaId == id).Select(f => f.MemberId);
        var recipients = await voters.Union(followers).ToListAsync(ct);
        await NotifyAsync(recipients, me, NotificationKind.IdeaStatus, id, change.Id, response, ct);
        return Change<IdeaStatusChange>.Ok(change);
    }

    /// <summary>
    /// Staff merge a duplicate into another idea: its votes and followers move (a member who voted for both keeps one vote),
    /// its address redirects, and its voters are told where their vote went.
    /// </summary>
    public async Task<Change<Idea>> MergeAsync(ClaimsPrincipal user, long id, long intoId, CancellationToken ct = default)
    {
        if (!IsStaff(user) || TopicPermissions.MemberId(user) is not { } me) return Change<Idea>.Forbidden();
        var idea = await db.Ideas.FirstOrDefaultAsync(i => i.Id == id && i.MergedIntoId == null, ct);
        if (idea is null) return Change<Idea>.NotFound();
        var target = await db.Ideas.Include(i => i.Board).FirstOrDefaultAsync(i => i.Id == intoId && i.MergedIntoId == null, ct);
        if (target is null || target.Id == id) return Change<Idea>.Invalid(new() { ["Into"] = [l["Ideas.MergeTargetInvalid"]] });
        var now = Now;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var voters = await db.IdeaVotes.Where(v => v.IdeaId == id).Select(v => new { v.MemberId, v.CreatedAt }).ToListAsync(ct);
        var already = (await db.IdeaVotes.Where(v => v.IdeaId == intoId).Select(v => v.MemberId).ToListAsync(ct)).ToHashSet();
        foreach (var v in voters.Where(v => !already.Contains(v.MemberId))) db.IdeaVotes.Add(new IdeaVote { IdeaId = intoId, MemberId = v.MemberId, CreatedAt = v.CreatedAt });
        var followers = await db.IdeaFollowers.Where(f => f.IdeaId == id).Select(f => f.MemberId).ToListAsync(ct);
        var following = (await db.IdeaFollowers.Where(f => f.IdeaId == intoId).Select(f => f.MemberId).ToListAsync(ct)).ToHashSet();
        foreach (var f in followers.Where(f => !following.Contains(f))) db.IdeaFollowers.Add(new IdeaFollower { IdeaId = intoId, MemberId = f, CreatedAt = now });
        idea.MergedIntoId = intoId;
        idea.UpdatedAt = now;
        idea.VoteCount = 0;
        target.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await db.IdeaVotes.Where(v => v.IdeaId == id).ExecuteDeleteAsync(ct);
        await db.IdeaFollowers.Where(f => f.IdeaId == id).ExecuteDeleteAsync(ct);
        // Earlier merges into this idea now point at the new target: one hop, always.
        await db.Ideas.Where(i => i.MergedIntoId == id).ExecuteUpdateAsync(s => s.SetProperty(i => i.MergedIntoId, intoId), ct);
        await RecountAsync(intoId, ct);
        await transaction.CommitAsync(ct);
        await NotifyAsync([.. voters.Select(v => v.MemberId)], me, NotificationKind.IdeaMerged, id, intoId, null, ct);
        return Change<Idea>.Ok(target);
    }

    /// <summary>In-app only: these kinds have no mail template, and each member may turn them off (preference None).</summary>
    private async Task NotifyAsync(List<Guid> recipients, Guid actorId, NotificationKind kind, long topicSlot, long postSlot, string? note, CancellationToken ct)
    {
        recipients.Remove(actorId);
        if (recipients.Count == 0) return;
        var off = await db.NotificationPreferences.Where(p => recipients.Contains(p.MemberId) && p.Kind == kind && p.Channel == DeliveryChannel.None)
            .Select(p => p.MemberId).ToListAsync(ct);
        var now = Now;
        var told = recipients.Except(off).Distinct().ToList();
        foreach (var id in told)
        {
            db.Notifications.Add(new Notification { RecipientId = id, Kind = kind, ActorId = actorId, TopicId = topicSlot, PostId = postSlot, CreatedAt = now, Note = note });
        }
        await db.SaveChangesAsync(ct);
        foreach (var id in told) await bus.PublishAsync(LiveChannels.Member(id), ct);
    }

    /// <summary>For staff: who voted, by trust level and by language, where the members' profiles say.</summary>
    public async Task<(List<VoteSegment> ByTrust, List<VoteSegment> ByLanguage)> SegmentsAsync(long id, CancellationToken ct = default)
    {
        var voters = await db.IdeaVotes.AsNoTracking().Where(v => v.IdeaId == id)
            .Join(db.Users, v => v.MemberId, u => u.Id, (v, u) => new { u.TrustLevel, u.PreferredLanguage }).ToListAsync(ct);
        var byTrust = voters.GroupBy(v => v.TrustLevel).OrderBy(g => g.Key).Select(g => new VoteSegment(g.Key.ToString(), g.Count())).ToList();
        var byLanguage = voters.GroupBy(v => string.IsNullOrEmpty(v.PreferredLanguage) ? "" : v.PreferredLanguage).OrderByDescending(g => g.Count())
            .Select(g => new VoteSegment(g.Key, g.Count())).ToList();
        return (byTrust, byLanguage);
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
