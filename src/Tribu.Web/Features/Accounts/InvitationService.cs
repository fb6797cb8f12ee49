using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Members;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Accounts;

/// <summary>Invitations for invite-only sign-up. The token travels by mail; only its hash is kept.</summary>
public sealed class InvitationService(TribuDbContext db, TimeProvider clock, AccountEmails emails, Tribu.Web.Platform.Email.EmailOutbox outbox)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(14);

    public async Task<Invitation> InviteAsync(string email, Member inviter, string language, string baseUrl, CancellationToken ct = default)
    {
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow().UtcDateTime;
        var invitation = new Invitation
        {
            Email = email.Trim(),
            TokenHash = Hash(token),
            InvitedById = inviter.Id,
            CreatedAt = now,
            ExpiresAt = now + Lifetime,
        };
        db.Invitations.Add(invitation);
        await db.SaveChangesAsync(ct);
        var link = $"{baseUrl.TrimEnd('/')}/account/register?invite={token}";
        await emails.SendInvitationAsync(invitation.Email, language, inviter.DisplayName, link, ct);
        await outbox.DeliverSoonAsync(ct);
        return invitation;
    }

    public async Task<Invitation?> FindUsableAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return null;
        }
        var hash = Hash(token);
        var invitation = await db.Invitations.FirstOrDefaultAsync(i => i.TokenHash == hash, ct);
        return invitation is not null && invitation.IsUsable(clock.GetUtcNow().UtcDateTime) ? invitation : null;
    }

    public async Task<bool> RevokeAsync(long id, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Invitations.Where(i => i.Id == id && i.AcceptedAt == null && i.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.RevokedAt, now), ct) == 1;
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
