using BenchmarkDotNet.Attributes;
using Tribu.Web.Features.Listening.Analysis;

namespace Tribu.Bench;

/// <summary>
/// Listening (issue 5): the rest of a mention's analysis, per mention — HTML to text, the repost hash, the language, and
/// matching 50 active queries (the ingestion target is 5,000 mentions/s on two cores, everything included).
/// </summary>
[MemoryDiagnoser]
public class ListeningAnalysisBenchmarks
{
    private const string Html = """
        <p>Ça fait trois semaines que j&#39;attends ma batterie <a href="https://m.example/tags/veloria" class="mention hashtag">#<span>Véloria</span></a>,
        toujours rien&nbsp;😡<br>Le <b>SAV</b> ne répond plus &amp; le vélo est au garage.</p>
        """;

    private static readonly string[] Texts = [.. SentimentBenchmarks.Corpus.Select(c => c.Text)];
    private ListeningQuery[] _queries = [];
    private MentionWords _mention = null!;
    private readonly MentionAnalyzer _analyzer = new(LexiconSentimentEngine.Default);

    [GlobalSetup]
    public void Setup()
    {
        _queries = [.. QueryTexts().Select(q => ListeningQuery.Parse(q).Query!)];
        if (_queries.Length != 50) throw new InvalidOperationException("Expected 50 queries.");
        _mention = MentionWords.From(Texts[1]);
    }

    /// <summary>50 realistic queries: brand and competitor names, products, phrases, prefixes, exclusions.</summary>
    public static IEnumerable<string> QueryTexts()
    {
        string[] brands = ["véloria", "voltabike", "cyclonix", "rouléo", "pédalis"];
        string[] topics = ["batterie OR autonomie OR recharg*", "\"service client\" OR SAV OR support", "prix OR tarif* OR cher",
            "livraison OR commande OR colis", "frein* OR moteur OR chaîne", "appli OR application OR \"Connect\"", "#velotaf OR #vélotaf",
            "panne OR cassé OR broken", "remboursement OR refund", "\"vélo cargo\" OR cargo"];
        return brands.SelectMany(b => topics.Select(t => $"({b} OR @{b.Replace("é", "e", StringComparison.Ordinal)}) AND ({t}) -trottinette NOT \"mode eco\""));
    }

    [Benchmark]
    public string FromHtml() => MentionText.FromHtml(Html);

    [Benchmark(OperationsPerInvoke = 20)]
    public int ContentHash()
    {
        var n = 0;
        foreach (var text in Texts) n += MentionText.ContentHash(text).Length;
        return n;
    }

    [Benchmark(OperationsPerInvoke = 20)]
    public int DetectLanguage()
    {
        var n = 0;
        foreach (var text in Texts) n += LanguageDetector.Detect(text).Language.Length;
        return n;
    }

    /// <summary>Reading one mention for matching (once per mention).</summary>
    [Benchmark(OperationsPerInvoke = 20)]
    public int ReadMentionWords()
    {
        var n = 0;
        foreach (var text in Texts) n += MentionWords.From(text).Words.Count;
        return n;
    }

    /// <summary>All 50 queries against one mention already read.</summary>
    [Benchmark]
    public int Match50Queries()
    {
        var hits = 0;
        foreach (var query in _queries)
        {
            if (query.Matches(_mention)) hits++;
        }
        return hits;
    }

    /// <summary>A whole mention: HTML to text, hash, language, sentiment, words, and 50 queries (no storage).</summary>
    [Benchmark]
    public int AnalyzeMentionAndMatch50()
    {
        var analysis = _analyzer.Analyze(Html);
        var hits = 0;
        foreach (var query in _queries)
        {
            if (query.Matches(analysis.Words)) hits++;
        }
        return hits + (int)analysis.Sentiment.Label;
    }
}
