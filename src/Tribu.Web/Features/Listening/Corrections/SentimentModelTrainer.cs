using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;
using Tribu.Web.Features.Listening.Analysis;

namespace Tribu.Web.Features.Listening.Corrections;

/// <summary>One training or scoring row: the text, and what the lexicon engine makes of it.</summary>
public sealed class SentimentSample
{
    public const int LexiconFeatureCount = 5;

    public string Text { get; set; } = "";
    /// <summary>The lexicon's score, its label one-hot (negative, neutral, positive) and whether the text is French.</summary>
    [VectorType(LexiconFeatureCount)]
    public float[] Lexicon { get; set; } = new float[LexiconFeatureCount];
    public string Label { get; set; } = "";
    /// <summary>A staff correction weighs more than an example the lexicon labelled itself.</summary>
    public float Weight { get; set; } = 1;

    public static SentimentSample From(string text, string language, SentimentResult lexicon, SentimentLabel? label = null, float weight = 1) => new()
    {
        Text = text,
        Lexicon =
        [
            (float)lexicon.Score,
            lexicon.Label == SentimentLabel.Negative ? 1 : 0,
            lexicon.Label == SentimentLabel.Neutral ? 1 : 0,
            lexicon.Label == SentimentLabel.Positive ? 1 : 0,
            language == Languages.French ? 1 : 0,
        ],
        Label = (label ?? lexicon.Label).ToString(),
        Weight = weight,
    };
}

/// <summary>What the model predicts: a label and a probability per label.</summary>
public sealed class SentimentPrediction
{
    public string PredictedLabel { get; set; } = "";
    public float[] Score { get; set; } = [];
}

/// <summary>A labelled text of the built-in evaluation set.</summary>
public sealed record EvaluationText(string Text, string Language, SentimentLabel Label);

/// <summary>
/// The ML.NET sentiment model: words and word pairs, and the lexicon engine's reading, as features;
/// a multiclass maximum-entropy classifier (SDCA, one thread so a training is reproducible). Trained by
/// <see cref="SentimentTrainingJob"/>, run by <see cref="ModelSentimentEngine"/>.
/// </summary>
public static class SentimentModelTrainer
{
    public const int Seed = 20261123;

    public static ITransformer Train(IReadOnlyList<SentimentSample> samples)
    {
        var ml = new MLContext(Seed);
        var data = ml.Data.LoadFromEnumerable(samples);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("LabelKey", nameof(SentimentSample.Label))
            .Append(ml.Transforms.Text.FeaturizeText("TextFeatures", new TextFeaturizingEstimator.Options
            {
                CaseMode = TextNormalizingEstimator.CaseMode.Lower,
                KeepDiacritics = false,
                KeepPunctuations = true,
                KeepNumbers = false,
                WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 2, UseAllLengths = true },
                // No character n-grams: they tripled the prediction time for no gain on the evaluation set.
                CharFeatureExtractor = null,
                Norm = TextFeaturizingEstimator.NormFunction.L2,
            }, nameof(SentimentSample.Text)))
            .Append(ml.Transforms.Concatenate("Features", "TextFeatures", nameof(SentimentSample.Lexicon)))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = "LabelKey",
                FeatureColumnName = "Features",
                ExampleWeightColumnName = nameof(SentimentSample.Weight),
                NumberOfThreads = 1,
                MaximumNumberOfIterations = 100,
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue(nameof(SentimentPrediction.PredictedLabel)));
        return pipeline.Fit(data);
    }

    public static byte[] Save(ITransformer model)
    {
        var ml = new MLContext(Seed);
        using var stream = new MemoryStream();
        ml.Model.Save(model, SchemaDefinition(ml), stream);
        return stream.ToArray();
    }

    private static DataViewSchema SchemaDefinition(MLContext ml) => ml.Data.LoadFromEnumerable(Array.Empty<SentimentSample>()).Schema;

    /// <summary>The built-in labelled evaluation set (every split), embedded from tests/…/Data/sentiment-eval.csv.</summary>
    public static IReadOnlyList<EvaluationText> EvaluationSet() => LazyEvaluation.Value;

    private static readonly Lazy<IReadOnlyList<EvaluationText>> LazyEvaluation = new(() =>
    {
        using var stream = typeof(SentimentModelTrainer).Assembly.GetManifestResourceStream("Tribu.Web.Features.Listening.Corrections.sentiment-eval.csv")
            ?? throw new InvalidOperationException("The sentiment evaluation set is not embedded.");
        using var reader = new StreamReader(stream);
        var records = ParseCsv(reader.ReadToEnd());
        var header = records[0];
        int Column(string name) => Array.IndexOf(header, name);
        var (text, language, label) = (Column("text"), Column("language"), Column("label"));
        var rows = new List<EvaluationText>();
        foreach (var r in records.Skip(1).Where(r => r.Length == header.Length))
        {
            rows.Add(new EvaluationText(r[text], r[language], Enum.Parse<SentimentLabel>(r[label], ignoreCase: true)));
        }
        return rows;
    });

    /// <summary>RFC 4180 records: comma-separated, fields in double quotes may hold commas, newlines and doubled quotes.</summary>
    internal static List<string[]> ParseCsv(string content)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var inQuotes = false;
        var i = 0;
        while (i < content.Length)
        {
            var c = content[i++];
            if (inQuotes)
            {
                if (c != '"') field.Append(c);
                else if (i < content.Length && content[i] == '"') { field.Append('"'); i++; }
                else inQuotes = false;
                continue;
            }
            switch (c)
            {
                case '"': inQuotes = true; break;
                case ',': fields.Add(field.ToString()); field.Clear(); break;
                case '\r': break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    records.Add([.. fields]);
                    fields.Clear();
                    break;
                default: field.Append(c); break;
            }
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add([.. fields]);
        }
        return records;
    }

    /// <summary>The share of texts an engine labels as expected.</summary>
    public static double Accuracy(ISentimentEngine engine, IEnumerable<EvaluationText> items)
    {
        var total = 0;
        var right = 0;
        foreach (var item in items)
        {
            total++;
            if (engine.Analyze(item.Text, item.Language).Label == item.Label) right++;
        }
        return total == 0 ? 0 : right / (double)total;
    }
}

