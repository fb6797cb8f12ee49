using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Tribu.Web.Features.Listening.Sources;

/// <summary>
/// A source's secret (a webhook's signing key, a Mastodon or Bluesky access token) is stored protected with ASP.NET Data
/// Protection: the database alone never gives it away. It is never logged and never shown back, except a webhook key
/// once, when it is made.
/// </summary>
public sealed class SourceSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Tribu.Listening.SourceSecret.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    /// <summary>The secret, or null when there is none or it can no longer be read (the keys were lost).</summary>
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

    /// <summary>A new webhook signing key: 32 random bytes, URL-safe.</summary>
    public static string NewWebhookSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
