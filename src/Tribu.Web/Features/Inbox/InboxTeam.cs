using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Inbox;

/// <summary>A group of staff that items can be assigned to; rules share a team's items round-robin among its members.</summary>
public sealed class InboxTeam
{
    public const int NameMaxLength = 80;

    public int Id { get; set; }
    public string Name { get; set; } = "";
    /// <summary>The member who got the last round-robin item: the next goes to the one after.</summary>
    public Guid? LastAssignedId { get; set; }
    public List<InboxTeamMember> Members { get; set; } = [];
}

public sealed class InboxTeamMember
{
    public int TeamId { get; set; }
    public Guid MemberId { get; set; }
    public Members.Member? Member { get; set; }
}

internal sealed class InboxTeamConfiguration : IEntityTypeConfiguration<InboxTeam>
{
    public void Configure(EntityTypeBuilder<InboxTeam> builder)
    {
        builder.Property(t => t.Name).HasMaxLength(InboxTeam.NameMaxLength).IsRequired();
        builder.HasIndex(t => t.Name).IsUnique();
        builder.HasMany(t => t.Members).WithOne().HasForeignKey(m => m.TeamId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Members.Member>().WithMany().HasForeignKey(t => t.LastAssignedId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class InboxTeamMemberConfiguration : IEntityTypeConfiguration<InboxTeamMember>
{
    public void Configure(EntityTypeBuilder<InboxTeamMember> builder)
    {
        builder.HasKey(m => new { m.TeamId, m.MemberId });
        builder.HasOne(m => m.Member).WithMany().HasForeignKey(m => m.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}
