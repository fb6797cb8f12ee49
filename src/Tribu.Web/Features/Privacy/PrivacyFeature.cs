using Tribu.Web.Features.Topics;

namespace Tribu.Web.Features.Privacy;

public static class PrivacyFeature
{
    public static IServiceCollection AddPrivacyFeature(this IServiceCollection services) => services.AddScoped<PrivacyService>();

    public static IEndpointRouteBuilder MapPrivacyEndpoints(this IEndpointRouteBuilder app)
    {
        // The member's own data, as a download (the page links here; no form, so no antiforgery needed for a GET).
        app.MapGet("/account/manage/privacy/export.zip", async (HttpContext http, PrivacyService privacy, TimeProvider clock, CancellationToken ct) =>
        {
            var me = TopicPermissions.MemberId(http.User)!.Value;
            http.Response.ContentType = "application/zip";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"tribu-my-data-{clock.GetUtcNow():yyyyMMdd}.zip\"";
            http.Response.Headers.CacheControl = "no-store";
            // ZipArchive writes synchronously in places: build in memory (bounded by what one member wrote), then send.
            await using var buffer = new MemoryStream();
            await privacy.ExportAsync(me, buffer, ct);
            buffer.Position = 0;
            await buffer.CopyToAsync(http.Response.Body, ct);
        }).RequireAuthorization().ExcludeFromDescription();
        return app;
    }
}
