using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Localization;

namespace Tribu.Web.Platform.Localization;

public static class LocalizationFeature
{
    public const string LanguageClaim = "tribu:lang";
    public static readonly string[] Languages = ["en", "fr"];

    public static bool IsSupported(string? language) => language is not null && Languages.Contains(language);

    public static IServiceCollection AddTribuLocalization(this IServiceCollection services)
    {
        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(options =>
        {
            var cultures = Languages.Select(l => new CultureInfo(l)).ToList();
            options.DefaultRequestCulture = new RequestCulture("en");
            options.SupportedCultures = cultures;
            options.SupportedUICultures = cultures;
            options.FallBackToParentCultures = true;
            options.FallBackToParentUICultures = true;
            // The switcher's cookie wins, then the signed-in member's saved choice, then the browser.
            options.RequestCultureProviders =
            [
                new CookieRequestCultureProvider(),
                new CustomRequestCultureProvider(context =>
                {
                    var language = context.User.FindFirstValue(LanguageClaim);
                    return Task.FromResult(IsSupported(language) ? new ProviderCultureResult(language) : null);
                }),
                new AcceptLanguageHeaderRequestCultureProvider(),
            ];
        });
        return services;
    }

    /// <summary>The culture cookie the switcher sets: a year, readable only by the server.</summary>
    public static void SetCultureCookie(HttpResponse response, string language) =>
        response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(language)),
            new CookieOptions { MaxAge = TimeSpan.FromDays(365), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/" });

    /// <summary>
    /// Reads resources in another language than the request's (a mail's recipient, a notified author): runs
    /// <paramref name="read"/> with that UI culture, then puts the request's back. Unknown languages keep the request's.
    /// </summary>
    public static T InLanguage<T>(string? language, Func<T> read)
    {
        var previous = CultureInfo.CurrentUICulture;
        if (IsSupported(language)) CultureInfo.CurrentUICulture = new CultureInfo(language!);
        try
        {
            return read();
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    public static string CurrentLanguage => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "fr" ? "fr" : "en";
}
