using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Admin.Demo;
using Tribu.Web.Features.Members;
using Tribu.Web.Platform.Localization;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Admin;

public static class AdminFeature
{
    public static IServiceCollection AddAdminFeature(this IServiceCollection services)
    {
        services.AddScoped<SiteSettingsService>();
        services.AddScoped<AdminAccounts>();
        services.AddScoped<DemoSeeder>();
        services.AddScoped<MemberRoles>();
        return services;
    }

    public static RouteGroupBuilder MapSiteEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/site").WithTags("Site");
        group.MapGet("/", async (SiteSettingsService settings, CancellationToken ct) => TypedResults.Ok(SiteResponse.FromEntity(await settings.GetAsync(ct))))
            .WithName("GetSite").WithSummary("The community's name, taglines, colours and sign-up mode.").AllowAnonymous();
        group.MapPut("/", UpdateAsync)
            .WithName("UpdateSite").WithSummary("Change the brand and sign-up policy (admins).").RequireAuthorization(Policies.Admin);
        return api;
    }

    private static async Task<Results<Ok<SiteResponse>, ValidationProblem>> UpdateAsync(
        SiteUpdateRequest request, System.Security.Claims.ClaimsPrincipal user, SiteSettingsService settings, IStringLocalizer<ManageStrings> l, CancellationToken ct)
    {
        var current = await settings.GetAsync(ct);
        var changed = request.ApplyTo(current);
        var errors = Validate(changed, l);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: l["Validation.Title"]);
        }
        await settings.SaveAsync(changed, user, ct);
        return TypedResults.Ok(SiteResponse.FromEntity(await settings.GetAsync(ct)));
    }

    /// <summary>Shared by the settings page and the API.</summary>
    public static Dictionary<string, string[]> Validate(SiteSettings s, IStringLocalizer<ManageStrings> l)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(s.CommunityName) || s.CommunityName.Trim().Length > 80) errors[nameof(s.CommunityName)] = [l["Settings.NameInvalid"]];
        if (!SiteSettings.IsColor(s.PrimaryColor)) errors[nameof(s.PrimaryColor)] = [l["Settings.ColorInvalid"]];
        if (!SiteSettings.IsColor(s.AccentColor)) errors[nameof(s.AccentColor)] = [l["Settings.ColorInvalid"]];
        if ((s.TaglineEn?.Length ?? 0) > 200) errors[nameof(s.TaglineEn)] = [l["Settings.TaglineTooLong"]];
        if ((s.TaglineFr?.Length ?? 0) > 200) errors[nameof(s.TaglineFr)] = [l["Settings.TaglineTooLong"]];
        if (!string.IsNullOrWhiteSpace(s.LogoUrl) && !(Uri.TryCreate(s.LogoUrl, UriKind.Absolute, out var logo) && logo.Scheme is "https" or "http")
            && !(s.LogoUrl.StartsWith('/') && !s.LogoUrl.StartsWith("//", StringComparison.Ordinal)))
            errors[nameof(s.LogoUrl)] = [l["Settings.LogoInvalid"]];
        if (!LocalizationFeature.IsSupported(s.DefaultLanguage)) errors[nameof(s.DefaultLanguage)] = [l["Settings.LanguageInvalid"]];
        if (s.ListeningRetentionMonths is < 0 or > SiteSettings.MaxRetentionMonths)
            errors[nameof(s.ListeningRetentionMonths)] = [l["Settings.RetentionInvalid", SiteSettings.MaxRetentionMonths]];
        return errors;
    }
}

/// <summary>The community's public identity.</summary>
public sealed record SiteResponse(string CommunityName, string? TaglineEn, string? TaglineFr, string? LogoUrl, string PrimaryColor, string AccentColor, SignUpMode SignUpMode, string DefaultLanguage)
{
    public static SiteResponse FromEntity(SiteSettings s) => new(s.CommunityName, s.TaglineEn, s.TaglineFr, s.LogoUrl, s.PrimaryColor, s.AccentColor, s.SignUpMode, s.DefaultLanguage);
}

/// <summary>
/// A change to the site settings; omitted (null) fields are left as they are. <c>ListeningRetentionMonths</c>: listening
/// mentions older than this are deleted every night (0 keeps them).
/// </summary>
public sealed record SiteUpdateRequest(string? CommunityName, string? TaglineEn, string? TaglineFr, string? LogoUrl, string? PrimaryColor, string? AccentColor, SignUpMode? SignUpMode, string? DefaultLanguage,
    int? ListeningRetentionMonths = null)
{
    public SiteSettings ApplyTo(SiteSettings s) => new()
    {
        CommunityName = CommunityName ?? s.CommunityName,
        TaglineEn = TaglineEn ?? s.TaglineEn,
        TaglineFr = TaglineFr ?? s.TaglineFr,
        LogoUrl = LogoUrl ?? s.LogoUrl,
        PrimaryColor = PrimaryColor ?? s.PrimaryColor,
        AccentColor = AccentColor ?? s.AccentColor,
        SignUpMode = SignUpMode ?? s.SignUpMode,
        DefaultLanguage = DefaultLanguage ?? s.DefaultLanguage,
        ListeningRetentionMonths = ListeningRetentionMonths ?? s.ListeningRetentionMonths,
    };
}
