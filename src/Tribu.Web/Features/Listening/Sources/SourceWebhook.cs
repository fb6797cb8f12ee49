using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Listening.Ingestion;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Listening.Sources;

/// <summary>What a webhook delivery did.</summary>
public sealed record WebhookResult(int Received, int Added, int Duplicates);

/// <summary>
/// The inbound webhook of a source (Zapier, Make, n8n, another network's bridge): <c>POST /api/v1/listening/sources/{id}/webhook</c>
/// with one mention or <c>{"mentions": [...]}</c>, signed with the source's secret (docs/listening-webhook.md). The signature is
/// checked on the raw bytes before anything is read; a bad one stores nothing. Items are stored once per id, so a
/// delivery sent twice adds nothing the second time.
/// </summary>
public static class SourceWebhook
{
    public const int MaxBodyBytes = 1024 * 1024;
    public const int MaxMentions = 1000;
    public const string SignatureHeader = "X-Tribu-Signature";
    public const string TimestampHeader = "X-Tribu-Timestamp";
    /// <summary>A signed timestamp older (or further ahead) than this is refused: a captured delivery cannot be replayed later.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    public static async Task<IResult> ReceiveAsync(int id, HttpContext http, TribuDbContext db, SourceSecrets secrets, MentionIngestor ingestor, TimeProvider clock,
        IStringLocalizer<ManageStrings> l, CancellationToken ct)
    {
        var source = await db.ListeningSources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id && s.Kind == SourceKind.Webhook, ct);
        if (source is null) return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: l["Webhook.NotFound"]);
        if (http.Request.ContentLength > MaxBodyBytes) return TooLarge(l);
        var body = await ReadAsync(http.Request.Body, ct);
        if (body is null) return TooLarge(l);

        var secret = secrets.Unprotect(source.ProtectedSecret);
        var failure = CheckSignature(body, http.Request.Headers[SignatureHeader].ToString(), http.Request.Headers[TimestampHeader].ToString(), secret, clock.GetUtcNow());
        if (failure is not null) return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: l["Webhook.Unauthorized"], detail: l[failure]);
        if (!source.IsEnabled) return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: l["Webhook.Disabled"]);

        var (items, errors) = Parse(body, l);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: l["Webhook.BadPayload"]);
        var result = await ingestor.IngestAsync(source.Id, items, null, ct);
        return TypedResults.Ok(new WebhookResult(result.Received, result.Added, result.Duplicates));
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooLarge(IStringLocalizer l) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: l["Webhook.TooLarge", MaxBodyBytes / 1024]);

    private static async Task<byte[]?> ReadAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// Null when the signature is right; otherwise the <c>ManageStrings</c> key saying why not. The signature is
    /// <c>sha256=</c> and the hex HMAC-SHA256 of the body with the secret; with a timestamp header (Unix seconds) it is the
    /// HMAC of <c>timestamp + "." + body</c> and the timestamp must be within <see cref="MaxAge"/> of now.
    /// </summary>
    public static string? CheckSignature(byte[] body, string? signature, string? timestamp, string? secret, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(secret)) return "Webhook.NoSecret";
        if (string.IsNullOrWhiteSpace(signature) || !signature.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase)) return "Webhook.NoSignature";
        byte[] given;
        try
        {
            given = Convert.FromHexString(signature.AsSpan(7).Trim());
        }
        catch (FormatException)
        {
            return "Webhook.BadSignature";
        }
        var signed = body;
        if (!string.IsNullOrWhiteSpace(timestamp))
        {
            if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return "Webhook.BadTimestamp";
            var at = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
            if ((now - at).Duration() > MaxAge) return "Webhook.OldTimestamp";
            signed = [.. Encoding.ASCII.GetBytes(timestamp.Trim() + "."), .. body];
        }
        var expected = Sign(signed, secret);
        return CryptographicOperations.FixedTimeEquals(expected, given) ? null : "Webhook.BadSignature";
    }

    public static byte[] Sign(byte[] payload, string secret) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), payload);

    /// <summary>The payload as mentions, or every problem found, keyed by where it is (<c>mentions[3].id</c>).</summary>
    internal static (List<IncomingMention> Items, Dictionary<string, string[]> Errors) Parse(byte[] body, IStringLocalizer l)
    {
        var items = new List<IncomingMention>();
        var errors = new Dictionary<string, string[]>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            errors["body"] = [l["Webhook.NotJson", (ex.LineNumber ?? 0) + 1, (ex.BytePositionInLine ?? 0) + 1]];
            return (items, errors);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors["body"] = [l["Webhook.NotObject"]];
                return (items, errors);
            }
            if (root.TryGetProperty("mentions", out var list))
            {
                if (list.ValueKind != JsonValueKind.Array) errors["mentions"] = [l["Webhook.MentionsNotArray"]];
                else if (list.GetArrayLength() == 0) errors["mentions"] = [l["Webhook.MentionsEmpty"]];
                else if (list.GetArrayLength() > MaxMentions) errors["mentions"] = [l["Webhook.TooMany", MaxMentions]];
                else
                {
                    var i = 0;
                    foreach (var element in list.EnumerateArray())
                    {
                        if (ParseMention(element, $"mentions[{i}]", errors, l) is { } mention) items.Add(mention);
                        i++;
                    }
                }
            }
            else if (ParseMention(root, "", errors, l) is { } single)
            {
                items.Add(single);
            }
        }
        return (items, errors);
    }

    private static IncomingMention? ParseMention(JsonElement element, string at, Dictionary<string, string[]> errors, IStringLocalizer l)
    {
        string Path(string field) => at.Length == 0 ? field : $"{at}.{field}";
        void Error(string field, string message) => errors[Path(field)] = [message];
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors[at.Length == 0 ? "body" : at] = [l["Webhook.ItemNotObject", at]];
            return null;
        }
        var before = errors.Count;
        string? Text(string field, int max)
        {
            if (!element.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind != JsonValueKind.String)
            {
                Error(field, l["Webhook.NotString", Path(field)]);
                return null;
            }
            var s = value.GetString();
            if (s is not null && s.Length > max) Error(field, l["Webhook.TooLong", Path(field), max]);
            return s;
        }
        string? id = null;
        if (element.TryGetProperty("id", out var idValue) && idValue.ValueKind == JsonValueKind.Number) id = idValue.GetRawText();
        else id = Text("id", MentionIngestor.MaxExternalIdLength);
        if (string.IsNullOrWhiteSpace(id)) Error("id", l["Webhook.IdRequired", Path("id")]);
        var text = Text("text", MentionIngestor.MaxTextLength);
        var html = Text("html", MentionIngestor.MaxTextLength * 4);
        if (string.IsNullOrWhiteSpace(text) && string.IsNullOrWhiteSpace(html)) Error("text", l["Webhook.TextRequired", Path("text")]);
        var url = Text("url", 2000);
        if (url is not null && MentionIngestor.SafeUrl(url) is null) Error("url", l["Webhook.BadUrl", Path("url")]);
        DateTime? published = null;
        if (Text("publishedAt", 64) is { } date)
        {
            if (DateTimeOffset.TryParse(date, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) published = parsed.UtcDateTime;
            else Error("publishedAt", l["Webhook.BadDate", Path("publishedAt"), date]);
        }
        var language = Text("language", 16);
        IncomingAuthor? author = null;
        if (element.TryGetProperty("author", out var a) && a.ValueKind != JsonValueKind.Null)
        {
            if (a.ValueKind != JsonValueKind.Object) Error("author", l["Webhook.AuthorNotObject", Path("author")]);
            else
            {
                string? Field(string name)
                {
                    if (!a.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
                    if (v.ValueKind == JsonValueKind.String) return v.GetString();
                    Error($"author.{name}", l["Webhook.NotString", Path($"author.{name}")]);
                    return null;
                }
                int? followers = null;
                if (a.TryGetProperty("followers", out var f) && f.ValueKind != JsonValueKind.Null)
                {
                    if (f.ValueKind == JsonValueKind.Number && f.TryGetInt32(out var n) && n >= 0) followers = n;
                    else Error("author.followers", l["Webhook.BadFollowers", Path("author.followers")]);
                }
                var authorUrl = Field("url");
                if (authorUrl is not null && MentionIngestor.SafeUrl(authorUrl) is null) Error("author.url", l["Webhook.BadUrl", Path("author.url")]);
                author = new IncomingAuthor(Field("handle"), Field("name"), authorUrl, followers);
            }
        }
        if (errors.Count > before) return null;
        var isHtml = string.IsNullOrWhiteSpace(text);
        return new IncomingMention(id!, isHtml ? html : text, isHtml, url, published, language, author);
    }
}
