using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Spaces;

namespace Tribu.Web.Features.Topics;

public enum TopicKind
{
    Discussion,
    Question,
    Announcement,
}

/// <summary>A conversation in a space. Its first <see cref="Post"/> holds the opening message.</summary>
public sealed class Topic
{
    public const int TitleMaxLength = 150;

    public long Id { get; set; }
    public int SpaceId { get; set; }
    public Space? Space { get; set; }
    public Guid AuthorId { get; set; }
    public Member? Author { get; set; }
    public TopicKind Kind { get; set; }
    public string Title { get; set; } = "";
    public string Slug { get; set; } = "";
    /// <summary>"en", "fr", or null when unknown.</summary>
    public string? Language { get; set; }
    /// <summary>Comma-separated tags.</summary>
    public string? Tags { get; set; }
    public bool IsPinned { get; set; }
    public bool IsLocked { get; set; }
    public bool IsDeleted { get; set; }
    /// <summary>Its opening post is held or hidden: out of lists, feeds and search until a moderator publishes it.</summary>
    public bool IsHidden { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime LastPostAt { get; set; }
    public int ReplyCount { get; set; }
    public int ViewCount { get; set; }
    public long? AcceptedPostId { get; set; }
    /// <summary>Set when a moderator merged this topic into another: its address leads there.</summary>
    public long? MergedIntoId { get; set; }

    public bool IsSolved => AcceptedPostId is not null;

    public IEnumerable<string> TagList => (Tags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

internal sealed class TopicConfiguration : IEntityTypeConfiguration<Topic>
{
    public void Configure(EntityTypeBuilder<Topic> builder)
    {
        builder.Property(t => t.Title).HasMaxLength(Topic.TitleMaxLength).IsRequired();
        builder.Property(t => t.Slug).HasMaxLength(Topic.TitleMaxLength).IsRequired();
        builder.Property(t => t.Language).HasMaxLength(8);
        builder.Property(t => t.Tags).HasMaxLength(200);
        builder.HasOne(t => t.Space).WithMany().HasForeignKey(t => t.SpaceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(t => t.Author).WithMany().HasForeignKey(t => t.AuthorId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(t => new { t.SpaceId, t.IsPinned, t.LastPostAt });
        builder.HasIndex(t => t.LastPostAt);
        builder.HasIndex(t => t.AuthorId);
        builder.Ignore(t => t.TagList);
        builder.Ignore(t => t.IsSolved);
    }
}
