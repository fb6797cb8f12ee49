using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Tribu.Web.Features.Members;

namespace Tribu.Web.Features.Accounts;

/// <summary>Identity's sign-in, refusing suspended and banned members whatever the way in (password, 2FA, recovery code).</summary>
public sealed class TribuSignInManager(
    UserManager<Member> userManager, IHttpContextAccessor contextAccessor, IUserClaimsPrincipalFactory<Member> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor, ILogger<SignInManager<Member>> logger, IAuthenticationSchemeProvider schemes,
    IUserConfirmation<Member> confirmation, TimeProvider clock)
    : SignInManager<Member>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(Member user) =>
        !IsSuspended(user, clock) && await base.CanSignInAsync(user);

    public static bool IsSuspended(Member member, TimeProvider clock) => member.SuspendedUntil > clock.GetUtcNow().UtcDateTime;
}
