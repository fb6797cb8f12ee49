using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Tribu.Web.Features.Listening.Analysis;

/// <summary>What a word or phrase does in a sentence, beyond its own valence.</summary>
internal enum TermRole : byte
{
    None,
    /// <summary>Turns the sentiment of the next words around: "pas", "jamais", "not", "never", "isn't".</summary>
    Negator,
    /// <summary>French "ne"/"n'": negates, and makes a following "plus" mean "no longer".</summary>
    NeParticle,
    /// <summary>French "pas", "plus", "jamais", "rien" after the word they negate: "j'aime pas", "ça marche plus".</summary>
    NegatorAfter,
    /// <summary>French "plus": "no longer" after "ne", "more" otherwise.</summary>
    Plus,
    /// <summary>Multiplies the next sentiment word by its factor: "très", "vraiment", "un peu", "very", "slightly".</summary>
    Degree,
    /// <summary>What comes after weighs more than what came before: "mais", "cependant", "but", "however".</summary>
    Contrast,
}

/// <summary>A lexicon entry: a word or a phrase of up to <see cref="SentimentLexicon.MaxPhraseWords"/> words.</summary>
internal readonly record struct Term(float Valence, TermRole Role, float Factor, byte Words, bool NegationInside);

/// <summary>
/// The words and phrases one language's sentiment is read with, folded (lowercase, no accents) and frozen: valences
/// from the data files beside this class, and the grammar words (negations, degrees, contrasts) from code.
/// </summary>
internal sealed class SentimentLexicon
{
    public const int MaxPhraseWords = 4;

    private SentimentLexicon(Dictionary<string, Term> terms, bool frenchGrammar, bool englishGrammar)
    {
        Terms = terms.ToFrozenDictionary(StringComparer.Ordinal);
        TermLookup = Terms.GetAlternateLookup<ReadOnlySpan<char>>();
        var starts = new Dictionary<string, byte>(StringComparer.Ordinal);
        foreach (var (key, term) in terms)
        {
            if (term.Words < 2) continue;
            var first = key[..key.IndexOf(' ', StringComparison.Ordinal)];
            starts[first] = Math.Max(starts.GetValueOrDefault(first), term.Words);
        }
        PhraseStarts = starts.ToFrozenDictionary(StringComparer.Ordinal);
        PhraseStartLookup = PhraseStarts.GetAlternateLookup<ReadOnlySpan<char>>();
        FrenchGrammar = frenchGrammar;
        EnglishGrammar = englishGrammar;
    }

    public FrozenDictionary<string, Term> Terms { get; }
    public FrozenDictionary<string, Term>.AlternateLookup<ReadOnlySpan<char>> TermLookup { get; }

    /// <summary>First words of phrases, with the longest phrase each starts.</summary>
    public FrozenDictionary<string, byte> PhraseStarts { get; }
    public FrozenDictionary<string, byte>.AlternateLookup<ReadOnlySpan<char>> PhraseStartLookup { get; }

    /// <summary>French plural and feminine endings are tried when a word is missing.</summary>
    public bool FrenchGrammar { get; }

    /// <summary>English "n't" joins its word ("isn't" reads "isnt").</summary>
    public bool EnglishGrammar { get; }

    public static SentimentLexicon French() => Build(french: true, english: false);

    public static SentimentLexicon English() => Build(french: false, english: true);

    /// <summary>Both languages at once, for texts in neither (or not known): English first, French over it.</summary>
    public static SentimentLexicon Both() => Build(french: true, english: true);

    private static SentimentLexicon Build(bool french, bool english)
    {
        var terms = new Dictionary<string, Term>(StringComparer.Ordinal);
        var negators = new HashSet<string>(StringComparer.Ordinal);
        var tokens = new SentimentTokens();
        if (english)
        {
            AddGrammar(terms, negators, tokens, EnglishGrammarWords, englishJoin: true);
            Load(terms, negators, tokens, "vader-en.tsv", englishJoin: true);
            Load(terms, negators, tokens, "sentiment-en.tsv", englishJoin: true);
        }
        if (french)
        {
            AddGrammar(terms, negators, tokens, FrenchGrammarWords, englishJoin: english);
            Load(terms, negators, tokens, "sentiment-fr.tsv", englishJoin: english);
        }
        return new SentimentLexicon(terms, french, english);
    }

