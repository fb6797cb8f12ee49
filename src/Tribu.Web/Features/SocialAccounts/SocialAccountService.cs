using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Listening.Sources;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.SocialAccounts;

/// <summary>
/// An account to connect. Mastodon: <c>Url</c> is the instance and <c>Credential</c> an access token. Bluesky: <c>Url</c> is
/// the service (empty for https://bsky.social), <c>Handle</c> the account's handle and <c>Credential</c> an app password.
/// <c>Name</c> is optional (the handle by default). The credential is never returned.
/// </summary>
public sealed record SocialAccountRequest(SocialNetwork? Network, string? Name = null, string? Url = null, string? Handle = null, string? Credential = null);

/// <summary>The outcome of connecting or reconnecting: the account, or the problems by field in the reader's language.</summary>
public sealed record SocialAccountSaveResult(SocialAccount? Account, Dictionary<string, string[]> Errors);

/// <summary>
/// Connecting, checking, reconnecting, enabling and deleting the brand's accounts, shared by the console and the API; and
/// the account's health as the senders and the notifications poller find it. A credential is saved only once the network
/// has accepted it (and said whose it is); it is stored protected, never logged, never shown.
/// </summary>
public sealed partial class SocialAccountService(
    TribuDbContext db,
    SocialCredentials credentials,
    MastodonApi mastodon,
    BlueskyApi bluesky,
    TimeProvider clock,
    IStringLocalizer<ManageStrings> l,
    ILogger<SocialAccountService> logger)
{
    private const int CredentialMaxLength = 1000;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<SocialAccountSaveResult> ConnectAsync(SocialAccountRequest request, Guid? by, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Network is not { } network || !Enum.IsDefined(network))
        {
            errors["Network"] = [l["SocialAccounts.NetworkInvalid"]];
            return new SocialAccountSaveResult(null, errors);
        }
        var name = (request.Name ?? "").Trim();
        if (name.Length > SocialAccount.NameMaxLength) errors["Name"] = [l["SocialAccounts.NameInvalid", SocialAccount.NameMaxLength]];
        var url = BaseUrl(network, request.Url, errors);
        var credential = (request.Credential ?? "").Trim();
        if (credential.Length is 0 or > CredentialMaxLength) errors["Credential"] = [l[network == SocialNetwork.Mastodon ? "SocialAccounts.TokenRequired" : "SocialAccounts.AppPasswordRequired"]];
        var handle = (request.Handle ?? "").Trim().TrimStart('@');
        if (network == SocialNetwork.Bluesky && (handle.Length is 0 or > 253 || handle.Contains(' ', StringComparison.Ordinal))) errors["Handle"] = [l["SocialAccounts.HandleRequired"]];
        if (errors.Count > 0 || url is null) return new SocialAccountSaveResult(null, errors);

        var verified = await VerifyAsync(network, url, network == SocialNetwork.Bluesky ? handle : null, credential, errors, ct);
        if (verified is null) return new SocialAccountSaveResult(null, errors);
        if (await db.SocialAccounts.AnyAsync(a => a.Network == network && a.Handle == verified.Value.Handle, ct))
        {
            errors[network == SocialNetwork.Mastodon ? "Credential" : "Handle"] = [l["SocialAccounts.AlreadyConnected", verified.Value.Handle]];
            return new SocialAccountSaveResult(null, errors);
        }

        var now = Now;
        var account = new SocialAccount
        {
            Network = network,
            Name = name.Length > 0 ? name : verified.Value.Handle,
            BaseUrl = url,
            Handle = verified.Value.Handle,
            ExternalAccountId = verified.Value.Id,
            ProtectedCredential = credentials.Protect(credential),
            Status = SocialAccountStatus.Connected,
            LastCheckedAt = now,
            CreatedAt = now,
            CreatedById = by,
        };
        db.SocialAccounts.Add(account);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Connected a moment ago by someone else (the unique network + handle index).
            db.ChangeTracker.Clear();
            errors[network == SocialNetwork.Mastodon ? "Credential" : "Handle"] = [l["SocialAccounts.AlreadyConnected", verified.Value.Handle]];
            return new SocialAccountSaveResult(null, errors);
        }
        LogConnected(logger, account.Id, network, account.Handle);
        return new SocialAccountSaveResult(account, errors);
    }

    /// <summary>Replaces an account's credential (a new token, a new app password), once the network says it is the same account's.</summary>
    public async Task<SocialAccountSaveResult> ReconnectAsync(int id, string? credential, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        var account = await db.SocialAccounts.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (account is null) return new SocialAccountSaveResult(null, new() { [""] = [l["SocialAccounts.NotFound"]] });
        credential = (credential ?? "").Trim();
        if (credential.Length is 0 or > CredentialMaxLength)
        {
            errors["Credential"] = [l[account.Network == SocialNetwork.Mastodon ? "SocialAccounts.TokenRequired" : "SocialAccounts.AppPasswordRequired"]];
            return new SocialAccountSaveResult(null, errors);
        }
        var verified = await VerifyAsync(account.Network, account.BaseUrl, account.ExternalAccountId ?? account.Handle, credential, errors, ct);
        if (verified is null) return new SocialAccountSaveResult(null, errors);
        if (account.ExternalAccountId is not null && verified.Value.Id != account.ExternalAccountId)
        {
            errors["Credential"] = [l["SocialAccounts.OtherAccount", verified.Value.Handle, account.Handle]];
            return new SocialAccountSaveResult(null, errors);
        }
        account.ProtectedCredential = credentials.Protect(credential);
        account.Handle = verified.Value.Handle;
        account.ExternalAccountId = verified.Value.Id;
        account.Status = SocialAccountStatus.Connected;
        account.LastError = null;
        account.LastCheckedAt = Now;
        account.ConsecutiveFailures = 0;
        account.NextPollAt = null;
        await db.SaveChangesAsync(ct);
        bluesky.Forget(account.Id);
        LogReconnected(logger, account.Id);
        return new SocialAccountSaveResult(account, errors);
    }

    /// <summary>Asks the network whether the stored credential still works, and records the answer.</summary>
    public async Task<SocialAccount?> CheckAsync(int id, CancellationToken ct = default)
    {
        var account = await db.SocialAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (account is null) return null;
        var credential = credentials.Unprotect(account.ProtectedCredential);
        if (credential is null)
        {
            await MarkUnauthorizedAsync(id, SourceMessage.Encode("SocialAccounts.Problem.Unreadable"), ct);
        }
        else
        {
            try
            {
                if (account.Network == SocialNetwork.Mastodon) await mastodon.VerifyCredentialsAsync(MastodonApi.Instance(account.BaseUrl), credential, ct);
                else
                {
                    // A real log-in, not the session in memory: the app password itself is what is checked.
                    bluesky.Forget(id);
                    await bluesky.SessionAsync(BlueskyLogin(account, credential), ct);
                }
                await MarkHealthyAsync(id, null, ct);
            }
            catch (SocialApiException ex) when (ex.Failure == SocialFailure.Unauthorized)
            {
                await MarkUnauthorizedAsync(id, ex.Detail, ct);
            }
            catch (SocialApiException ex)
            {
                await MarkFailingAsync(id, ex.Detail, null, ct);
            }
        }
        return await db.SocialAccounts.AsNoTracking().FirstAsync(a => a.Id == id, ct);
    }

    public async Task<bool> SetEnabledAsync(int id, bool enabled, CancellationToken ct = default) =>
        await db.SocialAccounts.Where(a => a.Id == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.IsEnabled, enabled).SetProperty(a => a.NextPollAt, (DateTime?)null), ct) > 0;

    /// <summary>Deletes the account (its credential with it). Inbox items and replies keep their history; their link to it is cleared.</summary>
    public async Task<bool> DeleteAsync(int id, CancellationToken ct = default)
    {
        var account = await db.SocialAccounts.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (account is null) return false;
        db.SocialAccounts.Remove(account);
        await db.SaveChangesAsync(ct);
        bluesky.Forget(id);
        LogDeleted(logger, id);
        return true;
    }

    /// <summary>The network refused the account's credential: replies and polling stop until it is reconnected.</summary>
    public Task MarkUnauthorizedAsync(int id, string message, CancellationToken ct = default)
    {
        var now = Now;
        // A key of ours is stored as it is; the network's own words are stored inside "refused by the network: …".
        var stored = l[message.Split('\u001f')[0]].ResourceNotFound ? SourceMessage.Encode("SocialAccounts.Problem.Refused", message) : message;
        LogUnauthorized(logger, id);
        return db.SocialAccounts.Where(a => a.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.Status, SocialAccountStatus.Unauthorized).SetProperty(a => a.LastError, stored).SetProperty(a => a.LastCheckedAt, now), CancellationToken.None);
    }

    /// <summary>A call through the account failed for another reason: it is counted and the next poll waits longer (doubling, up to six hours).</summary>
    public async Task<DateTime> MarkFailingAsync(int id, string message, DateTime? notBefore, CancellationToken ct = default)
    {
        var now = Now;
        var failures = await db.SocialAccounts.Where(a => a.Id == id).Select(a => a.ConsecutiveFailures).FirstOrDefaultAsync(ct) + 1;
        var next = now + SourcePoller.Backoff(PollInterval, failures);
        if (notBefore is { } wait && wait > next) next = wait;
        await db.SocialAccounts.Where(a => a.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.Status, SocialAccountStatus.Failing).SetProperty(a => a.LastError, message).SetProperty(a => a.LastCheckedAt, now)
            .SetProperty(a => a.ConsecutiveFailures, failures).SetProperty(a => a.NextPollAt, next), CancellationToken.None);
        return next;
    }

    /// <summary>A call through the account worked: connected, no error, no back-off.</summary>
    public Task MarkHealthyAsync(int id, DateTime? notBefore = null, CancellationToken ct = default)
    {
        var now = Now;
        return db.SocialAccounts.Where(a => a.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.Status, SocialAccountStatus.Connected).SetProperty(a => a.LastError, (string?)null).SetProperty(a => a.LastCheckedAt, now)
            .SetProperty(a => a.ConsecutiveFailures, 0).SetProperty(a => a.NextPollAt, notBefore), CancellationToken.None);
    }

    /// <summary>How often notifications are read when all is well (the job runs every 30 seconds).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(30);

    public BlueskyLogin BlueskyLogin(SocialAccount account, string password) =>
        new(account.Id, BlueskyApi.Service(account.BaseUrl), account.ExternalAccountId ?? account.Handle, password, SocialCredentials.Fingerprint(account.ProtectedCredential));

    /// <summary>The network's answer to the credential: the account's id there and its full handle; null with the problem in <paramref name="errors"/>.</summary>
    private async Task<(string Id, string Handle)?> VerifyAsync(SocialNetwork network, string url, string? identifier, string credential, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        var host = new Uri(url).Host;
        try
        {
            if (network == SocialNetwork.Mastodon)
            {
                var account = await mastodon.VerifyCredentialsAsync(MastodonApi.Instance(url), credential, ct);
                var username = SocialResponse.Str(account, "username") ?? SocialResponse.Str(account, "acct") ?? "";
                return (SocialResponse.Str(account, "id")!, username.Contains('@', StringComparison.Ordinal) ? username : $"{username}@{host}");
            }
            var session = await bluesky.CreateSessionAsync(BlueskyApi.Service(url), identifier!, credential, ct);
            return (session.Did, session.Handle);
        }
        catch (SocialApiException ex)
        {
            switch (ex.Failure)
            {
                case SocialFailure.Unauthorized:
                    errors["Credential"] = [l[network == SocialNetwork.Mastodon ? "SocialAccounts.TokenRefused" : "SocialAccounts.AppPasswordRefused", ex.Detail]];
                    break;
                case SocialFailure.NotFound or SocialFailure.Rejected:
                    errors["Url"] = [l[network == SocialNetwork.Mastodon ? "SocialAccounts.NotMastodon" : "SocialAccounts.NotBluesky", host]];
                    break;
                default:
                    errors["Url"] = [l["SocialAccounts.Unreachable", host, SourceMessage.Localize(l, ex.Detail)]];
                    break;
            }
            LogRefused(logger, network, host, ex.Failure);
            return null;
        }
    }

    private string? BaseUrl(SocialNetwork network, string? raw, Dictionary<string, string[]> errors)
    {
        var value = raw?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            if (network == SocialNetwork.Bluesky) return BlueskyApi.DefaultService;
            errors["Url"] = [l["SocialAccounts.InstanceRequired"]];
            return null;
        }
        if (!value.Contains("://", StringComparison.Ordinal)) value = "https://" + value;
        if (value.Length > 2000 || !Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            errors["Url"] = [l[network == SocialNetwork.Mastodon ? "SocialAccounts.InstanceRequired" : "SocialAccounts.ServiceInvalid"]];
            return null;
        }
        return uri.GetLeftPart(UriPartial.Authority);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Social account {AccountId} connected ({Network} {Handle}).")]
    private static partial void LogConnected(ILogger logger, int accountId, SocialNetwork network, string handle);

    [LoggerMessage(Level = LogLevel.Information, Message = "Social account {AccountId} reconnected with a new credential.")]
    private static partial void LogReconnected(ILogger logger, int accountId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Social account {AccountId} deleted.")]
    private static partial void LogDeleted(ILogger logger, int accountId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Social account {AccountId}: the network refused its credential.")]
    private static partial void LogUnauthorized(ILogger logger, int accountId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connecting a {Network} account on {Host} failed: {Failure}.")]
    private static partial void LogRefused(ILogger logger, SocialNetwork network, string host, SocialFailure failure);
}
