using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using Lucene.Net.Tartarus.Snowball;
using Lucene.Net.Tartarus.Snowball.Ext;
using Markdig;

namespace Tribu.Web.Features.Search;

/// <summary>A word of a text: where it starts, how long it is, and its lowercase form.</summary>
public readonly record struct Word(int Start, int Length, string Text);

/// <summary>
/// How Tribu reads text for search in the embedded (SQLite) mode: words, French and English stop words,
/// Snowball stems, accents folded. The stemmers are the Snowball algorithms (snowballstem.org) that
/// PostgreSQL's french and english configurations also use; the stop-word lists are Snowball's, as
/// PostgreSQL ships them, so both databases drop the same words.
/// </summary>
public static class SearchText
{
    public const string French = "fr";
    public const string English = "en";

    /// <summary>Longer "words" are URLs, hashes or noise: not indexed.</summary>
    public const int MaxWordLength = 60;

    // Snowball's french.stop and english.stop (BSD licence), as in PostgreSQL's tsearch_data.
    private static readonly FrozenSet<string> FrenchStopWords = FrozenSet.ToFrozenSet(
        """
        au aux avec ce ces dans de des du elle en et eux il je la le leur lui ma mais me même mes moi mon ne nos notre nous on ou par pas
        pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous c d j l à m n s t y été étée étées étés étant étante
        étants étantes suis es est sommes êtes sont serai seras sera serons serez seront serais serait serions seriez seraient étais était
        étions étiez étaient fus fut fûmes fûtes furent sois soit soyons soyez soient fusse fusses fût fussions fussiez fussent ayant ayante
        ayantes ayants eu eue eues eus ai as avons avez ont aurai auras aura aurons aurez auront aurais aurait aurions auriez auraient avais
        avait avions aviez avaient eut eûmes eûtes eurent aie aies ait ayons ayez aient eusse eusses eût eussions eussiez eussent
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);

    private static readonly FrozenSet<string> EnglishStopWords = FrozenSet.ToFrozenSet(
        """
        i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it its itself they
        them their theirs themselves what which who whom this that these those am is are was were be been being have has had having do does
        did doing a an the and but if or because as until while of at by for with about against between into through during before after
        above below to from up down in out on off over under again further then once here there when where why how all any both each few
        more most other some such no nor not only own same so than too very s t can will just don should now
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);

    // Words frequent in one language and rare in the other: what the language guess counts.
    private static readonly FrozenSet<string> FrenchMarkers = FrozenSet.ToFrozenSet(
        ["le", "la", "les", "de", "des", "du", "et", "est", "un", "une", "je", "j", "pas", "pour", "que", "qui", "dans", "sur", "avec", "ce",
         "c", "il", "elle", "nous", "vous", "mais", "ou", "au", "aux", "sont", "mon", "ma", "mes", "ça", "l", "d", "qu", "très", "aussi",
         "merci", "bonjour", "depuis", "quand", "avez", "ai", "suis", "été", "votre", "notre", "leur", "cette", "sans", "plus", "peut"],
        StringComparer.Ordinal);

    private static readonly FrozenSet<string> EnglishMarkers = FrozenSet.ToFrozenSet(
        ["the", "and", "is", "are", "of", "to", "in", "it", "for", "with", "that", "this", "my", "you", "not", "have", "was", "but", "be",
         "at", "from", "has", "had", "can", "will", "i", "we", "they", "what", "which", "there", "would", "should", "thanks", "hello",
         "been", "any", "just", "does", "did", "your", "our", "when", "after", "also", "very", "about", "if", "than"],
        StringComparer.Ordinal);

    private static readonly MarkdownPipeline PlainTextPipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseTaskLists()
        .UseAutoLinks()
        .UseEmphasisExtras()
        .DisableHtml()
        .Build();

    [ThreadStatic] private static FrenchStemmer? t_french;
    [ThreadStatic] private static EnglishStemmer? t_english;

    public static string LanguageOrEnglish(string? language) => language == French ? French : English;

