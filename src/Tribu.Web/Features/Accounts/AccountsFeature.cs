using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Tribu.Web.Features.Members;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Accounts;

public static class AccountsFeature
{
    public const string CookieOrToken = "CookieOrToken";

    public static IServiceCollection AddAccountsFeature(this IServiceCollection services)
    {
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieOrToken;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            // API calls with "Authorization: Bearer" use a personal token; everything else, the session cookie.
            .AddPolicyScheme(CookieOrToken, "Session cookie, or API token on /api", o => o.ForwardDefaultSelector = context =>
                context.Request.Path.StartsWithSegments("/api") && context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? ApiTokenAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();

        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/access-denied";
            o.Cookie.Name = "tribu.auth";
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromDays(14);
            // The API answers with status codes, never with a redirect to an HTML page.
            o.Events.OnRedirectToLogin = ctx => ApiAware(ctx, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => ApiAware(ctx, StatusCodes.Status403Forbidden);
        });

        services.AddIdentityCore<Member>(o =>
            {
                o.SignIn.RequireConfirmedAccount = true;
                o.SignIn.RequireConfirmedEmail = true;
                o.User.RequireUniqueEmail = true;
                // Length beats composition rules (NIST SP 800-63B): 10 characters, no forced symbols.
                o.Password.RequiredLength = 10;
                o.Password.RequiredUniqueChars = 4;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Stores.SchemaVersion = IdentitySchemaVersions.Version2;
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<TribuDbContext>()
            .AddSignInManager<TribuSignInManager>()
            .AddDefaultTokenProviders()
            .AddErrorDescriber<LocalizedIdentityErrorDescriber>()
            .AddClaimsPrincipalFactory<TribuClaimsPrincipalFactory>();

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Staff, p => p.RequireRole(Roles.Staff))
            .AddPolicy(Policies.Manager, p => p.RequireRole(Roles.Admin, Roles.CommunityManager))
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin));

        services.AddScoped<AccountEmails>();
        services.AddScoped<SignUpService>();
        services.AddScoped<InvitationService>();
        services.AddScoped<ProfileUpdate>();
        services.AddScoped<ApiTokenService>();
        services.AddScoped<IdentityRedirectManager>();
        return services;
    }

    private static Task ApiAware(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
