using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Localization;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Webhooks;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Inbox.Tickets;

/// <summary>
/// The helpdesk's status updates: <c>POST /api/v1/inbox/helpdesk/webhook</c> with
/// <c>{"ticket_id": "...", "status": "open|pending|solved|closed", "url"?: "...", "comment"?: "..."}</c>, signed with the inbound
/// secret of the helpdesk settings (docs/inbox-helpdesk.md). The signature is checked on the raw bytes before anything
/// is read: 401 when it is missing or wrong, or when its timestamp is too old (a captured call cannot be replayed
/// later); 400 naming the bad field; 404 for a ticket Tribu does not know. The same update twice changes nothing the second time.
/// </summary>
public static class HelpdeskWebhook
{
    public const int MaxBodyBytes = 64 * 1024;
    public const int MaxCommentLength = 5000;
    public const string SignatureHeader = "X-Tribu-Signature";
    public const string TimestampHeader = "X-Tribu-Timestamp";
    /// <summary>A signed timestamp further than this from now (either way) is refused.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    /// <summary>The helpdesk's status words, lower-case, and what each makes of the item.</summary>
    public static readonly IReadOnlyDictionary<string, InboxStatus> Statuses = new Dictionary<string, InboxStatus>(StringComparer.Ordinal)
    {
        ["new"] = InboxStatus.Open,
        ["open"] = InboxStatus.Open,
        ["reopened"] = InboxStatus.Open,
        ["pending"] = InboxStatus.Pending,
        ["hold"] = InboxStatus.Pending,
        ["on-hold"] = InboxStatus.Pending,
        ["solved"] = InboxStatus.Resolved,
        ["resolved"] = InboxStatus.Resolved,
        ["closed"] = InboxStatus.Closed,
    };

    public static async Task<IResult> ReceiveAsync(HttpContext http, TribuDbContext db, WebhookSecrets secrets, TicketService tickets, TimeProvider clock,
        IStringLocalizer<UiStrings> l, CancellationToken ct)
    {
        if (http.Request.ContentLength > MaxBodyBytes) return TooLarge(l);
        var body = await ReadAsync(http.Request.Body, ct);
        if (body is null) return TooLarge(l);

        var settings = await InboxSettingsStore.GetAsync(db, ct);
        var failure = CheckSignature(body, http.Request.Headers[SignatureHeader].ToString(), http.Request.Headers[TimestampHeader].ToString(),
            secrets.Unprotect(settings.ProtectedInboundSecret), clock.GetUtcNow());
        if (failure is not null) return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: l["Inbox.Helpdesk.Webhook.Unauthorized"], detail: l[failure]);

