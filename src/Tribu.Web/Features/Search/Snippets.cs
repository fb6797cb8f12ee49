using System.Text;

namespace Tribu.Web.Features.Search;

/// <summary>
/// Snippets are HTML: every character of the member's text is escaped, and only our own &lt;mark&gt; elements
/// are added around the matched words. Nothing a member wrote is ever emitted as markup.
/// </summary>
public static class Snippets
{
    public const int Words = 30;

    /// <summary>What PostgreSQL's ts_headline puts around matches and between fragments: control characters no post contains.</summary>
    public const char StartMark = '\u0002';
    public const char StopMark = '\u0003';
    public const char FragmentMark = '\u0004';
    public const char Ellipsis = '…';

    /// <summary>The options given to ts_headline so that its output comes back through <see cref="FromMarkers"/>.</summary>
    public static readonly string HeadlineOptions =
        $"StartSel={StartMark}, StopSel={StopMark}, MaxWords={Words}, MinWords={Words / 2}, ShortWord=2, MaxFragments=2, FragmentDelimiter={FragmentMark}";

    /// <summary>
    /// The part of <paramref name="text"/> (about <see cref="Words"/> words) with the most matching words,
    /// each word whose stem is in <paramref name="stems"/> marked.
    /// </summary>
    public static string Highlight(string text, string language, IReadOnlySet<string> stems)
    {
        var words = SearchText.Words(text).ToList();
        if (words.Count == 0) return "";
        var matches = words.Select(w => w.Length <= SearchText.MaxWordLength && !SearchText.IsStopWord(w.Text, language) && stems.Contains(SearchText.Stem(w.Text, language))).ToArray();

        // The window of Words words holding the most matches; the earliest one wins a tie.
        var size = Math.Min(Words, words.Count);
        int best = 0, bestCount = -1, count = 0;
        for (var i = 0; i < words.Count; i++)
        {
            if (matches[i]) count++;
            if (i >= size && matches[i - size]) count--;
            if (i >= size - 1 && count > bestCount)
            {
                bestCount = count;
                best = i - size + 1;
            }
        }
        var from = best == 0 ? 0 : words[best].Start;
        var last = words[best + size - 1];
        var to = best + size >= words.Count ? text.Length : last.Start + last.Length;

        var html = new StringBuilder();
        if (from > 0) html.Append(Ellipsis);
        var at = from;
        for (var i = best; i < best + size; i++)
        {
            if (!matches[i]) continue;
            html.Append(Encode(text[at..words[i].Start])).Append("<mark>").Append(Encode(text.Substring(words[i].Start, words[i].Length))).Append("</mark>");
            at = words[i].Start + words[i].Length;
        }
        html.Append(Encode(text[at..to]));
        if (to < text.Length) html.Append(Ellipsis);
        return Tidy(html);
    }

    /// <summary>ts_headline's output (raw text with our markers) as safe HTML.</summary>
    public static string FromMarkers(string headline)
    {
        // Markers first, then each piece of text escaped on its own: the encoder would escape the markers too.
        var html = new StringBuilder();
        var start = 0;
        for (var i = 0; i < headline.Length; i++)
        {
            var tag = headline[i] switch { StartMark => "<mark>", StopMark => "</mark>", FragmentMark => $" {Ellipsis} ", _ => null };
            if (tag is null) continue;
            html.Append(Encode(headline[start..i])).Append(tag);
            start = i + 1;
        }
        html.Append(Encode(headline[start..]));
        return Tidy(html);
    }

    /// <summary>
    /// Escapes the five characters that can open markup, an entity or an attribute value, and turns every run of
    /// white space into one space (a snippet is one line). Anything else, accents and emoji included, stays as it is.
    /// </summary>
    public static string Encode(string text)
    {
        var html = new StringBuilder(text.Length + 16);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                if (!space) html.Append(' ');
                space = true;
                continue;
            }
            space = false;
            switch (c)
            {
                case '&': html.Append("&amp;"); break;
                case '<': html.Append("&lt;"); break;
                case '>': html.Append("&gt;"); break;
                case '"': html.Append("&quot;"); break;
                case '\'': html.Append("&#39;"); break;
                default: html.Append(c); break;
            }
        }
        return html.ToString();
    }

    private static string Tidy(StringBuilder html) =>
        string.Join(' ', html.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
