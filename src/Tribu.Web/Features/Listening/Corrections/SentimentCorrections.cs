using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Listening.Analysis;
using Tribu.Web.Features.Moderation;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Listening.Corrections;

/// <summary>A correction: <c>Sentiment</c> is <c>negative</c>, <c>neutral</c> or <c>positive</c>.</summary>
public sealed record SentimentCorrectionRequest(string? Sentiment);

/// <summary>A mention's sentiment after a correction, and what it was before (the engine's reading).</summary>
public sealed record SentimentCorrectionResponse(long MentionId, SentimentLabel Sentiment, SentimentLabel Previous, SentimentOrigin Origin, DateTime CorrectedAt);

/// <summary>
/// A staff member corrects a mention's sentiment: the mention and its rows per query (what the charts and alerts count)
/// take the new label, marked as set by staff, and the correction is kept (with the text and language, so it survives
/// the mention's retention) for the model job to learn from. One correction per mention: correcting again replaces
/// the label and keeps what the engine had said.
/// </summary>
public sealed class SentimentCorrections(TribuDbContext db, AuditLog audit, ILiveBus bus, TimeProvider clock, IStringLocalizer<UiStrings> l)
{
    /// <summary>"negative", "neutral" or "positive", in any case; nothing else (no numbers).</summary>
    public static bool TryParseLabel(string? value, out SentimentLabel label)
    {
        label = SentimentLabel.Neutral;
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text) || !char.IsLetter(text[0])) return false;
        return Enum.TryParse(text, ignoreCase: true, out label) && Enum.IsDefined(label);
    }

    public async Task<Change<SentimentCorrectionResponse>> CorrectAsync(ClaimsPrincipal user, long mentionId, string? value, CancellationToken ct = default)
    {
        if (!TryParseLabel(value, out var label))
        {
            return Change<SentimentCorrectionResponse>.Invalid(new() { [nameof(SentimentCorrectionRequest.Sentiment)] = [l["Correction.BadValue"]] });
        }
        var mention = await db.Mentions.FirstOrDefaultAsync(m => m.Id == mentionId, ct);
        if (mention is null) return Change<SentimentCorrectionResponse>.NotFound();
        var now = clock.GetUtcNow().UtcDateTime;
        var me = TopicPermissions.MemberId(user);
        var before = mention.Sentiment;
        var correction = await db.SentimentCorrections.FirstOrDefaultAsync(c => c.MentionId == mentionId, ct);
        if (correction is null)
        {
            correction = new SentimentCorrection { MentionId = mentionId, Text = mention.Text, Language = mention.Language, Previous = before };
            db.SentimentCorrections.Add(correction);
        }
        correction.Corrected = label;
        correction.ById = me;
        correction.CreatedAt = now;
        mention.Sentiment = label;
        mention.SentimentOrigin = SentimentOrigin.Staff;
        audit.Record(user, AuditActions.SentimentCorrect, "mention", mentionId, before: new { Sentiment = before }, after: new { Sentiment = label });
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            await db.SaveChangesAsync(ct);
            await db.MentionMatches.Where(m => m.MentionId == mentionId).ExecuteUpdateAsync(s => s.SetProperty(m => m.Sentiment, label), ct);
            await transaction.CommitAsync(ct);
        }
        await bus.PublishAsync(LiveChannels.Listening, ct);
        return Change<SentimentCorrectionResponse>.Ok(new SentimentCorrectionResponse(mentionId, label, correction.Previous, SentimentOrigin.Staff, now));
    }

    /// <summary>Where a mention's detail page lives (built with the mention stream).</summary>
    public static string MentionPage(long mentionId) => $"/manage/listening/mentions/{mentionId.ToString(CultureInfo.InvariantCulture)}";
}
