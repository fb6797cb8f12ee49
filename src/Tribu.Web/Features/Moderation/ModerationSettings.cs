using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Moderation;

/// <summary>The rules the automatic checks apply to every post: a single row, edited by community managers.</summary>
public sealed class ModerationSettings
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;
    /// <summary>One word or phrase per line; matched on word boundaries, case and accents ignored.</summary>
    public string BlockedWordsFr { get; set; } = "";
    public string BlockedWordsEn { get; set; } = "";
    /// <summary>One domain per line; its subdomains are blocked too.</summary>
    public string BlockedDomains { get; set; } = "";
    /// <summary>The first N posts of a new member wait for a moderator (0: none do).</summary>
    public int FirstPostsNeedApproval { get; set; }
    public int NewMemberMaxLinks { get; set; } = 2;
    public int NewMemberMaxImages { get; set; } = 1;
    public int NewMemberMaxMentions { get; set; } = 3;
    /// <summary>A post with more links than this is held, whoever wrote it.</summary>
    public int LinkHeavyThreshold { get; set; } = 8;
    /// <summary>The same text posted this many times in a day by one member is held from the next one.</summary>
    public int RepeatedTextLimit { get; set; } = 2;
    /// <summary>Flag weight (trusted members weigh more) that hides a post until a moderator reviews it.</summary>
    public int FlagHideThreshold { get; set; } = 3;
    /// <summary>The code of conduct in Markdown, per language; empty means the built-in text of that language.</summary>
    public string CodeOfConductEn { get; set; } = "";
    public string CodeOfConductFr { get; set; } = "";
    /// <summary>Goes up with each change of the code: members' acceptances record the version they accepted.</summary>
    public int CodeOfConductVersion { get; set; } = 1;
    public DateTime UpdatedAt { get; set; }
}

internal sealed class ModerationSettingsConfiguration : IEntityTypeConfiguration<ModerationSettings>
{
    public void Configure(EntityTypeBuilder<ModerationSettings> builder)
    {
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.BlockedWordsFr).HasMaxLength(200_000);
        builder.Property(s => s.BlockedWordsEn).HasMaxLength(200_000);
        builder.Property(s => s.BlockedDomains).HasMaxLength(100_000);
        builder.Property(s => s.CodeOfConductEn).HasMaxLength(50_000);
        builder.Property(s => s.CodeOfConductFr).HasMaxLength(50_000);
        builder.Property(s => s.CodeOfConductVersion).HasDefaultValue(1);
    }
}
