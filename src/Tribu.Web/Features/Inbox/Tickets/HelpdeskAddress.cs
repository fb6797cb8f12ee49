using System.Net;
using System.Net.Mail;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Tribu.Web.Features.Inbox.Tickets;

/// <summary>Bound to <c>Inbox:Helpdesk</c>.</summary>
public sealed class HelpdeskOptions
{
    public const string Section = "Inbox:Helpdesk";

    /// <summary>
    /// Whether the helpdesk's webhook may be on a loopback, private or link-local address. Off by default: a manager must
    /// not be able to make the server call its own network (cloud metadata, admin pages). On for an intranet helpdesk and tests.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }
}

/// <summary>Checks the helpdesk's addresses: a webhook URL (http or https, not a private address unless allowed) and a mail address.</summary>
public sealed class HelpdeskAddress(IOptions<HelpdeskOptions> options)
{
    public const int MaxUrlLength = 2000;
    public const int MaxEmailLength = 320;

    /// <summary>
    /// Null when the URL may be called; otherwise the <c>UiStrings</c> key saying why not. The host is resolved: a name that
    /// leads to a private address is refused like the address itself (checked when saved and again before each ticket).
    /// </summary>
    public async Task<string?> CheckUrlAsync(string? url, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(url)) return "Inbox.Helpdesk.Error.UrlRequired";
        if (url.Length > MaxUrlLength || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            return "Inbox.Helpdesk.Error.UrlInvalid";
        }
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "Inbox.Helpdesk.Error.UrlInvalid";
        if (options.Value.AllowPrivateNetworks) return null;
        IPAddress[] addresses;
        if (IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(uri.IdnHost, ct);
            }
            catch (SocketException)
            {
                return "Inbox.Helpdesk.Error.UrlUnknownHost";
            }
        }
        if (addresses.Length == 0) return "Inbox.Helpdesk.Error.UrlUnknownHost";
        // Every address must be public: a name with one private address could be made to connect there.
        return addresses.Any(Platform.Security.PrivateNetworks.IsPrivate) ? "Inbox.Helpdesk.Error.UrlPrivate" : null;
    }

    /// <summary>Null when the address looks like a mail address; otherwise the <c>UiStrings</c> key saying why not.</summary>
    public static string? CheckEmail(string? email)
    {
        if (string.IsNullOrWhiteSpace(email)) return "Inbox.Helpdesk.Error.EmailRequired";
        var trimmed = email.Trim();
        return trimmed.Length <= MaxEmailLength && MailAddress.TryCreate(trimmed, out var parsed) && parsed.Address == trimmed && string.IsNullOrEmpty(parsed.DisplayName)
            ? null
            : "Inbox.Helpdesk.Error.EmailInvalid";
    }
}
