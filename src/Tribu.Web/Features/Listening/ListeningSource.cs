using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Listening;

public enum SourceKind
{
    Rss,
    Mastodon,
    Bluesky,
    Webhook,
    Csv,
}

/// <summary>Where mentions come from: a feed, a social network search, a webhook, an imported file.</summary>
public sealed class ListeningSource
{
    public const int NameMaxLength = 120;

    public int Id { get; set; }
    public SourceKind Kind { get; set; }
    public string Name { get; set; } = "";
    /// <summary>The feed or instance address (none for webhooks and imports).</summary>
    public string? Url { get; set; }
    /// <summary>Kind-specific settings as JSON (hashtags, search terms, account…).</summary>
    public string? Settings { get; set; }
    public bool IsEnabled { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    /// <summary>Where the next poll starts (a since_id, a cursor, an ETag…), persisted so a restart neither skips nor repeats.</summary>
    public string? Cursor { get; set; }
    public DateTime? LastPolledAt { get; set; }
    public string? LastError { get; set; }
    public int ItemCount { get; set; }
}

internal sealed class ListeningSourceConfiguration : IEntityTypeConfiguration<ListeningSource>
{
    public void Configure(EntityTypeBuilder<ListeningSource> builder)
    {
        builder.Property(s => s.Name).HasMaxLength(ListeningSource.NameMaxLength).IsRequired();
        builder.Property(s => s.Url).HasMaxLength(2000);
        builder.Property(s => s.Settings).HasMaxLength(20_000);
        builder.Property(s => s.Cursor).HasMaxLength(2000);
        builder.Property(s => s.LastError).HasMaxLength(2000);
    }
}
