using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Members;

/// <summary>A day on which a signed-in member came by: "days visited" for trust levels.</summary>
public sealed class MemberVisit
{
    public Guid MemberId { get; set; }
    public DateOnly Day { get; set; }
}

/// <summary>How far a member has read a topic: "topics entered" and "posts read" for trust levels.</summary>
public sealed class TopicRead
{
    public Guid MemberId { get; set; }
    public long TopicId { get; set; }
    /// <summary>The highest post number the member has had on screen.</summary>
    public int HighestNumber { get; set; }
    public DateTime FirstReadAt { get; set; }
    public DateTime LastReadAt { get; set; }
}

internal sealed class MemberVisitConfiguration : IEntityTypeConfiguration<MemberVisit>
{
    public void Configure(EntityTypeBuilder<MemberVisit> builder)
    {
        builder.HasKey(v => new { v.MemberId, v.Day });
        builder.HasIndex(v => v.Day);
        builder.HasOne<Member>().WithMany().HasForeignKey(v => v.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TopicReadConfiguration : IEntityTypeConfiguration<TopicRead>
{
    public void Configure(EntityTypeBuilder<TopicRead> builder)
    {
        builder.HasKey(r => new { r.MemberId, r.TopicId });
        builder.HasIndex(r => r.TopicId);
        builder.HasIndex(r => r.LastReadAt);
        builder.HasOne<Member>().WithMany().HasForeignKey(r => r.MemberId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Topics.Topic>().WithMany().HasForeignKey(r => r.TopicId).OnDelete(DeleteBehavior.Cascade);
    }
}
