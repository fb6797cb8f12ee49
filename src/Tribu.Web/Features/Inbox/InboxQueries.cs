using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Listening.Analysis;
using Tribu.Web.Features.Members;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Inbox;

/// <summary>The queue's saved views.</summary>
public enum InboxView
{
    /// <summary>Everything open or pending.</summary>
    All,
    Mine,
    Unassigned,
    /// <summary>Open items past a target, or past the warning share of one.</summary>
    Breaching,
    Pending,
    /// <summary>Resolved and closed.</summary>
    Done,
}

public enum InboxSort
{
    /// <summary>The next target to fall due first.</summary>
    Due,
    Newest,
    Oldest,
    Priority,
}

/// <summary>A list's view and filters, from a page's query string or the API.</summary>
public sealed record InboxFilter(
    InboxView View = InboxView.All,
    InboxChannel? Channel = null,
    string? Tag = null,
    InboxPriority? Priority = null,
    Guid? Assignee = null,
    int? Team = null,
    string? Language = null,
    string? Text = null,
    InboxSort Sort = InboxSort.Due,
    int Page = 1)
{
    public const int PageSize = 50;
    public const int MaxTextLength = 200;

    public string ToQueryString(int? page = null, InboxView? view = null)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value)) parts.Add($"{name}={Uri.EscapeDataString(value)}");
        }
        var v = view ?? View;
        if (v != InboxView.All) Add("view", v.ToString().ToLowerInvariant());
        Add("channel", Channel?.ToString().ToLowerInvariant());
        Add("tag", Tag);
        Add("priority", Priority?.ToString().ToLowerInvariant());
        Add("assignee", Assignee?.ToString());
        Add("team", Team?.ToString(CultureInfo.InvariantCulture));
        Add("language", Language);
        Add("text", Text);
        if (Sort != InboxSort.Due) Add("sort", Sort.ToString().ToLowerInvariant());
        var p = page ?? Page;
        if (p > 1) Add("page", p.ToString(CultureInfo.InvariantCulture));
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }

    public static T? ParseEnum<T>(string? value) where T : struct, Enum =>
        !string.IsNullOrEmpty(value) && !int.TryParse(value, out _) && Enum.TryParse<T>(value, ignoreCase: true, out var v) ? v : null;
}

/// <summary>Which SLA clock runs on an item, and how it stands.</summary>
public enum SlaState
{
    /// <summary>Resolved or closed: no clock runs.</summary>
    Stopped,
    Ok,
    Warning,
    Breached,
}

/// <summary>The running SLA clock of an item: first response until there is one, then resolution.</summary>
public readonly record struct SlaClock(SlaState State, bool IsFirstResponse, DateTime? DueAt, TimeSpan Remaining)
{
    public static SlaClock For(InboxStatus status, DateTime createdAt, DateTime? firstResponseAt, DateTime? firstDue, DateTime? resolutionDue, DateTime now, int warnAtPercent)
    {
        if (status is InboxStatus.Resolved or InboxStatus.Closed) return new(SlaState.Stopped, false, null, TimeSpan.Zero);
        var first = firstResponseAt is null && firstDue is not null;
        var due = first ? firstDue : resolutionDue;
        if (due is not { } d) return new(SlaState.Ok, first, null, TimeSpan.Zero);
        var remaining = d - now;
        if (remaining <= TimeSpan.Zero) return new(SlaState.Breached, first, d, remaining);
        var warnAt = createdAt + (d - createdAt) * (warnAtPercent / 100.0);
        return new(now >= warnAt ? SlaState.Warning : SlaState.Ok, first, d, remaining);
    }
}

/// <summary>One item in a list.</summary>
public sealed record InboxRow(
    long Id, InboxChannel Channel, InboxStatus Status, InboxPriority Priority, string Subject, string Excerpt, string? AuthorName, string? AuthorHandle,
    string Language, SentimentLabel Sentiment, Guid? AssigneeId, string? AssigneeName, string? TeamName, string? Tags, DateTime CreatedAt, DateTime OccurredAt,
    DateTime? FirstResponseAt, DateTime? ResolvedAt, TicketState TicketState, int ReplyCount, int NoteCount, bool ReplyFailed, SlaClock Sla)
{
    public IEnumerable<string> TagList => InboxTags.Split(Tags);
}

public sealed record InboxPage(IReadOnlyList<InboxRow> Rows, int Total, int Page, int Pages, IReadOnlyDictionary<InboxView, int> Counts);

/// <summary>A history line with its actor's name.</summary>
public sealed record InboxEventRow(long Id, DateTime At, InboxEventKind Kind, Guid? ActorId, string? ActorName, string? From, string? To, string? Text);

