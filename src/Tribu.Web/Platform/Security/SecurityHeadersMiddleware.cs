namespace Tribu.Web.Platform.Security;

/// <summary>Sets the security headers on every response.</summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    // Components and the console library set inline style attributes; scripts stay same-origin only.
    private const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; " +
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    // The API reference page boots from an inline script: it gets its own, looser policy.
    private const string ApiDocsPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    // An uploaded image is never a page: nothing in it may run, even when opened on its own.
    private const string UploadsPolicy = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/api/docs") ? ApiDocsPolicy
                : context.Request.Path.StartsWithSegments("/uploads") ? UploadsPolicy
                : Policy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers.XFrameOptions = "DENY";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            return Task.CompletedTask;
        });
        return next(context);
    }
}
