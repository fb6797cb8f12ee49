namespace Tribu.Web.Features.Ideas;

public static class IdeasFeature
{
    public static IServiceCollection AddIdeasFeature(this IServiceCollection services)
    {
        services.AddScoped<IdeasService>().AddScoped<Demo.IdeasDemo>();
        return services;
    }

    /// <summary>The API group and the idea page's one-click forms.</summary>
    public static void MapIdeas(WebApplication app, RouteGroupBuilder api)
    {
        api.MapIdeaEndpoints();
        app.MapIdeaFormEndpoints();
    }
}