public sealed record InboxReplyRow(long Id, DateTime CreatedAt, Guid AuthorId, string AuthorName, ReplyRoute Route, string Body, ReplyState State, string? Url, string? Error);

/// <summary>A post of the item's community thread.</summary>
public sealed record ThreadPost(long Id, int Number, string AuthorName, string AuthorHandle, string BodyHtml, DateTime CreatedAt, bool IsItemPost, bool IsStaffReply);

/// <summary>What the community knows of the author, when they are a member.</summary>
public sealed record AuthorProfile(Guid Id, string DisplayName, string Handle, TrustLevel TrustLevel, DateTime JoinedAt, DateTime? LastSeenAt, int Posts, int Topics, int Solutions);

/// <summary>The item's page: the item, its history, replies, the conversation around it and its author.</summary>
public sealed record InboxDetail(
    InboxItem Item, string? AssigneeName, string? TeamName, string? WatchName, string? SourceName, int RepostCount, string? TopicTitle, string? TopicUrl,
    IReadOnlyList<InboxEventRow> Events, IReadOnlyList<InboxReplyRow> Replies, IReadOnlyList<ThreadPost> Thread, AuthorProfile? Author,
    IReadOnlyList<InboxRow> PreviousItems, SlaClock Sla);

public sealed class InboxQueries(TribuDbContext db, TimeProvider clock)
{
    public async Task<InboxPage> ListAsync(InboxFilter filter, Guid me, CancellationToken ct = default)
    {
        var settings = await InboxSettingsStore.GetAsync(db, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var query = Filtered(filter, me, now, settings.WarnAtPercent, withView: true);
        var total = await query.CountAsync(ct);
        var pages = Math.Max(1, (total + InboxFilter.PageSize - 1) / InboxFilter.PageSize);
        var page = Math.Clamp(filter.Page, 1, pages);
        query = filter.Sort switch
        {
            InboxSort.Newest => query.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id),
            InboxSort.Oldest => query.OrderBy(i => i.CreatedAt).ThenBy(i => i.Id),
            InboxSort.Priority => query.OrderByDescending(i => i.Priority == InboxPriority.Urgent ? 3 : i.Priority == InboxPriority.High ? 2 : i.Priority == InboxPriority.Normal ? 1 : 0)
                .ThenBy(i => i.FirstResponseAt == null ? i.FirstResponseDueAt : i.ResolutionDueAt).ThenBy(i => i.Id),
            _ => filter.View == InboxView.Done
                ? query.OrderByDescending(i => i.ResolvedAt).ThenByDescending(i => i.Id)
                : query.OrderBy(i => i.FirstResponseAt == null ? i.FirstResponseDueAt : i.ResolutionDueAt).ThenBy(i => i.Id),
        };
        var rows = await Project(query.Skip((page - 1) * InboxFilter.PageSize).Take(InboxFilter.PageSize), now, settings.WarnAtPercent, ct);

        // The view counts ignore the view itself, keep the other filters.
        var counts = new Dictionary<InboxView, int>();
        foreach (var view in Enum.GetValues<InboxView>())
        {
            if (view == InboxView.Done) continue;
            counts[view] = await Filtered(filter with { View = view }, me, now, settings.WarnAtPercent, withView: true).CountAsync(ct);
        }
        return new InboxPage(rows, total, page, pages, counts);
    }

