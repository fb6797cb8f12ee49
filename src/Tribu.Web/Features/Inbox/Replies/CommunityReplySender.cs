using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Inbox.Replies;

/// <summary>
/// Answers a community item (a question, a flagged post) in its topic, posted as the staff member with their own
/// rights (a locked topic or a silenced account refuse it as they would on the topic page); a flagged post's reply quotes it.
/// </summary>
public sealed class CommunityReplySender(
    TribuDbContext db, TopicsService topics, UserManager<Member> users, IUserClaimsPrincipalFactory<Member> principals, IStringLocalizer<UiStrings> l) : IReplySender
{
    public ReplyRoute Route => ReplyRoute.Community;

    public async Task<ReplyTarget?> TargetAsync(InboxItem item, CancellationToken ct)
    {
        if (item.TopicId is not { } topicId) return null;
        var title = await db.Topics.AsNoTracking().Where(t => t.Id == topicId && !t.IsDeleted).Select(t => t.Title).FirstOrDefaultAsync(ct);
        return title is null ? null : new ReplyTarget(ReplyRoute.Community, null, l["Inbox.Reply.InTopic", title], Post.BodyMaxLength);
    }

    public async Task<ReplySendResult> SendAsync(InboxItem item, InboxReply reply, CancellationToken ct)
    {
        if (item.TopicId is not { } topicId || !await db.Topics.AnyAsync(t => t.Id == topicId && !t.IsDeleted, ct))
        {
            return ReplySendResult.Failed("Inbox.Reply.Error.Deleted");
        }
        var member = await users.FindByIdAsync(reply.AuthorId.ToString());
        if (member is null) return ReplySendResult.Failed("Inbox.Reply.Error.Unauthorized");
        var principal = await principals.CreateAsync(member);
        int? replyTo = item.Channel == InboxChannel.Flag && item.PostId is { } postId
            ? await db.Posts.Where(p => p.Id == postId && p.Number > 1).Select(p => (int?)p.Number).FirstOrDefaultAsync(ct)
            : null;
        var result = await topics.ReplyAsync(principal, topicId, reply.Body, replyTo, ct);
        if (result.Succeeded)
        {
            var post = result.Value!;
            var slug = await db.Topics.Where(t => t.Id == topicId).Select(t => t.Slug).FirstAsync(ct);
            return ReplySendResult.Sent(post.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), $"/t/{topicId}/{slug}#post-{post.Number}");
        }
        var detail = result.Errors?.SelectMany(e => e.Value).FirstOrDefault();
        return result.Outcome switch
        {
            Outcome.NotFound => ReplySendResult.Failed("Inbox.Reply.Error.Deleted", detail),
            Outcome.Forbidden or Outcome.TooFast => ReplySendResult.Failed("Inbox.Reply.Error.Refused", detail),
            _ => ReplySendResult.Failed("Inbox.Reply.Error.Invalid", detail),
        };
    }
}
