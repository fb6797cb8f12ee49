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
