using Microsoft.AspNetCore.Diagnostics;

namespace Tribu.Web.Platform.Web;

/// <summary>
/// Error and status pages are rendered as GET whatever the failed request's method: re-executed as a POST,
/// the page would try to handle a form (and its refused antiforgery token) instead of explaining the error.
/// </summary>
internal sealed class ErrorPagesAsGetMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var reExecuted = context.Features.Get<IStatusCodeReExecuteFeature>() is not null || context.Features.Get<IExceptionHandlerFeature>() is not null;
        if (reExecuted && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Request.Method = HttpMethods.Get;
        }
        return next(context);
    }
}
