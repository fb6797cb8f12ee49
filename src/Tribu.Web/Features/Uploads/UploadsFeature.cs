using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Accounts;
using Tribu.Web.Features.Topics;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Uploads;

/// <summary>An uploaded image: where it lives and the Markdown that shows it.</summary>
public sealed record UploadResponse(string Url, string Markdown, string ContentType, long Size);

public static class UploadsFeature
{
    public const string FormField = "image";

    public static IServiceCollection AddUploadsFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<UploadOptions>(configuration.GetSection(UploadOptions.Section));
        return services.AddScoped<UploadStore>();
    }

    public static RouteGroupBuilder MapUploadEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/uploads", UploadAsync).WithTags("Uploads").WithName("UploadImage")
            .WithSummary("Upload an image (PNG, JPEG, GIF or WebP; 5 MB by default) as multipart field \"file\"; answers its URL and Markdown.")
            .RequireAuthorization()
            // Checked in the handler: from a page (cookie) the form's antiforgery token is required; with an API token it is not.
            .DisableAntiforgery();
        return api;
    }

    /// <summary>Serves stored images with their own type, never sniffed, cached for good (the name is the content's hash).</summary>
    public static IEndpointRouteBuilder MapUploadFiles(this IEndpointRouteBuilder app)
    {
        app.MapGet("/uploads/{year:int}/{month:int}/{name}", (int year, int month, string name, UploadStore store, HttpContext http) =>
        {
            var relative = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{year:0000}/{month:00}/{name}");
            if (store.FileFor(relative) is not { } file || UploadStore.ContentTypeOf(name) is not { } type) return Results.NotFound();
            var headers = http.Response.Headers;
            headers.CacheControl = "public, max-age=31536000, immutable";
            headers.ContentDisposition = "inline";
            // The sandboxing Content-Security-Policy of /uploads is set with the other security headers (SecurityHeadersMiddleware).
            return Results.File(file, type, enableRangeProcessing: true,
                lastModified: File.GetLastWriteTimeUtc(file), entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{name[..16]}\""));
        }).ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<Created<UploadResponse>, ValidationProblem, ProblemHttpResult>> UploadAsync(
        HttpContext http, ClaimsPrincipal user, UploadStore store, IAntiforgery antiforgery, IStringLocalizer<UiStrings> l, CancellationToken ct)
    {
        var viaToken = user.Identity?.AuthenticationType == ApiTokenAuthenticationHandler.SchemeName;
        if (!viaToken && !await antiforgery.IsRequestValidAsync(http))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: l["Upload.Error.Antiforgery"]);
        }
        if (!http.Request.HasFormContentType)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["File"] = [l["Upload.Error.Empty"]] }, title: l["Validation.Title"]);
        }
        var form = await http.Request.ReadFormAsync(ct);
        var file = form.Files.GetFile("file") ?? form.Files.GetFile(FormField);
        if (file is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["File"] = [l["Upload.Error.Empty"]] }, title: l["Validation.Title"]);
        }
        await using var stream = file.OpenReadStream();
        var change = await store.SaveAsync(user, stream, file.Length, file.FileName, ct);
        return change.Outcome switch
        {
            Outcome.Ok => TypedResults.Created(change.Value!.Url, new UploadResponse(change.Value.Url, UploadStore.Markdown(change.Value), change.Value.ContentType, change.Value.Size)),
            Outcome.Invalid => TypedResults.ValidationProblem(change.Errors!, title: l["Validation.Title"]),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: l["Status.403.Title"]),
        };
    }

    /// <summary>
    /// For the composer forms without JavaScript: an image chosen in the form's file field is stored and its Markdown added at
    /// the end of the text. Returns the text to post, or the reason the image was refused (the draft is then kept as typed).
    /// </summary>
    public static async Task<(string? Body, Dictionary<string, string[]>? Errors)> AttachAsync(HttpContext http, UploadStore store, ClaimsPrincipal user, string? body)
    {
        if (!http.Request.HasFormContentType) return (body, null);
        var file = (await http.Request.ReadFormAsync()).Files.GetFile(FormField);
        if (file is null || file.Length == 0 && string.IsNullOrEmpty(file.FileName)) return (body, null);
        await using var stream = file.OpenReadStream();
        var change = await store.SaveAsync(user, stream, file.Length, file.FileName);
        if (!change.Succeeded) return (body, change.Errors ?? new() { ["File"] = ["?"] });
        var markdown = UploadStore.Markdown(change.Value!);
        return (string.IsNullOrWhiteSpace(body) ? markdown : body.TrimEnd() + "\n\n" + markdown, null);
    }
}
