using System.Net.Mail;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Admin;
using Tribu.Web.Features.Members;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Email;
using Tribu.Web.Platform.Localization;
using Tribu.Web.Platform.Observability;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Accounts;

/// <summary>A sign-up; <paramref name="ConfirmPassword"/> is checked when given (the page asks for it, the API does not).</summary>
public sealed record SignUpRequest(string? Email, string? Password, string? DisplayName, string? Language, string? InviteToken, string? ConfirmPassword = null, bool AcceptConduct = false);

/// <summary>Field errors are keyed by the request's property names (Email, Password, DisplayName, InviteToken; "" for the form).</summary>
public sealed record SignUpResult(Member? Member, Dictionary<string, string[]> Errors, bool Closed = false)
{
    public bool Succeeded => Member is not null;
}

/// <summary>Sign-up for the page and the API alike: all or nothing, a failed attempt leaves no account.</summary>
public sealed class SignUpService(
    UserManager<Member> users,
    TribuDbContext db,
    SiteSettingsService settings,
    InvitationService invitations,
    AccountEmails emails,
    EmailOutbox outbox,
    TimeProvider clock,
    TribuMetrics metrics,
    Moderation.ModerationRules rules,
    IStringLocalizer<AccountStrings> l)
{
    public async Task<SignUpResult> SignUpAsync(SignUpRequest request, string baseUrl, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string message) => (errors.TryGetValue(field, out var list) ? list : errors[field] = []).Add(message);

        var site = await settings.GetAsync(ct);
        if (site.SignUpMode == SignUpMode.Closed)
        {
            return new SignUpResult(null, new() { [""] = [l["SignUp.Closed"]] }, Closed: true);
        }

        var email = request.Email?.Trim() ?? "";
        var displayName = request.DisplayName?.Trim() ?? "";
        if (email.Length == 0) Add("Email", l["Validation.EmailRequired"]);
        else if (!IsEmail(email)) Add("Email", l["Validation.EmailInvalid"]);
        if (displayName.Length == 0) Add("DisplayName", l["Validation.DisplayNameRequired"]);
        else if (displayName.Length > Member.DisplayNameMaxLength) Add("DisplayName", l["Validation.DisplayNameTooLong", Member.DisplayNameMaxLength]);
        if (string.IsNullOrEmpty(request.Password)) Add("Password", l["Validation.PasswordRequired"]);
        else if (request.ConfirmPassword is not null && request.ConfirmPassword != request.Password) Add("ConfirmPassword", l["Validation.PasswordsDiffer"]);

        if (!request.AcceptConduct) Add("AcceptConduct", l["SignUp.AcceptConduct"]);

        Invitation? invitation = null;
        if (site.SignUpMode == SignUpMode.InviteOnly)
        {
            invitation = await invitations.FindUsableAsync(request.InviteToken, ct);
            if (invitation is null) Add("InviteToken", l["SignUp.InviteInvalid"]);
            else if (!string.Equals(invitation.Email, email, StringComparison.OrdinalIgnoreCase)) Add("Email", l["SignUp.InviteOtherEmail"]);
        }
        if (errors.Count > 0)
        {
            return Fail(errors);
        }

        var language = LocalizationFeature.IsSupported(request.Language) ? request.Language! : LocalizationFeature.CurrentLanguage;
        var member = new Member
        {
            UserName = email,
            Email = email,
            DisplayName = displayName,
            PreferredLanguage = language,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            // The invitation went to this address, so the address is already proven.
            EmailConfirmed = invitation is not null,
        };

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        member.Handle = await AdminAccounts.UniqueHandleAsync(db, Member.HandleFrom(displayName), ct);
        var created = await users.CreateAsync(member, request.Password!);
        if (!created.Succeeded)
        {
            foreach (var error in created.Errors)
            {
                Add(LocalizedIdentityErrorDescriber.FieldOf(error), error.Description);
            }
            return Fail(errors);
        }
        // What was accepted, when, and which version: the record a member can later download.
        db.Add(new Consent { MemberId = member.Id, Kind = ConsentKind.CodeOfConduct, Version = (await rules.GetAsync(ct)).CodeOfConductVersion, GivenAt = clock.GetUtcNow().UtcDateTime });
        await db.SaveChangesAsync(ct);
        var role = await users.AddToRoleAsync(member, Roles.Member);
        if (!role.Succeeded)
        {
            return Fail(new() { [""] = [.. role.Errors.Select(e => e.Description)] });
        }
        if (invitation is not null)
        {
            invitation.AcceptedAt = clock.GetUtcNow().UtcDateTime;
            invitation.AcceptedById = member.Id;
            await db.SaveChangesAsync(ct);
        }
        else
        {
            await QueueConfirmationAsync(member, baseUrl, ct);
        }
        await transaction.CommitAsync(ct);
        metrics.SignUps.Add(1);
        await outbox.DeliverSoonAsync(ct);
        return new SignUpResult(member, []);
    }

    /// <summary>Stores the confirmation mail in the outbox (the caller's transaction, if any, covers it).</summary>
    public async Task QueueConfirmationAsync(Member member, string baseUrl, CancellationToken ct)
    {
        var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(await users.GenerateEmailConfirmationTokenAsync(member)));
        var link = $"{baseUrl.TrimEnd('/')}/account/confirm-email?userId={member.Id}&code={code}";
        await emails.SendConfirmationAsync(member, link, ct);
    }

    public static bool IsEmail(string email) =>
        email.Length <= 256 && MailAddress.TryCreate(email, out var address) && address.Address == email && email.Contains('.', StringComparison.Ordinal);

    private static SignUpResult Fail(Dictionary<string, List<string>> errors) =>
        new(null, errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
}