    // term, role, factor, valence of its own (used when no sentiment word follows: "super !", "grave").
    private static readonly (string Term, TermRole Role, float Factor, float Valence)[] FrenchGrammarWords =
    [
        ("pas", TermRole.NegatorAfter, 0, 0), ("jamais", TermRole.NegatorAfter, 0, 0), ("rien", TermRole.NegatorAfter, 0, 0),
        ("plus", TermRole.Plus, 1.1f, 0), ("ne", TermRole.NeParticle, 0, 0), ("n", TermRole.NeParticle, 0, 0),
        ("aucun", TermRole.Negator, 0, 0), ("aucune", TermRole.Negator, 0, 0), ("sans", TermRole.Negator, 0, 0), ("ni", TermRole.Negator, 0, 0),
        ("nullement", TermRole.Negator, 0, 0), ("zero", TermRole.Negator, 0, 0), ("plus du tout", TermRole.Negator, 0, 0), ("pas du tout", TermRole.NegatorAfter, 0, 0), ("guere", TermRole.Negator, 0, 0), ("peu", TermRole.Negator, 0, 0),
        ("tres", TermRole.Degree, 1.3f, 0), ("vraiment", TermRole.Degree, 1.3f, 0), ("vrmt", TermRole.Degree, 1.3f, 0), ("trop", TermRole.Degree, 1.3f, 0),
        ("super", TermRole.Degree, 1.3f, 2.4f), ("hyper", TermRole.Degree, 1.35f, 0), ("ultra", TermRole.Degree, 1.35f, 0), ("mega", TermRole.Degree, 1.35f, 0),
        ("tellement", TermRole.Degree, 1.3f, 0), ("grave", TermRole.Degree, 1.3f, -1.0f), ("carrement", TermRole.Degree, 1.3f, 0),
        ("totalement", TermRole.Degree, 1.3f, 0), ("completement", TermRole.Degree, 1.3f, 0), ("absolument", TermRole.Degree, 1.3f, 0),
        ("extremement", TermRole.Degree, 1.4f, 0), ("vachement", TermRole.Degree, 1.3f, 0), ("franchement", TermRole.Degree, 1.15f, 0),
        ("particulierement", TermRole.Degree, 1.2f, 0), ("si", TermRole.Degree, 1.1f, 0), ("bien", TermRole.Degree, 1.15f, 1.5f),
        ("un peu", TermRole.Degree, 0.6f, 0), ("quelque peu", TermRole.Degree, 0.6f, 0), ("assez", TermRole.Degree, 0.85f, 0),
        ("plutot", TermRole.Degree, 0.85f, 0), ("moyennement", TermRole.Degree, 0.5f, 0), ("legerement", TermRole.Degree, 0.6f, 0),
        ("a peine", TermRole.Degree, 0.4f, 0),
        ("mais", TermRole.Contrast, 0, 0), ("cependant", TermRole.Contrast, 0, 0), ("pourtant", TermRole.Contrast, 0, 0),
        ("toutefois", TermRole.Contrast, 0, 0), ("neanmoins", TermRole.Contrast, 0, 0), ("sauf que", TermRole.Contrast, 0, 0),
        ("par contre", TermRole.Contrast, 0, 0), ("en revanche", TermRole.Contrast, 0, 0),
    ];

    private static readonly (string Term, TermRole Role, float Factor, float Valence)[] EnglishGrammarWords =
    [
        ("not", TermRole.Negator, 0, 0), ("no", TermRole.Negator, 0, 0), ("never", TermRole.Negator, 0, 0), ("nothing", TermRole.Negator, 0, 0),
        ("nobody", TermRole.Negator, 0, 0), ("none", TermRole.Negator, 0, 0), ("neither", TermRole.Negator, 0, 0), ("nor", TermRole.Negator, 0, 0),
        ("without", TermRole.Negator, 0, 0), ("cannot", TermRole.Negator, 0, 0), ("hardly", TermRole.Negator, 0, 0), ("nowhere near", TermRole.Negator, 0, 0), ("zero", TermRole.Negator, 0, 0), ("isnt", TermRole.Negator, 0, 0),
        ("arent", TermRole.Negator, 0, 0), ("wasnt", TermRole.Negator, 0, 0), ("werent", TermRole.Negator, 0, 0), ("dont", TermRole.Negator, 0, 0),
        ("doesnt", TermRole.Negator, 0, 0), ("didnt", TermRole.Negator, 0, 0), ("cant", TermRole.Negator, 0, 0), ("couldnt", TermRole.Negator, 0, 0),
        ("wont", TermRole.Negator, 0, 0), ("wouldnt", TermRole.Negator, 0, 0), ("shouldnt", TermRole.Negator, 0, 0), ("havent", TermRole.Negator, 0, 0),
        ("hasnt", TermRole.Negator, 0, 0), ("hadnt", TermRole.Negator, 0, 0), ("aint", TermRole.Negator, 0, 0), ("mustnt", TermRole.Negator, 0, 0),
        ("very", TermRole.Degree, 1.3f, 0), ("so", TermRole.Degree, 1.3f, 0), ("really", TermRole.Degree, 1.3f, 0), ("extremely", TermRole.Degree, 1.4f, 0),
        ("super", TermRole.Degree, 1.3f, 2.0f), ("totally", TermRole.Degree, 1.3f, 0), ("absolutely", TermRole.Degree, 1.35f, 0),
        ("incredibly", TermRole.Degree, 1.35f, 0), ("insanely", TermRole.Degree, 1.35f, 0), ("too", TermRole.Degree, 1.2f, 0),
        ("truly", TermRole.Degree, 1.3f, 0), ("hella", TermRole.Degree, 1.3f, 0), ("mega", TermRole.Degree, 1.3f, 0), ("highly", TermRole.Degree, 1.3f, 0),
        ("completely", TermRole.Degree, 1.3f, 0), ("utterly", TermRole.Degree, 1.35f, 0), ("such", TermRole.Degree, 1.2f, 0), ("most", TermRole.Degree, 1.2f, 0),
        ("damn", TermRole.Degree, 1.25f, -1.2f), ("fucking", TermRole.Degree, 1.3f, -1.5f), ("freaking", TermRole.Degree, 1.3f, 0),
        ("seriously", TermRole.Degree, 1.2f, 0), ("especially", TermRole.Degree, 1.2f, 0), ("definitely", TermRole.Degree, 1.2f, 0),
        ("slightly", TermRole.Degree, 0.6f, 0), ("somewhat", TermRole.Degree, 0.7f, 0), ("kinda", TermRole.Degree, 0.7f, 0), ("sorta", TermRole.Degree, 0.7f, 0),
        ("kind of", TermRole.Degree, 0.7f, 0), ("sort of", TermRole.Degree, 0.7f, 0), ("a bit", TermRole.Degree, 0.6f, 0), ("a little", TermRole.Degree, 0.6f, 0),
        ("bit", TermRole.Degree, 0.6f, 0), ("barely", TermRole.Degree, 0.4f, 0), ("fairly", TermRole.Degree, 0.85f, 0), ("pretty", TermRole.Degree, 0.9f, 0),
        ("quite", TermRole.Degree, 0.95f, 0), ("rather", TermRole.Degree, 0.9f, 0), ("marginally", TermRole.Degree, 0.6f, 0),
        ("but", TermRole.Contrast, 0, 0), ("however", TermRole.Contrast, 0, 0), ("nevertheless", TermRole.Contrast, 0, 0),
        ("nonetheless", TermRole.Contrast, 0, 0), ("although", TermRole.Contrast, 0, 0), ("that said", TermRole.Contrast, 0, 0),
        ("on the other hand", TermRole.Contrast, 0, 0),
    ];

