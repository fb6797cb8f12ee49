using Tribu.Web.Features.Listening.Analysis;
using Tribu.Web.Features.Members;

namespace Tribu.Web.Features.Inbox;

/// <summary>
/// The priority an item gets when it arrives (a person can override it): points for what makes an answer more urgent.
/// Base 1; negative +2, positive −1; an influencer (at least the threshold of followers) +2, a tenth of it +1; a
/// regular or leader of the community +1; a direct mention of the brand or a flagged post +1. Then 0 or less is low,
/// 1–2 normal, 3–4 high, 5 or more urgent.
/// </summary>
public static class InboxPriorities
{
    public static int Score(InboxItem item, TrustLevel? authorTrust, int influencerFollowers)
    {
        var score = 1;
        score += item.Sentiment switch
        {
            SentimentLabel.Negative => 2,
            SentimentLabel.Positive => -1,
            _ => 0,
        };
        if (item.AuthorFollowers is { } followers && influencerFollowers > 0)
        {
            if (followers >= influencerFollowers) score += 2;
            else if (followers >= influencerFollowers / 10) score += 1;
        }
        if (authorTrust >= TrustLevel.Regular) score += 1;
        if (item.Channel is InboxChannel.DirectMention or InboxChannel.Flag) score += 1;
        return score;
    }

    public static InboxPriority FromScore(int score) => score switch
    {
        <= 0 => InboxPriority.Low,
        <= 2 => InboxPriority.Normal,
        <= 4 => InboxPriority.High,
        _ => InboxPriority.Urgent,
    };

    /// <summary>Sets the SLA due dates from the item's priority, counted from when it entered the queue.</summary>
    public static void SetTargets(InboxItem item, InboxSettings settings)
    {
        var (first, resolution) = settings.TargetsFor(item.Priority);
        item.FirstResponseDueAt = item.CreatedAt.AddMinutes(first);
        item.ResolutionDueAt = item.CreatedAt.AddMinutes(resolution);
        // A new target means the warnings for the old one no longer hold.
        item.SlaNotices = SlaNotice.None
            | (item.FirstResponseAt is not null ? item.SlaNotices & (SlaNotice.FirstResponseWarned | SlaNotice.FirstResponseBreached) : SlaNotice.None);
    }
}