    private IQueryable<InboxItem> Filtered(InboxFilter f, Guid me, DateTime now, int warnAtPercent, bool withView)
    {
        var q = db.InboxItems.AsNoTracking();
        if (withView)
        {
            q = f.View switch
            {
                InboxView.Mine => q.Where(i => i.AssigneeId == me && (i.Status == InboxStatus.Open || i.Status == InboxStatus.Pending)),
                InboxView.Unassigned => q.Where(i => i.AssigneeId == null && (i.Status == InboxStatus.Open || i.Status == InboxStatus.Pending)),
                InboxView.Pending => q.Where(i => i.Status == InboxStatus.Pending),
                InboxView.Done => q.Where(i => i.Status == InboxStatus.Resolved || i.Status == InboxStatus.Closed),
                InboxView.Breaching => q.Where(i => (i.Status == InboxStatus.Open || i.Status == InboxStatus.Pending)
                    && (i.SlaNotices != SlaNotice.None || (i.FirstResponseAt == null && i.FirstResponseDueAt <= now) || i.ResolutionDueAt <= now)
                    && !(i.FirstResponseAt != null && i.SlaNotices == SlaNotice.FirstResponseWarned)
                    && !(i.FirstResponseAt != null && i.SlaNotices == (SlaNotice.FirstResponseWarned | SlaNotice.FirstResponseBreached))),
                _ => q.Where(i => i.Status == InboxStatus.Open || i.Status == InboxStatus.Pending),
            };
        }
        if (f.Channel is { } channel) q = q.Where(i => i.Channel == channel);
        if (f.Priority is { } priority) q = q.Where(i => i.Priority == priority);
        if (f.Assignee is { } assignee) q = q.Where(i => i.AssigneeId == assignee);
        if (f.Team is { } team) q = q.Where(i => i.TeamId == team);
        if (!string.IsNullOrEmpty(f.Language)) q = q.Where(i => i.Language == f.Language);
        if (!string.IsNullOrWhiteSpace(f.Tag))
        {
            var tag = "," + InboxTags.Normalize(f.Tag) + ",";
            q = q.Where(i => ("," + i.Tags + ",").Contains(tag));
        }
        if (!string.IsNullOrWhiteSpace(f.Text))
        {
            var text = f.Text.Trim();
            text = text.Length > InboxFilter.MaxTextLength ? text[..InboxFilter.MaxTextLength] : text;
            var pattern = "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal).ToLowerInvariant() + "%";
            // ToLower() here is SQL's lower(), not .NET's: the culture analyzers do not apply.
#pragma warning disable CA1304, CA1311
            q = q.Where(i => EF.Functions.Like(i.Subject.ToLower(), pattern, "\\") || EF.Functions.Like(i.Excerpt.ToLower(), pattern, "\\")
                || (i.AuthorHandle != null && EF.Functions.Like(i.AuthorHandle.ToLower(), pattern, "\\")) || (i.AuthorName != null && EF.Functions.Like(i.AuthorName.ToLower(), pattern, "\\")));
#pragma warning restore CA1304, CA1311
        }
        return q;
    }

    private static async Task<List<InboxRow>> Project(IQueryable<InboxItem> query, DateTime now, int warnAtPercent, CancellationToken ct)
    {
        var raw = await query.Select(i => new
        {
            i.Id, i.Channel, i.Status, i.Priority, i.Subject, Excerpt = i.Excerpt.Substring(0, 240), i.AuthorName, i.AuthorHandle, i.Language, i.Sentiment,
            i.AssigneeId, AssigneeName = i.Assignee != null ? i.Assignee.DisplayName : null, TeamName = i.Team != null ? i.Team.Name : null, i.Tags,
            i.CreatedAt, i.OccurredAt, i.FirstResponseAt, i.ResolvedAt, i.TicketState, i.ReplyCount, i.NoteCount, ReplyFailed = i.LastReplyError != null,
            i.FirstResponseDueAt, i.ResolutionDueAt,
        }).ToListAsync(ct);
        return [.. raw.Select(i => new InboxRow(i.Id, i.Channel, i.Status, i.Priority, i.Subject, i.Excerpt, i.AuthorName, i.AuthorHandle, i.Language, i.Sentiment,
            i.AssigneeId, i.AssigneeName, i.TeamName, i.Tags, i.CreatedAt, i.OccurredAt, i.FirstResponseAt, i.ResolvedAt, i.TicketState, i.ReplyCount, i.NoteCount,
            i.ReplyFailed, SlaClock.For(i.Status, i.CreatedAt, i.FirstResponseAt, i.FirstResponseDueAt, i.ResolutionDueAt, now, warnAtPercent)))];
    }

