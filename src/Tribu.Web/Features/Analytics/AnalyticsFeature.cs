namespace Tribu.Web.Features.Analytics;

public static class AnalyticsFeature
{
    public static IServiceCollection AddAnalyticsFeature(this IServiceCollection services)
    {
        services.AddSingleton<PageViewRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<PageViewRecorder>());
        return services;
    }

    /// <summary>Counts the community's HTML pages served to people (see <see cref="PageViewRecorder"/>).</summary>
    public static IApplicationBuilder UsePageViewCounting(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var countable = PageViewRecorder.IsCountable(http.Request);
        await next(http);
        if (countable && http.Response.StatusCode == StatusCodes.Status200OK
            && http.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true
            && http.GetEndpoint() is RouteEndpoint endpoint)
        {
            http.RequestServices.GetRequiredService<PageViewRecorder>().Record(http, endpoint.RoutePattern.RawText ?? http.Request.Path.Value ?? "/");
        }
    });
}
