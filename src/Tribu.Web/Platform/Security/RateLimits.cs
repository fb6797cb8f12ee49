using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using Tribu.Web.Resources;

namespace Tribu.Web.Platform.Security;

/// <summary>Bound to the <c>RateLimits</c> section: attempts allowed per client address and window.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public int LogInPerMinute { get; set; } = 10;
    public int SignUpPerHour { get; set; } = 10;
    public int PasswordResetPerHour { get; set; } = 5;
}

internal static class RateLimits
{
    // The forms post back to their own page, so the limiter keys on the path of a POST.
    private static readonly (string Path, string Name)[] Guarded =
    [
        ("/account/login", "login"),
        ("/account/login-2fa", "login"),
        ("/account/login-recovery", "login"),
        ("/api/v1/account/login", "login"),
        ("/account/register", "signup"),
        ("/api/v1/account/register", "signup"),
        ("/account/forgot-password", "reset"),
        ("/account/resend-confirmation", "reset"),
    ];

    public static IServiceCollection AddTribuRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (!HttpMethods.IsPost(context.Request.Method))
                {
                    return RateLimitPartition.GetNoLimiter("");
                }
                var name = Guarded.FirstOrDefault(g => context.Request.Path.Equals(g.Path, StringComparison.OrdinalIgnoreCase)).Name;
                if (name is null)
                {
                    return RateLimitPartition.GetNoLimiter("");
                }
                var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                var (permits, window) = name switch
                {
                    "login" => (options.LogInPerMinute, TimeSpan.FromMinutes(1)),
                    "signup" => (options.SignUpPerHour, TimeSpan.FromHours(1)),
                    _ => (options.PasswordResetPerHour, TimeSpan.FromHours(1)),
                };
                return RateLimitPartition.GetFixedWindowLimiter($"{name}:{client}", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = permits,
                    Window = window,
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = async (context, token) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
                var http = context.HttpContext;
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                var l = http.RequestServices.GetRequiredService<IStringLocalizer<UiStrings>>();
                var message = l["RateLimit.Message", Math.Max(1, (int)Math.Ceiling(retryAfter.TotalMinutes))].Value;
                if (http.Request.Path.StartsWithSegments("/api"))
                {
                    await TypedResults.Problem(statusCode: 429, title: l["RateLimit.Title"], detail: message).ExecuteAsync(http);
                    return;
                }
                http.Response.ContentType = "text/html; charset=utf-8";
                var title = System.Net.WebUtility.HtmlEncode(l["RateLimit.Title"]);
                await http.Response.WriteAsync(
                    $"<!DOCTYPE html><html lang=\"{CultureInfo.CurrentUICulture.TwoLetterISOLanguageName}\"><head><meta charset=\"utf-8\"><title>{title}</title>" +
                    "<link rel=\"stylesheet\" href=\"/css/community.css\"></head><body><main class=\"narrow\"><h1>" + title + "</h1><p role=\"alert\">" +
                    System.Net.WebUtility.HtmlEncode(message) + "</p><p><a href=\"javascript:history.back()\">&larr;</a></p></main></body></html>", token);
            };
        });
        return services;
    }
}
