using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Spaces;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Topics;

public enum Outcome
{
    Ok,
    Invalid,
    NotFound,
    Forbidden,
    /// <summary>Allowed, but not yet: a new member posting too fast (see <see cref="PostingPace"/>).</summary>
    TooFast,
}

/// <summary>The result of a change: the value, or why not (field errors keyed like the request's properties).</summary>
public sealed record Change<T>(Outcome Outcome, T? Value = default, Dictionary<string, string[]>? Errors = null)
{
    public bool Succeeded => Outcome == Outcome.Ok;
    public static Change<T> Ok(T value) => new(Outcome.Ok, value);
    public static Change<T> Invalid(Dictionary<string, string[]> errors) => new(Outcome.Invalid, default, errors);
    public static Change<T> NotFound() => new(Outcome.NotFound);
    public static Change<T> Forbidden() => new(Outcome.Forbidden);
    /// <summary>Forbidden, with the reason the member must read (silenced until…).</summary>
    public static Change<T> Refused(string message) => new(Outcome.Forbidden, default, new() { [""] = [message] });

    public static Change<T> TooFast(DateTime retryAt, string message) => new(Outcome.TooFast, default, new() { [""] = [message] }) { RetryAt = retryAt };

    /// <summary>When <see cref="Outcome.TooFast"/>: the moment posting opens again (UTC).</summary>
    public DateTime? RetryAt { get; init; }
}

/// <summary>A kept post, as the bookmarks list shows it.</summary>
public sealed record BookmarkItem
{
    public long PostId { get; init; }
    public string Title { get; init; } = "";
    public string Url { get; init; } = "";
    public string Author { get; init; } = "";
    public DateTime CreatedAt { get; init; }
}

/// <summary>A new topic as a form or the API sends it. Tags: comma-separated.</summary>
public sealed record NewTopic(string? Kind, string? Title, string? Body, string? Tags, bool Pinned = false);

