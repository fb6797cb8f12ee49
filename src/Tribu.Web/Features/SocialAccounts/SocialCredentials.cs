using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Tribu.Web.Features.SocialAccounts;

/// <summary>
/// A connected account's credential (a Mastodon access token, a Bluesky app password) is stored protected with ASP.NET
/// Data Protection, under its own purpose: the database alone never gives it away. It is never logged, never shown back.
/// </summary>
public sealed class SocialCredentials(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Tribu.SocialAccounts.Credential.v1");

    public string Protect(string credential) => _protector.Protect(credential);

    /// <summary>The credential, or null when it can no longer be read (the keys were lost): the account must be reconnected.</summary>
    public string? Unprotect(string? stored)
    {
        if (string.IsNullOrEmpty(stored)) return null;
        try
        {
            return _protector.Unprotect(stored);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>A short fingerprint of the stored (protected) credential: what in-memory sessions are keyed by, so a reconnection drops them.</summary>
    public static string Fingerprint(string stored) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(stored)).AsSpan(0, 8));
}
