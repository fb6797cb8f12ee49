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
    /// <summary>A wiki post: members of a high enough trust level may edit it, not only its author.</summary>
    public bool IsWiki { get; set; }
    /// <summary>Published, or held by the automatic checks, or hidden (by flags or a moderator) until reviewed.</summary>
    public PostStatus Status { get; set; }
    /// <summary>Why it was held (<see cref="Moderation.HoldReason"/>, one per line).</summary>
    public string? HeldReasons { get; set; }
    /// <summary>Normalised hash of the text: the same message posted over and over is spam.</summary>
    public string? TextHash { get; set; }
    public DateTime? ReviewedAt { get; set; }
    public Guid? ReviewedById { get; set; }

    public bool IsPublished => Status == PostStatus.Published;
}

public enum PostStatus
{
    Published,
    /// <summary>Held by the automatic checks before anyone saw it; published when a moderator approves it.</summary>
    Held,
    /// <summary>Taken down (by enough flags, or a moderator): only its author and moderators see it.</summary>
    Hidden,
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
        builder.Property(p => p.Status).HasDefaultValue(PostStatus.Published).HasSentinel(PostStatus.Published);
        builder.HasIndex(p => new { p.Status, p.CreatedAt });
        builder.Property(p => p.HeldReasons).HasMaxLength(1000);
        builder.Property(p => p.TextHash).HasMaxLength(32);
        builder.HasIndex(p => new { p.AuthorId, p.TextHash });
        builder.Ignore(p => p.IsPublished);
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
