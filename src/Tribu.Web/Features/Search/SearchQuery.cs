using System.Text;

namespace Tribu.Web.Features.Search;

/// <summary>One part of a query: a word or a "quoted phrase" (several words), possibly excluded with a leading minus.</summary>
public sealed record QueryClause(bool Excluded, IReadOnlyList<string> Words);

/// <summary>
/// What a member typed, read the way PostgreSQL's <c>websearch_to_tsquery</c> reads it: words are all required,
/// "quoted phrases" keep their order, <c>-word</c> excludes, <c>or</c> separates alternatives.
/// Each word (or phrase) matches its French or its English form, so "communautés" finds "communauté" and
/// "batteries" finds "battery", whatever language the post was indexed in.
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

    /// <summary>
    /// The alternatives as searched: a clause made only of stop words in French or in English says nothing in that
    /// reading, so it is left out altogether (otherwise "the" would be required of French posts); an alternative
    /// with nothing left to require is left out too.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<QueryClause>> Searched() =>
        [.. Alternatives
            .Select(a => (IReadOnlyList<QueryClause>)[.. a.Where(c => Readings.All(l => c.Words.Any(w => !SearchText.IsStopWord(w, l))))])
            .Where(a => a.Any(c => !c.Excluded))];

    private static readonly string[] Readings = [SearchText.French, SearchText.English];

    /// <summary>Whether anything is left to look for once stop words are set aside.</summary>
    public bool HasTerms => Searched().Count > 0;

    /// <summary>The stems a matching post may contain, in either language: what snippets highlight.</summary>
    public IReadOnlySet<string> HighlightStems()
    {
        var stems = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in Searched().SelectMany(a => a).Where(c => !c.Excluded).SelectMany(c => c.Words))
        {
            foreach (var language in Readings)
            {
                if (!SearchText.IsStopWord(word, language)) stems.Add(SearchText.Stem(word, language));
            }
        }
        return stems;
    }

    /// <summary>
    /// The SQLite FTS5 expression: each clause matches its French or its English stems, exclusions exclude both;
    /// null when nothing is left to search.
    /// </summary>
    public string? Fts5Match()
    {
        var alternatives = Searched();
        if (alternatives.Count == 0) return null;
        return string.Join(" OR ", alternatives.Select(alternative =>
        {
            var expression = new StringBuilder("(").AppendJoin(" AND ", alternative.Where(c => !c.Excluded).Select(Fts5)).Append(')');
            var excluded = alternative.Where(c => c.Excluded).Select(Fts5).ToList();
            if (excluded.Count > 0) expression.Append(" NOT (").AppendJoin(" OR ", excluded).Append(')');
            return expression.ToString();
        }));
    }

    private static string Fts5(QueryClause clause)
    {
        var readings = Readings.Select(language => Phrase(clause, language)).Distinct().ToList();
        return readings.Count == 1 ? readings[0] : $"({string.Join(" OR ", readings)})";
    }

    private static string Phrase(QueryClause clause, string language)
    {
        var stems = clause.Words.Where(w => !SearchText.IsStopWord(w, language)).Select(w => SearchText.Stem(w, language));
        // Stems are letters and digits only; the quotes make FTS5 read each as a plain term, never as syntax.
        return "\"" + string.Join(' ', stems).Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
