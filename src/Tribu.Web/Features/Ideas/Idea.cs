using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Ideas;

public enum IdeaStatus
{
    New,
    UnderReview,
    Planned,
    InProgress,
    Shipped,
    Declined,
}

/// <summary>Where ideas are proposed: one per product area, or one for a space.</summary>
public sealed class IdeaBoard
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string Slug { get; set; } = "";
    public string Description { get; set; } = "";
    /// <summary>A board of a space is seen by those who may read the space.</summary>
    public int? SpaceId { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A member's proposal, voted on by the others; staff give it a status with an official response.</summary>
public sealed class Idea
{
    public long Id { get; set; }
    public int BoardId { get; set; }
    public IdeaBoard? Board { get; set; }
    public Guid AuthorId { get; set; }
    public string Title { get; set; } = "";
    public string BodyMarkdown { get; set; } = "";
    /// <summary>Rendered and sanitised once, at write time.</summary>
    public string BodyHtml { get; set; } = "";
    public IdeaStatus Status { get; set; }
    /// <summary>Kept equal to the number of <see cref="IdeaVote"/> rows (recounted on each vote), for sorting.</summary>
    public int VoteCount { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>A duplicate merged into another idea: its votes and followers moved there, its address redirects there.</summary>
    public long? MergedIntoId { get; set; }
}

/// <summary>One member's vote for one idea: one at most (unique key).</summary>
public sealed class IdeaVote
{
    public long IdeaId { get; set; }
    public Guid MemberId { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A member told when the idea's status changes (its author, and whoever asked).</summary>
public sealed class IdeaFollower
{
    public long IdeaId { get; set; }
    public Guid MemberId { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A status change by staff, with the official response shown on the idea.</summary>
public sealed class IdeaStatusChange
{
    public long Id { get; set; }
    public long IdeaId { get; set; }
    public Guid ChangedById { get; set; }
    public DateTime ChangedAt { get; set; }
    public IdeaStatus From { get; set; }
    public IdeaStatus To { get; set; }
    public string Response { get; set; } = "";
    public string ResponseHtml { get; set; } = "";
}

internal sealed class IdeaBoardConfiguration : IEntityTypeConfiguration<IdeaBoard>
{
    public void Configure(EntityTypeBuilder<IdeaBoard> builder)
    {
        builder.Property(b => b.Name).HasMaxLength(100).IsRequired();
        builder.Property(b => b.Slug).HasMaxLength(80).IsRequired();
        builder.Property(b => b.Description).HasMaxLength(1000);
        builder.HasIndex(b => b.Slug).IsUnique();
        builder.HasOne<Spaces.Space>().WithMany().HasForeignKey(b => b.SpaceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IdeaConfiguration : IEntityTypeConfiguration<Idea>
{
    public void Configure(EntityTypeBuilder<Idea> builder)
    {
        builder.Property(i => i.Title).HasMaxLength(150).IsRequired();
        builder.Property(i => i.BodyMarkdown).HasMaxLength(20000);
        builder.HasOne(i => i.Board).WithMany().HasForeignKey(i => i.BoardId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Members.Member>().WithMany().HasForeignKey(i => i.AuthorId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Idea>().WithMany().HasForeignKey(i => i.MergedIntoId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(i => new { i.BoardId, i.Status, i.VoteCount });
        builder.HasIndex(i => new { i.Status, i.UpdatedAt });
    }
}

internal sealed class IdeaVoteConfiguration : IEntityTypeConfiguration<IdeaVote>
{
    public void Configure(EntityTypeBuilder<IdeaVote> builder)
    {
        builder.HasKey(v => new { v.IdeaId, v.MemberId });
        builder.HasIndex(v => v.MemberId);
        builder.HasOne<Idea>().WithMany().HasForeignKey(v => v.IdeaId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Members.Member>().WithMany().HasForeignKey(v => v.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IdeaFollowerConfiguration : IEntityTypeConfiguration<IdeaFollower>
{
    public void Configure(EntityTypeBuilder<IdeaFollower> builder)
    {
        builder.HasKey(f => new { f.IdeaId, f.MemberId });
        builder.HasIndex(f => f.MemberId);
        builder.HasOne<Idea>().WithMany().HasForeignKey(f => f.IdeaId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Members.Member>().WithMany().HasForeignKey(f => f.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IdeaStatusChangeConfiguration : IEntityTypeConfiguration<IdeaStatusChange>
{
    public void Configure(EntityTypeBuilder<IdeaStatusChange> builder)
    {
        builder.Property(c => c.Response).HasMaxLength(5000);
        builder.HasIndex(c => new { c.IdeaId, c.ChangedAt });
        builder.HasOne<Idea>().WithMany().HasForeignKey(c => c.IdeaId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Members.Member>().WithMany().HasForeignKey(c => c.ChangedById).OnDelete(DeleteBehavior.Cascade);
    }
}