    /// <summary>The words of a text, in order, lowercased; apostrophes, hyphens and punctuation separate words.</summary>
    public static IEnumerable<Word> Words(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && !IsWordChar(text[i])) i++;
            var start = i;
            while (i < text.Length && IsWordChar(text[i])) i++;
            if (i > start)
            {
                yield return new Word(start, i - start, text[start..i].ToLowerInvariant());
            }
        }
    }

    private static bool IsWordChar(char c) =>
        char.IsLetterOrDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;

    public static bool IsStopWord(string word, string language) =>
        (language == French ? FrenchStopWords : EnglishStopWords).Contains(word);

    /// <summary>
    /// The Snowball stem of a lowercase word, accents then folded ("communautés" → "communaut"). French Snowball keeps the
    /// plural s after a, i, o, u ("vélos" stays "velos"), so that s is dropped here: "vélo" finds "vélos" and back.
    /// </summary>
    public static string Stem(string word, string language)
    {
        if (word.Length > MaxWordLength) return Fold(word);
        SnowballProgram stemmer = language == French ? t_french ??= new FrenchStemmer() : t_english ??= new EnglishStemmer();
        stemmer.SetCurrent(word);
        stemmer.Stem();
        var stem = Fold(stemmer.Current);
        return language == French ? Singular(stem) : stem;
    }

    /// <summary>"velos" → "velo", "pneus" → "pneu": the plural s that French Snowball leaves after a vowel.</summary>
    public static string Singular(string word) =>
        word.Length > 3 && word[^1] == 's' && word[^2] is 'a' or 'i' or 'o' or 'u' ? word[..^1] : word;

    /// <summary>The other number of a French word the database's stemmer would not join: "vélo" ↔ "vélos"; null when none.</summary>
    public static string? OtherNumber(string word)
    {
        var folded = Fold(word);
        if (folded.Length > 3 && folded[^1] == 's' && folded[^2] is 'a' or 'i' or 'o' or 'u') return word[..^1];
        return folded.Length > 2 && folded[^1] is 'a' or 'i' or 'o' or 'u' ? word + "s" : null;
    }

    /// <summary>
    /// The terms to index for a text in a language: the stem of each word, stop words and over-long words left out,
    /// separated by spaces (what the SQLite full-text table receives).
    /// </summary>
    public static string IndexTerms(string text, string language)
    {
        var terms = new StringBuilder(text.Length);
        foreach (var word in Words(text))
        {
            if (word.Length > MaxWordLength || IsStopWord(word.Text, language)) continue;
            if (terms.Length > 0) terms.Append(' ');
            terms.Append(Stem(word.Text, language));
        }
        return terms.ToString();
    }

    /// <summary>Removes accents (é → e, œ → oe), as SQLite's unicode61 tokenizer and PostgreSQL's unaccent do.</summary>
    public static string Fold(string word)
    {
        var ascii = true;
        foreach (var c in word)
        {
            if (c > 127)
            {
                ascii = false;
                break;
            }
        }
        if (ascii) return word;
        var folded = new StringBuilder(word.Length);
        foreach (var c in word.Normalize(NormalizationForm.FormD))
        {
            switch (c)
            {
                case 'œ': folded.Append("oe"); break;
                case 'æ': folded.Append("ae"); break;
                case 'ß': folded.Append("ss"); break;
                default:
                    if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) folded.Append(c);
                    break;
            }
        }
        return folded.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>
    /// A cheap guess at the language of a text from its most common words. Confident when one language
    /// clearly leads; otherwise the caller falls back on what it knows (the topic's language).
    /// </summary>
    public static (string Language, bool Confident) GuessLanguage(string text)
    {
        int french = 0, english = 0;
        foreach (var word in Words(text))
        {
            if (FrenchMarkers.Contains(word.Text)) french++;
            if (EnglishMarkers.Contains(word.Text)) english++;
        }
        var language = french > english ? French : English;
        var (lead, other) = french > english ? (french, english) : (english, french);
        return (language, lead >= 2 && lead >= 2 * other);
    }

    /// <summary>The language to index a post in: a confident guess from its text, else the topic's language, else the best guess.</summary>
    public static string DecideLanguage(string text, string? topicLanguage)
    {
        var (guess, confident) = GuessLanguage(text);
        if (confident) return guess;
        return topicLanguage is French or English ? topicLanguage : guess;
    }

    /// <summary>The text a post's Markdown shows, without markup and control characters: what snippets are cut from.</summary>
    public static string PlainText(string markdown)
    {
        var plain = Markdown.ToPlainText(markdown, PlainTextPipeline);
        var clean = new StringBuilder(plain.Length);
        foreach (var c in plain)
        {
            clean.Append(char.IsControl(c) && c is not '\n' and not '\t' ? ' ' : c);
        }
        return clean.ToString().Trim();
    }
}
