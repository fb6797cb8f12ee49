using Microsoft.EntityFrameworkCore;
using Quartz;
using Tribu.Web.Features.Listening.Analysis;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Inbox;

/// <summary>
/// Every minute, from the database's state (so a missed run or a second instance does no harm): community questions
/// still without a reply after the configured delay enter the inbox, and so do posts with open member flags; items whose
/// question got its accepted answer are resolved, items whose post's flags were all decided are resolved, items whose
/// topic or post is gone are closed.
/// </summary>
[DisallowConcurrentExecution]
public sealed class InboxIntakeJob(TribuDbContext db, InboxIntake intake, InboxService inbox, MentionAnalyzer analyzer, TimeProvider clock) : IJob
{
    public const string Name = "inbox-intake";
    /// <summary>Older questions are left alone: the inbox is not an archive of every forgotten thread.</summary>
    public static readonly TimeSpan QuestionWindow = TimeSpan.FromDays(30);
    private const int Batch = 200;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        context.Result = await RunAsync(cancellationToken);

    /// <summary>Returns how many items were added or changed.</summary>
    public async Task<int> RunAsync(CancellationToken ct = default)
    {
        var count = await AddQuestionsAsync(ct);
        count += await AddFlagsAsync(ct);
        count += await FollowSourcesAsync(ct);
        return count;
    }

