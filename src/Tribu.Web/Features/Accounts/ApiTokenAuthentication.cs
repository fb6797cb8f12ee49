using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tribu.Web.Features.Members;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Accounts;

/// <summary>
/// "Authorization: Bearer tribu_…" on /api: the token's member, with the token's scopes as claims.
/// Pages never accept tokens, only the session cookie.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    TribuDbContext db, IUserClaimsPrincipalFactory<Member> principals, TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    public const string ScopeClaim = "tribu:scope";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }
        var secret = header["Bearer ".Length..].Trim();
        var hash = ApiToken.HashOf(secret);
        var now = clock.GetUtcNow().UtcDateTime;
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Hash == hash, Context.RequestAborted);
        if (token is null || !token.IsActive(now))
        {
            // Never echo the token: the message says only what is wrong with it.
            return AuthenticateResult.Fail("The API token is unknown, revoked or expired.");
        }
        var member = await db.Users.FirstOrDefaultAsync(u => u.Id == token.MemberId, Context.RequestAborted);
        if (member is null || (member.LockoutEnd is { } end && end > clock.GetUtcNow()))
        {
            return AuthenticateResult.Fail("The API token's account is not available.");
        }
        // Last use, at most once a minute: a busy integration does not write on every call.
        if (token.LastUsedAt is null || now - token.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            await db.ApiTokens.Where(t => t.Id == token.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), Context.RequestAborted);
        }
        var principal = await principals.CreateAsync(member);
        var identity = new ClaimsIdentity(principal.Claims, SchemeName);
        foreach (var scope in token.Scopes.Split(','))
        {
            identity.AddClaim(new Claim(ScopeClaim, scope));
        }
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}

/// <summary>A read-only token may read, never change: unsafe methods need the "write" scope.</summary>
public sealed class TokenScopeFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var viaToken = http.User.Identity?.AuthenticationType == ApiTokenAuthenticationHandler.SchemeName;
        var unsafeMethod = !(HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) || HttpMethods.IsOptions(http.Request.Method));
        if (viaToken && unsafeMethod && !http.User.HasClaim(ApiTokenAuthenticationHandler.ScopeClaim, ApiToken.WriteScope))
        {
            return ValueTask.FromResult<object?>(TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
                title: "Read-only token", detail: "This API token has the read scope only; changes need a token with the write scope."));
        }
        return next(context);
    }
}
