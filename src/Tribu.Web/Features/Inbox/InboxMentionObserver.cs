using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Listening;
using Tribu.Web.Features.Listening.Analysis;
using Tribu.Web.Features.Listening.Ingestion;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Inbox;

/// <summary>
/// Puts the new mentions that need a response into the inbox, as each matched query's inbox rule says (negative, a
/// question, an influencer, or all). Reposts never enter: the original is the conversation. One item per mention, for
/// the first query (by id) that wants it.
/// </summary>
public sealed class InboxMentionObserver(TribuDbContext db, InboxIntake intake) : IMentionObserver
{
    public async Task MentionsAddedAsync(IReadOnlyList<IngestedMention> mentions, CancellationToken ct)
    {
        var candidates = mentions.Where(m => !m.IsRepost && m.WatchIds.Count > 0).ToList();
        if (candidates.Count == 0) return;
        var rules = await db.Watches.AsNoTracking().Where(w => w.IsActive && w.InboxWhen != InboxWhen.Never)
            .Select(w => new { w.Id, w.InboxWhen }).ToDictionaryAsync(w => w.Id, w => w.InboxWhen, ct);
        if (rules.Count == 0) return;
        var influencer = (await InboxSettingsStore.GetAsync(db, ct)).InfluencerFollowers;

        var wanted = new List<(IngestedMention Mention, int WatchId)>();
        foreach (var mention in candidates)
        {
            foreach (var watchId in mention.WatchIds.Order())
            {
                if (rules.TryGetValue(watchId, out var when) && Wants(when, mention.Sentiment, mention.Text, mention.AuthorFollowers, influencer))
                {
                    wanted.Add((mention, watchId));
                    break;
                }
            }
        }
        if (wanted.Count == 0) return;

        var ids = wanted.Select(w => w.Mention.Id).ToList();
        var rows = await db.Mentions.AsNoTracking().Where(m => ids.Contains(m.Id)).ToDictionaryAsync(m => m.Id, ct);
        foreach (var (mention, watchId) in wanted)
        {
            if (rows.GetValueOrDefault(mention.Id) is { } row) await intake.AddAsync(ItemFor(row, watchId), ct);
        }
    }

    /// <summary>The inbox item for a stored mention that a query's inbox rule wants.</summary>
    public static InboxItem ItemFor(Mention m, int watchId) => new()
    {
        Key = Key(m.Id),
        Channel = InboxChannel.Mention,
        Subject = InboxIntake.Subject(m.Text),
        Excerpt = m.Text,
        Language = m.Language,
        Sentiment = m.Sentiment,
        Url = m.Url,
        AuthorHandle = m.AuthorHandle,
        AuthorName = m.AuthorName,
        AuthorFollowers = m.AuthorFollowers,
        AuthorMemberId = m.MemberId,
        MentionId = m.Id,
        WatchId = watchId,
        ExternalId = m.ExternalId,
        OccurredAt = m.PublishedAt,
    };

    public static string Key(long mentionId) => "mention:" + mentionId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static bool Wants(InboxWhen when, SentimentLabel sentiment, string text, int? followers, int influencerFollowers) =>
        when.HasFlag(InboxWhen.All)
        || (when.HasFlag(InboxWhen.Negative) && sentiment == SentimentLabel.Negative)
        || (when.HasFlag(InboxWhen.Influencer) && followers is { } f && influencerFollowers > 0 && f >= influencerFollowers)
        || (when.HasFlag(InboxWhen.Question) && QuestionDetector.IsQuestion(text));
}
