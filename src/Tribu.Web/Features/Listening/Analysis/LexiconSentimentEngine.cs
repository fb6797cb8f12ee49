namespace Tribu.Web.Features.Listening.Analysis;

/// <summary>
/// The built-in sentiment engine for French and English, in the manner of VADER (Hutto &amp; Gilbert, 2014): each
/// word, phrase, emoji or emoticon of the lexicon has a valence; a negation before it (or, in French, "pas"/"plus"
/// after it) turns it around and weakens it; degree words scale it ("très", "un peu", "very", "slightly"); capitals
/// and stretched letters stress it; after "mais"/"but" a clause counts three times what came before; "!" and "??"
/// push the total further. The total is squashed into [-1, 1]. One pass over the text, frozen dictionaries looked up
/// by span, buffers reused per thread: no allocation per text once warm. See docs/sentiment.md.
/// </summary>
public sealed class LexiconSentimentEngine : ISentimentEngine
{
    /// <summary>Scores between -NeutralBand and +NeutralBand are neutral. Chosen on the development split.</summary>
    public const double NeutralBand = 0.25;

    private const float NegatedPositive = -0.74f;
    private const float NegatedNegative = -0.5f;
    private const float CapsStress = 1.25f;
    private const float ElongationStress = 1.2f;
    private const float BeforeContrast = 0.5f;
    private const float AfterContrast = 1.5f;
    private const float ExclamationBoost = 0.292f;
    private const float QuestionBoost = 0.18f;
    private const float SingleQuestion = 0.6f;
    private const double Alpha = 15;

    private static readonly Lazy<LexiconSentimentEngine> Shared = new(() => new LexiconSentimentEngine());

    [ThreadStatic] private static Scratch? t_scratch;

    private readonly SentimentLexicon _french = SentimentLexicon.French();
    private readonly SentimentLexicon _english = SentimentLexicon.English();
    private readonly SentimentLexicon _both = SentimentLexicon.Both();

    /// <summary>One engine for the process: the lexicons take a few milliseconds to load and are read-only after.</summary>
    public static LexiconSentimentEngine Default => Shared.Value;

    /// <summary>How many words and phrases each lexicon holds (for the docs and the tests).</summary>
    public (int French, int English) LexiconSizes => (_french.Terms.Count, _english.Terms.Count);

