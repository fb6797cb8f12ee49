using Microsoft.AspNetCore.Antiforgery;

namespace Tribu.Web.Platform.Security;

/// <summary>
/// Validates the antiforgery token of form posts whose handler binds nothing from the form (a button such as
/// "Delete" or "Mark as the answer"): minimal APIs only check the token themselves when they read a form field.
/// </summary>
public sealed class AntiforgeryFilter(IAntiforgery antiforgery) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        // Already checked by the antiforgery middleware (endpoints that bind the form)? Then its verdict stands.
        var valid = context.HttpContext.Features.Get<IAntiforgeryValidationFeature>() is { } checkedBefore
            ? checkedBefore.IsValid
            : await antiforgery.IsRequestValidAsync(context.HttpContext);
        if (!valid)
        {
            return TypedResults.BadRequest();
        }
        return await next(context);
    }
}
