using Tribu.Web.Features.Listening.Analysis;
using Tribu.Web.Features.Listening.Sources;


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
            .AddListeningSources();

    /// <summary>The listening API under /api/v1/listening.</summary>
    public static RouteGroupBuilder MapListeningEndpoints(this RouteGroupBuilder api) => api.MapListeningSourceEndpoints();

    /// <summary>The console's plain-form actions and downloads for listening.</summary>
    public static IEndpointRouteBuilder MapListeningForms(this IEndpointRouteBuilder app) => app.MapSourceForms();
}
