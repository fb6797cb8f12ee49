using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Members;
using Tribu.Web.Platform.Localization;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Accounts;

public static class AccountEndpoints
{
    public static RouteGroupBuilder MapAccountEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/account").WithTags("Account");

        group.MapPost("/register", RegisterAsync)
            .WithName("Register")
            .WithSummary("Create an account; a confirmation mail is sent unless an invitation proved the address.")
            .AllowAnonymous()
            .DisableAntiforgery();

        group.MapGet("/me", GetMeAsync).WithName("GetMyProfile").WithSummary("The signed-in member's profile.").RequireAuthorization();
        group.MapPut("/me", UpdateMeAsync).WithName("UpdateMyProfile").WithSummary("Change one's own profile.").RequireAuthorization();

        var tokens = group.MapGroup("/tokens").RequireAuthorization();
        tokens.MapGet("/", async (System.Security.Claims.ClaimsPrincipal user, ApiTokenService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListAsync(Topics.TopicPermissions.MemberId(user)!.Value, ct)))
            .WithName("ListApiTokens").WithSummary("The caller's personal API tokens (never their secrets).");
        tokens.MapPost("/", async Task<Results<Created<CreatedApiTokenResponse>, ValidationProblem, ProblemHttpResult>> (
            NewApiTokenRequest request, System.Security.Claims.ClaimsPrincipal user, ApiTokenService service, IStringLocalizer<AccountStrings> l, CancellationToken ct) =>
        {
            // A token cannot mint tokens: creating one takes the person's own session.
            if (user.Identity?.AuthenticationType == ApiTokenAuthenticationHandler.SchemeName)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: l["Tokens.SessionOnly"]);
            }
            var (created, errors) = await service.CreateAsync(Topics.TopicPermissions.MemberId(user)!.Value, request, ct);
            return created is null
                ? TypedResults.ValidationProblem(errors, title: l["Validation.Title"])
                : TypedResults.Created($"/api/v1/account/tokens/{created.Token.Id}", created);
        }).WithName("CreateApiToken").WithSummary("Create a personal API token; its secret is in this response only.");
        tokens.MapDelete("/{id:long}", async Task<Results<NoContent, NotFound>> (long id, System.Security.Claims.ClaimsPrincipal user, ApiTokenService service, CancellationToken ct) =>
            await service.RevokeAsync(Topics.TopicPermissions.MemberId(user)!.Value, id, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithName("RevokeApiToken").WithSummary("Revoke a token at once.");
        return api;
    }

    private static async Task<Results<Created<RegisterResponse>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        RegisterRequest request, SignUpService signUp, HttpContext http, IStringLocalizer<AccountStrings> l, CancellationToken ct)
    {
        var result = await signUp.SignUpAsync(
            new SignUpRequest(request.Email, request.Password, request.DisplayName, request.Language, request.InviteToken, AcceptConduct: request.AcceptConduct),
            $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}", ct);
        if (result.Closed)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: l["SignUp.Closed"]);
        }
        if (!result.Succeeded)
        {
            return TypedResults.ValidationProblem(result.Errors, title: l["Validation.Title"]);
        }
        var member = result.Member!;
        return TypedResults.Created($"/api/v1/members/{member.Handle}", new RegisterResponse(member.Id, member.Handle, !member.EmailConfirmed));
    }

    private static async Task<Results<Ok<ProfileResponse>, UnauthorizedHttpResult>> GetMeAsync(HttpContext http, UserManager<Member> users)
    {
        var member = await users.GetUserAsync(http.User);
        if (member is null)
        {
            return TypedResults.Unauthorized();
        }
        return TypedResults.Ok(ProfileResponse.FromEntity(member, await users.GetRolesAsync(member), member.TwoFactorEnabled));
    }

    private static async Task<Results<Ok<ProfileResponse>, ValidationProblem, UnauthorizedHttpResult>> UpdateMeAsync(
        ProfileUpdateRequest request, HttpContext http, UserManager<Member> users, ProfileUpdate update,
        SignInManager<Member> signIn, IStringLocalizer<AccountStrings> l, CancellationToken ct)
    {
        var member = await users.GetUserAsync(http.User);
        if (member is null)
        {
            return TypedResults.Unauthorized();
        }
        var errors = await update.ApplyAsync(member, request, ct);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: l["Validation.Title"]);
        }
        await users.UpdateAsync(member);
        await signIn.RefreshSignInAsync(member);
        return TypedResults.Ok(ProfileResponse.FromEntity(member, await users.GetRolesAsync(member), member.TwoFactorEnabled));
    }

    /// <summary>Form posts from the server-rendered pages: log-out and the language switcher.</summary>
    public static IEndpointRouteBuilder MapAccountFormEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/logout", async ([FromForm] string? returnUrl, SignInManager<Member> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect(IdentityRedirectManager.SafeReturnUrl(returnUrl));
        }).ExcludeFromDescription();

        app.MapPost("/culture", async ([FromForm] string language, [FromForm] string? returnUrl, HttpContext http,
            UserManager<Member> users, SignInManager<Member> signIn) =>
        {
            if (LocalizationFeature.IsSupported(language))
            {
                LocalizationFeature.SetCultureCookie(http.Response, language);
                var member = http.User.Identity?.IsAuthenticated == true ? await users.GetUserAsync(http.User) : null;
                if (member is not null && member.PreferredLanguage != language)
                {
                    member.PreferredLanguage = language;
                    await users.UpdateAsync(member);
                    await signIn.RefreshSignInAsync(member);
                }
            }
            return TypedResults.LocalRedirect(IdentityRedirectManager.SafeReturnUrl(returnUrl));
        }).ExcludeFromDescription();

        // The switcher of visitors without an account: only a preference cookie, so no token is needed and the pages
        // that show the switcher stay the same for every visitor (and cacheable). A member's account is changed by the POST.
        app.MapGet("/culture", (string? language, string? returnUrl, HttpContext http) =>
        {
            if (LocalizationFeature.IsSupported(language)) LocalizationFeature.SetCultureCookie(http.Response, language!);
            return TypedResults.LocalRedirect(IdentityRedirectManager.SafeReturnUrl(returnUrl));
        }).ExcludeFromDescription();
        return app;
    }
}
