using Microsoft.Extensions.Options;

namespace Tribu.Web.Features.Listening.Sources;

public static class SourcesFeature
{
    /// <summary>
    /// Listening sources: the guarded HTTP client every connector shares, the connectors (feeds, Mastodon, Bluesky), the
    /// poller and its job, the editor the pages and the API share, secrets protected with Data Protection, CSV imports.
    /// </summary>
    public static IServiceCollection AddListeningSources(this IServiceCollection services)
    {
        services.AddOptions<ListeningHttpOptions>().BindConfiguration(ListeningHttpOptions.Section);
        services.AddHttpClient(SourceFetcher.ClientName)
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => SourceFetcher.CreateHandler(sp.GetRequiredService<IOptions<ListeningHttpOptions>>().Value));
        return services.AddSingleton<SourceFetcher>()
            .AddSingleton<SourceSecrets>()
            .AddSingleton<ISourceConnector, FeedConnector>()
            .AddSingleton<ISourceConnector, MastodonConnector>()
            .AddSingleton<ISourceConnector, BlueskyConnector>()
            .AddScoped<SourcePoller>()
            .AddScoped<SourceEditor>()
            .AddScoped<CsvImporter>();
    }
}
