using Microsoft.EntityFrameworkCore;
using Quartz;
using Tribu.Web.Features.Listening.Analysis;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Listening.Corrections;

/// <summary>What a training did.</summary>
/// <param name="ModelId">The stored model; null when there were too few corrections to train.</param>
/// <param name="Corrections">Staff corrections available.</param>
/// <param name="Samples">Rows it learnt from: corrections (held-out ones excepted) and lexicon-labelled mentions.</param>
/// <param name="HoldoutAccuracy">On the corrections kept aside (every fifth).</param>
/// <param name="EvaluationAccuracy">The hybrid engine with this model on the evaluation set (texts it learnt from excepted).</param>
/// <param name="LexiconAccuracy">The lexicon engine alone on the same texts.</param>
/// <param name="Activated">Whether it is now the model in use: at least as good as the lexicon.</param>
public sealed record TrainingOutcome(int? ModelId, int Corrections, int Samples, double HoldoutAccuracy, double EvaluationAccuracy, double LexiconAccuracy, bool Activated)
{
    public override string ToString() => ModelId is null
        ? $"{Corrections} corrections: not enough to train."
        : FormattableString.Invariant($"Model {ModelId}: {Samples} samples, evaluation {EvaluationAccuracy:P1} vs lexicon {LexiconAccuracy:P1}, held-out {HoldoutAccuracy:P1}; {(Activated ? "activated" : "kept inactive")}.");
}

/// <summary>
/// Nightly (and from /manage/jobs): trains a sentiment model on the staff corrections plus recent mentions labelled by
/// the lexicon (so it learns to trust the lexicon where nobody disagreed), scores it, stores it, and activates it only
/// when the engine using it does at least as well as the lexicon on the built-in evaluation set. Method and figures:
/// docs/sentiment.md.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class SentimentTrainingJob(TribuDbContext db, ILiveBus bus, TimeProvider clock, ILogger<SentimentTrainingJob> logger) : IJob
{
    public const string Name = "sentiment-training";
    public const int MinimumCorrections = 10;
    public const int LexiconExamples = 3000;
    public const float CorrectionWeight = 4;
    /// <summary>Older inactive models beyond this many are deleted.</summary>
    public const int KeptModels = 10;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        context.Result = (await TrainAsync(cancellationToken)).ToString();

    public async Task<TrainingOutcome> TrainAsync(CancellationToken ct = default)
    {
        var corrections = await db.SentimentCorrections.AsNoTracking().OrderBy(c => c.Id)
            .Select(c => new { c.Text, c.Language, c.Corrected }).ToListAsync(ct);
        if (corrections.Count < MinimumCorrections) return new TrainingOutcome(null, corrections.Count, 0, 0, 0, 0, false);
        var lexicon = LexiconSentimentEngine.Default;
        var holdout = corrections.Where((_, i) => i % 5 == 4).ToList();
        var train = corrections.Where((_, i) => i % 5 != 4).ToList();
        var examples = await db.Mentions.AsNoTracking().Where(m => m.SentimentOrigin != SentimentOrigin.Staff).OrderByDescending(m => m.Id).Take(LexiconExamples)
            .Select(m => new { m.Text, m.Language }).ToListAsync(ct);
        var samples = train.Select(c => SentimentSample.From(c.Text, c.Language, lexicon.Analyze(c.Text, c.Language), c.Corrected, CorrectionWeight))
            .Concat(examples.Select(e => SentimentSample.From(e.Text, e.Language, lexicon.Analyze(e.Text, e.Language))))
            .ToList();

        var (content, runner) = await Task.Run(() =>
        {
            var model = SentimentModelTrainer.Train(samples);
            var bytes = SentimentModelTrainer.Save(model);
            // Scored as the instances will run it: loaded from the stored bytes.
            return (bytes, new SentimentModelRunner(0, bytes));
        }, ct);
        var learnt = train.Select(c => c.Text).ToHashSet(StringComparer.Ordinal);
        var evaluation = SentimentModelTrainer.EvaluationSet().Where(e => !learnt.Contains(e.Text)).ToList();
        var hybrid = new HybridEngine(runner);
        var modelAccuracy = SentimentModelTrainer.Accuracy(hybrid, evaluation);
        var lexiconAccuracy = SentimentModelTrainer.Accuracy(lexicon, evaluation);
        var holdoutAccuracy = holdout.Count == 0 ? 0 : holdout.Count(c => hybrid.Analyze(c.Text, c.Language).Label == c.Corrected) / (double)holdout.Count;
        var activate = modelAccuracy >= lexiconAccuracy;

        var stored = new SentimentModel
        {
            TrainedAt = clock.GetUtcNow().UtcDateTime, Samples = samples.Count, HoldoutAccuracy = holdoutAccuracy, EvaluationAccuracy = modelAccuracy,
            IsActive = activate, Content = content,
        };
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            if (activate) await db.SentimentModels.Where(m => m.IsActive).ExecuteUpdateAsync(s => s.SetProperty(m => m.IsActive, false), ct);
            db.SentimentModels.Add(stored);
            await db.SaveChangesAsync(ct);
            var old = await db.SentimentModels.Where(m => !m.IsActive).OrderByDescending(m => m.Id).Skip(KeptModels).Select(m => m.Id).ToListAsync(ct);
            if (old.Count > 0) await db.SentimentModels.Where(m => old.Contains(m.Id)).ExecuteDeleteAsync(ct);
            await transaction.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        var outcome = new TrainingOutcome(stored.Id, corrections.Count, samples.Count, holdoutAccuracy, modelAccuracy, lexiconAccuracy, activate);
        LogTrained(logger, outcome.ToString());
        if (activate) await bus.PublishAsync(ModelSentimentEngine.Channel, ct);
        return outcome;
    }

    /// <summary>The engine as it would run with this model.</summary>
    private sealed class HybridEngine(SentimentModelRunner runner) : ISentimentEngine
    {
        public SentimentResult Analyze(string text, string language) => ModelSentimentEngine.Read(runner, text, language);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sentiment training: {Outcome}")]
    private static partial void LogTrained(ILogger logger, string outcome);
}
