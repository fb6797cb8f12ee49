using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Topics;

/// <summary>A post a member keeps to come back to.</summary>
public sealed class Bookmark
{
    public Guid MemberId { get; set; }
    public long PostId { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class BookmarkConfiguration : IEntityTypeConfiguration<Bookmark>
{
    public void Configure(EntityTypeBuilder<Bookmark> builder)
    {
        builder.HasKey(b => new { b.MemberId, b.PostId });
        builder.HasIndex(b => new { b.MemberId, b.CreatedAt });
        builder.HasOne<Post>().WithMany().HasForeignKey(b => b.PostId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Members.Member>().WithMany().HasForeignKey(b => b.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}
