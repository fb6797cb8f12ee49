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

    /// <summary>Minutes between two polls when all is well.</summary>
    public int PollIntervalMinutes { get; set; } = DefaultPollIntervalMinutes;
    /// <summary>When the poller next looks at it: pushed back after errors (back-off) and by a server's rate limit.</summary>
    public DateTime? NextPollAt { get; set; }
    /// <summary>Polls failed in a row; the back-off grows with it and a success resets it.</summary>
    public int ConsecutiveFailures { get; set; }
    public DateTime? LastSuccessAt { get; set; }
    /// <summary>A non-fatal fault of the last poll (a malformed feed read as far as possible, items skipped).</summary>
    public string? LastWarning { get; set; }
    /// <summary>The HMAC secret of a webhook source or an API token, protected with ASP.NET Data Protection.</summary>
    public string? ProtectedSecret { get; set; }

    public const int DefaultPollIntervalMinutes = 5;
    public const int MinPollIntervalMinutes = 1;
    public const int MaxPollIntervalMinutes = 24 * 60;

    /// <summary>Sources polled by the poller (the others receive or import their mentions).</summary>
    public bool IsPolled => Kind is SourceKind.Rss or SourceKind.Mastodon or SourceKind.Bluesky;
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
        builder.Property(s => s.LastWarning).HasMaxLength(2000);
        builder.Property(s => s.ProtectedSecret).HasMaxLength(2000);
        builder.HasIndex(s => s.NextPollAt);
    }
}
