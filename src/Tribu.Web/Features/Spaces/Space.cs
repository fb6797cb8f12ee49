using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Spaces;

public enum SpaceVisibility
{
    /// <summary>Anyone, signed in or not, can read.</summary>
    Public,
    /// <summary>Any signed-in member can read.</summary>
    Members,
    /// <summary>Only the space's members and staff.</summary>
    Private,
    /// <summary>Like private, and joining takes an invitation (a beta space).</summary>
    Invite,
}

/// <summary>A place in the community where topics live.</summary>
public sealed class Space
{
    public int Id { get; set; }
    public string Slug { get; set; } = "";
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public SpaceVisibility Visibility { get; set; }
    public string Color { get; set; } = "#2f5d50";
    public string? Icon { get; set; }
    public int Order { get; set; }
    /// <summary>Only staff may start topics (announcements).</summary>
    public bool StaffOnlyTopics { get; set; }
    public DateTime CreatedAt { get; set; }

    public bool IsOpenToAnonymous => Visibility == SpaceVisibility.Public;
}

internal sealed class SpaceConfiguration : IEntityTypeConfiguration<Space>
{
    public void Configure(EntityTypeBuilder<Space> builder)
    {
        builder.Property(s => s.Slug).HasMaxLength(60).IsRequired();
        builder.HasIndex(s => s.Slug).IsUnique();
        builder.Property(s => s.Name).HasMaxLength(80).IsRequired();
        builder.Property(s => s.Description).HasMaxLength(500);
        builder.Property(s => s.Color).HasMaxLength(7);
        builder.Property(s => s.Icon).HasMaxLength(16);
    }
}
