using System.Text.Json;

namespace Tribu.Web.Features.Inbox.Tickets;

/// <summary>
/// The customer-service ticket of an inbox item, as the API and the item's page show it. <c>Error</c> is the last error: while
/// pending, of the last attempt (with <c>Attempts</c> and <c>NextAttemptAt</c>); once failed, why it failed for good.
/// <c>SentByEmail</c>: the ticket went to the helpdesk's address (its <c>TicketId</c> is the mail's Message-ID, no URL).
/// </summary>
public sealed record TicketResponse(
    long ItemId,
    TicketState State,
    HelpdeskMode Mode,
    string? HelpdeskName,
    string? TicketId,
    string? TicketUrl,
    string? HelpdeskStatus,
    bool SentByEmail,
    DateTime? RequestedAt,
    string? Error,
    int Attempts,
    DateTime? NextAttemptAt,
    bool CanCreate,
    bool CanRetry);

/// <summary>Asks for a ticket; internal notes are sent to the helpdesk only when <c>IncludeInternalNotes</c> is true.</summary>
public sealed record CreateTicketRequest(bool IncludeInternalNotes = false);

/// <summary>What an update from the helpdesk did: <c>Changed</c> is false when it had been received before.</summary>
public sealed record HelpdeskUpdateResponse(long ItemId, string? TicketId, string TicketStatus, InboxStatus ItemStatus, bool Changed);

/// <summary>
/// The helpdesk's answer to a ticket call: <c>{"id": "...", "url": "..."}</c>, also <c>ticket_id</c>/<c>ticketId</c> for the id,
/// <c>link</c>/<c>html_url</c>/<c>htmlUrl</c> for the address, at the top level or in a <c>ticket</c> object. An id may be a
/// string or a number; an address that is not http(s) is ignored.
/// </summary>
public readonly record struct HelpdeskAnswer(string? Id, string? Url)
{
    public const int MaxIdLength = 200;
    public const int MaxUrlLength = 2000;

    private static readonly string[] IdNames = ["id", "ticket_id", "ticketId"];
    private static readonly string[] UrlNames = ["url", "link", "html_url", "htmlUrl"];

    public static HelpdeskAnswer Parse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return default;
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return default;
            var top = Read(root);
            if (root.TryGetProperty("ticket", out var inner) && inner.ValueKind == JsonValueKind.Object)
            {
                var nested = Read(inner);
                return new HelpdeskAnswer(top.Id ?? nested.Id, top.Url ?? nested.Url);
            }
            return top;
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static HelpdeskAnswer Read(JsonElement o)
    {
        string? id = null;
        foreach (var name in IdNames)
        {
            if (!o.TryGetProperty(name, out var v)) continue;
            id = v.ValueKind switch
            {
                JsonValueKind.String => v.GetString()?.Trim(),
                JsonValueKind.Number => v.GetRawText(),
                _ => null,
            };
            if (!string.IsNullOrEmpty(id)) break;
        }
        string? url = null;
        foreach (var name in UrlNames)
        {
            if (o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && SafeUrl(v.GetString()) is { } safe)
            {
                url = safe;
                break;
            }
        }
        return new HelpdeskAnswer(string.IsNullOrEmpty(id) || id.Length > MaxIdLength ? null : id, url);
    }

    /// <summary>An absolute http(s) address (shown as a link: never <c>javascript:</c>), or null.</summary>
    public static string? SafeUrl(string? url) =>
        !string.IsNullOrWhiteSpace(url) && url.Length <= MaxUrlLength && Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri.AbsoluteUri
            : null;
}
