using System.Globalization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Accounts;
using Tribu.Web.Features.Members;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Security;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Listening.Sources;

/// <summary>The console's plain-form actions on sources: poll now, enable or disable, delete, upload a CSV file.</summary>
public static class SourceForms
{
    public const string SecretCookie = "tribu.listening.secret";

    public static IEndpointRouteBuilder MapSourceForms(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/manage/listening/sources/{id:int}").RequireAuthorization(Policies.Manager).ExcludeFromDescription();

        group.MapPost("/poll", async (int id, HttpContext http, SourcePoller poller, TribuDbContext db, IStringLocalizer<ManageStrings> l, CancellationToken ct) =>
        {
            var source = await db.ListeningSources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
            if (source is null) return Results.NotFound();
            if (!source.IsPolled) return Back(http, id, "!" + l["Sources.NotPolled"]);
            var outcome = await poller.PollAsync(id, ct);
            var message = outcome.Error is not null
                ? "!" + l["Sources.PollFailed", SourceMessage.Localize(l, outcome.Error)]
                : l["Sources.Polled", outcome.Added, outcome.Duplicates].Value;
            return Back(http, id, message);
        }).AddEndpointFilter<AntiforgeryFilter>();

        group.MapPost("/enabled", async (int id, [FromForm] string? enabled, HttpContext http, SourceEditor editor, IStringLocalizer<ManageStrings> l, CancellationToken ct) =>
        {
            var on = enabled == "true";
            if (!await editor.SetEnabledAsync(id, on, ct)) return Results.NotFound();
            return Back(http, id, l[on ? "Sources.EnabledDone" : "Sources.DisabledDone"]);
        });

        group.MapPost("/remove", async (int id, HttpContext http, SourceEditor editor, IStringLocalizer<ManageStrings> l, CancellationToken ct) =>
        {
            if (!await editor.DeleteAsync(id, ct)) return Results.NotFound();
            IdentityRedirectManager.SetStatus(http, l["Sources.Deleted"]);
            return Results.LocalRedirect("/manage/listening/sources");
        }).AddEndpointFilter<AntiforgeryFilter>();

        group.MapPost("/upload", async (int id, HttpContext http, CsvImporter importer, TribuDbContext db, IStringLocalizer<ManageStrings> l, CancellationToken ct) =>
        {
            if (!await db.ListeningSources.AnyAsync(s => s.Id == id && s.Kind == SourceKind.Csv, ct)) return Results.NotFound();
            var back = $"/manage/listening/sources/{id}/import";
            var file = http.Request.HasFormContentType ? (await http.Request.ReadFormAsync(ct)).Files["file"] : null;
            if (file is null || file.Length == 0) return BackTo(http, back, "!" + l["Csv.NoFile"]);
            if (file.Length > CsvImporter.MaxFileBytes) return BackTo(http, back, "!" + l["Csv.TooLarge", CsvImporter.MaxFileBytes / (1024 * 1024)]);
            await using var stream = file.OpenReadStream();
            var token = await importer.SaveUploadAsync(id, stream, ct);
            if (token is null) return BackTo(http, back, "!" + l["Csv.TooLarge", CsvImporter.MaxFileBytes / (1024 * 1024)]);
            return Results.LocalRedirect($"/manage/listening/sources/{id}/import?file={token}");
        }).AddEndpointFilter<AntiforgeryFilter>().DisableRequestSizeLimitForUpload();
        return app;
    }

    private static RouteHandlerBuilder DisableRequestSizeLimitForUpload(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new RequestFormLimitsAttribute { MultipartBodyLengthLimit = CsvImporter.MaxFileBytes + 64 * 1024 });

    private static IResult Back(HttpContext http, int id, string message) => BackTo(http, $"/manage/listening/sources/{id}", message);

    private static IResult BackTo(HttpContext http, string url, string message)
    {
        IdentityRedirectManager.SetStatus(http, message);
        return Results.LocalRedirect(url);
    }

    /// <summary>Keeps a new webhook secret for the next page only (protected, short-lived, this path only): it is shown once.</summary>
    public static void ShowSecretOnce(HttpContext http, int sourceId, string secret)
    {
        var protector = http.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(SecretCookie).ToTimeLimitedDataProtector();
        http.Response.Cookies.Append(SecretCookie, protector.Protect($"{sourceId.ToString(CultureInfo.InvariantCulture)}:{secret}", TimeSpan.FromMinutes(5)), new CookieOptions
        {
            HttpOnly = true, Secure = http.Request.IsHttps, SameSite = SameSiteMode.Strict, Path = "/manage/listening/sources", MaxAge = TimeSpan.FromMinutes(5),
        });
    }

    /// <summary>The secret kept by <see cref="ShowSecretOnce"/> for this source, removed as it is read.</summary>
    public static string? TakeSecret(HttpContext http, int sourceId)
    {
        var stored = http.Request.Cookies[SecretCookie];
        if (stored is null) return null;
        http.Response.Cookies.Delete(SecretCookie, new CookieOptions { Path = "/manage/listening/sources" });
        try
        {
            var protector = http.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(SecretCookie).ToTimeLimitedDataProtector();
            var value = protector.Unprotect(stored);
            var prefix = sourceId.ToString(CultureInfo.InvariantCulture) + ":";
            return value.StartsWith(prefix, StringComparison.Ordinal) ? value[prefix.Length..] : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}
