using Tribu.Web.Features.Listening.Alerts;
using Tribu.Web.Features.Listening.Analysis;


namespace Tribu.Web.Features.Listening;

public static class ListeningFeature
{
    /// <summary>
    /// Listening (issue 5). For now the text analysis: the sentiment engine (one per process: its lexicons are read-only)
    /// and the mention analyser the ingestion pipeline calls.
    /// </summary>
    public static IServiceCollection AddListeningFeature(this IServiceCollection services) =>
        services.AddSingleton<ISentimentEngine>(_ => LexiconSentimentEngine.Default)
            .AddSingleton<MentionAnalyzer>()
            .AddSingleton<Ingestion.WatchCatalog>()
            .AddSingleton<Notifications.ILiveObserver>(sp => sp.GetRequiredService<Ingestion.WatchCatalog>())
            .AddScoped<Ingestion.MentionIngestor>()
            .AddListeningAlerts();
}
