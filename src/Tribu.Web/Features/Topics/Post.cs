using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tribu.Web.Features.Members;

namespace Tribu.Web.Features.Topics;

/// <summary>A message in a topic; number 1 opens the topic, the others are replies.</summary>
public sealed class Post
{
    public const int BodyMaxLength = 20_000;

    public long Id { get; set; }
    public long TopicId { get; set; }
    public Topic? Topic { get; set; }
    public Guid AuthorId { get; set; }
    public Member? Author { get; set; }
    public int Number { get; set; }
    public long? ReplyToPostId { get; set; }
    public string BodyMarkdown { get; set; } = "";
    /// <summary>The Markdown rendered and sanitised once, at write time.</summary>
    public string BodyHtml { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? EditedAt { get; set; }
    public bool IsDeleted { get; set; }
}

public enum ReactionKind
{
    Like,
    Thanks,
    Insightful,
    Laugh,
    Celebrate,
}

/// <summary>One reaction of one kind by one member on one post.</summary>
public sealed class PostReaction
{
    public long PostId { get; set; }
    public Guid MemberId { get; set; }
    public ReactionKind Kind { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class PostConfiguration : IEntityTypeConfiguration<Post>
{
    public void Configure(EntityTypeBuilder<Post> builder)
    {
        builder.Property(p => p.BodyMarkdown).HasMaxLength(Post.BodyMaxLength).IsRequired();
        builder.Property(p => p.BodyHtml).IsRequired();
        builder.HasOne(p => p.Topic).WithMany().HasForeignKey(p => p.TopicId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(p => p.Author).WithMany().HasForeignKey(p => p.AuthorId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(p => new { p.TopicId, p.Number }).IsUnique();
        builder.HasIndex(p => p.AuthorId);
    }
}

internal sealed class PostReactionConfiguration : IEntityTypeConfiguration<PostReaction>
{
    public void Configure(EntityTypeBuilder<PostReaction> builder)
    {
        builder.HasKey(r => new { r.PostId, r.MemberId, r.Kind });
        builder.HasOne<Post>().WithMany().HasForeignKey(r => r.PostId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Member>().WithMany().HasForeignKey(r => r.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}
