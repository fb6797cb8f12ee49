using System.Globalization;
using System.Text;

namespace Tribu.Web.Features.Listening.Analysis;

/// <summary>
/// Lowercase, accent-free forms of characters, looked up in a table rather than normalising whole strings, so the
/// analysers can fold a mention into a reusable buffer without allocating: "Éco", "eco" and "ÉCO" all read "eco".
/// </summary>
internal static class TextFold
{
    // Latin-1 and Latin Extended-A/B cover French, English and the neighbouring languages; beyond, lowercase only.
    private const int TableSize = 0x250;
    private static readonly string[] Table = BuildTable();

    private static string[] BuildTable()
    {
        var table = new string[TableSize];
        for (var c = 0; c < TableSize; c++)
        {
            var lower = char.ToLowerInvariant((char)c);
            var builder = new StringBuilder(2);
            foreach (var d in lower.ToString().Normalize(NormalizationForm.FormD))
            {
                if (CharUnicodeInfo.GetUnicodeCategory(d) != UnicodeCategory.NonSpacingMark) builder.Append(d);
            }
            table[c] = builder.ToString();
        }
        // Letters that Unicode does not decompose.
        table['œ'] = table['Œ'] = "oe";
        table['æ'] = table['Æ'] = "ae";
        table['ß'] = "ss";
        table['ø'] = table['Ø'] = "o";
        table['đ'] = table['Đ'] = "d";
        table['ł'] = table['Ł'] = "l";
        return table;
    }

    /// <summary>Whether a character belongs to a word (letters, digits, and combining accents of decomposed text).</summary>
    public static bool IsWordChar(char c) =>
        c < 0x80 ? char.IsAsciiLetterOrDigit(c) : char.IsLetterOrDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark;

    /// <summary>Writes the folded form of <paramref name="c"/> (zero to two characters) into <paramref name="into"/>; returns how many.</summary>
    public static int Fold(char c, Span<char> into)
    {
        if (c < 0x80)
        {
            into[0] = char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;
            return 1;
        }
        if (c < TableSize)
        {
            var folded = Table[c];
            folded.AsSpan().CopyTo(into);
            return folded.Length;
        }
        if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) return 0;
        into[0] = char.ToLowerInvariant(c);
        return 1;
    }

    /// <summary>The folded form of a whole string (for dictionaries and query terms, not per mention).</summary>
    public static string Fold(string text)
    {
        var builder = new StringBuilder(text.Length);
        Span<char> pair = stackalloc char[2];
        foreach (var c in text)
        {
            var n = Fold(c, pair);
            builder.Append(pair[..n]);
        }
        return builder.ToString();
    }

    public static bool IsApostrophe(char c) => c is '\'' or '’' or 'ʼ' or '‘';
}
