using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tribu.Web.Features.Listening;

/// <summary>What a listening query watches for: the brand itself, a competitor (for share of voice), or a theme.</summary>
public enum WatchKind
{
    Brand,
    Competitor,
    Theme,
}

/// <summary>Which mentions of a query need a human answer: flags, combined with "or".</summary>
[Flags]
public enum InboxWhen
{
    Never = 0,
    /// <summary>Negative sentiment.</summary>
    Negative = 1,
    /// <summary>Asks something (a question mark, or a question word at the start of a sentence).</summary>
    Question = 2,
    /// <summary>By an author with at least the inbox's influencer threshold of followers.</summary>
    Influencer = 4,
    /// <summary>Every mention (originals only: reposts never enter).</summary>
    All = 8,
}

/// <summary>
/// A listening query ("veille"): a name, the query text (<see cref="Analysis.ListeningQuery"/>), optional language and
/// source filters, and what should raise an alert. Mentions it matches are linked by <see cref="MentionMatch"/>.
/// </summary>
public sealed class Watch
{
    public const int NameMaxLength = 120;
    public const int DefaultSpikeFactor = 3;
    public const int DefaultSpikeMinimum = 10;
    public const int DefaultNegativeSharePercent = 40;
    public const int DefaultNegativeMinimum = 8;

    public int Id { get; set; }
    public string Name { get; set; } = "";
    public WatchKind Kind { get; set; }
    /// <summary>The query as typed; it parses (checked on save).</summary>
    public string Query { get; set; } = "";
    /// <summary>Comma-separated language codes ("fr,en"); empty for every language.</summary>
    public string? Languages { get; set; }
    /// <summary>Comma-separated source ids; empty for every source.</summary>
    public string? SourceIds { get; set; }
    public bool IsActive { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public Guid? CreatedById { get; set; }

    // Alerts (one per episode, see the alerts feature).
    /// <summary>A second query: a mention matching both raises a keyword alert at once ("rappel", "danger", "plainte").</summary>
    public string? AlertKeywords { get; set; }
    public bool AlertOnSpike { get; set; } = true;
    /// <summary>A spike is this many times the usual volume for the hour…</summary>
    public int SpikeFactor { get; set; } = DefaultSpikeFactor;
    /// <summary>…and at least this many mentions in the hour (so 3 instead of 1 is not a spike).</summary>
    public int SpikeMinimum { get; set; } = DefaultSpikeMinimum;
    public bool AlertOnNegativeSurge { get; set; } = true;
    /// <summary>The bad-buzz early warning: the negative share of the last hour's mentions reaches this percentage…</summary>
    public int NegativeSharePercent { get; set; } = DefaultNegativeSharePercent;
    /// <summary>…with at least this many negative mentions.</summary>
    public int NegativeMinimum { get; set; } = DefaultNegativeMinimum;
    /// <summary>A mention by an author with at least this many followers raises an alert; null for never.</summary>
    public int? BigAuthorFollowers { get; set; }
    /// <summary>Comma-separated addresses told of each new alert by e-mail.</summary>
    public string? AlertEmails { get; set; }
    /// <summary>An address that receives each new alert as signed JSON.</summary>
    public string? AlertWebhookUrl { get; set; }
    /// <summary>The alert webhook's HMAC secret, protected with ASP.NET Data Protection.</summary>
    public string? ProtectedAlertWebhookSecret { get; set; }

    /// <summary>Which of its mentions enter the inbox as needing a response.</summary>
    public InboxWhen InboxWhen { get; set; }

    public IReadOnlyList<string> LanguageList => Split(Languages);
    public IReadOnlyList<int> SourceIdList => [.. Split(SourceIds).Select(s => int.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : 0).Where(id => id > 0)];

    private static string[] Split(string? list) => string.IsNullOrWhiteSpace(list) ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

internal sealed class WatchConfiguration : IEntityTypeConfiguration<Watch>
{
    public void Configure(EntityTypeBuilder<Watch> builder)
    {
        builder.Property(w => w.Name).HasMaxLength(Watch.NameMaxLength).IsRequired();
        builder.HasIndex(w => w.Name).IsUnique();
        builder.Property(w => w.Query).HasMaxLength(Analysis.ListeningQuery.MaxLength).IsRequired();
        builder.Property(w => w.Languages).HasMaxLength(100);
        builder.Property(w => w.SourceIds).HasMaxLength(1000);
        builder.Property(w => w.AlertKeywords).HasMaxLength(Analysis.ListeningQuery.MaxLength);
        builder.Property(w => w.AlertEmails).HasMaxLength(2000);
        builder.Property(w => w.AlertWebhookUrl).HasMaxLength(2000);
        builder.Property(w => w.ProtectedAlertWebhookSecret).HasMaxLength(2000);
        builder.Property(w => w.InboxWhen).HasConversion<int>();
        builder.Ignore(w => w.LanguageList);
        builder.Ignore(w => w.SourceIdList);
    }
}
