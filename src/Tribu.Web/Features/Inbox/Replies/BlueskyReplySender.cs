using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Listening.Sources;
using Tribu.Web.Features.SocialAccounts;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Inbox.Replies;

/// <summary>
/// Answers an item on Bluesky from a connected account: reads the post (<c>app.bsky.feed.getPosts</c>) for its CID and its
/// thread's root, then creates the reply record with strong references to both. The record key is a TID made from the
/// reply's creation time and idempotency key: every attempt to send the same reply names the same record, an attempt
/// finds the record an earlier one made (a crash, a lost answer) instead of posting again, and the PDS refuses a duplicate.
/// </summary>
public sealed class BlueskyReplySender(
    TribuDbContext db,
    BlueskyApi api,
    SocialCredentials credentials,
    SocialAccountService accounts,
    IStringLocalizer<ManageStrings> l) : IReplySender
{
    public ReplyRoute Route => ReplyRoute.Bluesky;

    public async Task<ReplyTarget?> TargetAsync(InboxItem item, CancellationToken ct)
    {
        var subject = await SocialReplySubject.FindAsync(db, item, SocialNetwork.Bluesky, null, ct);
        return subject is null ? null : new ReplyTarget(Route, subject.Account.Id, "@" + subject.Account.Handle, BlueskyApi.MaxGraphemes);
    }

    public async Task<ReplySendResult> SendAsync(InboxItem item, InboxReply reply, CancellationToken ct)
    {
        var subject = await SocialReplySubject.FindAsync(db, item, SocialNetwork.Bluesky, reply.SocialAccountId, ct);
        if (subject is null) return ReplySendResult.Failed(SocialReplyErrors.NoAccount);
        var account = subject.Account;
        var password = credentials.Unprotect(account.ProtectedCredential);
        if (password is null)
        {
            await accounts.MarkUnauthorizedAsync(account.Id, SourceMessage.Encode("SocialAccounts.Problem.Unreadable"), ct);
            return ReplySendResult.Failed(SocialReplyErrors.Unauthorized, l["SocialAccounts.Problem.Unreadable"]);
        }
        var text = reply.Body.Trim();
        var length = BlueskyApi.Length(text);
        if (length > BlueskyApi.MaxGraphemes)
        {
            return ReplySendResult.Failed(SocialReplyErrors.TooLong, string.Create(CultureInfo.InvariantCulture, $"{length}/{BlueskyApi.MaxGraphemes}"));
        }
        var login = accounts.BlueskyLogin(account, password);
        var rkey = Tid.ForReply(DateTime.SpecifyKind(reply.CreatedAt, DateTimeKind.Utc), reply.IdempotencyKey);
        try
        {
            if (await api.GetOwnPostAsync(login, rkey, ct) is { } earlier) return await SentAsync(login, account, earlier.Uri, ct);
            var parent = await api.GetPostAsync(login, subject.ExternalId, ct) ?? throw new SocialApiException(SocialFailure.NotFound, subject.ExternalId);
            var parentRef = StrongRef(parent) ?? throw new SocialApiException(SocialFailure.NotFound, subject.ExternalId);
            // A reply to a reply belongs to the same thread: its root is the parent's root.
            var root = (parent["record"]?["reply"]?["root"] is JsonObject r ? StrongRef(r) : null) ?? StrongRef(parent)!;
            var record = new JsonObject
            {
                ["$type"] = BlueskyApi.PostCollection,
                ["text"] = text,
                ["createdAt"] = DateTime.SpecifyKind(reply.CreatedAt, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                ["reply"] = new JsonObject { ["root"] = root, ["parent"] = parentRef },
            };
            if (item.Language is "fr" or "en") record["langs"] = new JsonArray(item.Language);
            if (BlueskyApi.LinkFacets(text) is { Count: > 0 } facets) record["facets"] = facets;
            string uri;
            try
            {
                (uri, _) = await api.CreatePostAsync(login, rkey, record, ct);
            }
            catch (SocialApiException ex) when (ex.Failure is SocialFailure.Network or SocialFailure.Rejected)
            {
                // Another attempt made it meanwhile (the PDS refuses a second record under the key), or the answer was lost.
                if (await api.GetOwnPostAsync(login, rkey, ct) is { } made) return await SentAsync(login, account, made.Uri, ct);
                throw;
            }
            return await SentAsync(login, account, uri, ct);
        }
        catch (SocialApiException ex)
        {
            return await SocialReplyErrors.FailedAsync(ex, account, accounts, l, ct);
        }
    }

    private async Task<ReplySendResult> SentAsync(BlueskyLogin login, SocialAccount account, string uri, CancellationToken ct)
    {
        var session = await api.SessionAsync(login, ct);
        if (account.Status != SocialAccountStatus.Connected) await accounts.MarkHealthyAsync(account.Id, null, ct);
        return ReplySendResult.Sent(uri, BlueskyApi.WebUrl(session.Handle, uri));
    }

    /// <summary>A <c>com.atproto.repo.strongRef</c> (uri and cid) of a postView or a reference.</summary>
    private static JsonObject? StrongRef(JsonObject node)
    {
        var uri = SocialResponse.Str(node, "uri");
        var cid = SocialResponse.Str(node, "cid");
        return uri is null || cid is null ? null : new JsonObject { ["uri"] = uri, ["cid"] = cid };
    }
}
