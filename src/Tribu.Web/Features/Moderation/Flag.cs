using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Moderation;

public enum FlagReason
{
    Spam,
    Abuse,
    OffTopic,
    Other,
}

/// <summary>A member's report of a post, with a reason: one per member per post. Resolved when a moderator decides.</summary>
public sealed class Flag
{
    public long Id { get; set; }
    public long PostId { get; set; }
    public Guid FlaggerId { get; set; }
    public FlagReason Reason { get; set; }
    public string? Text { get; set; }
    /// <summary>How much it counts towards hiding the post (trusted members and staff weigh more).</summary>
    public int Weight { get; set; } = 1;
    public DateTime CreatedAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public Guid? ResolvedById { get; set; }
    /// <summary>The moderator agreed (hid or deleted the post) or not (kept it).</summary>
    public bool? Upheld { get; set; }
}

internal sealed class FlagConfiguration : IEntityTypeConfiguration<Flag>
{
    public void Configure(EntityTypeBuilder<Flag> builder)
    {
        builder.HasIndex(f => new { f.PostId, f.FlaggerId }).IsUnique();
        builder.HasIndex(f => new { f.ResolvedAt, f.PostId });
        builder.Property(f => f.Text).HasMaxLength(1000);
        builder.HasOne<Topics.Post>().WithMany().HasForeignKey(f => f.PostId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Members.Member>().WithMany().HasForeignKey(f => f.FlaggerId).OnDelete(DeleteBehavior.Cascade);
    }
}
