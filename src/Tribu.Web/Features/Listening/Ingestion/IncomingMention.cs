namespace Tribu.Web.Features.Listening.Ingestion;

/// <summary>An author as a source describes them; every field optional.</summary>
public sealed record IncomingAuthor(string? Handle, string? Name = null, string? Url = null, int? Followers = null);

/// <summary>
/// A mention as a connector read it, before analysis: the source's own id for it, its content (HTML from feeds and
/// Mastodon, plain text from Bluesky, CSV and most webhooks), where it lives, when it was published, the language the
/// source declares, and its author.
/// </summary>
public sealed record IncomingMention(
    string ExternalId,
    string? Content,
    bool IsHtml = false,
    string? Url = null,
    DateTime? PublishedAt = null,
    string? Language = null,
    IncomingAuthor? Author = null);

/// <summary>What one call to <see cref="MentionIngestor.IngestAsync"/> did.</summary>
/// <param name="Received">Items handed in.</param>
/// <param name="Added">Mentions stored (new ones).</param>
/// <param name="Duplicates">Items already stored for the source (or twice in the batch): skipped.</param>
/// <param name="Rejected">Items without an id or any text, with why (their index in the batch).</param>
/// <param name="Mentions">The stored mentions, as the observers saw them.</param>
public sealed record IngestResult(int Received, int Added, int Duplicates, IReadOnlyList<RejectedItem> Rejected, IReadOnlyList<IngestedMention> Mentions);

/// <summary>An item the pipeline could not store: its position in the batch and a <c>UiStrings</c> key saying why.</summary>
public sealed record RejectedItem(int Index, string Key);

/// <summary>A stored mention as the pipeline's observers (alerts) see it, with the queries it matched.</summary>
public sealed record IngestedMention(
    long Id,
    int SourceId,
    string Text,
    string Language,
    Analysis.SentimentLabel Sentiment,
    double SentimentScore,
    string? AuthorHandle,
    int? AuthorFollowers,
    DateTime PublishedAt,
    bool IsRepost,
    IReadOnlyList<int> WatchIds,
    Analysis.MentionWords Words);

/// <summary>Told after each committed batch of new mentions (the alerts feature is one). Runs after the commit: a failure here never loses a mention.</summary>
public interface IMentionObserver
{
    Task MentionsAddedAsync(IReadOnlyList<IngestedMention> mentions, CancellationToken ct);
}
