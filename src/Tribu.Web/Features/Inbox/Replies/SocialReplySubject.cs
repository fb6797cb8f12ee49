using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Listening;
using Tribu.Web.Features.SocialAccounts;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Inbox.Replies;

/// <summary>
/// What a network reply answers and from which account: the post's id there, its address, and whether that id is the
/// account's own server's (a direct mention read from the account's notifications, a mention heard on the account's
/// instance) or must be looked up there first (a Mastodon status heard through another instance).
/// </summary>
internal sealed record SocialReplySubject(SocialAccount Account, string ExternalId, string? Url, bool Native)
{
    /// <summary>
    /// The subject of an item on <paramref name="network"/>: a direct mention is answered by the account it named; a
    /// listening mention from a source of that network by <paramref name="accountId"/> when given, else the first enabled
    /// account of the network, one on the same instance as the source first. Null when the item cannot be answered there.
    /// </summary>
    public static async Task<SocialReplySubject?> FindAsync(TribuDbContext db, InboxItem item, SocialNetwork network, int? accountId, CancellationToken ct)
    {
        if (item.Channel == InboxChannel.DirectMention)
        {
            if (item.SocialAccountId is not { } named || string.IsNullOrEmpty(item.ExternalId)) return null;
            var account = await db.SocialAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == named && a.Network == network && a.IsEnabled, ct);
            return account is null ? null : new SocialReplySubject(account, item.ExternalId, item.Url, Native: true);
        }
        if (item.Channel != InboxChannel.Mention || item.MentionId is not { } mentionId) return null;
        var kind = network == SocialNetwork.Mastodon ? SourceKind.Mastodon : SourceKind.Bluesky;
        var mention = await db.Mentions.AsNoTracking().Where(m => m.Id == mentionId && m.Source!.Kind == kind)
            .Select(m => new { m.ExternalId, m.Url, SourceUrl = m.Source!.Url }).FirstOrDefaultAsync(ct);
        if (mention is null) return null;
        var externalId = string.IsNullOrEmpty(item.ExternalId) ? mention.ExternalId : item.ExternalId;
        var sourceHost = Host(mention.SourceUrl);
        var candidates = await db.SocialAccounts.AsNoTracking()
            .Where(a => a.Network == network && a.IsEnabled && (accountId == null || a.Id == accountId)).OrderBy(a => a.Id).ToListAsync(ct);
        var chosen = candidates
            .OrderByDescending(a => sourceHost is not null && string.Equals(Host(a.BaseUrl), sourceHost, StringComparison.OrdinalIgnoreCase))
            .ThenByDescending(a => a.Status == SocialAccountStatus.Connected)
            .FirstOrDefault();
        if (chosen is null) return null;
        // A Mastodon status id means something on the server that gave it only; an AT URI is the same everywhere.
        var native = network == SocialNetwork.Bluesky || (sourceHost is not null && string.Equals(Host(chosen.BaseUrl), sourceHost, StringComparison.OrdinalIgnoreCase));
        return new SocialReplySubject(chosen, externalId, item.Url ?? mention.Url, native);
    }

    /// <summary>The server of an address (host and port: two servers may share a host).</summary>
    private static string? Host(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Authority : null;
}
