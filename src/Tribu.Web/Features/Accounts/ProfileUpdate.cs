using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Members;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Localization;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Accounts;

/// <summary>Validates and applies a profile change, for the profile page and the API.</summary>
public sealed class ProfileUpdate(TribuDbContext db, IStringLocalizer<AccountStrings> l)
{
    public const int MaxInterests = 10;

    public async Task<Dictionary<string, string[]>> ApplyAsync(Member member, ProfileUpdateRequest request, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.DisplayName is not null)
        {
            var name = request.DisplayName.Trim();
            if (name.Length == 0) errors["DisplayName"] = [l["Validation.DisplayNameRequired"]];
            else if (name.Length > Member.DisplayNameMaxLength) errors["DisplayName"] = [l["Validation.DisplayNameTooLong", Member.DisplayNameMaxLength]];
            else member.DisplayName = name;
        }
        if (request.Handle is not null)
        {
            var handle = request.Handle.Trim().ToLowerInvariant();
            if (!Member.IsValidHandle(handle)) errors["Handle"] = [l["Validation.HandleInvalid"]];
            else if (await db.Users.AnyAsync(u => u.Handle == handle && u.Id != member.Id, ct)) errors["Handle"] = [l["Validation.HandleTaken"]];
            else member.Handle = handle;
        }
        if (request.Bio is not null)
        {
            if (request.Bio.Length > Member.BioMaxLength) errors["Bio"] = [l["Validation.BioTooLong", Member.BioMaxLength]];
            else member.Bio = string.IsNullOrWhiteSpace(request.Bio) ? null : request.Bio.Trim();
        }
        if (request.Location is not null)
        {
            if (request.Location.Length > 100) errors["Location"] = [l["Validation.LocationTooLong", 100]];
            else member.Location = string.IsNullOrWhiteSpace(request.Location) ? null : request.Location.Trim();
        }
        if (request.Interests is not null)
        {
            var interests = request.Interests.Select(i => i.Trim().ToLowerInvariant()).Where(i => i.Length > 0).Distinct().ToArray();
            if (interests.Length > MaxInterests || interests.Any(i => i.Length > 30 || i.Contains(',', StringComparison.Ordinal)))
                errors["Interests"] = [l["Validation.InterestsInvalid", MaxInterests]];
            else member.Interests = interests.Length == 0 ? null : string.Join(',', interests);
        }
        if (request.PreferredLanguage is not null)
        {
            if (request.PreferredLanguage.Length == 0) member.PreferredLanguage = null;
            else if (!LocalizationFeature.IsSupported(request.PreferredLanguage)) errors["PreferredLanguage"] = [l["Validation.LanguageInvalid"]];
            else member.PreferredLanguage = request.PreferredLanguage;
        }
        return errors;
    }

    public static string[] SplitInterests(string? interests) =>
        (interests ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