/// <summary>
/// A loaded model, safe to call from every thread: ML.NET's prediction engines are not thread-safe, so each call
/// borrows one from a pool (one per thread at most in practice) and gives it back.
/// </summary>
public sealed class SentimentModelRunner
{
    private readonly MLContext _ml = new(SentimentModelTrainer.Seed);
    private readonly ITransformer _model;
    private readonly ConcurrentBag<PredictionEngine<SentimentSample, SentimentPrediction>> _pool = [];
    private readonly int _negative;
    private readonly int _positive;

    public SentimentModelRunner(int id, byte[] content)
    {
        Id = id;
        using var stream = new MemoryStream(content);
        _model = _ml.Model.Load(stream, out _);
        var engine = Rent();
        // Which probability is which label: the score column's slot names.
        VBuffer<ReadOnlyMemory<char>> names = default;
        engine.OutputSchema[nameof(SentimentPrediction.Score)].GetSlotNames(ref names);
        var labels = names.DenseValues().Select(n => n.ToString()).ToList();
        _negative = labels.IndexOf(nameof(SentimentLabel.Negative));
        _positive = labels.IndexOf(nameof(SentimentLabel.Positive));
        Return(engine);
    }

    public SentimentModelRunner(ITransformer model) : this(0, SentimentModelTrainer.Save(model)) { }

    public int Id { get; }

    /// <summary>The model's label, and a score from −1 to 1: the positive probability minus the negative one.</summary>
    public SentimentResult Predict(string text, string language, SentimentResult lexicon)
    {
        var engine = Rent();
        try
        {
            var prediction = engine.Predict(SentimentSample.From(text, language, lexicon));
            var label = Enum.TryParse<SentimentLabel>(prediction.PredictedLabel, out var l) ? l : lexicon.Label;
            var score = (_positive >= 0 ? prediction.Score[_positive] : 0) - (_negative >= 0 ? prediction.Score[_negative] : 0);
            return new SentimentResult(label, Math.Round(score, 3)) { ByModel = true };
        }
        finally
        {
            Return(engine);
        }
    }

    private PredictionEngine<SentimentSample, SentimentPrediction> Rent() =>
        _pool.TryTake(out var engine) ? engine : _ml.Model.CreatePredictionEngine<SentimentSample, SentimentPrediction>(_model);

    private void Return(PredictionEngine<SentimentSample, SentimentPrediction> engine)
    {
        if (_pool.Count < Environment.ProcessorCount * 2) _pool.Add(engine);
        else engine.Dispose();
    }
}
