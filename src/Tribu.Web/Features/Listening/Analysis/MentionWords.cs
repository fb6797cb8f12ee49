using System.Text;

namespace Tribu.Web.Features.Listening.Analysis;

/// <summary>
/// A mention read once for matching listening queries: its words in order, folded (lowercase, no accents), split at
/// spaces, punctuation, apostrophes and hyphens; hashtags and @handles count as their word and as themselves
/// ("#veloelectrique", "@veloria_fr"). Build it once per mention and match every active query against it.
/// </summary>
public sealed class MentionWords
{
    private readonly string[] _words;
    private readonly string[] _tags;
    private readonly HashSet<string> _set;

    private MentionWords(string[] words, string[] tags, HashSet<string> set)
    {
        _words = words;
        _tags = tags;
        _set = set;
    }

    /// <summary>The words in order (hashtags and handles without their sign).</summary>
    public IReadOnlyList<string> Words => _words;

    internal ReadOnlySpan<string> Span => _words;

    /// <summary>The hashtags and handles with their sign ("#velotaf", "@veloria_fr").</summary>
    internal ReadOnlySpan<string> Tags => _tags;

    internal bool Contains(string folded) => _set.Contains(folded);

    /// <summary>Reads a plain-text mention (see <see cref="MentionText.FromHtml"/>).</summary>
    public static MentionWords From(string text)
    {
        var words = new List<string>(32);
        var tags = new List<string>();
        var set = new HashSet<string>(StringComparer.Ordinal);
        Read(text, words, set, tags);
        return new MentionWords([.. words], [.. tags], set);
    }

    /// <summary>The words of a piece of text as a query term reads them (the same rules as mentions).</summary>
    internal static List<string> WordsOf(string text)
    {
        var words = new List<string>();
        Read(text, words, null, null);
        return words;
    }

    private static void Read(string text, List<string> words, HashSet<string>? set, List<string>? tags)
    {
        var builder = new StringBuilder(32);
        Span<char> pair = stackalloc char[2];
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var sign = c is '#' or '@' && i + 1 < text.Length && MentionText.IsHandleChar(text[i + 1]) && (i == 0 || !TextFold.IsWordChar(text[i - 1])) ? c : '\0';
            if (sign == '\0' && !TextFold.IsWordChar(c))
            {
                i++;
                continue;
            }
            if (sign != '\0') i++;
            builder.Clear();
            while (i < text.Length && (TextFold.IsWordChar(text[i]) || (sign != '\0' && text[i] == '_')))
            {
                var n = TextFold.Fold(text[i], pair);
                builder.Append(pair[..n]);
                i++;
            }
            if (builder.Length == 0) continue;
            var word = builder.ToString();
            words.Add(word);
            if (set is null) continue;
            set.Add(word);
            if (sign == '\0') continue;
            var tag = sign + word;
            set.Add(tag);
            tags!.Add(tag);
        }
    }
}