    public async Task<InboxDetail?> DetailAsync(long id, CancellationToken ct = default)
    {
        var item = await db.InboxItems.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        if (item is null) return null;
        var settings = await InboxSettingsStore.GetAsync(db, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var assignee = item.AssigneeId is { } a ? await db.Users.Where(u => u.Id == a).Select(u => u.DisplayName).FirstOrDefaultAsync(ct) : null;
        var team = item.TeamId is { } t ? await db.InboxTeams.Where(x => x.Id == t).Select(x => x.Name).FirstOrDefaultAsync(ct) : null;
        var watch = item.WatchId is { } w ? await db.Watches.Where(x => x.Id == w).Select(x => x.Name).FirstOrDefaultAsync(ct) : null;
        string? source = null;
        var reposts = 0;
        if (item.MentionId is { } mentionId)
        {
            var m = await db.Mentions.AsNoTracking().Where(x => x.Id == mentionId).Select(x => new { x.RepostCount, Source = x.Source!.Name }).FirstOrDefaultAsync(ct);
            source = m?.Source;
            reposts = m?.RepostCount ?? 0;
        }

        var events = await db.InboxEvents.AsNoTracking().Where(e => e.ItemId == id).OrderBy(e => e.At).ThenBy(e => e.Id)
            .Select(e => new InboxEventRow(e.Id, e.At, e.Kind, e.ActorId, e.Actor != null ? e.Actor.DisplayName : null, e.From, e.To, e.Text)).ToListAsync(ct);
        var replies = await db.InboxReplies.AsNoTracking().Where(r => r.ItemId == id).OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
            .Select(r => new InboxReplyRow(r.Id, r.CreatedAt, r.AuthorId, r.Author!.DisplayName, r.Route, r.Body, r.State, r.Url, r.Error)).ToListAsync(ct);

        string? topicTitle = null, topicUrl = null;
        var thread = new List<ThreadPost>();
        if (item.TopicId is { } topicId)
        {
            var topic = await db.Topics.AsNoTracking().Where(x => x.Id == topicId).Select(x => new { x.Title, x.Slug }).FirstOrDefaultAsync(ct);
            if (topic is not null)
            {
                topicTitle = topic.Title;
                topicUrl = $"/t/{topicId}/{topic.Slug}";
                var staff = await StaffIdsAsync(ct);
                // The opening post and the latest replies: enough to answer without leaving the inbox.
                var posts = await db.Posts.AsNoTracking().Where(p => p.TopicId == topicId && !p.IsDeleted && p.Status == Topics.PostStatus.Published || p.Id == item.PostId)
                    .Where(p => p.TopicId == topicId)
                    .OrderByDescending(p => p.Number).Take(20)
                    .Select(p => new { p.Id, p.Number, p.Author!.DisplayName, p.Author.Handle, p.AuthorId, p.BodyHtml, p.CreatedAt }).ToListAsync(ct);
                if (posts.All(p => p.Number != 1))
                {
                    var first = await db.Posts.AsNoTracking().Where(p => p.TopicId == topicId && p.Number == 1)
                        .Select(p => new { p.Id, p.Number, p.Author!.DisplayName, p.Author.Handle, p.AuthorId, p.BodyHtml, p.CreatedAt }).FirstOrDefaultAsync(ct);
                    if (first is not null) posts.Add(first);
                }
                thread.AddRange(posts.OrderBy(p => p.Number).Select(p => new ThreadPost(p.Id, p.Number, p.DisplayName, p.Handle, p.BodyHtml, p.CreatedAt,
                    p.Id == item.PostId, staff.Contains(p.AuthorId))));
            }
        }

        AuthorProfile? author = null;
        if (item.AuthorMemberId is { } memberId)
        {
            author = await db.Users.AsNoTracking().Where(u => u.Id == memberId && u.ErasedAt == null)
                .Select(u => new AuthorProfile(u.Id, u.DisplayName, u.Handle, u.TrustLevel, u.CreatedAt, u.LastSeenAt,
                    db.Posts.Count(p => p.AuthorId == u.Id && !p.IsDeleted), db.Topics.Count(x => x.AuthorId == u.Id && !x.IsDeleted),
                    db.Topics.Count(x => x.AcceptedPostId != null && db.Posts.Any(p => p.Id == x.AcceptedPostId && p.AuthorId == u.Id))))
                .FirstOrDefaultAsync(ct);
        }

        var previous = db.InboxItems.AsNoTracking().Where(i => i.Id != id);
        previous = item.AuthorMemberId is { } mid
            ? previous.Where(i => i.AuthorMemberId == mid || (item.AuthorHandle != null && i.AuthorHandle == item.AuthorHandle))
            : item.AuthorHandle is { } handle ? previous.Where(i => i.AuthorHandle == handle) : previous.Where(_ => false);
        var previousRows = await Project(previous.OrderByDescending(i => i.CreatedAt).Take(10), now, settings.WarnAtPercent, ct);

        return new InboxDetail(item, assignee, team, watch, source, reposts, topicTitle, topicUrl, events, replies, thread, author, previousRows,
            SlaClock.For(item.Status, item.CreatedAt, item.FirstResponseAt, item.FirstResponseDueAt, item.ResolutionDueAt, now, settings.WarnAtPercent));
    }

    /// <summary>The next open item after this one in the default order (for "next" after resolving).</summary>
    public async Task<long?> NextAsync(long afterId, Guid me, CancellationToken ct = default)
    {
        var mine = await db.InboxItems.AsNoTracking().Where(i => i.Id != afterId && i.Status == InboxStatus.Open && (i.AssigneeId == me || i.AssigneeId == null))
            .OrderBy(i => i.AssigneeId == null ? 1 : 0).ThenBy(i => i.FirstResponseAt == null ? i.FirstResponseDueAt : i.ResolutionDueAt).ThenBy(i => i.Id)
            .Select(i => (long?)i.Id).FirstOrDefaultAsync(ct);
        return mine;
    }

    private async Task<HashSet<Guid>> StaffIdsAsync(CancellationToken ct) =>
        [.. await db.UserRoles.Where(ur => db.Roles.Any(r => r.Id == ur.RoleId && (r.Name == Roles.Admin || r.Name == Roles.CommunityManager || r.Name == Roles.Moderator)))
            .Select(ur => ur.UserId).Distinct().ToListAsync(ct)];
}
