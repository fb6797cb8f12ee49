using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Listening.Analysis;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Listening.Corrections;

/// <summary>
/// The sentiment engine the pipeline uses: the lexicon engine, and the active model trained on staff corrections when
/// there is one (see <see cref="Read"/> for which texts it reads). One per process, thread-safe; the model is loaded
/// once and swapped when another is activated (the <see cref="Channel"/> signal, heard by every instance, and a check
/// every few minutes in case a signal was missed).
/// </summary>
public sealed partial class ModelSentimentEngine(IServiceScopeFactory scopes, ILogger<ModelSentimentEngine> logger) : ISentimentEngine, ILiveObserver, IDisposable
{
    /// <summary>Published when a model is activated.</summary>
    public const string Channel = "listening:model";

    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile SentimentModelRunner? _runner;

    public void Dispose() => _loading.Dispose();

    /// <summary>The model in use, if any.</summary>
    public int? ActiveModelId => _runner?.Id;

    public SentimentResult Analyze(string text, string language) =>
        _runner is { } runner ? Read(runner, text, language) : LexiconSentimentEngine.Default.Analyze(text, language);

    /// <summary>
    /// The hybrid: the lexicon reads every text (about a microsecond); the model, some forty times slower, reads only
    /// those the lexicon calls neutral (its score within <see cref="ModelBand"/> of zero): texts without the words it
    /// knows, where brand vocabulary taught by staff corrections helps most. A text with clear lexicon words keeps the
    /// lexicon's reading. The evaluation that decides whether a model is activated scores this same hybrid.
    /// </summary>
    public static SentimentResult Read(SentimentModelRunner runner, string text, string language)
    {
        var lexicon = LexiconSentimentEngine.Default.Analyze(text, language);
        return Math.Abs(lexicon.Score) >= ModelBand ? lexicon : runner.Predict(text, language, lexicon);
    }

    /// <summary>Lexicon scores under this (in absolute value) go to the model: the lexicon's neutral band (about a third of texts).</summary>
    public const double ModelBand = LexiconSentimentEngine.NeutralBand;

    public async ValueTask SignalledAsync(string channel, CancellationToken ct)
    {
        if (channel == Channel) await ReloadAsync(ct);
    }

    /// <summary>Loads the active model if it changed (or drops the model when none is active).</summary>
    public async Task ReloadAsync(CancellationToken ct = default)
    {
        await _loading.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TribuDbContext>();
            var activeId = await db.SentimentModels.AsNoTracking().Where(m => m.IsActive).OrderByDescending(m => m.TrainedAt).ThenByDescending(m => m.Id)
                .Select(m => (int?)m.Id).FirstOrDefaultAsync(ct);
            if (activeId is null)
            {
                _runner = null;
                return;
            }
            if (_runner?.Id == activeId) return;
            var content = await db.SentimentModels.AsNoTracking().Where(m => m.Id == activeId).Select(m => m.Content).FirstAsync(ct);
            _runner = new SentimentModelRunner(activeId.Value, content);
            LogLoaded(logger, activeId.Value);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The lexicon (or the model already loaded) goes on serving.
            LogLoadFailed(logger, ex);
        }
        finally
        {
            _loading.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sentiment model {ModelId} loaded.")]
    private static partial void LogLoaded(ILogger logger, int modelId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The active sentiment model could not be loaded; the current engine stays.")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception);
}

/// <summary>Loads the active model once the app has started (after the migrations), then checks for a new one every five minutes.</summary>
internal sealed class SentimentModelLoader(ModelSentimentEngine engine, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(5));
        do
        {
            await engine.ReloadAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
