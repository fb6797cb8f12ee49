using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Topics;

/// <summary>What a post (and, for an opening post, the topic's title) said before an edit: the visible history.</summary>
public sealed class PostRevision
{
    public long Id { get; set; }
    public long PostId { get; set; }
    public Guid EditorId { get; set; }
    public string BodyMarkdown { get; set; } = "";
    public string? Title { get; set; }
    public string? Reason { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class PostRevisionConfiguration : IEntityTypeConfiguration<PostRevision>
{
    public void Configure(EntityTypeBuilder<PostRevision> builder)
    {
        builder.Property(r => r.BodyMarkdown).HasMaxLength(Post.BodyMaxLength).IsRequired();
        builder.Property(r => r.Title).HasMaxLength(Topic.TitleMaxLength);
        builder.Property(r => r.Reason).HasMaxLength(300);
        builder.HasOne<Post>().WithMany().HasForeignKey(r => r.PostId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => new { r.PostId, r.CreatedAt });
    }
}
