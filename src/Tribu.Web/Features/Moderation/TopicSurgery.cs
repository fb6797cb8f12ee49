using System.Globalization;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Features.Search;
using Tribu.Web.Features.Spaces;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Localization;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Moderation;

/// <summary>What a topic action left: the topic to look at now (the target of a merge, the new topic of a split) and how many posts moved.</summary>
public sealed record SurgeryOutcome(Topic Topic, int MovedPosts);

/// <summary>A split as a form or the API sends it. <c>Kind</c>: Discussion, Question or Announcement.</summary>
public sealed record SplitInput(IReadOnlyCollection<long>? PostIds, string? Title, string? SpaceSlug, string? Kind, string? Message);

/// <summary>
/// The moderators' topic actions: lock, move, merge into another topic, split replies into a new topic. Each claims what it
/// changes with a conditional update inside a transaction, so a double submit or two moderators at once never act twice:
/// the second is told who did it. Each is audited and may tell the authors concerned, with the moderator's words or the
/// standard message (left as prefilled, it reaches each author in their own language).
/// </summary>
public sealed partial class TopicSurgery(
    TribuDbContext db, TimeProvider clock, AuditLog audit, Notifier notifier, ILiveBus live, SearchIndex index, MarkdownRenderer markdown,
    IStringLocalizer<UiStrings> l, ILogger<TopicSurgery> logger)
{
    public const int MessageMaxLength = 2000;

    /// <summary>The standard messages, by action: each takes the topic's title as {0} (and the merge target's as {1}).</summary>
    public static class Templates
    {
        public const string Lock = "Surgery.Template.Lock";
        public const string Unlock = "Surgery.Template.Unlock";
        public const string Move = "Surgery.Template.Move";
        public const string Merge = "Surgery.Template.Merge";
        public const string Split = "Surgery.Template.Split";
    }

    /// <summary>A standard message in a language ("en", "fr"; anything else: the current one).</summary>
    public string Template(string key, string? language, params object[] args) =>
        LocalizationFeature.InLanguage(language, () => l[key, args].Value);

    /// <summary>
    /// Locks or opens a topic (the space's moderators). With no message but <paramref name="standardMessage"/> (the queue's
    /// "tell the author"), the author gets the standard message in their language.
    /// </summary>
    public async Task<Change<SurgeryOutcome>> SetLockAsync(ClaimsPrincipal user, long topicId, bool locked, string? message, bool standardMessage = false, CancellationToken ct = default)
    {
        var (topic, refusal) = await ModeratedTopicAsync(user, topicId, ct);
        if (refusal is not null) return refusal;
        if (MessageErrors(message) is { } tooLong) return Change<SurgeryOutcome>.Invalid(tooLong);
        var claimed = await db.Topics.Where(t => t.Id == topicId && !t.IsDeleted && t.IsLocked != locked)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.IsLocked, locked), ct);
        var action = locked ? AuditActions.TopicLock : AuditActions.TopicUnlock;
        if (claimed == 0) return Change<SurgeryOutcome>.Invalid(new() { [""] = [await AlreadyAsync(action, topicId, locked ? "Surgery.AlreadyLocked" : "Surgery.AlreadyUnlocked", ct)] });
        topic!.IsLocked = locked;
        audit.Record(user, action, "topic", topicId, reason: Reason(message));
        await db.SaveChangesAsync(ct);
        await TellAsync(user, topic, await OpeningPostsAsync(topicId, ct), message, locked ? Templates.Lock : Templates.Unlock, [topic.Title], ct, standardMessage);
        await live.PublishAsync(LiveChannels.Topic(topicId), ct);
        return Change<SurgeryOutcome>.Ok(new(topic, 0));
    }

    /// <summary>Moves a topic to another space: it crosses spaces, so staff only.</summary>
    public async Task<Change<SurgeryOutcome>> MoveAsync(ClaimsPrincipal user, long topicId, string? spaceSlug, string? message, bool standardMessage = false, CancellationToken ct = default)
    {
        var (topic, refusal) = await ModeratedTopicAsync(user, topicId, ct);
        if (refusal is not null) return refusal;
        if (!TopicPermissions.CanMove(user)) return Change<SurgeryOutcome>.Forbidden();
        var errors = MessageErrors(message) ?? [];
        var slug = spaceSlug?.Trim() ?? "";
        var target = slug.Length == 0 ? null : await db.Spaces.AsNoTracking().FirstOrDefaultAsync(s => s.Slug == slug, ct);
        if (target is null) errors["Space"] = [slug.Length == 0 ? l["Surgery.SpaceRequired"] : l["Topic.Move.Unknown", slug]];
        else if (target.Id == topic!.SpaceId) errors["Space"] = [l["Surgery.AlreadyInSpace", target.Name]];
        if (errors.Count > 0) return Change<SurgeryOutcome>.Invalid(errors);
        // The claim: the topic must still be where the moderator saw it.
        var claimed = await db.Topics.Where(t => t.Id == topicId && !t.IsDeleted && t.SpaceId == topic!.SpaceId)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.SpaceId, target!.Id), ct);
        if (claimed == 0) return Change<SurgeryOutcome>.Invalid(new() { [""] = [await AlreadyAsync(AuditActions.TopicMove, topicId, "Surgery.AlreadyMoved", ct)] });
        audit.Record(user, AuditActions.TopicMove, "topic", topicId, new { Space = topic!.Space!.Slug }, new { Space = target!.Slug }, Reason(message));
        await db.SaveChangesAsync(ct);
        topic.SpaceId = target.Id;
        topic.Space = target;
        await TellAsync(user, topic, await OpeningPostsAsync(topicId, ct), message, Templates.Move, [topic.Title], ct, standardMessage);
        await live.PublishAsync(LiveChannels.Topic(topicId), ct);
        return Change<SurgeryOutcome>.Ok(new(topic, 0));
    }

    /// <summary>
    /// Merges a topic into another: its posts follow the target's, in their order, renumbered; its followers follow the target;
    /// it is deleted and its address leads to the target for good.
    /// </summary>
    public async Task<Change<SurgeryOutcome>> MergeAsync(ClaimsPrincipal user, long sourceId, long? targetId, string? message, CancellationToken ct = default)
    {
        if (TopicPermissions.MemberId(user) is null) return Change<SurgeryOutcome>.Forbidden();
        var source = await db.Topics.AsNoTracking().Include(t => t.Space).FirstOrDefaultAsync(t => t.Id == sourceId, ct);
        if (source is null || !SpaceAccess.CanRead(source.Space!, user)) return Change<SurgeryOutcome>.NotFound();
        if (!TopicPermissions.IsModerator(source.SpaceId, user)) return Change<SurgeryOutcome>.Forbidden();
        if (source.MergedIntoId is not null) return Change<SurgeryOutcome>.Invalid(new() { [""] = [await AlreadyMergedAsync(source, ct)] });
        if (source.IsDeleted) return Change<SurgeryOutcome>.NotFound();

        var errors = MessageErrors(message) ?? [];
        Topic? target = null;
        if (targetId is not { } into) errors["TargetTopicId"] = [l["Surgery.TargetRequired"]];
        else if (into == sourceId) errors["TargetTopicId"] = [l["Surgery.MergeIntoItself"]];
        else
        {
            target = await db.Topics.AsNoTracking().Include(t => t.Space).FirstOrDefaultAsync(t => t.Id == into, ct);
            if (target is null || !SpaceAccess.CanRead(target.Space!, user) || !TopicPermissions.CanSee(target, user)) errors["TargetTopicId"] = [l["Surgery.UnknownTopic", into]];
            else if (target.MergedIntoId is { } further) errors["TargetTopicId"] = [l["Surgery.TargetMerged", into, further]];
            else if (target.IsDeleted) errors["TargetTopicId"] = [l["Surgery.UnknownTopic", into]];
            else if (!TopicPermissions.IsModerator(target.SpaceId, user)) return Change<SurgeryOutcome>.Refused(l["Surgery.NotYourSpace", target.Title]);
        }
        if (errors.Count > 0) return Change<SurgeryOutcome>.Invalid(errors);

        List<Post> moved;
        long? acceptedKept;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            // Both rows are claimed, in id order (two opposite merges at once wait for each other instead of deadlocking):
            // the source must still be there and unmerged, the target too, or nothing is done.
            foreach (var id in new[] { sourceId, target!.Id }.Order())
            {
                var claimed = id == sourceId
                    ? await db.Topics.Where(t => t.Id == sourceId && !t.IsDeleted && t.MergedIntoId == null)
                        .ExecuteUpdateAsync(s => s.SetProperty(t => t.IsDeleted, true).SetProperty(t => t.MergedIntoId, target.Id), ct)
                    : await db.Topics.Where(t => t.Id == target.Id && !t.IsDeleted && t.MergedIntoId == null)
                        .ExecuteUpdateAsync(s => s.SetProperty(t => t.ViewCount, t => t.ViewCount + source.ViewCount), ct);
                if (claimed > 0) continue;
                await transaction.RollbackAsync(ct);
                if (id == sourceId)
                {
                    var now = await db.Topics.AsNoTracking().FirstAsync(t => t.Id == sourceId, ct);
                    return now.MergedIntoId is null ? Change<SurgeryOutcome>.NotFound() : Change<SurgeryOutcome>.Invalid(new() { [""] = [await AlreadyMergedAsync(now, ct)] });
                }
                return Change<SurgeryOutcome>.Invalid(new() { ["TargetTopicId"] = [l["Surgery.TargetGone", target.Id]] });
            }

            // Appended after the target's posts, in their own order. Numbers above the target's highest cannot collide,
            // so no intermediate numbering is needed; a reply landing in the target meanwhile makes the save fail, and nothing is done.
            var highest = await db.Posts.Where(p => p.TopicId == target.Id).MaxAsync(p => (int?)p.Number, ct) ?? 0;
            moved = await db.Posts.Where(p => p.TopicId == sourceId).OrderBy(p => p.CreatedAt).ThenBy(p => p.Number).ToListAsync(ct);
            var numbersBefore = moved.ToDictionary(p => p.Id, p => p.Number);
            foreach (var post in moved)
            {
                post.TopicId = target.Id;
                post.Number = ++highest;
            }
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                return Change<SurgeryOutcome>.Invalid(new() { [""] = [l["Surgery.Conflict"]] });
            }

            // The source's accepted answer answers the same question: it stays the answer of a question that has none yet.
            acceptedKept = source.AcceptedPostId is { } accepted && target.Kind == TopicKind.Question && moved.Any(p => p.Id == accepted && !p.IsDeleted)
                && await db.Topics.Where(t => t.Id == target.Id && t.AcceptedPostId == null).ExecuteUpdateAsync(s => s.SetProperty(t => t.AcceptedPostId, accepted), ct) > 0
                ? accepted : null;
            await RecountAsync(target.Id, ct);
            await MoveFollowersAsync(sourceId, target.Id, ct);
            // Notifications about the moved posts lead to where they are now.
            await db.Notifications.Where(n => n.TopicId == sourceId).ExecuteUpdateAsync(s => s.SetProperty(n => n.TopicId, target.Id), ct);
            audit.Record(user, AuditActions.TopicMerge, "topic", sourceId,
                new { Source = sourceId, source.Title, Space = source.Space!.Slug, source.AcceptedPostId, Posts = numbersBefore },
                new { Target = target.Id, TargetTitle = target.Title, AcceptedPostId = acceptedKept, Posts = moved.ToDictionary(p => p.Id, p => p.Number) },
                Reason(message));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        var merged = await db.Topics.Include(t => t.Space).FirstAsync(t => t.Id == target.Id, ct);
        await ReindexAsync([.. moved.Select(p => p.Id)], ct);
        await TellAsync(user, merged, moved.Where(p => !p.IsDeleted).ToList(), message, Templates.Merge, [source.Title, target.Title], ct);
        await live.PublishAsync(LiveChannels.Topic(sourceId), ct);
        await live.PublishAsync(LiveChannels.Topic(target.Id), ct);
        return Change<SurgeryOutcome>.Ok(new(merged, moved.Count));
    }

    /// <summary>
    /// Splits replies into a new topic: the first of them (in time) opens it and makes its author the topic's author, the others
    /// follow; both topics are numbered 1..n again; a notice in the source leads to the new topic.
    /// </summary>
    public async Task<Change<SurgeryOutcome>> SplitAsync(ClaimsPrincipal user, long sourceId, SplitInput input, CancellationToken ct = default)
    {
        if (TopicPermissions.MemberId(user) is not { } me) return Change<SurgeryOutcome>.Forbidden();
        var (source, refusal) = await ModeratedTopicAsync(user, sourceId, ct);
        if (refusal is not null) return refusal;

        var errors = MessageErrors(input.Message) ?? [];
        var ids = (input.PostIds ?? []).Distinct().ToList();
        var selected = ids.Count == 0 ? [] : await db.Posts.AsNoTracking().Where(p => ids.Contains(p.Id) && !p.IsDeleted).ToListAsync(ct);
        if (ids.Count == 0) errors["PostIds"] = [l["Surgery.NothingSelected"]];
        else if (selected.Any(p => p.TopicId == sourceId && p.Number == 1)) errors["PostIds"] = [l["Surgery.OpeningPostStays"]];
        else if (selected.Count < ids.Count || selected.Any(p => p.TopicId != sourceId))
        {
            // Already split by a double submit or another moderator: say by whom, do nothing more.
            if (selected.Count == ids.Count && selected.Select(p => p.TopicId).Distinct().Count() == 1 && await AlreadySplitAsync(sourceId, selected[0].TopicId, ct) is { } already)
            {
                return Change<SurgeryOutcome>.Invalid(new() { [""] = [already] });
            }
            errors["PostIds"] = [l["Surgery.NotInTopic", string.Join(", ", ids.Except(selected.Where(p => p.TopicId == sourceId).Select(p => p.Id)))]];
        }
        var title = (input.Title ?? "").Trim();
        if (title.Length < TopicsService.TitleMinLength || title.Length > Topic.TitleMaxLength) errors["Title"] = [l["Topic.TitleLength", TopicsService.TitleMinLength, Topic.TitleMaxLength]];
        if (!Enum.TryParse<TopicKind>(input.Kind ?? nameof(TopicKind.Discussion), ignoreCase: true, out var kind) || !Enum.IsDefined(kind)) errors["Kind"] = [l["Topic.KindInvalid"]];
        var slug = input.SpaceSlug?.Trim() ?? "";
        var space = slug.Length == 0 ? null : await db.Spaces.AsNoTracking().FirstOrDefaultAsync(s => s.Slug == slug, ct);
        if (space is null || !SpaceAccess.CanRead(space, user)) errors["Space"] = [slug.Length == 0 ? l["Surgery.SpaceRequired"] : l["Topic.Move.Unknown", slug]];
        else if (!TopicPermissions.IsModerator(space.Id, user)) errors["Space"] = [l["Surgery.NotYourSpaceSplit", space.Name]];
        if (errors.Count > 0) return Change<SurgeryOutcome>.Invalid(errors);

        var opening = selected.OrderBy(p => p.CreatedAt).ThenBy(p => p.Number).First();
        var topic = new Topic
        {
            SpaceId = space!.Id, AuthorId = opening.AuthorId, Kind = kind, Title = title, Slug = TopicsFeature.Slugify(title), Language = source!.Language,
            CreatedAt = opening.CreatedAt, LastPostAt = opening.CreatedAt, IsHidden = !opening.IsPublished,
        };
        List<Post> moved;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            db.Topics.Add(topic);
            await db.SaveChangesAsync(ct);
            // The claim: the replies must all still be in the source. Numbers go negative first, in both topics, so that the
            // renumbering never meets the unique (topic, number) index halfway.
            var claimed = await db.Posts.Where(p => ids.Contains(p.Id) && p.TopicId == sourceId && !p.IsDeleted && p.Number > 1)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.TopicId, topic.Id).SetProperty(p => p.Number, p => -p.Number), ct);
            if (claimed != ids.Count)
            {
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                var now = await db.Posts.AsNoTracking().Where(p => ids.Contains(p.Id)).Select(p => p.TopicId).Distinct().ToListAsync(ct);
                return Change<SurgeryOutcome>.Invalid(new() { [""] = [(now.Count == 1 ? await AlreadySplitAsync(sourceId, now[0], ct) : null) ?? l["Surgery.Conflict"]] });
            }
            await db.Posts.Where(p => p.TopicId == sourceId && p.Number > 0).ExecuteUpdateAsync(s => s.SetProperty(p => p.Number, p => -p.Number), ct);

            moved = await db.Posts.Where(p => p.TopicId == topic.Id).OrderBy(p => p.CreatedAt).ThenByDescending(p => p.Number).ToListAsync(ct);
            var remaining = await db.Posts.Where(p => p.TopicId == sourceId).OrderByDescending(p => p.Number).ToListAsync(ct);
            var movedIds = moved.Select(p => p.Id).ToHashSet();
            var numbersBefore = moved.ToDictionary(p => p.Id, p => -p.Number);
            var number = 0;
            foreach (var post in moved)
            {
                post.Number = ++number;
                // "In reply to #3" would name a post of the other topic: such links are dropped, those within a topic kept.
                if (post.ReplyToPostId is { } to && !movedIds.Contains(to)) post.ReplyToPostId = null;
            }
            number = 0;
            foreach (var post in remaining)
            {
                post.Number = ++number;
                if (post.ReplyToPostId is { } to && movedIds.Contains(to)) post.ReplyToPostId = null;
            }
            // An accepted answer that moves goes with the replies (and the source is no longer solved); it cannot answer
            // a topic it opens, nor a topic that is not a question.
            if (source.AcceptedPostId is { } accepted && movedIds.Contains(accepted))
            {
                await db.Topics.Where(t => t.Id == sourceId && t.AcceptedPostId == accepted).ExecuteUpdateAsync(s => s.SetProperty(t => t.AcceptedPostId, (long?)null), ct);
                if (kind == TopicKind.Question && accepted != opening.Id) topic.AcceptedPostId = accepted;
            }
            // A notice where the replies were, in the conversation's language: the thread does not just lose them silently.
            var link = $"[{MarkdownSpecial().Replace(title, @"\$1")}](/t/{topic.Id}/{topic.Slug})";
            // Topics rarely know their language: their author's is the best guess of the conversation's.
            var language = source.Language ?? await db.Users.Where(u => u.Id == source.AuthorId).Select(u => u.PreferredLanguage).FirstOrDefaultAsync(ct);
            var noticeText = LocalizationFeature.InLanguage(language, () => l["Surgery.SplitNotice", moved.Count, link].Value);
            db.Posts.Add(new Post
            {
                TopicId = sourceId, AuthorId = me, Number = number + 1, BodyMarkdown = noticeText, BodyHtml = markdown.Render(noticeText),
                CreatedAt = clock.GetUtcNow().UtcDateTime,
            });
            await db.SaveChangesAsync(ct);

            await RecountAsync(sourceId, ct);
            await RecountAsync(topic.Id, ct);
            // Those who wrote the replies follow where they went (a new topic: nobody follows it yet).
            foreach (var author in moved.Select(p => p.AuthorId).Distinct())
            {
                db.Follows.Add(new Follow { FollowerId = author, Kind = FollowKind.Topic, TargetKey = Key(topic.Id), CreatedAt = clock.GetUtcNow().UtcDateTime });
            }
            await db.Notifications.Where(n => n.PostId != null && movedIds.Contains(n.PostId.Value)).ExecuteUpdateAsync(s => s.SetProperty(n => n.TopicId, topic.Id), ct);
            audit.Record(user, AuditActions.TopicSplit, "topic", topic.Id,
                new { Source = sourceId, SourceTitle = source.Title, Posts = numbersBefore, source.AcceptedPostId },
                new { Topic = topic.Id, topic.Title, Space = space.Slug, Kind = kind.ToString(), Author = topic.AuthorId, Posts = moved.ToDictionary(p => p.Id, p => p.Number), topic.AcceptedPostId },
                Reason(input.Message));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        var created = await db.Topics.Include(t => t.Space).FirstAsync(t => t.Id == topic.Id, ct);
        await ReindexAsync([.. moved.Select(p => p.Id)], ct);
        await TellAsync(user, created, moved, input.Message, Templates.Split, [source.Title], ct);
        await live.PublishAsync(LiveChannels.Topic(sourceId), ct);
        await live.PublishAsync(LiveChannels.Topic(topic.Id), ct);
        return Change<SurgeryOutcome>.Ok(new(created, moved.Count));
    }

    /// <summary>
    /// Where a merged topic's address leads: the topic it was merged into (followed along later merges), when the reader may
    /// read the merged one; else null.
    /// </summary>
    public static async Task<(long Id, string Slug)?> MergedIntoAsync(TribuDbContext db, long topicId, ClaimsPrincipal user, CancellationToken ct = default)
    {
        var topic = await db.Topics.AsNoTracking().Include(t => t.Space).Where(t => t.Id == topicId && t.MergedIntoId != null).FirstOrDefaultAsync(ct);
        if (topic is null || !SpaceAccess.CanRead(topic.Space!, user)) return null;
        for (var hops = 0; hops < 10; hops++)
        {
            var next = await db.Topics.AsNoTracking().Where(t => t.Id == topic.MergedIntoId).Select(t => new { t.Id, t.Slug, t.MergedIntoId }).FirstOrDefaultAsync(ct);
            if (next is null) return null;
            if (next.MergedIntoId is null) return (next.Id, next.Slug);
            topic.MergedIntoId = next.MergedIntoId;
        }
        return null;
    }

    /// <summary>A topic as typed by a moderator: its number, or its address (<c>/t/123/…</c>, with or without the site).</summary>
    public static long? ParseTopicReference(string? text)
    {
        var value = text?.Trim() ?? "";
        if (value.StartsWith('#')) value = value[1..];
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return id > 0 ? id : null;
        var match = TopicAddress().Match(value);
        return match.Success && long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out id) ? id : null;
    }

    /// <summary>The topic if the member moderates its space; otherwise the refusal (not found, or forbidden).</summary>
    private async Task<(Topic? Topic, Change<SurgeryOutcome>? Refusal)> ModeratedTopicAsync(ClaimsPrincipal user, long topicId, CancellationToken ct)
    {
        if (TopicPermissions.MemberId(user) is null) return (null, Change<SurgeryOutcome>.Forbidden());
        var topic = await db.Topics.AsNoTracking().Include(t => t.Space).FirstOrDefaultAsync(t => t.Id == topicId, ct);
        if (topic is null || !SpaceAccess.CanRead(topic.Space!, user)) return (null, Change<SurgeryOutcome>.NotFound());
        if (!TopicPermissions.IsModerator(topic.SpaceId, user)) return (null, Change<SurgeryOutcome>.Forbidden());
        if (topic.MergedIntoId is not null) return (null, Change<SurgeryOutcome>.Invalid(new() { [""] = [await AlreadyMergedAsync(topic, ct)] }));
        return topic.IsDeleted ? (null, Change<SurgeryOutcome>.NotFound()) : (topic, null);
    }

    private Dictionary<string, string[]>? MessageErrors(string? message) =>
        (message?.Trim().Length ?? 0) > MessageMaxLength ? new() { ["Message"] = [l["Moderation.MessageTooLong", MessageMaxLength]] } : null;

    /// <summary>Counts as the pages show them: published replies, and the last published post's time.</summary>
    private async Task RecountAsync(long topicId, CancellationToken ct)
    {
        var published = db.Posts.Where(p => p.TopicId == topicId && !p.IsDeleted && p.Status == PostStatus.Published);
        var replies = await published.CountAsync(p => p.Number > 1, ct);
        var last = await published.MaxAsync(p => (DateTime?)p.CreatedAt, ct);
        await db.Topics.Where(t => t.Id == topicId).ExecuteUpdateAsync(s => s.SetProperty(t => t.ReplyCount, replies).SetProperty(t => t.LastPostAt, t => last ?? t.CreatedAt), ct);
        if (db.ChangeTracker.Entries<Topic>().FirstOrDefault(e => e.Entity.Id == topicId) is { } tracked)
        {
            tracked.Entity.ReplyCount = replies;
            tracked.Entity.LastPostAt = last ?? tracked.Entity.CreatedAt;
            tracked.Property(t => t.ReplyCount).IsModified = false;
            tracked.Property(t => t.LastPostAt).IsModified = false;
        }
    }

    /// <summary>The source's followers follow the target, once each (a follow is unique per member and topic).</summary>
    private async Task MoveFollowersAsync(long sourceId, long targetId, CancellationToken ct)
    {
        string from = Key(sourceId), to = Key(targetId);
        var followers = await db.Follows.Where(f => f.Kind == FollowKind.Topic && f.TargetKey == from).Select(f => f.FollowerId).ToListAsync(ct);
        var already = await db.Follows.Where(f => f.Kind == FollowKind.Topic && f.TargetKey == to && followers.Contains(f.FollowerId)).Select(f => f.FollowerId).ToListAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var follower in followers.Except(already))
        {
            db.Follows.Add(new Follow { FollowerId = follower, Kind = FollowKind.Topic, TargetKey = to, CreatedAt = now });
        }
        await db.SaveChangesAsync(ct);
        await db.Follows.Where(f => f.Kind == FollowKind.Topic && f.TargetKey == from).ExecuteDeleteAsync(ct);
    }

    /// <summary>
    /// Moved posts are indexed again: their text is the same, but a title counts only on an opening post (the source's opening
    /// post is now a reply; the split's first reply opens a topic). Search joins posts to their topic live, so the rest follows.
    /// </summary>
    private async Task ReindexAsync(IReadOnlyCollection<long> postIds, CancellationToken ct)
    {
        try
        {
            var sources = await SearchIndex.Sources(db.Posts.Where(p => postIds.Contains(p.Id))).ToListAsync(ct);
            await index.WriteAsync(db, sources, onlyIfStale: false, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The topics are changed and saved: only the search titles of these posts lag behind.
            LogReindexFailed(logger, ex, string.Join(",", postIds));
        }
    }

    /// <summary>
    /// Tells each author concerned (once, on their first post there) what happened, when the moderator wrote a message. The
    /// standard message left as prefilled reaches each author in their own language; anything else is sent as written.
    /// </summary>
    private async Task TellAsync(
        ClaimsPrincipal user, Topic topic, IReadOnlyList<Post> posts, string? message, string template, object[] args, CancellationToken ct, bool standardMessage = false)
    {
        if (TopicPermissions.MemberId(user) is not { } me) return;
        if (string.IsNullOrWhiteSpace(message))
        {
            if (!standardMessage) return;
            message = Template(template, null, args);
        }
        var text = Normalize(message);
        var standard = text == Normalize(Template(template, "en", args)) || text == Normalize(Template(template, "fr", args));
        var firsts = posts.Where(p => p.AuthorId != me).GroupBy(p => p.AuthorId).Select(g => g.OrderBy(p => p.Number).First()).ToList();
        var authors = firsts.Select(p => p.AuthorId).ToList();
        var languages = await db.Users.AsNoTracking().Where(u => authors.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.PreferredLanguage, ct);
        foreach (var post in firsts)
        {
            await notifier.ModeratedAsync(topic, post, me, standard ? Template(template, languages.GetValueOrDefault(post.AuthorId), args) : message.Trim(), ct);
        }
    }

    /// <summary>The message as the audit's reason, which holds 1,000 characters.</summary>
    private static string? Reason(string? message) => message?.Trim() is { Length: > 1000 } text ? text[..1000] : message;

    private static string Normalize(string text) => WhiteSpace().Replace(text.Trim(), " ");

    private Task<List<Post>> OpeningPostsAsync(long topicId, CancellationToken ct) =>
        db.Posts.AsNoTracking().Where(p => p.TopicId == topicId && p.Number == 1).ToListAsync(ct);

    /// <summary>"Already merged into “X” by Camille (14:02)": from the audit log.</summary>
    private async Task<string> AlreadyMergedAsync(Topic source, CancellationToken ct)
    {
        var target = await db.Topics.AsNoTracking().Where(t => t.Id == source.MergedIntoId).Select(t => t.Title).FirstOrDefaultAsync(ct) ?? $"#{source.MergedIntoId}";
        var last = await LastAsync(AuditActions.TopicMerge, Key(source.Id), ct);
        return l["Surgery.AlreadyMerged", target, last?.Name ?? "?", last?.At ?? ""];
    }

    /// <summary>"Already split into “X” by Camille (14:02)", when the replies are in a topic a split of this source created.</summary>
    private async Task<string?> AlreadySplitAsync(long sourceId, long topicId, CancellationToken ct)
    {
        var last = await LastAsync(AuditActions.TopicSplit, Key(topicId), ct, $"\"Source\":{Key(sourceId)},");
        if (last is null) return null;
        var title = await db.Topics.AsNoTracking().Where(t => t.Id == topicId).Select(t => t.Title).FirstAsync(ct);
        return l["Surgery.AlreadySplit", title, last.Name ?? "?", last.At];
    }

    private async Task<string> AlreadyAsync(string action, long topicId, string key, CancellationToken ct)
    {
        var last = await LastAsync(action, Key(topicId), ct);
        return last is null ? l[key + ".Plain"] : l[key, last.Name ?? "?", last.At];
    }

    private sealed record Done(string? Name, string At);

    private async Task<Done?> LastAsync(string action, string targetId, CancellationToken ct, string? beforeStartsWith = null)
    {
        var entries = db.AuditEntries.AsNoTracking().Where(e => e.TargetType == "topic" && e.TargetId == targetId && e.Action == action);
        if (beforeStartsWith is not null) entries = entries.Where(e => e.Before != null && e.Before.Contains(beforeStartsWith));
        var last = await entries.OrderByDescending(e => e.Id)
            .Select(e => new { e.At, Name = db.Users.Where(u => u.Id == e.ActorId).Select(u => u.DisplayName).FirstOrDefault() })
            .FirstOrDefaultAsync(ct);
        return last is null ? null : new(last.Name, last.At.ToLocalTime().ToString("g", CultureInfo.CurrentCulture));
    }

    private static string Key(long id) => id.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"/t/(\d+)(?:[/?#]|$)")]
    private static partial Regex TopicAddress();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();

    [GeneratedRegex(@"([\\`*_{}\[\]()#+\-.!<>|~@])")]
    private static partial Regex MarkdownSpecial();

    [LoggerMessage(Level = LogLevel.Error, Message = "Search index not updated for moved posts {Posts}")]
    private static partial void LogReindexFailed(ILogger logger, Exception ex, string posts);
}
