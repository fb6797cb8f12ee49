namespace Tribu.Web.Features.Listening.Analysis;

/// <summary>Whether a text speaks well or ill of what it is about.</summary>
public enum SentimentLabel
{
    Negative = -1,
    Neutral = 0,
    Positive = 1,
}

/// <summary>A text's sentiment: its label and a score from -1 (very negative) to +1 (very positive).</summary>
public readonly record struct SentimentResult(SentimentLabel Label, double Score)
{
    /// <summary>Read by the model trained on staff corrections rather than the lexicon (the mention's origin says so).</summary>
    public bool ByModel { get; init; }
}

/// <summary>
/// Reads the sentiment of a short text (a mention, a post). The built-in engine is <see cref="LexiconSentimentEngine"/>;
/// another (a model trained on staff corrections, a remote service) can replace it.
/// </summary>
public interface ISentimentEngine
{
    /// <summary>The sentiment of <paramref name="text"/> (plain text), written in <paramref name="language"/>
    /// (<see cref="Languages.French"/>, <see cref="Languages.English"/>, or anything else for a best effort with both).</summary>
    SentimentResult Analyze(string text, string language);
}
