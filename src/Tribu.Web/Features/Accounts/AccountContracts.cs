using Tribu.Web.Features.Members;

namespace Tribu.Web.Features.Accounts;

/// <summary>Sign-up through the API. The confirmation mail is sent in <paramref name="Language"/> (en or fr).</summary>
/// <summary>A sign-up. <c>AcceptConduct</c> must be true: the member accepts the code of conduct (<c>/code-of-conduct</c>).</summary>
public sealed record RegisterRequest(string? Email, string? Password, string? DisplayName, string? Language, string? InviteToken, bool AcceptConduct = false);

/// <summary>The account just created.</summary>
public sealed record RegisterResponse(Guid Id, string Handle, bool EmailConfirmationRequired);

/// <summary>The signed-in member's own profile.</summary>
public sealed record ProfileResponse(Guid Id, string Handle, string DisplayName, string Email, string? Bio, string? Location,
    string[] Interests, string? PreferredLanguage, string Initials, string[] Roles, bool TwoFactorEnabled, DateTime CreatedAt)
{
    public static ProfileResponse FromEntity(Member m, IEnumerable<string> roles, bool twoFactor) => new(
        m.Id, m.Handle, m.DisplayName, m.Email ?? "", m.Bio, m.Location, ProfileUpdate.SplitInterests(m.Interests),
        m.PreferredLanguage, m.Initials, [.. roles], twoFactor, m.CreatedAt);
}

/// <summary>A change to one's own profile; omitted (null) fields are left as they are.</summary>
public sealed record ProfileUpdateRequest(string? DisplayName, string? Handle, string? Bio, string? Location, string[]? Interests, string? PreferredLanguage);
