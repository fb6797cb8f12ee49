using System.Globalization;
using System.Text;
using Tribu.Web.Features.Listening.Analysis;

namespace Tribu.Tests.Features.Listening;

/// <summary>
/// The built-in engine on the labelled evaluation set (Data/sentiment-eval.csv, written for Tribu: French and English
/// social-media texts about e-bike brands). The lexicons were tuned on the "dev" split; the "test" split was held out
/// until its first measure (the figure reported as blind in docs/sentiment.md), then read once to fix generic gaps; the
/// small "fresh" split was written after that and stayed blind to those fixes. Each test fails when accuracy drops more
/// than three points under what was measured. Set TRIBU_SENTIMENT_REPORT=path to write the figures and the mistakes
/// to a file.
/// </summary>
public sealed class SentimentEvaluationTests
{
    // Measured with the lexicons of this commit (docs/sentiment.md); a floor is the measure minus three points.
    // "test" was read once and fixes followed, so its figure is no longer blind; "fresh" was written before those fixes.
    private const double FrenchDevAccuracy = 0.971;
    private const double FrenchTestAccuracy = 0.959;
    private const double FrenchFreshAccuracy = 0.867;
    private const double EnglishDevAccuracy = 0.971;
    private const double EnglishTestAccuracy = 0.913;
    private const double EnglishFreshAccuracy = 0.833;
    private const double Margin = 0.03;

    private static readonly IReadOnlyList<LabelledText> Set = SentimentEvaluation.Load();

    [Theory]
    [InlineData(Languages.French, "dev", FrenchDevAccuracy)]
    [InlineData(Languages.French, "test", FrenchTestAccuracy)]
    [InlineData(Languages.French, "fresh", FrenchFreshAccuracy)]
    [InlineData(Languages.English, "dev", EnglishDevAccuracy)]
    [InlineData(Languages.English, "test", EnglishTestAccuracy)]
    [InlineData(Languages.English, "fresh", EnglishFreshAccuracy)]
    public void Accuracy_OnEachSplit_StaysWithinThreePointsOfTheMeasure(string language, string split, double measured)
    {
        var metrics = SentimentEvaluation.Measure(LexiconSentimentEngine.Default, Set.Where(t => t.Language == language && t.Split == split));

        metrics.Accuracy.ShouldBeGreaterThanOrEqualTo(measured - Margin, metrics.ToString());
        metrics.MacroF1.ShouldBeGreaterThan(0.5, metrics.ToString());
    }

    [Fact]
    public void EvaluationSet_HasAtLeast300TextsPerLanguage_RoughlyBalanced()
    {
        foreach (var language in new[] { Languages.French, Languages.English })
        {
            var texts = Set.Where(t => t.Language == language).ToList();
            texts.Count.ShouldBeGreaterThanOrEqualTo(300);
            foreach (var label in Enum.GetValues<SentimentLabel>())
            {
                (texts.Count(t => t.Label == label) / (double)texts.Count).ShouldBeInRange(0.25, 0.42);
            }
            texts.Count(t => t.Split == "test").ShouldBeInRange(texts.Count * 2 / 5, texts.Count * 3 / 5);
        }
        Set.Select(t => t.Text).Distinct().Count().ShouldBe(Set.Count);
    }

    [Fact]
    public void LanguageDetector_OnTheEvaluationSet_FindsTheLanguageTheyAreWrittenIn()
    {
        var wrong = Set.Where(t => LanguageDetector.Detect(t.Text).Language != t.Language).Select(t => t.Text).ToList();

        (1 - wrong.Count / (double)Set.Count).ShouldBeGreaterThanOrEqualTo(0.97, string.Join(" | ", wrong));
    }

    [Fact]
    public void Report_WhenAskedFor_WritesTheFiguresAndTheMistakes()
    {
        var path = Environment.GetEnvironmentVariable("TRIBU_SENTIMENT_REPORT");
        Assert.SkipWhen(string.IsNullOrEmpty(path), "Set TRIBU_SENTIMENT_REPORT to a file path to write the report.");
        var report = new StringBuilder();
        var engine = LexiconSentimentEngine.Default;
        foreach (var language in new[] { Languages.French, Languages.English })
        {
            foreach (var split in new[] { "dev", "test", "fresh", "all" })
            {
                var items = Set.Where(t => t.Language == language && (split == "all" || t.Split == split));
                report.AppendLine(CultureInfo.InvariantCulture, $"{language} {split}: {SentimentEvaluation.Measure(engine, items)}");
            }
        }
        var languageHits = Set.Count(t => LanguageDetector.Detect(t.Text).Language == t.Language);
        report.AppendLine(CultureInfo.InvariantCulture, $"language detection: {languageHits}/{Set.Count}");
        foreach (var item in Set)
        {
            var guess = LanguageDetector.Detect(item.Text);
            if (guess.Language != item.Language) report.AppendLine(CultureInfo.InvariantCulture, $"LANG {item.Language} got {guess.Language} ({guess.Confidence:F2}): {item.Text}");
        }
        // Tune on the dev mistakes only; the test ones are listed to describe weaknesses in docs/sentiment.md.
        foreach (var item in Set)
        {
            var result = engine.Analyze(item.Text, item.Language);
            if (result.Label != item.Label) report.AppendLine(CultureInfo.InvariantCulture, $"{item.Split.ToUpperInvariant()} {item.Language} expected {item.Label} got {result.Label} ({result.Score:F2}): {item.Text}");
        }
        File.WriteAllText(path!, report.ToString());
    }
}
