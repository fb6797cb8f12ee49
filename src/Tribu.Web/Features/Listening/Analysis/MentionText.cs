using System.Collections.Frozen;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Tribu.Web.Features.Listening.Analysis;

/// <summary>
/// What a mention says, as plain text: HTML from feeds and Mastodon turned into words, entities decoded, whitespace
/// collapsed; and a hash of its normalised content, equal for a post and its reposts ("RT @x: …", another link, other
/// emoji, other accents or case), to group them.
/// </summary>
public static class MentionText
{
    /// <summary>Hex characters of the content hash: 128 bits of SHA-256, plenty to tell texts apart.</summary>
    public const int HashLength = 32;

    // Tags that end a line or a block in a browser: dropping them must not glue the words on either side.
    private static readonly FrozenSet<string> BlockTags = FrozenSet.ToFrozenSet(
        ["address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3",
         "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead",
         "tr", "ul", "img", "iframe", "video", "audio", "source", "option", "summary", "details"],
        StringComparer.OrdinalIgnoreCase);

    // Their content is not text a reader sees.
    private static readonly FrozenSet<string> HiddenTags = FrozenSet.ToFrozenSet(["script", "style", "template", "noscript"], StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Plain text of an HTML fragment (a feed item, a Mastodon status): tags dropped with a space where a block or a line
    /// break ends, scripts and comments removed, entities decoded, whitespace collapsed. Tolerant: a lone "&lt;" (as in
    /// "&lt;3" or "a &lt; b") stays text, an unclosed tag or comment ends the text, unknown entities are left as they are.
    /// </summary>
    public static string FromHtml(string? html)
    {
        if (string.IsNullOrEmpty(html)) return "";
        if (!html.Contains('<', StringComparison.Ordinal)) return Clean(html);
        var text = new StringBuilder(html.Length);
        var i = 0;
        while (i < html.Length)
        {
            var c = html[i];
            if (c != '<')
            {
                text.Append(c);
                i++;
                continue;
            }
            if (string.CompareOrdinal(html, i, "<!--", 0, 4) == 0)
            {
                var close = html.IndexOf("-->", i + 4, StringComparison.Ordinal);
                i = close < 0 ? html.Length : close + 3;
                text.Append(' ');
                continue;
            }
            var next = i + 1 < html.Length ? html[i + 1] : '\0';
            if (!char.IsAsciiLetter(next) && next is not '/' and not '!' and not '?')
            {
                text.Append(c);
                i++;
                continue;
            }
            var end = TagEnd(html, i);
            if (end < 0)
            {
                // "<b" with no ">" anywhere after: not a tag a browser would close either; keep it as text.
                text.Append(c);
                i++;
                continue;
            }
            var name = TagName(html, i + 1, end);
            var closing = next == '/';
            if (!closing && HiddenTags.Contains(name))
            {
                var close = html.IndexOf("</" + name, end, StringComparison.OrdinalIgnoreCase);
                var closeEnd = close < 0 ? -1 : html.IndexOf('>', close);
                i = closeEnd < 0 ? html.Length : closeEnd + 1;
                text.Append(' ');
                continue;
            }
            if (BlockTags.Contains(name)) text.Append(' ');
            i = end + 1;
        }
        return Clean(text.ToString());
    }

    /// <summary>Plain text that may still carry HTML entities (RSS titles, API fields): entities decoded, whitespace collapsed.</summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        // WebUtility decodes named (HTML 4 and &apos;) and numeric entities and leaves a stray or unknown "&…" as it is.
        var decoded = text.Contains('&', StringComparison.Ordinal) ? WebUtility.HtmlDecode(text) : text;
        return CollapseWhitespace(decoded);
    }

