using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Listening.Sources;
using Tribu.Web.Features.SocialAccounts;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Inbox.Replies;

/// <summary>The failed-reply keys (<c>UiStrings</c>) the network senders give, and how a network failure maps onto them.</summary>
public static class SocialReplyErrors
{
    public const string Deleted = "Inbox.Reply.Error.Deleted";
    public const string Unauthorized = "Inbox.Reply.Error.Unauthorized";
    public const string TooLong = "Inbox.Reply.Error.TooLong";
    public const string RateLimited = "Inbox.Reply.Error.RateLimited";
    public const string Network = "Inbox.Reply.Error.Network";
    /// <summary>The network refused the reply for a reason of its own (its message is the detail).</summary>
    public const string Rejected = "Inbox.Reply.Error.Rejected";
    /// <summary>No enabled connected account can send it (deleted or disabled since).</summary>
    public const string NoAccount = "Inbox.Reply.Error.NoAccount";

    /// <summary>
    /// The result for a failure; refused credentials also mark the account <see cref="SocialAccountStatus.Unauthorized"/>.
    /// The detail is the network's message, or the transport's fault in the reader's language; never a credential.
    /// </summary>
    public static async Task<ReplySendResult> FailedAsync(SocialApiException ex, SocialAccount account, SocialAccountService accounts, IStringLocalizer<ManageStrings> l, CancellationToken ct)
    {
        var detail = SourceMessage.Localize(l, ex.Detail);
        switch (ex.Failure)
        {
            case SocialFailure.Unauthorized:
                await accounts.MarkUnauthorizedAsync(account.Id, ex.Detail, ct);
                return ReplySendResult.Failed(Unauthorized, detail);
            case SocialFailure.NotFound:
                return ReplySendResult.Failed(Deleted, detail);
            case SocialFailure.TooLong:
                return ReplySendResult.Failed(TooLong, detail);
            case SocialFailure.RateLimited:
                return ReplySendResult.Failed(RateLimited, ex.RetryAt is { } until ? $"{detail} (→ {until:yyyy-MM-dd HH:mm} UTC)" : detail);
            case SocialFailure.Rejected:
                return ReplySendResult.Failed(Rejected, detail);
            default:
                return ReplySendResult.Failed(Network, detail);
        }
    }
}
