using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Admin;
using Tribu.Web.Features.Members;
using Tribu.Web.Platform.Email;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Accounts;

/// <summary>Composes account mails in the recipient's language and stores them in the outbox; callers then ask for delivery.</summary>
public sealed class AccountEmails(EmailOutbox outbox, IStringLocalizerFactory localizers, SiteSettingsService settings)
{
    public Task SendConfirmationAsync(Member member, string link, CancellationToken ct = default) =>
        SendAsync(member.Email!, member.PreferredLanguage, "confirm-email", "Mail.Confirm", member.DisplayName, link, ct);

    public Task SendPasswordResetAsync(Member member, string link, CancellationToken ct = default) =>
        SendAsync(member.Email!, member.PreferredLanguage, "reset-password", "Mail.Reset", member.DisplayName, link, ct);

    public Task SendInvitationAsync(string email, string language, string inviterName, string link, CancellationToken ct = default) =>
        SendAsync(email, language, "invitation", "Mail.Invite", inviterName, link, ct);

    /// <summary>Told when added to a private space, or invited to an invite-only one ({2} is the space's name).</summary>
    public Task SendSpaceAccessAsync(Member member, string spaceName, string link, bool invited, CancellationToken ct = default) =>
        SendAsync(member.Email!, member.PreferredLanguage, invited ? "space-invitation" : "space-access", invited ? "Mail.SpaceInvite" : "Mail.SpaceAdded",
            member.DisplayName, link, ct, spaceName);

    /// <summary>A sanction, in the member's language: the kind and end ({2}), the reason ({3}) and the moderator's words or the standard text.</summary>
    public Task SendSanctionAsync(Member member, Moderation.SanctionKind kind, DateTime? until, string reason, string? note, CancellationToken ct = default)
    {
        var end = until is null || until == DateTime.MaxValue ? "" : until.Value.ToString("g", new CultureInfo(member.PreferredLanguage is "fr" ? "fr" : "en"));
        return SendAsync(member.Email!, member.PreferredLanguage, "sanction", "Mail.Sanction." + kind, member.DisplayName, "", ct, end, reason, note);
    }

    /// <summary>The answer to a member's appeal of a sanction, with the moderator's words.</summary>
    public Task SendAppealAnsweredAsync(Member member, bool granted, string? response, CancellationToken ct = default) =>
        SendAsync(member.Email!, member.PreferredLanguage, "appeal", granted ? "Mail.Appeal.Granted" : "Mail.Appeal.Denied", member.DisplayName, "", ct, note: response);

    private async Task SendAsync(string to, string? language, string kind, string keyPrefix, string name, string link, CancellationToken ct, string extra = "", string? reason = null, string? note = null)
    {
        var site = await settings.GetAsync(ct);
        var culture = new CultureInfo(language is "fr" or "en" ? language : site.DefaultLanguage);
        var previous = CultureInfo.CurrentUICulture;
        // Resource lookups follow CurrentUICulture: switch to the recipient's language while composing.
        CultureInfo.CurrentUICulture = culture;
        try
        {
            var l = localizers.Create(typeof(AccountStrings));
            var community = site.CommunityName;
            var subject = l[keyPrefix + ".Subject", community, extra].Value;
            var intro = l[keyPrefix + ".Body", name, community, extra, reason ?? ""].Value;
            var action = l[keyPrefix + ".Action"].Value;
            var outro = l[keyPrefix + ".Ignore"].Value;
            var enc = HtmlEncoder.Default;
            var html = $"""
                <!DOCTYPE html><html lang="{culture.TwoLetterISOLanguageName}"><head><meta charset="utf-8"><title>{enc.Encode(subject)}</title></head>
                <body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1d1d1f;max-width:560px;margin:auto;padding:24px">
                <h1 style="font-size:20px;color:{site.PrimaryColor}">{enc.Encode(community)}</h1>
                <p>{enc.Encode(intro)}</p>
                {(note is null ? "" : $"<blockquote style=\"border-left:3px solid {site.PrimaryColor};margin:0;padding-left:12px\">{enc.Encode(note)}</blockquote>")}
                {(link.Length == 0 ? "" : $"<p><a href=\"{enc.Encode(link)}\" style=\"display:inline-block;background:{site.PrimaryColor};color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none\">{enc.Encode(action)}</a></p><p style=\"font-size:13px;color:#555\">{enc.Encode(link)}</p>")}
                <p style="font-size:13px;color:#555">{enc.Encode(outro)}</p>
                </body></html>
                """;
            var text = $"{community}\n\n{intro}\n\n{(note is null ? "" : note + "\n\n")}{(link.Length == 0 ? "" : $"{action}: {link}\n\n")}{outro}\n";
            await outbox.QueueAsync(new OutgoingEmail(to, subject, html, text, kind), ct);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}
