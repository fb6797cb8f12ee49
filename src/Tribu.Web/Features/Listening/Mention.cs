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
    }
}
