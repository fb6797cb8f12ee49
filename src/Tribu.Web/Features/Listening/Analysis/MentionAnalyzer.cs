namespace Tribu.Web.Features.Listening.Analysis;

/// <summary>Everything the ingestion pipeline learns from a mention's content, in one pass per step.</summary>
/// <param name="Text">Plain text: HTML removed, entities decoded, whitespace collapsed.</param>
/// <param name="ContentHash">Equal for a post and its reposts (see <see cref="MentionText.ContentHash"/>).</param>
/// <param name="Language">fr, en or other, with a confidence.</param>
/// <param name="Sentiment">Label and score in [-1, 1].</param>
/// <param name="Words">The text read for matching listening queries.</param>
public sealed record MentionAnalysis(string Text, string ContentHash, LanguageGuess Language, SentimentResult Sentiment, MentionWords Words);

/// <summary>
/// The analysis of one mention for the ingestion pipeline: text, repost hash, language, sentiment, and the words that
/// listening queries are matched against (<see cref="ListeningQuery.Matches"/>). Thread-safe; one per process.
/// </summary>
public sealed class MentionAnalyzer(ISentimentEngine sentiment)
{
    /// <summary>
    /// Analyses a mention's content. <paramref name="isHtml"/>: feeds and Mastodon send HTML, Bluesky and CSV plain text.
    /// <paramref name="declaredLanguage"/> (a source's own tag, "fr", "en-GB"…) is used only when the text itself is too
    /// short to tell: sources often tag every post with the author's default language.
    /// </summary>
    public MentionAnalysis Analyze(string? content, bool isHtml = true, string? declaredLanguage = null)
    {
        var text = isHtml ? MentionText.FromHtml(content) : MentionText.Clean(content);
        var language = LanguageDetector.Detect(text);
        if (language is { Language: Languages.Other, Confidence: 0 } && Declared(declaredLanguage) is { } declared)
        {
            language = new LanguageGuess(declared, 0);
        }
        return new MentionAnalysis(text, MentionText.ContentHash(text), language, sentiment.Analyze(text, language.Language), MentionWords.From(text));
    }

    private static string? Declared(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag) || tag.Length < 2) return null;
        var primary = tag.AsSpan(0, tag.Length > 2 && tag[2] is '-' or '_' ? 2 : tag.Length);
        if (primary.Equals(Languages.French, StringComparison.OrdinalIgnoreCase)) return Languages.French;
        if (primary.Equals(Languages.English, StringComparison.OrdinalIgnoreCase)) return Languages.English;
        return null;
    }
}