    public SentimentResult Analyze(string text, string language)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lexicon = language switch
        {
            Languages.French => _french,
            Languages.English => _english,
            _ => _both,
        };
        var scratch = t_scratch ??= new Scratch();
        var tokens = scratch.Tokens;
        tokens.Read(text, lexicon.EnglishGrammar);
        var units = Resolve(tokens, lexicon, scratch);
        var sum = Score(units, lexicon.FrenchGrammar);
        if (sum != 0)
        {
            var sign = Math.Sign(sum);
            sum += sign * ExclamationBoost * Math.Min(tokens.Exclamations, 4);
            if (tokens.Questions > 1) sum += sign * Math.Min(QuestionBoost * tokens.Questions, 0.96f);
            else if (tokens.Questions == 1 && tokens.Exclamations == 0) sum *= SingleQuestion;
        }
        var score = sum / Math.Sqrt(sum * sum + Alpha);
        var label = score >= NeutralBand ? SentimentLabel.Positive : score <= -NeutralBand ? SentimentLabel.Negative : SentimentLabel.Neutral;
        return new SentimentResult(label, Math.Round(score, 4));
    }

    private struct Unit
    {
        public float Valence;
        public float Factor;
        public float Stress;
        public TermRole Role;
        public bool NegationInside;
        public bool Stop;
        public bool Symbol;
        /// <summary>The French "de"/"d'" that makes "pas de…" mean "no…" rather than negate the word before.</summary>
        public bool IsDe;
    }

    private sealed class Scratch
    {
        public readonly SentimentTokens Tokens = new();
        public Unit[] Units = new Unit[64];
        public char[] Key = new char[128];
    }

    private static ReadOnlySpan<Unit> Resolve(SentimentTokens tokens, SentimentLexicon lexicon, Scratch scratch)
    {
        var all = tokens.All;
        if (scratch.Units.Length < all.Length) scratch.Units = new Unit[Math.Max(all.Length, scratch.Units.Length * 2)];
        var units = scratch.Units;
        var mixedCase = tokens.CapsWords > 0 && tokens.LowerWords > 0;
        var count = 0;
        for (var i = 0; i < all.Length; i++)
        {
            ref readonly var token = ref all[i];
            ref var unit = ref units[count++];
            unit = default;
            unit.Stress = 1;
            if (token.Kind == TokenKind.Stop)
            {
                unit.Stop = true;
                continue;
            }
            if (token.Kind == TokenKind.Symbol)
            {
                unit.Valence = token.Valence;
                unit.Symbol = true;
                continue;
            }
            var word = tokens.Text(token);
            if (TryPhrase(tokens, all, i, lexicon, scratch, out var phrase))
            {
                Apply(ref unit, phrase);
                i += phrase.Words - 1;
                continue;
            }
            if (lexicon.TermLookup.TryGetValue(word, out var term) || TryVariants(word, token.Elongated, lexicon, scratch, out term))
            {
                Apply(ref unit, term);
                if (term.Valence != 0)
                {
                    if (token.Caps && mixedCase) unit.Stress *= CapsStress;
                    if (token.Elongated) unit.Stress *= ElongationStress;
                }
            }
            unit.IsDe = word is "de" or "d";
        }
        return units.AsSpan(0, count);
    }

    private static void Apply(ref Unit unit, in Term term)
    {
        unit.Valence = term.Valence;
        unit.Role = term.Role;
        unit.Factor = term.Factor;
        unit.NegationInside = term.NegationInside;
    }

    // The longest phrase of the lexicon starting at word i ("pas terrible", "still waiting", "bon rapport qualité prix").
    private static bool TryPhrase(SentimentTokens tokens, ReadOnlySpan<SentimentToken> all, int i, SentimentLexicon lexicon, Scratch scratch, out Term phrase)
    {
        phrase = default;
        if (!lexicon.PhraseStartLookup.TryGetValue(tokens.Text(all[i]), out var maxWords)) return false;
        var words = 1;
        while (words < maxWords && i + words < all.Length && all[i + words].Kind == TokenKind.Word) words++;
        for (; words >= 2; words--)
        {
            var length = 0;
            for (var k = 0; k < words; k++)
            {
                var w = tokens.Text(all[i + k]);
                if (length + w.Length + 1 > scratch.Key.Length) Array.Resize(ref scratch.Key, (length + w.Length + 1) * 2);
                if (k > 0) scratch.Key[length++] = ' ';
                w.CopyTo(scratch.Key.AsSpan(length));
                length += w.Length;
            }
            if (lexicon.TermLookup.TryGetValue(scratch.Key.AsSpan(0, length), out phrase) && phrase.Words == words) return true;
        }
        return false;
    }

    // "nuuuul" → "nuul" → "nul"; French "déçues" → "déçue" → "déçu"; English "bikes" → "bike".
    private static bool TryVariants(ReadOnlySpan<char> word, bool elongated, SentimentLexicon lexicon, Scratch scratch, out Term term)
    {
        term = default;
        if (elongated)
        {
            if (scratch.Key.Length < word.Length) Array.Resize(ref scratch.Key, word.Length * 2);
            for (var keep = 2; keep >= 1; keep--)
            {
                var length = 0;
                var run = 0;
                var last = '\0';
                foreach (var c in word)
                {
                    run = c == last ? run + 1 : 1;
                    last = c;
                    if (run <= keep) scratch.Key[length++] = c;
                }
                if (lexicon.TermLookup.TryGetValue(scratch.Key.AsSpan(0, length), out term) && term.Words == 1) return true;
            }
            return false;
        }
        if (word.Length < 4) return false;
        if (word[^1] is 's' or 'x')
        {
            if (lexicon.TermLookup.TryGetValue(word[..^1], out term) && term.Words == 1) return true;
            if (lexicon.FrenchGrammar && word[^2] == 'e' && lexicon.TermLookup.TryGetValue(word[..^2], out term) && term.Words == 1) return true;
        }
        else if (lexicon.FrenchGrammar && word[^1] == 'e' && lexicon.TermLookup.TryGetValue(word[..^1], out term) && term.Words == 1)
        {
            return true;
        }
        return false;
    }

    private static double Score(ReadOnlySpan<Unit> units, bool french)
    {
        var lastContrast = -1;
        for (var i = units.Length - 1; i >= 0; i--)
        {
            if (units[i].Role == TermRole.Contrast)
            {
                lastContrast = i;
                break;
            }
        }
        double sum = 0;
        for (var i = 0; i < units.Length; i++)
        {
            ref readonly var unit = ref units[i];
            if (unit.Stop || unit.Valence == 0) continue;
            // "super", "bien", "grave": a degree before a sentiment word ("super content"), a sentiment on their own ("super !").
            if (unit.Role == TermRole.Degree && i + 1 < units.Length && !units[i + 1].Stop && units[i + 1].Valence != 0) continue;
            var v = unit.Valence;
            if (!unit.Symbol)
            {
                var negated = false;
                var seenNe = false;
                for (var j = i - 1; j >= 0 && j >= i - 3; j--)
                {
                    ref readonly var before = ref units[j];
                    if (before.Stop || before.Role == TermRole.Contrast) break;
                    switch (before.Role)
                    {
                        case TermRole.Degree when j >= i - 2 && before.Factor != 0:
                            v *= before.Factor;
                            break;
                        case TermRole.Negator or TermRole.NegatorAfter:
                            negated = true;
                            break;
                        case TermRole.NeParticle:
                            negated = true;
                            seenNe = true;
                            break;
                        case TermRole.Plus when HasNeBefore(units, j):
                            negated = true;
                            break;
                        case TermRole.Plus when j == i - 1:
                            v *= before.Factor;
                            break;
                    }
                }
                if (french && !negated && unit.Role != TermRole.Degree && i + 1 < units.Length)
                {
                    ref readonly var after = ref units[i + 1];
                    var deFollows = i + 2 < units.Length && units[i + 2].IsDe;
                    negated = (after.Role == TermRole.NegatorAfter && !deFollows) || (after.Role == TermRole.Plus && (seenNe || HasNeBefore(units, i)));
                }
                if (unit.NegationInside) negated = false;
                if (negated) v *= v > 0 ? NegatedPositive : NegatedNegative;
            }
            v *= unit.Stress;
            if (lastContrast >= 0) v *= i < lastContrast ? BeforeContrast : AfterContrast;
            sum += v;
        }
        return sum;
    }

    private static bool HasNeBefore(ReadOnlySpan<Unit> units, int index)
    {
        for (var j = index - 1; j >= 0 && j >= index - 4; j--)
        {
            if (units[j].Stop || units[j].Role == TermRole.Contrast) return false;
            if (units[j].Role == TermRole.NeParticle) return true;
        }
        return false;
    }
}
