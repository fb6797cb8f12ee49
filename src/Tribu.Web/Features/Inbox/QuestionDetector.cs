namespace Tribu.Web.Features.Inbox;

/// <summary>Whether a text asks something: a question mark, or a sentence that opens with a question word (French or English).</summary>
public static class QuestionDetector
{
    private static readonly HashSet<string> Openers = new(StringComparer.Ordinal)
    {
        // French (folded: accents removed).
        "comment", "pourquoi", "quand", "ou", "quel", "quelle", "quels", "quelles", "qui", "combien", "est-ce", "pouvez-vous",
        "peut-on", "savez-vous", "avez-vous", "y a-t-il", "auriez-vous",
        // English.
        "how", "why", "when", "where", "what", "who", "which", "can", "could", "does", "do", "is", "are", "will", "would", "should", "anyone",
    };

    public static bool IsQuestion(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return false;
        if (text.Contains('?') || text.Contains('？')) return true;
        var folded = Listening.Analysis.TextFold.Fold(text);
        foreach (var sentence in folded.Split(['.', '!', '\n', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var words = sentence.Split([' ', ','], 3, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 3) continue;
            if (Openers.Contains(words[0]) || Openers.Contains(words[0] + " " + words[1])) return true;
        }
        return false;
    }
}
