using Microsoft.EntityFrameworkCore.Diagnostics;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Search;

public static class SearchFeature
{
    public static IServiceCollection AddSearchFeature(this IServiceCollection services, IConfiguration configuration)
    {
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.AddScoped<SimilarTopics>();
        services.AddSingleton<SearchIndex>(database.Provider == DatabaseProvider.Postgres ? new PostgresSearchIndex() : new SqliteSearchIndex());
        // Picked up by every Tribu context (see DataFeature): the index follows posts whoever saves them.
        services.AddSingleton<SearchIndexInterceptor>();
        services.AddSingleton<IInterceptor>(sp => sp.GetRequiredService<SearchIndexInterceptor>());
        services.AddSingleton<SearchBackfill>();
        services.AddHostedService<SearchBackfillService>();
        services.AddScoped<SearchService>();
        return services;
    }
}
