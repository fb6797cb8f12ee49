namespace Tribu.Web.Features.Inbox;

/// <summary>
/// Sends an inbox reply to where the item lives: the community, or a network through a connected account. The inbox
/// writes the reply (state <see cref="ReplyState.Sending"/>, with its idempotency key) before calling, and records the
/// outcome; a sender only talks to its network.
/// </summary>
public interface IReplySender
{
    ReplyRoute Route { get; }

    /// <summary>Whether this sender can answer the item, and as what (null when it cannot: an RSS mention, no connected account).</summary>
    Task<ReplyTarget?> TargetAsync(InboxItem item, CancellationToken ct);

    Task<ReplySendResult> SendAsync(InboxItem item, InboxReply reply, CancellationToken ct);
}

/// <summary>Where a reply would go: the route, the connected account (for networks), and a label ("@brand@mastodon.social").</summary>
public sealed record ReplyTarget(ReplyRoute Route, int? SocialAccountId, string Label, int? MaxLength);

/// <summary>
/// What sending did: sent (with the reply's id and address there), or failed with a <c>UiStrings</c> key saying why in
/// the reader's language (<c>Inbox.Reply.Error.Deleted</c>, <c>.Unauthorized</c>, <c>.TooLong</c>, <c>.Network</c>…) and
/// the network's own message.
/// </summary>
public sealed record ReplySendResult(bool Ok, string? ExternalId = null, string? Url = null, string? ErrorKey = null, string? Detail = null)
{
    public static ReplySendResult Sent(string? externalId, string? url) => new(true, externalId, url);
    public static ReplySendResult Failed(string errorKey, string? detail = null) => new(false, ErrorKey: errorKey, Detail: detail);
}

/// <summary>A post on a network that names one of the brand's connected accounts, as the account's notifications give it.</summary>
public sealed record DirectMention(
    int SocialAccountId,
    string ExternalId,
    string Text,
    string? Url,
    DateTime PublishedAt,
    string? Language,
    string? AuthorHandle,
    string? AuthorName,
    int? AuthorFollowers);
