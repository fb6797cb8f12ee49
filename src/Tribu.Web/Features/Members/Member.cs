using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;

namespace Tribu.Web.Features.Members;

/// <summary>A person with an account: member of the community, and possibly staff.</summary>
public sealed partial class Member : IdentityUser<Guid>
{
    public const int HandleMaxLength = 20;
    public const int DisplayNameMaxLength = 60;
    public const int BioMaxLength = 1000;

    /// <summary>Unique, lowercase, used in URLs and @mentions.</summary>
    public string Handle { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string? Bio { get; set; }
    public string? Location { get; set; }
    /// <summary>Comma-separated interest tags.</summary>
    public string? Interests { get; set; }
    /// <summary>"en" or "fr"; null follows the browser.</summary>
    public string? PreferredLanguage { get; set; }
    public string? AvatarPath { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastSeenAt { get; set; }
    /// <summary>Cannot post until then (a moderator's sanction); the history is in <see cref="Moderation.Sanction"/>.</summary>
    public DateTime? SilencedUntil { get; set; }
    /// <summary>Cannot sign in until then; <see cref="DateTime.MaxValue"/> for a ban.</summary>
    public DateTime? SuspendedUntil { get; set; }
    /// <summary>Who sees the profile and finds the member in the directory.</summary>
    public ProfileVisibility ProfileVisibility { get; set; }
    /// <summary>Whose @mentions notify the member.</summary>
    public MentionPolicy MentionPolicy { get; set; }
    /// <summary>Set when the member erased their account: nothing personal is left in the row.</summary>
    public DateTime? ErasedAt { get; set; }
    /// <summary>Earned by taking part, recomputed daily by the trust-level job unless staff locked it.</summary>
    public TrustLevel TrustLevel { get; set; }
    /// <summary>Set by staff and kept: the job leaves the level alone.</summary>
    public bool TrustLevelLocked { get; set; }
    public DateTime? TrustLevelChangedAt { get; set; }

    public string Initials => MakeInitials(DisplayName);

    public static string MakeInitials(string displayName)
    {
        // Words that start with a letter only: "Inès (Véloria)" gives "IV", not "I(".
        var parts = displayName.Split([' ', '-', '_', '.'], StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.TrimStart('(', '[', '"', '\'', '@'))
            .Where(p => p.Length > 0 && char.IsLetterOrDigit(p[0]))
            .ToArray();
        return parts.Length switch
        {
            0 => "?",
            1 => parts[0][..1].ToUpperInvariant(),
            _ => string.Concat(parts[0][..1], parts[^1][..1]).ToUpperInvariant(),
        };
    }

    public static bool IsValidHandle(string handle) => HandleRegex().IsMatch(handle);

    /// <summary>Derives a free-form name into a handle candidate (lowercase letters, digits, underscores).</summary>
    public static string HandleFrom(string text)
    {
        var normalized = new string(text.Normalize(System.Text.NormalizationForm.FormD)
            .Where(c => System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark)
            .ToArray()).ToLowerInvariant();
        var handle = NotHandleChars().Replace(normalized, "_").Trim('_');
        if (handle.Length < 3) handle = handle.Length == 0 ? "member" : handle + "_member";
        return handle.Length > 16 ? handle[..16] : handle;
    }

    [GeneratedRegex("^[a-z0-9_]{3,20}$")]
    private static partial Regex HandleRegex();

    [GeneratedRegex("[^a-z0-9_]+")]
    private static partial Regex NotHandleChars();
}

public enum ProfileVisibility
{
    Everyone,
    /// <summary>Signed-in members only: hidden from visitors and search engines.</summary>
    Members,
}

public enum MentionPolicy
{
    Everyone,
    /// <summary>Only members they follow.</summary>
    Following,
    Nobody,
}