        var (update, errors) = Parse(body, l);
        if (update is null) return TypedResults.ValidationProblem(errors, title: l["Inbox.Helpdesk.Webhook.BadPayload"]);
        var result = await tickets.ApplyUpdateAsync(update, ct);
        return result is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: l["Inbox.Helpdesk.Webhook.UnknownTicket"], detail: l["Inbox.Helpdesk.Webhook.UnknownTicketDetail", update.TicketId ?? update.TicketKey ?? ""])
            : TypedResults.Ok(result);
    }

    /// <summary>
    /// Null when the signature is right; otherwise the <c>UiStrings</c> key saying why not. <c>sha256=</c> and the hex
    /// HMAC-SHA256 of the body with the secret; with a timestamp (Unix seconds), of <c>timestamp + "." + body</c>, and the
    /// timestamp must be within <see cref="MaxAge"/> of now.
    /// </summary>
    public static string? CheckSignature(byte[] body, string? signature, string? timestamp, string? secret, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(secret)) return "Inbox.Helpdesk.Webhook.NoSecret";
        const string prefix = "sha256=";
        if (string.IsNullOrWhiteSpace(signature) || !signature.Trim().StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return "Inbox.Helpdesk.Webhook.NoSignature";
        byte[] given;
        try
        {
            given = Convert.FromHexString(signature.Trim()[prefix.Length..]);
        }
        catch (FormatException)
        {
            return "Inbox.Helpdesk.Webhook.BadSignature";
        }
        var signed = body;
        if (!string.IsNullOrWhiteSpace(timestamp))
        {
            var stamp = timestamp.Trim();
            if (!long.TryParse(stamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 253402300799) return "Inbox.Helpdesk.Webhook.BadTimestamp";
            if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > MaxAge) return "Inbox.Helpdesk.Webhook.OldTimestamp";
            signed = [.. Encoding.ASCII.GetBytes(stamp + "."), .. body];
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return CryptographicOperations.FixedTimeEquals(expected, given) ? null : "Inbox.Helpdesk.Webhook.BadSignature";
    }

    /// <summary>The update, or the problems keyed by field (<c>ticket_id</c>, <c>status</c>, <c>url</c>, <c>comment</c>, <c>body</c>).</summary>
    internal static (HelpdeskUpdate? Update, Dictionary<string, string[]> Errors) Parse(byte[] body, IStringLocalizer l)
    {
        var errors = new Dictionary<string, string[]>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException)
        {
            errors["body"] = [l["Inbox.Helpdesk.Webhook.NotJson"]];
            return (null, errors);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors["body"] = [l["Inbox.Helpdesk.Webhook.NotObject"]];
                return (null, errors);
            }
            string? Text(string field, string? alias = null)
            {
                if (!root.TryGetProperty(field, out var value) && (alias is null || !root.TryGetProperty(alias, out value))) return null;
                switch (value.ValueKind)
                {
                    case JsonValueKind.Null:
                        return null;
                    case JsonValueKind.String:
                        return value.GetString()?.Trim() is { Length: > 0 } s ? s : null;
                    case JsonValueKind.Number when field == "ticket_id":
                        return value.GetRawText();
                    default:
                        errors[field] = [l["Inbox.Helpdesk.Webhook.NotString", field]];
                        return null;
                }
            }
            var ticketId = Text("ticket_id", "ticketId");
            var ticketKey = Text("ticket_key", "ticketKey");
            if (ticketId is { Length: > HelpdeskAnswer.MaxIdLength }) errors["ticket_id"] = [l["Inbox.Helpdesk.Webhook.TooLong", "ticket_id", HelpdeskAnswer.MaxIdLength]];
            else if (ticketId is null && ticketKey is null && !errors.ContainsKey("ticket_id")) errors["ticket_id"] = [l["Inbox.Helpdesk.Webhook.TicketRequired"]];

            var word = Text("status")?.ToLowerInvariant();
            InboxStatus mapsTo = default;
            if (word is null)
            {
                if (!errors.ContainsKey("status")) errors["status"] = [l["Inbox.Helpdesk.Webhook.StatusRequired", string.Join(", ", Statuses.Keys)]];
            }
            else if (!Statuses.TryGetValue(word, out mapsTo))
            {
                errors["status"] = [l["Inbox.Helpdesk.Webhook.StatusUnknown", word.Length > 40 ? word[..40] : word, string.Join(", ", Statuses.Keys)]];
            }

            var rawUrl = Text("url");
            var url = HelpdeskAnswer.SafeUrl(rawUrl);
            if (rawUrl is not null && url is null) errors["url"] = [l["Inbox.Helpdesk.Webhook.BadUrl"]];

            var comment = Text("comment");
            if (comment is { Length: > MaxCommentLength }) errors["comment"] = [l["Inbox.Helpdesk.Webhook.TooLong", "comment", MaxCommentLength]];

            return errors.Count > 0 ? (null, errors) : (new HelpdeskUpdate(ticketId, ticketKey, word!, mapsTo, url, comment), errors);
        }
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooLarge(IStringLocalizer l) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: l["Inbox.Helpdesk.Webhook.TooLarge", MaxBodyBytes / 1024]);

    private static async Task<byte[]?> ReadAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
