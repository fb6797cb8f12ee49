using Microsoft.AspNetCore.Components;

namespace Tribu.Web.Features.Accounts;

/// <summary>Redirects from static server-rendered account pages, with an optional one-shot status message.</summary>
public sealed class IdentityRedirectManager(NavigationManager navigation)
{
    public const string StatusCookieName = "tribu.status";

    private static readonly CookieBuilder StatusCookie = new()
    {
        SameSite = SameSiteMode.Strict,
        HttpOnly = true,
        IsEssential = true,
        MaxAge = TimeSpan.FromSeconds(10),
    };

    public void RedirectTo(string? uri)
    {
        uri ??= "";
        // Only local targets: never an open redirect.
        if (!Uri.IsWellFormedUriString(uri, UriKind.Relative) || uri.StartsWith("//", StringComparison.Ordinal) || uri.StartsWith("/\\", StringComparison.Ordinal))
        {
            uri = navigation.ToBaseRelativePath(uri);
            if (Uri.TryCreate(uri, UriKind.Absolute, out _))
            {
                uri = "/";
            }
        }
        navigation.NavigateTo(uri);
    }

    public void RedirectTo(string uri, Dictionary<string, object?> query) =>
        RedirectTo(navigation.GetUriWithQueryParameters(navigation.ToAbsoluteUri(uri).GetLeftPart(UriPartial.Path), query));

    public void RedirectToWithStatus(string uri, string message, HttpContext context)
    {
        SetStatus(context, message);
        RedirectTo(uri);
    }

    /// <summary>The one-shot message the next page's StatusMessage shows (for endpoints that redirect themselves).</summary>
    public static void SetStatus(HttpContext context, string message) =>
        context.Response.Cookies.Append(StatusCookieName, message, StatusCookie.Build(context));

    public void RedirectToCurrentPageWithStatus(string message, HttpContext context) =>
        RedirectToWithStatus(navigation.ToAbsoluteUri(navigation.Uri).GetLeftPart(UriPartial.Path), message, context);

    /// <summary>A safe local return URL, or the home page.</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/";
}
