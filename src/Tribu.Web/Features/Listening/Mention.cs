using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Listening;

/// <summary>Something said about the brand somewhere, stored once per source and external id.</summary>
public sealed class Mention
{
    public long Id { get; set; }
    public int SourceId { get; set; }
    public ListeningSource? Source { get; set; }
    /// <summary>The id the source gives it (a status id, an AT URI, a feed item's guid or link).</summary>
    public string ExternalId { get; set; } = "";
    public string? Url { get; set; }
    public string Text { get; set; } = "";
    /// <summary>"fr", "en" or "other".</summary>
    public string Language { get; set; } = "other";
    public Analysis.SentimentLabel Sentiment { get; set; }
    public double SentimentScore { get; set; }
    /// <summary>Groups reposts of the same words.</summary>
    public string ContentHash { get; set; } = "";
    public string? AuthorHandle { get; set; }
    public string? AuthorName { get; set; }
    public string? AuthorUrl { get; set; }
    public int? AuthorFollowers { get; set; }
    public DateTime PublishedAt { get; set; }
    public DateTime CollectedAt { get; set; }
    public List<MentionMatch> Matches { get; set; } = [];

    /// <summary>Who set the sentiment: the engine at ingestion, the trained model, or a staff member's correction.</summary>
    public SentimentOrigin SentimentOrigin { get; set; }
    /// <summary>The first mention with the same words (a repost, a copy-paste campaign); null on the original.</summary>
    public long? OriginalId { get; set; }
    public Mention? Original { get; set; }
    /// <summary>On an original: how many later mentions repeat it.</summary>
    public int RepostCount { get; set; }
    /// <summary>The community member who wrote it, when their handle is linked (on their profile or by staff).</summary>
    public Guid? MemberId { get; set; }
    public Members.Member? Member { get; set; }

    /// <summary>Texts shorter than this are never grouped as reposts ("lol", "+1" are not copies of each other).</summary>
    public const int MinRepostLength = 24;
}

/// <summary>Where a mention's sentiment label comes from.</summary>
public enum SentimentOrigin
{
    Engine,
    Model,
    Staff,
}

/// <summary>A mention belongs to every listening query it matches: one row per pair, dated and labelled like the mention so counts by query, day and sentiment read one index.</summary>
public sealed class MentionMatch
{
    public long MentionId { get; set; }
    public Mention? Mention { get; set; }
    public int WatchId { get; set; }
    public Watch? Watch { get; set; }
    public DateTime PublishedAt { get; set; }
    public Analysis.SentimentLabel Sentiment { get; set; }
}

internal sealed class MentionMatchConfiguration : IEntityTypeConfiguration<MentionMatch>
{
    public void Configure(EntityTypeBuilder<MentionMatch> builder)
    {
        builder.HasKey(m => new { m.WatchId, m.MentionId });
        builder.HasIndex(m => m.MentionId);
        builder.HasIndex(m => new { m.WatchId, m.PublishedAt });
        builder.HasOne(m => m.Mention).WithMany(m => m.Matches).HasForeignKey(m => m.MentionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(m => m.Watch).WithMany().HasForeignKey(m => m.WatchId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MentionConfiguration : IEntityTypeConfiguration<Mention>
{
    public void Configure(EntityTypeBuilder<Mention> builder)
    {
        builder.Property(m => m.ExternalId).HasMaxLength(500).IsRequired();
        builder.HasIndex(m => new { m.SourceId, m.ExternalId }).IsUnique();
        builder.Property(m => m.Url).HasMaxLength(2000);
        builder.Property(m => m.Text).HasMaxLength(20_000).IsRequired();
        builder.Property(m => m.Language).HasMaxLength(8);
        builder.Property(m => m.ContentHash).HasMaxLength(64);
        builder.HasIndex(m => m.ContentHash);
        builder.HasIndex(m => m.PublishedAt);
        builder.Property(m => m.AuthorHandle).HasMaxLength(300);
        builder.Property(m => m.AuthorName).HasMaxLength(300);
        builder.Property(m => m.AuthorUrl).HasMaxLength(2000);
        builder.HasOne(m => m.Source).WithMany().HasForeignKey(m => m.SourceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(m => m.AuthorHandle);
        builder.HasIndex(m => m.OriginalId);
        builder.HasOne(m => m.Original).WithMany().HasForeignKey(m => m.OriginalId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne(m => m.Member).WithMany().HasForeignKey(m => m.MemberId).OnDelete(DeleteBehavior.SetNull);
    }
}