/// <summary>Starting topics, replying, accepting answers, reacting, editing, deleting, locking: for pages and API alike.</summary>
public sealed partial class TopicsService(
    TribuDbContext db, MarkdownRenderer markdown, TimeProvider clock, IStringLocalizer<UiStrings> l, Notifications.Notifier notifier, Notifications.ILiveBus live, PostingPace pace, Moderation.AuditLog audit, Moderation.ModerationRules rules)
{
    public const int TitleMinLength = 5;
    public const int MaxTags = 5;
    private const int MaxNumberingAttempts = 15;

    public async Task<Change<Topic>> StartAsync(ClaimsPrincipal user, string spaceSlug, NewTopic input, CancellationToken ct = default)
    {
        var space = await db.Spaces.FirstOrDefaultAsync(s => s.Slug == spaceSlug, ct);
        if (space is null || !SpaceAccess.CanRead(space, user)) return Change<Topic>.NotFound();
        var errors = new Dictionary<string, string[]>();
        if (!Enum.TryParse<TopicKind>(input.Kind ?? nameof(TopicKind.Discussion), ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
        {
            errors["Kind"] = [l["Topic.KindInvalid"]];
        }
        if (TopicPermissions.MemberId(user) is not { } authorId || (errors.Count == 0 && !TopicPermissions.CanStartTopic(space, kind, user)))
        {
            return Change<Topic>.Forbidden();
        }
        if (await NotNowAsync<Topic>(authorId, user, ct) is { } notNow) return notNow;
        var title = (input.Title ?? "").Trim();
        if (title.Length < TitleMinLength || title.Length > Topic.TitleMaxLength)
        {
            errors["Title"] = [l["Topic.TitleLength", TitleMinLength, Topic.TitleMaxLength]];
        }
        ValidateBody(input.Body, errors);
        var tags = ParseTags(input.Tags, errors);
        if (errors.Count > 0) return Change<Topic>.Invalid(errors);

        var now = clock.GetUtcNow().UtcDateTime;
        var topic = new Topic
        {
            SpaceId = space.Id,
            AuthorId = authorId,
            Kind = kind,
            Title = title,
            Slug = TopicsFeature.Slugify(title),
            Tags = tags.Length == 0 ? null : string.Join(',', tags),
            IsPinned = input.Pinned && TopicPermissions.CanPin(space.Id, user),
            CreatedAt = now,
            LastPostAt = now,
        };
        db.Topics.Add(topic);
        var opening = db.Posts.Add(new Post { Topic = topic, AuthorId = authorId, Number = 1, BodyMarkdown = input.Body!.Trim(), BodyHtml = markdown.Render(input.Body.Trim()), CreatedAt = now }).Entity;
        var held = await HoldIfNeededAsync(opening, title + "\n" + opening.BodyMarkdown, space.Id, user, ct);
        topic.IsHidden = held;
        await db.SaveChangesAsync(ct);
        topic.Space = space;
        if (held)
        {
            // Entries follow the ids: the topic and post exist only now.
            audit.Record(null, Moderation.AuditActions.PostHold, "post", opening.Id, after: new { Topic = topic.Id }, reason: opening.HeldReasons);
            await db.SaveChangesAsync(ct);
        }
        else
        {
            await notifier.TopicStartedAsync(topic, opening, ct);
            // Lists that show it (home, space, tags, feeds) are told, as for any change to a topic.
            await ChangedAsync(topic.Id, ct);
        }
        return Change<Topic>.Ok(topic);
    }

    public async Task<Change<Post>> ReplyAsync(ClaimsPrincipal user, long topicId, string? body, int? replyToNumber = null, CancellationToken ct = default)
    {
        var topic = await db.Topics.Include(t => t.Space).FirstOrDefaultAsync(t => t.Id == topicId && !t.IsDeleted, ct);
        if (topic is null || !SpaceAccess.CanRead(topic.Space!, user)) return Change<Post>.NotFound();
        if (!TopicPermissions.CanReply(topic, topic.Space!, user)) return Change<Post>.Forbidden();
        if (await NotNowAsync<Post>(TopicPermissions.MemberId(user)!.Value, user, ct) is { } notNow) return notNow;
        var errors = new Dictionary<string, string[]>();
        ValidateBody(body, errors);
        if (errors.Count > 0) return Change<Post>.Invalid(errors);

        long? replyTo = replyToNumber is { } n
            ? await db.Posts.Where(p => p.TopicId == topicId && p.Number == n).Select(p => (long?)p.Id).FirstOrDefaultAsync(ct)
            : null;
        var now = clock.GetUtcNow().UtcDateTime;
        // Two replies at once may pick the same number: the unique index refuses one, which retries with the next.
        for (var attempt = 0; ; attempt++)
        {
            var number = await db.Posts.Where(p => p.TopicId == topicId).MaxAsync(p => p.Number, ct) + 1;
            var post = new Post
            {
                TopicId = topicId, AuthorId = TopicPermissions.MemberId(user)!.Value, Number = number, ReplyToPostId = replyTo,
                BodyMarkdown = body!.Trim(), BodyHtml = markdown.Render(body.Trim()), CreatedAt = now,
            };
            var held = await HoldIfNeededAsync(post, post.BodyMarkdown, topic.SpaceId, user, ct);
            db.Posts.Add(post);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException) when (attempt < MaxNumberingAttempts)
            {
                db.Entry(post).State = EntityState.Detached;
                // A short random pause: replies that collided do not all retry in step and collide again.
                await Task.Delay(Random.Shared.Next(5, 40), ct);
                continue;
            }
            if (held)
            {
                // Not counted, not announced, not live: nobody but its author and the moderators sees it yet.
                audit.Record(null, Moderation.AuditActions.PostHold, "post", post.Id, after: new { Topic = topicId }, reason: post.HeldReasons);
                await db.SaveChangesAsync(ct);
                return Change<Post>.Ok(post);
            }
            await db.Topics.Where(t => t.Id == topicId).ExecuteUpdateAsync(s => s
                .SetProperty(t => t.ReplyCount, t => t.ReplyCount + 1)
                .SetProperty(t => t.LastPostAt, now), ct);
            await notifier.RepliedAsync(topic, post, ct);
            await ChangedAsync(topicId, ct);
            return Change<Post>.Ok(post);
        }
    }

    /// <summary>Marks a reply as the answer; choosing the current answer again un-marks it.</summary>
    public async Task<Change<Topic>> AcceptAsync(ClaimsPrincipal user, long topicId, long postId, CancellationToken ct = default)
    {
        var topic = await db.Topics.Include(t => t.Space).FirstOrDefaultAsync(t => t.Id == topicId && !t.IsDeleted, ct);
        if (topic is null || !SpaceAccess.CanRead(topic.Space!, user)) return Change<Topic>.NotFound();
        if (!TopicPermissions.CanAcceptAnswer(topic, user)) return Change<Topic>.Forbidden();
        var post = await db.Posts.FirstOrDefaultAsync(p => p.Id == postId && p.TopicId == topicId && !p.IsDeleted && p.Number > 1, ct);
        if (post is null) return Change<Topic>.NotFound();
        topic.AcceptedPostId = topic.AcceptedPostId == postId ? null : postId;
        await db.SaveChangesAsync(ct);
        if (topic.AcceptedPostId is not null)
        {
            await notifier.AcceptedAsync(topic, post, TopicPermissions.MemberId(user)!.Value, ct);
        }
        await ChangedAsync(topicId, ct);
        return Change<Topic>.Ok(topic);
    }

    /// <summary>Adds the reaction, or takes it back when it is already there. One of each kind per member.</summary>
    public async Task<Change<bool>> ToggleReactionAsync(ClaimsPrincipal user, long postId, ReactionKind kind, CancellationToken ct = default)
    {
        var post = await ReadablePostAsync(user, postId, ct);
        if (post is null) return Change<bool>.NotFound();
        if (!TopicPermissions.CanReact(post, user) || !Enum.IsDefined(kind)) return Change<bool>.Forbidden();
        var memberId = TopicPermissions.MemberId(user)!.Value;
        var removed = await db.PostReactions.Where(r => r.PostId == postId && r.MemberId == memberId && r.Kind == kind).ExecuteDeleteAsync(ct);
        if (removed > 0)
        {
            await ChangedAsync(post.TopicId, ct);
            return Change<bool>.Ok(false);
        }
        db.PostReactions.Add(new PostReaction { PostId = postId, MemberId = memberId, Kind = kind, CreatedAt = clock.GetUtcNow().UtcDateTime });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same reaction sent twice at once: it is there once, which is what was asked.
        }
        await ChangedAsync(post.TopicId, ct);
        return Change<bool>.Ok(true);
    }

    /// <summary>Edits a post (and the title, for an opening post), keeping what it said before as a revision.</summary>
    /// <remarks><paramref name="wiki"/>: turn it into a wiki post (true) or back (false); null leaves it.</remarks>
    public async Task<Change<Post>> EditAsync(ClaimsPrincipal user, long postId, string? body, string? title, string? reason, bool? wiki = null, CancellationToken ct = default)
    {
        var post = await ReadablePostAsync(user, postId, ct);
        if (post is null) return Change<Post>.NotFound();
        var topic = post.Topic!;
        if (!TopicPermissions.CanEdit(post, topic, user)) return Change<Post>.Forbidden();
        if (wiki is { } makeWiki && makeWiki != post.IsWiki && !TopicPermissions.CanMakeWiki(post, topic, user)) return Change<Post>.Forbidden();
        var me = TopicPermissions.MemberId(user)!.Value;
        // A wiki post is everyone's to improve: its title stays with its author and the moderators.
        if (post.IsWiki && post.AuthorId != me && !TopicPermissions.IsModerator(topic.SpaceId, user)) title = null;
        var errors = new Dictionary<string, string[]>();
        ValidateBody(body, errors);
        var newTitle = title?.Trim();
        if (post.Number == 1 && newTitle is not null && (newTitle.Length < TitleMinLength || newTitle.Length > Topic.TitleMaxLength))
        {
            errors["Title"] = [l["Topic.TitleLength", TitleMinLength, Topic.TitleMaxLength]];
        }
        if ((reason?.Length ?? 0) > 300) errors["Reason"] = [l["Post.ReasonTooLong", 300]];
        // Changing someone else's words takes a reason: their author is told what changed and why. Wiki posts are
        // written together: their edits need no reason and the revision history says who changed what.
        var byModerator = post.AuthorId != me && !post.IsWiki;
        if (byModerator && string.IsNullOrWhiteSpace(reason)) errors["Reason"] = [l["Post.ReasonNeeded"]];
        if (errors.Count > 0) return Change<Post>.Invalid(errors);

        var titleChanged = post.Number == 1 && newTitle is not null && newTitle != topic.Title;
        var now = clock.GetUtcNow().UtcDateTime;
        if (wiki is { } wanted && wanted != post.IsWiki)
        {
            audit.Record(user, Moderation.AuditActions.PostWiki, "post", post.Id, new { IsWiki = post.IsWiki }, new { IsWiki = wanted });
            post.IsWiki = wanted;
        }
        if (body!.Trim() == post.BodyMarkdown && !titleChanged)
        {
            await db.SaveChangesAsync(ct);
            if (wiki is not null) await ChangedAsync(topic.Id, ct);
            return Change<Post>.Ok(post);
        }
        db.PostRevisions.Add(new PostRevision
        {
            PostId = post.Id, EditorId = me, BodyMarkdown = post.BodyMarkdown,
            Title = post.Number == 1 ? topic.Title : null, Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(), CreatedAt = now,
        });
        if (byModerator)
        {
            // Someone else's words changed by a moderator: logged with what they said before and after.
            audit.Record(user, Moderation.AuditActions.PostEdit, "post", post.Id,
                new { Title = titleChanged ? topic.Title : null, Body = post.BodyMarkdown }, new { Title = titleChanged ? newTitle : null, Body = body.Trim() }, reason);
        }
        post.BodyMarkdown = body.Trim();
        post.BodyHtml = markdown.Render(post.BodyMarkdown);
        post.EditedAt = now;
        if (titleChanged)
        {
            topic.Title = newTitle!;
            topic.Slug = TopicsFeature.Slugify(newTitle!);
        }
        await db.SaveChangesAsync(ct);
        if (byModerator)
        {
            await notifier.ModeratedAsync(topic, post, TopicPermissions.MemberId(user)!.Value, l["Post.EditedByModerator", reason!.Trim()], ct);
        }
        await ChangedAsync(topic.Id, ct);
        return Change<Post>.Ok(post);
    }

    /// <summary>Soft delete: the post disappears from pages; deleting the opening post removes the topic.</summary>
    public async Task<Change<Post>> DeleteAsync(ClaimsPrincipal user, long postId, CancellationToken ct = default)
    {
        var post = await ReadablePostAsync(user, postId, ct);
        if (post is null) return Change<Post>.NotFound();
        if (!TopicPermissions.CanDelete(post, post.Topic!, user)) return Change<Post>.Forbidden();
        post.IsDeleted = true;
        var topic = post.Topic!;
        if (post.AuthorId != TopicPermissions.MemberId(user))
        {
            audit.Record(user, Moderation.AuditActions.PostDelete, "post", post.Id, new { topic.Title, post.Number, Author = post.AuthorId, Body = post.BodyMarkdown });
        }
        if (post.Number == 1)
        {
            topic.IsDeleted = true;
        }
        else
        {
            topic.ReplyCount = Math.Max(0, topic.ReplyCount - 1);
            if (topic.AcceptedPostId == post.Id) topic.AcceptedPostId = null;
        }
        await db.SaveChangesAsync(ct);
        await ChangedAsync(topic.Id, ct);
        return Change<Post>.Ok(post);
    }

    /// <summary>Lock, pin (a space's moderators) or move to another space (staff); what is left out stays as it is.</summary>
    public async Task<Change<Topic>> SetStateAsync(ClaimsPrincipal user, long topicId, bool? locked, bool? pinned, string? moveTo = null, CancellationToken ct = default)
    {
        var topic = await db.Topics.Include(t => t.Space).FirstOrDefaultAsync(t => t.Id == topicId && !t.IsDeleted, ct);
        if (topic is null || !SpaceAccess.CanRead(topic.Space!, user)) return Change<Topic>.NotFound();
        if (!TopicPermissions.CanLock(topic, user) || (pinned is not null && !TopicPermissions.CanPin(topic.SpaceId, user))
            || (!string.IsNullOrWhiteSpace(moveTo) && !TopicPermissions.CanMove(user)))
        {
            return Change<Topic>.Forbidden();
        }
        if (!string.IsNullOrWhiteSpace(moveTo))
        {
            var slug = moveTo.Trim();
            var target = await db.Spaces.FirstOrDefaultAsync(s => s.Slug == slug, ct);
            if (target is null) return Change<Topic>.Invalid(new() { ["Space"] = [l["Topic.Move.Unknown", slug]] });
            if (target.Id != topic.SpaceId)
            {
                audit.Record(user, Moderation.AuditActions.TopicMove, "topic", topic.Id, new { Space = topic.Space!.Slug }, new { Space = target.Slug });
                topic.SpaceId = target.Id;
                topic.Space = target;
            }
        }
        if (locked is { } l2 && l2 != topic.IsLocked) audit.Record(user, l2 ? Moderation.AuditActions.TopicLock : Moderation.AuditActions.TopicUnlock, "topic", topic.Id);
        if (pinned is { } p2 && p2 != topic.IsPinned) audit.Record(user, p2 ? Moderation.AuditActions.TopicPin : Moderation.AuditActions.TopicUnpin, "topic", topic.Id);
        topic.IsLocked = locked ?? topic.IsLocked;
        topic.IsPinned = pinned ?? topic.IsPinned;
        await db.SaveChangesAsync(ct);
        await ChangedAsync(topic.Id, ct);
        return Change<Topic>.Ok(topic);
    }

    /// <summary>Keeps the post, or lets it go when it is already kept.</summary>
    public async Task<Change<bool>> ToggleBookmarkAsync(ClaimsPrincipal user, long postId, CancellationToken ct = default)
    {
        if (TopicPermissions.MemberId(user) is not { } me) return Change<bool>.Forbidden();
        if (await ReadablePostAsync(user, postId, ct) is null) return Change<bool>.NotFound();
        if (await db.Bookmarks.Where(b => b.MemberId == me && b.PostId == postId).ExecuteDeleteAsync(ct) > 0) return Change<bool>.Ok(false);
        db.Bookmarks.Add(new Bookmark { MemberId = me, PostId = postId, CreatedAt = clock.GetUtcNow().UtcDateTime });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Pressed twice at once: kept once.
        }
        return Change<bool>.Ok(true);
    }

    /// <summary>A member's bookmarks that they may still read, newest first.</summary>
    public static IQueryable<BookmarkItem> BookmarksOf(TribuDbContext db, Guid memberId, Spaces.ReadableSpaces readable) =>
        db.Bookmarks.Where(b => b.MemberId == memberId)
            .Join(db.Posts.InReadableSpaces(readable).Where(p => !p.IsDeleted && !p.Topic!.IsDeleted && p.Status == PostStatus.Published && !p.Topic.IsHidden), b => b.PostId, p => p.Id,
                (b, p) => new BookmarkItem
                {
                    PostId = p.Id, Title = p.Topic!.Title, Url = "/t/" + p.TopicId + "/" + p.Topic.Slug + "#post-" + p.Number,
                    Author = p.Author!.DisplayName, CreatedAt = b.CreatedAt,
                })
            .OrderByDescending(i => i.CreatedAt);

    /// <summary>Open topic pages refresh their posts (new replies, reactions, edits) without a reload.</summary>
    private ValueTask ChangedAsync(long topicId, CancellationToken ct) => live.PublishAsync(Notifications.LiveChannels.Topic(topicId), ct);

    private Task<Post?> ReadablePostAsync(ClaimsPrincipal user, long postId, CancellationToken ct) => ReadablePostAsync(db.Posts, user, postId, ct);

    /// <summary>A post with its topic and space, when neither is deleted and the reader may read the space; else null (a 404).</summary>
    public static async Task<Post?> ReadablePostAsync(IQueryable<Post> posts, ClaimsPrincipal user, long postId, CancellationToken ct = default)
    {
        var post = await posts.Include(p => p.Topic).ThenInclude(t => t!.Space).FirstOrDefaultAsync(p => p.Id == postId && !p.IsDeleted, ct);
        return post is not null && !post.Topic!.IsDeleted && SpaceAccess.CanRead(post.Topic.Space!, user) && TopicPermissions.CanSee(post.Topic, user)
            && (post.IsPublished || post.AuthorId == TopicPermissions.MemberId(user) || TopicPermissions.IsModerator(post.Topic.SpaceId, user))
            ? post : null;
    }

    /// <summary>Why a member allowed to post may not post right now (silenced, or a new member going too fast); null when they may.</summary>
    private async Task<Change<T>?> NotNowAsync<T>(Guid authorId, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await Moderation.SanctionService.SilencedMessageAsync(db, authorId, clock.GetUtcNow().UtcDateTime, l, ct) is { } silenced) return Change<T>.Refused(silenced);
        return await pace.NextAllowedAsync(authorId, user, ct) is { } retryAt ? Change<T>.TooFast(retryAt, pace.Message(retryAt)) : null;
    }

    /// <summary>
    /// Runs the automatic checks on a post about to be saved; when one trips, the post is held for review with its reasons.
    /// Also stamps the text hash that the repeated-text check compares.
    /// </summary>
    private async Task<bool> HoldIfNeededAsync(Post post, string text, int spaceId, ClaimsPrincipal user, CancellationToken ct)
    {
        post.TextHash = Moderation.PostChecks.TextHash(post.BodyMarkdown);
        var checks = await rules.ChecksAsync(ct);
        var moderator = TopicPermissions.IsModerator(spaceId, user);
        var since = clock.GetUtcNow().UtcDateTime.AddDays(-1);
        var author = new Moderation.PostAuthor(
            moderator,
            !moderator && await pace.IsNewMemberAsync(post.AuthorId, ct),
            moderator ? int.MaxValue : await db.Posts.CountAsync(p => p.AuthorId == post.AuthorId && p.Status == PostStatus.Published && !p.IsDeleted, ct),
            moderator ? 0 : await db.Posts.CountAsync(p => p.AuthorId == post.AuthorId && p.TextHash == post.TextHash && p.CreatedAt > since, ct));
        var reasons = checks.Check(text, author);
        if (reasons.Count == 0) return false;
        post.Status = PostStatus.Held;
        post.HeldReasons = string.Join('\n', reasons);
        return true;
    }

    private void ValidateBody(string? body, Dictionary<string, string[]> errors)
    {
        var length = body?.Trim().Length ?? 0;
        if (length == 0) errors["Body"] = [l["Post.BodyRequired"]];
        else if (length > Post.BodyMaxLength) errors["Body"] = [l["Post.BodyTooLong", Post.BodyMaxLength, length]];
    }

    private string[] ParseTags(string? tags, Dictionary<string, string[]> errors)
    {
        var list = (tags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => t.TrimStart('#').ToLowerInvariant()).Where(t => t.Length > 0).Distinct().ToArray();
        if (list.Length > MaxTags || list.Any(t => t.Length > 30 || !TagRegex().IsMatch(t)))
        {
            errors["Tags"] = [l["Topic.TagsInvalid", MaxTags]];
        }
        return list;
    }

    [GeneratedRegex(@"^[\p{L}\p{N}][\p{L}\p{N}\-]*$")]
    private static partial Regex TagRegex();
}
