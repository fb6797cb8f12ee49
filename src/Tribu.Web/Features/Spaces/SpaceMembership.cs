using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Spaces;

public enum SpaceRole
{
    /// <summary>Reads and posts in a private or invite-only space.</summary>
    Member,
    /// <summary>Also locks, pins, edits and deletes posts in this space, and manages its members.</summary>
    Moderator,
}

public enum MembershipStatus
{
    /// <summary>Invited to an invite-only space; no access until the member accepts.</summary>
    Invited,
    Active,
}

/// <summary>A member's place in one space: access to a private or invite-only space, or moderation of any space.</summary>
public sealed class SpaceMembership
{
    public int SpaceId { get; set; }
    public Space? Space { get; set; }
    public Guid MemberId { get; set; }
    public Members.Member? Member { get; set; }
    public SpaceRole Role { get; set; }
    public MembershipStatus Status { get; set; }
    public Guid? AddedById { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class SpaceMembershipConfiguration : IEntityTypeConfiguration<SpaceMembership>
{
    public void Configure(EntityTypeBuilder<SpaceMembership> builder)
    {
        builder.HasKey(m => new { m.SpaceId, m.MemberId });
        builder.HasIndex(m => new { m.MemberId, m.Status });
        builder.HasOne(m => m.Space).WithMany().HasForeignKey(m => m.SpaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(m => m.Member).WithMany().HasForeignKey(m => m.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}