    /// <summary>Runs of spaces, tabs, line breaks and no-break spaces become one space; zero-width characters go; ends trimmed.</summary>
    public static string CollapseWhitespace(string text)
    {
        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (c is '\u200B' or '\u200C' or '\u2060' or '\uFEFF') continue;
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }
            if (pendingSpace) builder.Append(' ');
            pendingSpace = false;
            builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary>
    /// The words a repost shares with its original: lowercase, accents folded, without links, @handles, a leading "RT"
    /// or a trailing "via", emoji and punctuation; hashtags keep their word. Words are joined by single spaces.
    /// </summary>
    public static string NormalizeForHash(string text)
    {
        var words = new StringBuilder(text.Length);
        Span<char> pair = stackalloc char[2];
        var i = RetweetPrefixEnd(text);
        var wordCount = 0;
        var lastWordStart = -1;
        while (i < text.Length)
        {
            var c = text[i];
            if (IsLinkStart(text, i))
            {
                i = SkipNonSpace(text, i);
                continue;
            }
            if (c == '@' && (i == 0 || !TextFold.IsWordChar(text[i - 1])) && i + 1 < text.Length && IsHandleChar(text[i + 1]))
            {
                i = SkipHandle(text, i + 1);
                continue;
            }
            if (!TextFold.IsWordChar(c))
            {
                i++;
                continue;
            }
            if (words.Length > 0) words.Append(' ');
            lastWordStart = words.Length;
            while (i < text.Length && TextFold.IsWordChar(text[i]))
            {
                var n = TextFold.Fold(text[i], pair);
                words.Append(pair[..n]);
                i++;
            }
            wordCount++;
        }
        if (wordCount > 1 && words.Length - lastWordStart == 3 && words.ToString(lastWordStart, 3) == "via")
        {
            words.Length = lastWordStart - 1;
        }
        return words.ToString();
    }

    // "RT @marie: ", "RT: ", "RT @a: RT @b: " at the start; a text that merely begins with the word "RT" keeps it.
    private static int RetweetPrefixEnd(string text)
    {
        var start = 0;
        while (true)
        {
            var j = SkipSpace(text, start);
            if (j + 2 > text.Length || !text.AsSpan(j, 2).Equals("RT", StringComparison.OrdinalIgnoreCase)
                || (j + 2 < text.Length && TextFold.IsWordChar(text[j + 2])))
            {
                return start;
            }
            var k = SkipSpace(text, j + 2);
            if (k >= text.Length || text[k] is not ('@' or ':')) return start;
            if (text[k] == '@') k = SkipSpace(text, SkipHandle(text, k + 1));
            if (k < text.Length && text[k] == ':') k++;
            start = k;
        }
    }

    private static int SkipSpace(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        return i;
    }

    // A handle's characters, and "@user@instance.example" for the fediverse.
    private static int SkipHandle(string text, int i)
    {
        while (i < text.Length && (IsHandleChar(text[i]) || (text[i] is '.' or '@' && i + 1 < text.Length && IsHandleChar(text[i + 1])))) i++;
        return i;
    }

    /// <summary>
    /// A stable hash of <see cref="NormalizeForHash"/>, <see cref="HashLength"/> lowercase hex characters: equal for a post
    /// and its reposts. A text with no words at all (only a link or emoji) hashes its collapsed self, so two different
    /// emoji-only posts are not grouped together.
    /// </summary>
    public static string ContentHash(string text)
    {
        var normalised = NormalizeForHash(text);
        var input = normalised.Length > 0 ? normalised : "\u0001" + CollapseWhitespace(text);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(input), hash);
        return Convert.ToHexStringLower(hash)[..HashLength];
    }

    internal static bool IsLinkStart(string text, int i)
    {
        if (i > 0 && TextFold.IsWordChar(text[i - 1])) return false;
        var rest = text.AsSpan(i);
        return rest.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || rest.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            || rest.StartsWith("www.", StringComparison.OrdinalIgnoreCase);
    }

    internal static int SkipNonSpace(string text, int i)
    {
        while (i < text.Length && !char.IsWhiteSpace(text[i])) i++;
        return i;
    }

    internal static bool IsHandleChar(char c) => TextFold.IsWordChar(c) || c == '_';

    // The ">" that closes the tag opened at start, ignoring any inside quoted attribute values; if a quote never
    // closes, the first ">" (browsers differ; this keeps the most text).
    private static int TagEnd(string html, int start)
    {
        char quote = '\0';
        for (var j = start + 1; j < html.Length; j++)
        {
            var c = html[j];
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
            }
            else if (c is '"' or '\'' && j > start + 1 && html[j - 1] == '=')
            {
                quote = c;
            }
            else if (c == '>')
            {
                return j;
            }
        }
        return html.IndexOf('>', start + 1);
    }

    private static string TagName(string html, int from, int end)
    {
        var i = from;
        if (i < end && html[i] is '/' or '!' or '?') i++;
        var start = i;
        while (i < end && char.IsAsciiLetterOrDigit(html[i])) i++;
        return html[start..i];
    }
}
