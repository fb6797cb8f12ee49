using Tribu.Web.Features.Listening.Alerts;
using Tribu.Web.Features.Listening.Analysis;
using Tribu.Web.Features.Listening.Sources;

namespace Tribu.Web.Features.Listening;

public static class ListeningFeature
{
    /// <summary>
    /// Listening (issue 5): the text analysis (the sentiment engine is one per process: its lexicons are read-only), the
    /// ingestion pipeline and the compiled queries it matches, the console's services, and the sources.
    /// </summary>
    public static IServiceCollection AddListeningFeature(this IServiceCollection services) =>
        services.AddSingleton<ISentimentEngine>(_ => LexiconSentimentEngine.Default)
            .AddSingleton<MentionAnalyzer>()
            .AddSingleton<Ingestion.WatchCatalog>()
            .AddSingleton<Notifications.ILiveObserver>(sp => sp.GetRequiredService<Ingestion.WatchCatalog>())
            .AddScoped<Ingestion.MentionIngestor>()
            .AddScoped<Queries.WatchService>()
            .AddScoped<Mentions.MentionQueries>()
            .AddScoped<Mentions.ListeningStats>()
            .AddScoped<AuthorLinks>()
            .AddScoped<Demo.ListeningDemo>()
            .AddListeningSources()
            .AddListeningAlerts();
}