    private static void AddGrammar(Dictionary<string, Term> terms, HashSet<string> negators, SentimentTokens tokens,
        (string Term, TermRole Role, float Factor, float Valence)[] words, bool englishJoin)
    {
        foreach (var (term, role, factor, valence) in words)
        {
            var key = Key(tokens, term, englishJoin, out var count);
            terms[key] = new Term(valence, role, factor, (byte)count, false);
            if (role is TermRole.Negator or TermRole.NegatorAfter or TermRole.NeParticle or TermRole.Plus) negators.Add(key);
        }
    }

    private static void Load(Dictionary<string, Term> terms, HashSet<string> negators, SentimentTokens tokens, string file, bool englishJoin)
    {
        using var stream = typeof(SentimentLexicon).Assembly.GetManifestResourceStream(ResourceName(file))
            ?? throw new InvalidOperationException($"Sentiment lexicon {file} is not embedded.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab <= 0) continue;
            var end = line.IndexOf('\t', tab + 1);
            var valenceText = end < 0 ? line[(tab + 1)..] : line[(tab + 1)..end];
            if (!float.TryParse(valenceText, NumberStyles.Float, CultureInfo.InvariantCulture, out var valence)) continue;
            // Emoticons (":)", "D:", "8-)") belong to the emoji table; here only words and phrases.
            if (!IsWordsOnly(line.AsSpan(0, tab))) continue;
            var key = Key(tokens, line[..tab], englishJoin, out var count);
            if (count == 0 || count > MaxPhraseWords) continue;
            if (terms.TryGetValue(key, out var existing) && existing.Role != TermRole.None)
            {
                // A grammar word keeps its role; the data may only give it a valence of its own when it has one.
                if (existing.Valence != 0) terms[key] = existing with { Valence = valence };
                continue;
            }
            var negationInside = false;
            if (count > 1)
            {
                foreach (var word in key.Split(' ')) negationInside |= negators.Contains(word);
            }
            terms[key] = new Term(valence, TermRole.None, 0, (byte)count, negationInside);
        }
    }

    private static bool IsWordsOnly(ReadOnlySpan<char> term)
    {
        foreach (var c in term)
        {
            if (!char.IsLetter(c) && c != ' ' && c != '-' && !TextFold.IsApostrophe(c)) return false;
        }
        return true;
    }

    internal static string ResourceName(string file) => "Tribu.Web.Features.Listening.Analysis.Data." + file;

    // The words of a lexicon entry exactly as the engine reads a text: folded, split on apostrophes, hyphens and
    // spaces; with English grammar, "n't" stays in its word.
    private static string Key(SentimentTokens tokens, string term, bool englishJoin, out int count)
    {
        var words = new List<string>(1);
        tokens.Read(term, englishJoin);
        foreach (var token in tokens.All)
        {
            if (token.Kind == TokenKind.Word) words.Add(tokens.Text(token).ToString());
        }
        // Emoticons and symbols in the VADER file (":)", "<3") are handled by the emoji table, not here.
        count = words.Count;
        return string.Join(' ', words);
    }
}
