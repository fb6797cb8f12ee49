using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Admin;

public enum SignUpMode
{
    Open,
    InviteOnly,
    Closed,
}

/// <summary>The community's brand and policies: a single row, edited by admins.</summary>
public sealed class SiteSettings
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;
    public string CommunityName { get; set; } = "Tribu";
    public string? TaglineEn { get; set; }
    public string? TaglineFr { get; set; }
    public string? LogoUrl { get; set; }
    /// <summary>A CSS hex colour such as <c>#2f5d50</c>.</summary>
    public string PrimaryColor { get; set; } = "#2f5d50";
    public string AccentColor { get; set; } = "#e07a2f";
    public SignUpMode SignUpMode { get; set; } = SignUpMode.Open;
    public string DefaultLanguage { get; set; } = "en";
    /// <summary>Listening mentions older than this many months are deleted by a nightly job; 0 keeps them.</summary>
    public int ListeningRetentionMonths { get; set; } = DefaultRetentionMonths;
    public DateTime UpdatedAt { get; set; }

    public const int DefaultRetentionMonths = 24;
    public const int MaxRetentionMonths = 120;

    public string? Tagline(string language) => language == "fr" ? TaglineFr ?? TaglineEn : TaglineEn ?? TaglineFr;

    public static bool IsColor(string? value) =>
        value is { Length: 7 } && value[0] == '#' && value.Skip(1).All(char.IsAsciiHexDigit);
}

internal sealed class SiteSettingsConfiguration : IEntityTypeConfiguration<SiteSettings>
{
    public void Configure(EntityTypeBuilder<SiteSettings> builder)
    {
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.CommunityName).HasMaxLength(80).IsRequired();
        builder.Property(s => s.TaglineEn).HasMaxLength(200);
        builder.Property(s => s.TaglineFr).HasMaxLength(200);
        builder.Property(s => s.LogoUrl).HasMaxLength(500);
        builder.Property(s => s.PrimaryColor).HasMaxLength(7);
        builder.Property(s => s.AccentColor).HasMaxLength(7);
        builder.Property(s => s.DefaultLanguage).HasMaxLength(8);
        builder.Property(s => s.ListeningRetentionMonths).HasDefaultValue(SiteSettings.DefaultRetentionMonths);
    }
}
