using System.Text;

namespace Tribu.Web.Features.Search;

/// <summary>One part of a query: a word or a "quoted phrase" (several words), possibly excluded with a leading minus.</summary>
public sealed record QueryClause(bool Excluded, IReadOnlyList<string> Words);

/// <summary>
/// What a member typed, read the way PostgreSQL's <c>websearch_to_tsquery</c> reads it: words are all required,
/// "quoted phrases" keep their order, <c>-word</c> excludes, <c>or</c> separates alternatives.
/// The query matches a post when, read as French or read as English, it matches the post's terms.
/// </summary>
public sealed class SearchQuery
{
    public const int MaxLength = 200;

    private SearchQuery(string text, IReadOnlyList<IReadOnlyList<QueryClause>> alternatives)
    {
        Text = text;
        Alternatives = alternatives;
    }

    /// <summary>The query as typed, trimmed.</summary>
    public string Text { get; }

    /// <summary>Alternatives (joined by "or"), each a list of clauses that must all hold.</summary>
    public IReadOnlyList<IReadOnlyList<QueryClause>> Alternatives { get; }

    public static SearchQuery Parse(string text)
    {
        text = text.Trim();
        var alternatives = new List<IReadOnlyList<QueryClause>>();
        var current = new List<QueryClause>();
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }
            var excluded = false;
            if (text[i] == '-' && i + 1 < text.Length && !char.IsWhiteSpace(text[i + 1]))
            {
                excluded = true;
                i++;
            }
            string chunk;
            var quoted = text[i] == '"';
            if (quoted)
            {
                var end = text.IndexOf('"', i + 1);
                if (end < 0) end = text.Length;
                chunk = text[(i + 1)..end];
                i = Math.Min(text.Length, end + 1);
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != '"') i++;
                chunk = text[start..i];
            }
            if (!quoted && !excluded && current.Count > 0 && chunk.Equals("or", StringComparison.OrdinalIgnoreCase))
            {
                alternatives.Add(current);
                current = [];
                continue;
            }
            var words = SearchText.Words(chunk).Select(w => w.Text).Where(w => w.Length <= SearchText.MaxWordLength).ToArray();
            if (words.Length > 0) current.Add(new QueryClause(excluded, words));
        }
        if (current.Count > 0) alternatives.Add(current);
        return new SearchQuery(text, alternatives);
    }

    /// <summary>Whether any word is left to look for once stop words are set aside (in either language).</summary>
    public bool HasTerms => Fts5(SearchText.French) is not null || Fts5(SearchText.English) is not null;

    /// <summary>The stems a matching post may contain, in either language: what snippets highlight.</summary>
    public IReadOnlySet<string> HighlightStems()
    {
        var stems = new HashSet<string>(StringComparer.Ordinal);
        foreach (var clause in Alternatives.SelectMany(a => a).Where(c => !c.Excluded))
        {
            foreach (var word in clause.Words)
            {
                foreach (var language in (string[])[SearchText.French, SearchText.English])
                {
                    if (!SearchText.IsStopWord(word, language)) stems.Add(SearchText.Stem(word, language));
                }
            }
        }
        return stems;
    }

    /// <summary>The SQLite FTS5 expression matching what the query means in both languages, or null when nothing is left to search.</summary>
    public string? Fts5Match()
    {
        var french = Fts5(SearchText.French);
        var english = Fts5(SearchText.English);
        if (french is null || english is null || french == english) return french ?? english;
        return $"({french}) OR ({english})";
    }

    /// <summary>The query read in one language, as an FTS5 expression over stems; null when only stop words (or exclusions) remain.</summary>
    private string? Fts5(string language)
    {
        var parts = new List<string>();
        foreach (var alternative in Alternatives)
        {
            var required = alternative.Where(c => !c.Excluded).Select(c => Phrase(c, language)).OfType<string>().ToList();
            if (required.Count == 0) continue;
            var excluded = alternative.Where(c => c.Excluded).Select(c => Phrase(c, language)).OfType<string>().ToList();
            var expression = new StringBuilder("(").AppendJoin(" AND ", required).Append(')');
            if (excluded.Count > 0) expression.Append(" NOT (").AppendJoin(" OR ", excluded).Append(')');
            parts.Add(expression.ToString());
        }
        return parts.Count == 0 ? null : string.Join(" OR ", parts);
    }

    private static string? Phrase(QueryClause clause, string language)
    {
        var stems = clause.Words.Where(w => !SearchText.IsStopWord(w, language)).Select(w => SearchText.Stem(w, language)).ToList();
        // Stems are letters and digits only; the quotes make FTS5 read each as a plain term, never as syntax.
        return stems.Count == 0 ? null : "\"" + string.Join(' ', stems).Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
