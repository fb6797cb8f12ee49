using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Members;

internal sealed class MemberConfiguration : IEntityTypeConfiguration<Member>
{
    public void Configure(EntityTypeBuilder<Member> builder)
    {
        builder.Property(m => m.Handle).HasMaxLength(Member.HandleMaxLength).IsRequired();
        builder.HasIndex(m => m.Handle).IsUnique();
        builder.Property(m => m.ProfileVisibility).HasDefaultValue(ProfileVisibility.Everyone).HasSentinel(ProfileVisibility.Everyone);
        builder.Property(m => m.MentionPolicy).HasDefaultValue(MentionPolicy.Everyone).HasSentinel(MentionPolicy.Everyone);
        builder.Property(m => m.DisplayName).HasMaxLength(Member.DisplayNameMaxLength).IsRequired();
        builder.Property(m => m.Bio).HasMaxLength(Member.BioMaxLength);
        builder.Property(m => m.Location).HasMaxLength(100);
        builder.Property(m => m.Interests).HasMaxLength(400);
        builder.Property(m => m.PreferredLanguage).HasMaxLength(8);
        builder.Property(m => m.AvatarPath).HasMaxLength(300);
        builder.Ignore(m => m.Initials);
        // By number: "level 2 or more" is a comparison in SQL.
        builder.Property(m => m.TrustLevel).HasConversion<int>();
        builder.HasIndex(m => m.TrustLevel);
    }
}
