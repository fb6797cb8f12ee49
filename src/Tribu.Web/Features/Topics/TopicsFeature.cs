using System.Globalization;
using System.Text;

namespace Tribu.Web.Features.Topics;

public static class TopicsFeature
{
    public static IServiceCollection AddTopicsFeature(this IServiceCollection services)
    {
        services.AddSingleton<MarkdownRenderer>();
        services.AddScoped<TopicsService>();
        services.AddScoped<PostingPace>();
        services.AddSingleton<ViewCounter>();
        services.AddHostedService(sp => sp.GetRequiredService<ViewCounter>());
        services.AddOptions<PostingOptions>().BindConfiguration(PostingOptions.Section);
        return services;
    }

    /// <summary>
    /// Counts a view for each topic page served to a person, rendered or from the page cache: this runs before the cache,
    /// after the response, and counts only a 200 (a hidden or missing topic counts nothing). The page's own live
    /// refreshes (<c>X-Tribu-Live</c>) are not visits.
    /// </summary>
    public static IApplicationBuilder UseTopicViewCounting(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        await next(http);
        if (HttpMethods.IsGet(http.Request.Method) && http.Response.StatusCode == StatusCodes.Status200OK
            && !http.Request.Headers.ContainsKey(ViewCounter.LiveHeader)
            && http.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata>()?.Type == typeof(TopicPage)
            && long.TryParse(Convert.ToString(http.Request.RouteValues["Id"], System.Globalization.CultureInfo.InvariantCulture), out var topicId))
        {
            http.RequestServices.GetRequiredService<ViewCounter>().Count(topicId);
        }
    });

    /// <summary>A URL slug from a title: accents folded, lowercase, hyphens.</summary>
    public static string Slugify(string title)
    {
        var folded = new StringBuilder();
        foreach (var c in title.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            folded.Append(char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-');
        }
        var slug = string.Join('-', folded.ToString().Split('-', StringSplitOptions.RemoveEmptyEntries));
        if (slug.Length > 80) slug = slug[..80].TrimEnd('-');
        return slug.Length == 0 ? "topic" : slug;
    }
}
