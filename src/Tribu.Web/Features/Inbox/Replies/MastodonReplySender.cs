using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Listening.Sources;
using Tribu.Web.Features.SocialAccounts;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Inbox.Replies;

/// <summary>
/// Answers an item on Mastodon from a connected account: finds the status on the account's own instance (by id when it
/// came from there, else by resolving its address), replies with the author mentioned and the same visibility as the
/// status (a private mention is never answered in public), and sends the reply's idempotency key, so a retry after a
/// lost answer never posts twice.
/// </summary>
public sealed class MastodonReplySender(
    TribuDbContext db,
    MastodonApi api,
    SocialCredentials credentials,
    SocialAccountService accounts,
    IStringLocalizer<ManageStrings> l) : IReplySender
{
    public ReplyRoute Route => ReplyRoute.Mastodon;

    /// <summary>
    /// The account that answers, and the room left for the text: the instance's limit less the author's handle the reply
    /// starts with (Mastodon counts a handle of another server as its local part only).
    /// </summary>
    public async Task<ReplyTarget?> TargetAsync(InboxItem item, CancellationToken ct)
    {
        var subject = await SocialReplySubject.FindAsync(db, item, SocialNetwork.Mastodon, null, ct);
        if (subject is null || !Findable(subject)) return null;
        var limits = await api.LimitsAsync(MastodonApi.Instance(subject.Account.BaseUrl), ct);
        var author = item.AuthorHandle?.TrimStart('@').Split('@')[0];
        var own = subject.Account.Handle.Split('@')[0];
        var reserved = string.IsNullOrEmpty(author) || string.Equals(author, own, StringComparison.OrdinalIgnoreCase) ? 0 : author.Length + 2;
        return new ReplyTarget(Route, subject.Account.Id, "@" + subject.Account.Handle, limits.MaxCharacters - reserved);
    }

    public async Task<ReplySendResult> SendAsync(InboxItem item, InboxReply reply, CancellationToken ct)
    {
        var subject = await SocialReplySubject.FindAsync(db, item, SocialNetwork.Mastodon, reply.SocialAccountId, ct);
        if (subject is null) return ReplySendResult.Failed(SocialReplyErrors.NoAccount);
        var account = subject.Account;
        var token = credentials.Unprotect(account.ProtectedCredential);
        if (token is null)
        {
            await accounts.MarkUnauthorizedAsync(account.Id, SourceMessage.Encode("SocialAccounts.Problem.Unreadable"), ct);
            return ReplySendResult.Failed(SocialReplyErrors.Unauthorized, l["SocialAccounts.Problem.Unreadable"]);
        }
        var instance = MastodonApi.Instance(account.BaseUrl);
        try
        {
            if (!Findable(subject)) throw new SocialApiException(SocialFailure.NotFound, subject.ExternalId);
            var parent = subject.Native
                ? await api.GetStatusAsync(instance, token, subject.ExternalId, ct)
                : await api.ResolveAsync(instance, token, subject.Url!, ct) ?? throw new SocialApiException(SocialFailure.NotFound, subject.Url!);
            var text = Addressed(reply.Body.Trim(), parent.Acct, account.Handle);
            var limits = await api.LimitsAsync(instance, ct);
            var length = MastodonApi.Length(text, limits);
            if (length > limits.MaxCharacters)
            {
                return ReplySendResult.Failed(SocialReplyErrors.TooLong, string.Create(CultureInfo.InvariantCulture, $"{length}/{limits.MaxCharacters}"));
            }
            var status = await api.PostStatusAsync(instance, token, text, parent.Id, item.Language is "fr" or "en" ? item.Language : null, Visibility(parent.Visibility), reply.IdempotencyKey, ct);
            if (account.Status != SocialAccountStatus.Connected) await accounts.MarkHealthyAsync(account.Id, null, ct);
            return ReplySendResult.Sent(status.Id, status.Url);
        }
        catch (SocialApiException ex)
        {
            return await SocialReplyErrors.FailedAsync(ex, account, accounts, l, ct);
        }
    }

    /// <summary>
    /// Whether the status can be found on the account's instance: by its id there, or by its address. A status id of
    /// another server is never tried as it is: it could name some other status.
    /// </summary>
    private static bool Findable(SocialReplySubject subject) => subject.Native || subject.Url is not null;

    /// <summary>
    /// The reply's text, starting with the author's handle unless it already names them: on Mastodon only the accounts a
    /// status mentions are told of it (and only they see a direct one).
    /// </summary>
    internal static string Addressed(string body, string? authorAcct, string ownHandle)
    {
        if (string.IsNullOrEmpty(authorAcct)) return body;
        var own = ownHandle.Split('@')[0];
        if (string.Equals(authorAcct, own, StringComparison.OrdinalIgnoreCase) || string.Equals(authorAcct, ownHandle, StringComparison.OrdinalIgnoreCase)) return body;
        var handle = "@" + authorAcct;
        // "@alice" is named by "@alice," or "@alice.", not by "@alice2" nor "@alice@elsewhere".
        var named = Regex.IsMatch(body, $@"(?<![\w@]){Regex.Escape(handle)}(?![\w@])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return named ? body : $"{handle} {body}";
    }

    /// <summary>The reply is as visible as what it answers, never more.</summary>
    internal static string Visibility(string parent) => parent switch
    {
        "direct" => "direct",
        "private" => "private",
        "unlisted" => "unlisted",
        _ => "public",
    };
}
