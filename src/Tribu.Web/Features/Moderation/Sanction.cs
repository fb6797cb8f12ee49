using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Moderation;

public enum SanctionKind
{
    /// <summary>A message, on the record.</summary>
    Warning,
    /// <summary>Reads, but cannot post, reply or flag until the end.</summary>
    Silence,
    /// <summary>Cannot sign in until the end.</summary>
    Suspension,
    /// <summary>Cannot sign in, for good (until lifted).</summary>
    Ban,
}

/// <summary>A sanction a moderator gave a member: what, why, until when, and whether it was lifted. Never deleted.</summary>
public sealed class Sanction
{
    public long Id { get; set; }
    public Guid MemberId { get; set; }
    public SanctionKind Kind { get; set; }
    public string Reason { get; set; } = "";
    /// <summary>What the member was told.</summary>
    public string? Message { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? Until { get; set; }
    public Guid ById { get; set; }
    public DateTime? LiftedAt { get; set; }
    public Guid? LiftedById { get; set; }
}

internal sealed class SanctionConfiguration : IEntityTypeConfiguration<Sanction>
{
    public void Configure(EntityTypeBuilder<Sanction> builder)
    {
        builder.Property(s => s.Reason).HasMaxLength(1000).IsRequired();
        builder.Property(s => s.Message).HasMaxLength(2000);
        builder.HasIndex(s => new { s.MemberId, s.CreatedAt });
        builder.HasOne<Members.Member>().WithMany().HasForeignKey(s => s.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}
