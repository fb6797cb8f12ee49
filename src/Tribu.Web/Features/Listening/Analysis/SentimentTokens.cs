using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Tribu.Web.Features.Listening.Analysis;

internal enum TokenKind : byte
{
    Word,
    /// <summary>An emoji or an emoticon, with its valence.</summary>
    Symbol,
    /// <summary>Punctuation that ends a clause: negations and degrees do not reach across it.</summary>
    Stop,
}

internal struct SentimentToken
{
    public int Start;
    public int Length;
    public TokenKind Kind;
    /// <summary>Written in capitals ("NUL", "LOVE"), two letters or more.</summary>
    public bool Caps;
    /// <summary>A letter repeated three times or more ("nuuuul", "sooooo").</summary>
    public bool Elongated;
    public float Valence;
}

/// <summary>
/// One pass over a text for the sentiment engine: folded words in one reusable buffer (no string per word), emoji and
/// emoticons with their valence, clause-ending punctuation, and the counts of "!" and "?". Links and @handles are
/// skipped; a hashtag reads as its word. An instance is reused by one thread at a time.
/// </summary>
internal sealed class SentimentTokens
{
    private const int MaxEmoticonLength = 4;

    private static readonly (FrozenDictionary<int, float> Emoji, FrozenDictionary<string, float> Emoticons) Symbols = LoadSymbols();
    private static readonly FrozenDictionary<string, float>.AlternateLookup<ReadOnlySpan<char>> EmoticonLookup =
        Symbols.Emoticons.GetAlternateLookup<ReadOnlySpan<char>>();

    private char[] _chars = new char[256];
    private int _charCount;
    private SentimentToken[] _tokens = new SentimentToken[64];
    private int _count;

    public int Exclamations { get; private set; }
    public int Questions { get; private set; }
    public int CapsWords { get; private set; }
    public int LowerWords { get; private set; }

    public ReadOnlySpan<SentimentToken> All => _tokens.AsSpan(0, _count);

    public ReadOnlySpan<char> Text(in SentimentToken token) => _chars.AsSpan(token.Start, token.Length);

    public static int EmojiCount => Symbols.Emoji.Count + Symbols.Emoticons.Count;

    /// <summary>Reads <paramref name="text"/>; <paramref name="englishJoin"/> keeps "n't" in its word ("isn't" → "isnt").</summary>
    public void Read(string text, bool englishJoin)
    {
        _charCount = 0;
        _count = 0;
        Exclamations = Questions = CapsWords = LowerWords = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (TextFold.IsWordChar(c))
            {
                if (c is 'h' or 'H' or 'w' or 'W' && MentionText.IsLinkStart(text, i))
                {
                    i = MentionText.SkipNonSpace(text, i);
                    continue;
                }
                i = ReadWord(text, i, englishJoin);
                continue;
            }
            if (c == '@' && i + 1 < text.Length && MentionText.IsHandleChar(text[i + 1]) && (i == 0 || !TextFold.IsWordChar(text[i - 1])))
            {
                i++;
                while (i < text.Length && (MentionText.IsHandleChar(text[i]) || (text[i] is '.' or '@' && i + 1 < text.Length && MentionText.IsHandleChar(text[i + 1])))) i++;
                continue;
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                AddSymbol(char.ConvertToUtf32(c, text[i + 1]));
                i += 2;
                continue;
            }
            if (c is >= '\u2190' and < '\u2C00')
            {
                AddSymbol(c);
                i++;
                continue;
            }
            if (c is ':' or ';' or '=' or '<' or '>' or '^' or '-' && (i == 0 || !TextFold.IsWordChar(text[i - 1])) && TryEmoticon(text, ref i))
            {
                continue;
            }
            switch (c)
            {
                case '!':
                    Exclamations++;
                    AddStop();
                    break;
                case '?':
                    Questions++;
                    AddStop();
                    break;
                case '.' or ',' or ';' or ':' or '…' or '(' or ')' or '\n':
                    AddStop();
                    break;
            }
            i++;
        }
    }

    private int ReadWord(string text, int i, bool englishJoin)
    {
        var start = _charCount;
        var upper = 0;
        var lower = 0;
        var run = 0;
        var last = '\0';
        var elongated = false;
        Span<char> pair = stackalloc char[2];
        while (i < text.Length)
        {
            var c = text[i];
            if (TextFold.IsWordChar(c))
            {
                if (char.IsUpper(c)) upper++;
                else if (char.IsLower(c)) lower++;
                var n = TextFold.Fold(c, pair);
                for (var k = 0; k < n; k++)
                {
                    var f = pair[k];
                    run = f == last ? run + 1 : 1;
                    elongated |= run >= 3 && char.IsLetter(f);
                    last = f;
                    Append(f);
                }
                i++;
            }
            else if (englishJoin && last == 'n' && TextFold.IsApostrophe(c) && i + 1 < text.Length && text[i + 1] is 't' or 'T'
                && (i + 2 == text.Length || !char.IsLetter(text[i + 2])))
            {
                i++;
            }
            else
            {
                break;
            }
        }
        var caps = upper >= 2 && lower == 0;
        if (caps) CapsWords++;
        else if (lower > 0) LowerWords++;
        Add(new SentimentToken { Start = start, Length = _charCount - start, Kind = TokenKind.Word, Caps = caps, Elongated = elongated });
        return i;
    }

    private bool TryEmoticon(string text, ref int i)
    {
        for (var length = Math.Min(MaxEmoticonLength, text.Length - i); length >= 2; length--)
        {
            if (!EmoticonLookup.TryGetValue(text.AsSpan(i, length), out var valence)) continue;
            var after = i + length;
            if (after < text.Length && char.IsLetterOrDigit(text[after])) continue;
            Add(new SentimentToken { Kind = TokenKind.Symbol, Valence = valence });
            i = after;
            return true;
        }
        return false;
    }

    private void AddSymbol(int codePoint)
    {
        if (Symbols.Emoji.TryGetValue(codePoint, out var valence)) Add(new SentimentToken { Kind = TokenKind.Symbol, Valence = valence });
    }

    private void AddStop()
    {
        if (_count > 0 && _tokens[_count - 1].Kind == TokenKind.Stop) return;
        Add(new SentimentToken { Kind = TokenKind.Stop });
    }

    private void Append(char c)
    {
        if (_charCount == _chars.Length) Array.Resize(ref _chars, _chars.Length * 2);
        _chars[_charCount++] = c;
    }

    private void Add(SentimentToken token)
    {
        if (_count == _tokens.Length) Array.Resize(ref _tokens, _tokens.Length * 2);
        _tokens[_count++] = token;
    }

    private static (FrozenDictionary<int, float>, FrozenDictionary<string, float>) LoadSymbols()
    {
        var emoji = new Dictionary<int, float>();
        var emoticons = new Dictionary<string, float>(StringComparer.Ordinal);
        using var stream = typeof(SentimentTokens).Assembly.GetManifestResourceStream(SentimentLexicon.ResourceName("emoji.tsv"))
            ?? throw new InvalidOperationException("emoji.tsv is not embedded.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab <= 0 || !float.TryParse(line.AsSpan(tab + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var valence)) continue;
            var symbol = line[..tab];
            if (symbol.All(ch => ch < 0x80))
            {
                emoticons[symbol] = valence;
            }
            else
            {
                emoji[char.ConvertToUtf32(symbol, 0)] = valence;
            }
        }
        return (emoji.ToFrozenDictionary(), emoticons.ToFrozenDictionary(StringComparer.Ordinal));
    }
}
