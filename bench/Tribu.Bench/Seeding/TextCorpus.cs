using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Tribu.Web.Features.Admin.Demo;
using Tribu.Web.Features.Search;

namespace Tribu.Bench.Seeding;

/// <summary>
/// The sentences, list items and titles of the demo community (Véloria), per language, recombined into posts of
/// varying length: real French and English vocabulary, so that stemming, ranking and snippets work on realistic text.
/// </summary>
internal sealed partial class TextCorpus
{
    private readonly Dictionary<string, string[]> _sentences;
    private readonly Dictionary<string, string[]> _items;
    private readonly Dictionary<string, string[]> _titles;

    private TextCorpus(Dictionary<string, string[]> sentences, Dictionary<string, string[]> items, Dictionary<string, string[]> titles, string[] tags)
    {
        _sentences = sentences;
        _items = items;
        _titles = titles;
        Tags = tags;
    }

    public IReadOnlyList<string> Tags { get; }

    public int SentenceCount => _sentences.Values.Sum(s => s.Length);

    public static async Task<TextCorpus> LoadAsync()
    {
        var demo = await DemoSeeder.LoadAsync();
        var sentences = new Dictionary<string, List<string>> { [SearchText.French] = [], [SearchText.English] = [] };
        var items = new Dictionary<string, List<string>> { [SearchText.French] = [], [SearchText.English] = [] };
        var titles = new Dictionary<string, List<string>> { [SearchText.French] = [], [SearchText.English] = [] };
        foreach (var topic in demo.Topics)
        {
            var topicLanguage = SearchText.LanguageOrEnglish(topic.Language);
            titles[topicLanguage].Add(topic.Title);
            foreach (var body in topic.Replies.Select(r => r.Body).Prepend(topic.Body))
            {
                var bodyLanguage = SearchText.DecideLanguage(body, topicLanguage);
                foreach (var raw in body.Split('\n'))
                {
                    var line = raw.Trim();
                    // Demo posts switch language mid-post ("Merci ! Thanks for…"): each line is classified on its own.
                    var language = SearchText.DecideLanguage(line, bodyLanguage);
                    if (line.Length == 0 || line.StartsWith('|') || line.StartsWith('#')) continue;
                    if (ListMarker().Match(line) is { Success: true } item)
                    {
                        var text = line[item.Length..].Trim();
                        if (text.Length >= 8) items[language].Add(text);
                        continue;
                    }
                    if (line.StartsWith('>')) line = line.TrimStart('>', ' ');
                    foreach (var sentence in SentenceEnd().Split(line))
                    {
                        var s = sentence.Trim();
                        if (s.Length >= 20 && !s.Contains("**", StringComparison.Ordinal)) sentences[SearchText.DecideLanguage(s, language)].Add(s);
                    }
                }
            }
        }
        var tags = demo.Topics.SelectMany(t => t.Tags).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return new TextCorpus(
            sentences.ToDictionary(p => p.Key, p => p.Value.Distinct(StringComparer.Ordinal).ToArray()),
            items.ToDictionary(p => p.Key, p => p.Value.Distinct(StringComparer.Ordinal).ToArray()),
            titles.ToDictionary(p => p.Key, p => p.Value.ToArray()),
            tags);
    }

    /// <summary>A title: a demo title now and then, otherwise the start of a sentence (4 to 11 words).</summary>
    public string Title(Random random, string language, bool question)
    {
        if (random.NextDouble() < 0.05) return Pick(random, _titles[language]);
        var words = Pick(random, _sentences[language]).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var count = Math.Min(words.Length, random.Next(4, 12));
        var title = string.Join(' ', words.Take(count)).TrimEnd(',', ';', ':', '.', '!', '?', '…', ' ', '(', '—', '-');
        if (title.Length < 8) title = Pick(random, _titles[language]);
        if (title.Length > 140) title = title[..140].TrimEnd();
        title = char.ToUpper(title[0], CultureInfo.InvariantCulture) + title[1..];
        return question ? title + (language == SearchText.French ? " ?" : "?") : title;
    }

    /// <summary>
    /// A post in Markdown: one to five paragraphs of one to four sentences (opening posts longer), now and then a list,
    /// a quote, emphasis, a support ticket number or a link.
    /// </summary>
    public string Body(Random random, string language, bool opening)
    {
        var paragraphs = opening ? random.Next(2, 6) : random.NextDouble() switch
        {
            < 0.45 => 1,
            < 0.75 => 2,
            < 0.90 => 3,
            < 0.97 => 4,
            _ => 5,
        };
        var body = new StringBuilder();
        for (var p = 0; p < paragraphs; p++)
        {
            if (p > 0) body.Append("\n\n");
            var roll = random.NextDouble();
            if (roll < 0.08 && _items[language].Length > 0)
            {
                var count = random.Next(2, 5);
                for (var i = 0; i < count; i++)
                {
                    if (i > 0) body.Append('\n');
                    body.Append("- ").Append(Pick(random, _items[language]));
                }
            }
            else if (roll < 0.12 && p == 0 && !opening)
            {
                body.Append("> ").Append(Pick(random, _sentences[language]));
            }
            else
            {
                var count = random.Next(1, 5);
                for (var i = 0; i < count; i++)
                {
                    if (i > 0) body.Append(' ');
                    var sentence = Pick(random, _sentences[language]);
                    if (random.NextDouble() < 0.04) sentence = Emphasise(sentence);
                    body.Append(sentence);
                }
            }
        }
        var extra = random.NextDouble();
        if (extra < 0.03)
        {
            body.Append(language == SearchText.French ? "\n\nTicket SAV-" : "\n\nSupport ticket SAV-").Append(random.Next(10_000, 100_000).ToString(CultureInfo.InvariantCulture));
        }
        else if (extra < 0.05)
        {
            body.Append("\n\nhttps://example.com/aide/").Append(random.Next(100, 1000).ToString(CultureInfo.InvariantCulture));
        }
        return body.ToString();
    }

    public IEnumerable<string> PickTags(Random random)
    {
        var count = random.NextDouble() switch
        {
            < 0.4 => 0,
            < 0.75 => 1,
            < 0.93 => 2,
            _ => 3,
        };
        return Enumerable.Range(0, count).Select(_ => Tags[random.Next(Tags.Count)]).Distinct(StringComparer.Ordinal);
    }

    private static string Emphasise(string sentence)
    {
        var words = sentence.Split(' ');
        if (words.Length < 4) return sentence;
        return "**" + string.Join(' ', words.Take(3)) + "** " + string.Join(' ', words.Skip(3));
    }

    private static string Pick(Random random, string[] pool) => pool[random.Next(pool.Length)];

    [GeneratedRegex(@"^([-*]|\d+\.)\s+(\[[ xX]\]\s+)?")]
    private static partial Regex ListMarker();

    [GeneratedRegex(@"(?<=[.!?…])\s+(?=[\p{Lu}«""(@0-9])")]
    private static partial Regex SentenceEnd();
}
