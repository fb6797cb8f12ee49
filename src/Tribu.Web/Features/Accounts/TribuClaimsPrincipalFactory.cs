using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Tribu.Web.Features.Members;
using Tribu.Web.Platform.Localization;

namespace Tribu.Web.Features.Accounts;

/// <summary>Puts what every page needs into the cookie: display name, handle and the member's language.</summary>
internal sealed class TribuClaimsPrincipalFactory(
    UserManager<Member> userManager, RoleManager<IdentityRole<Guid>> roleManager, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<Member, IdentityRole<Guid>>(userManager, roleManager, options)
{
    public const string DisplayNameClaim = "tribu:name";
    public const string HandleClaim = "tribu:handle";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(Member user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(DisplayNameClaim, user.DisplayName));
        identity.AddClaim(new Claim(HandleClaim, user.Handle));
        if (LocalizationFeature.IsSupported(user.PreferredLanguage))
        {
            identity.AddClaim(new Claim(LocalizationFeature.LanguageClaim, user.PreferredLanguage!));
        }
        return identity;
    }
}