    private async Task<int> AddQuestionsAsync(CancellationToken ct)
    {
        var settings = await InboxSettingsStore.GetAsync(db, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var due = now.AddHours(-settings.QuestionUnansweredHours);
        var oldest = now - QuestionWindow;
        var topics = await db.Topics.AsNoTracking()
            .Where(t => t.Kind == TopicKind.Question && !t.IsDeleted && !t.IsHidden && t.MergedIntoId == null && t.AcceptedPostId == null
                && t.ReplyCount == 0 && t.CreatedAt <= due && t.CreatedAt >= oldest
                && !db.InboxItems.Any(i => i.Channel == InboxChannel.Question && i.TopicId == t.Id))
            .OrderBy(t => t.CreatedAt).Take(Batch)
            .Select(t => new { t.Id, t.Title, t.SpaceId, t.Language, t.CreatedAt, t.AuthorId, Author = t.Author!.DisplayName })
            .ToListAsync(ct);
        var added = 0;
        foreach (var t in topics)
        {
            var opening = await db.Posts.AsNoTracking().Where(p => p.TopicId == t.Id && p.Number == 1).Select(p => new { p.Id, p.BodyMarkdown }).FirstOrDefaultAsync(ct);
            var text = Search.SearchText.PlainText(opening?.BodyMarkdown ?? "");
            var analysis = analyzer.Analyze(t.Title + "\n" + text, isHtml: false, declaredLanguage: t.Language);
            var (_, isNew) = await intake.AddAsync(new InboxItem
            {
                Key = "question:" + t.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Channel = InboxChannel.Question,
                Subject = t.Title,
                Excerpt = text,
                Language = t.Language ?? analysis.Language.Language,
                Sentiment = analysis.Sentiment.Label,
                AuthorMemberId = t.AuthorId,
                AuthorName = t.Author,
                TopicId = t.Id,
                PostId = opening?.Id,
                SpaceId = t.SpaceId,
                OccurredAt = t.CreatedAt,
            }, ct);
            if (isNew) added++;
        }
        return added;
    }

    private async Task<int> AddFlagsAsync(CancellationToken ct)
    {
        var posts = await db.Set<Moderation.Flag>().AsNoTracking().Where(f => f.ResolvedAt == null)
            .GroupBy(f => f.PostId).Select(g => new { PostId = g.Key, First = g.Min(f => f.CreatedAt) })
            .Where(g => !db.InboxItems.Any(i => i.Channel == InboxChannel.Flag && i.PostId == g.PostId))
            .OrderBy(g => g.First).Take(Batch).ToListAsync(ct);
        var added = 0;
        foreach (var flagged in posts)
        {
            var post = await db.Posts.AsNoTracking().Where(p => p.Id == flagged.PostId)
                .Select(p => new { p.Id, p.TopicId, p.BodyMarkdown, p.AuthorId, Author = p.Author!.DisplayName, p.CreatedAt, p.Topic!.Title, p.Topic.SpaceId, p.Topic.Language })
                .FirstOrDefaultAsync(ct);
            if (post is null) continue;
            var reasons = await db.Set<Moderation.Flag>().AsNoTracking().Where(f => f.PostId == post.Id && f.ResolvedAt == null)
                .GroupBy(f => f.Reason).Select(g => new { Reason = g.Key, Count = g.Count() }).ToListAsync(ct);
            var text = Search.SearchText.PlainText(post.BodyMarkdown);
            var analysis = analyzer.Analyze(text, isHtml: false, declaredLanguage: post.Language);
            var (item, isNew) = await intake.AddAsync(new InboxItem
            {
                Key = "flag:" + post.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Channel = InboxChannel.Flag,
                Subject = post.Title,
                Excerpt = text,
                Language = post.Language ?? analysis.Language.Language,
                Sentiment = analysis.Sentiment.Label,
                AuthorMemberId = post.AuthorId,
                AuthorName = post.Author,
                TopicId = post.TopicId,
                PostId = post.Id,
                SpaceId = post.SpaceId,
                OccurredAt = post.CreatedAt,
            }, ct);
            if (!isNew) continue;
            added++;
            // Why it is here, in the history: the flags' reasons and counts ("Spam×2").
            var why = string.Join(", ", reasons.OrderBy(r => r.Reason).Select(r => r.Reason + "×" + r.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            inbox.AddEvent(item, InboxEventKind.SourceChanged, null, clock.GetUtcNow().UtcDateTime, null, "flags", why);
            await db.SaveChangesAsync(ct);
        }
        return added;
    }

    /// <summary>Items whose community source moved on without the inbox: answered, decided, or gone.</summary>
    private async Task<int> FollowSourcesAsync(CancellationToken ct)
    {
        var changed = 0;
        var solved = await db.InboxItems.AsNoTracking()
            .Where(i => i.Channel == InboxChannel.Question && (i.Status == InboxStatus.Open || i.Status == InboxStatus.Pending)
                && db.Topics.Any(t => t.Id == i.TopicId && t.AcceptedPostId != null))
            .Select(i => i.Id).Take(Batch).ToListAsync(ct);
        foreach (var id in solved)
        {
            if ((await inbox.SetStatusAsync(id, InboxStatus.Resolved, null, "question.solved", ct)).Succeeded) changed++;
        }

        var decided = await db.InboxItems.AsNoTracking()
            .Where(i => i.Channel == InboxChannel.Flag && (i.Status == InboxStatus.Open || i.Status == InboxStatus.Pending)
                && !db.Set<Moderation.Flag>().Any(f => f.PostId == i.PostId && f.ResolvedAt == null))
            .Select(i => i.Id).Take(Batch).ToListAsync(ct);
        foreach (var id in decided)
        {
            if ((await inbox.SetStatusAsync(id, InboxStatus.Resolved, null, "flags.decided", ct)).Succeeded) changed++;
        }

        var gone = await db.InboxItems.AsNoTracking()
            .Where(i => (i.Channel == InboxChannel.Question || i.Channel == InboxChannel.Flag) && (i.Status == InboxStatus.Open || i.Status == InboxStatus.Pending)
                && (i.TopicId == null || db.Topics.Any(t => t.Id == i.TopicId && t.IsDeleted)))
            .Select(i => i.Id).Take(Batch).ToListAsync(ct);
        foreach (var id in gone)
        {
            if ((await inbox.SetStatusAsync(id, InboxStatus.Closed, null, "source.deleted", ct)).Succeeded) changed++;
        }
        return changed;
    }
}
