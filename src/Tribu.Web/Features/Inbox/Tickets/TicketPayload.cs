using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Listening.Analysis;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Email;
using Tribu.Web.Platform.Localization;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Inbox.Tickets;

/// <summary>The body of an <c>inbox.ticket.create</c> webhook call (docs/inbox-helpdesk.md, docs/inbox-ticket.schema.json).</summary>
public sealed record TicketPayload(
    string Event,
    string TicketKey,
    DateTime RequestedAt,
    string? RequestedBy,
    bool IncludesInternalNotes,
    TicketPayload.ItemPart Item,
    TicketPayload.AuthorPart Author,
    IReadOnlyList<TicketPayload.Message> Conversation,
    string TribuUrl)
{
    public sealed record ItemPart(long Id, InboxChannel Channel, string Subject, string Text, string Language, string? Url, InboxPriority Priority, IReadOnlyList<string> Tags,
        InboxStatus Status, SentimentLabel Sentiment, DateTime OccurredAt, DateTime CreatedAt);

    public sealed record AuthorPart(string? Handle, string? Name, int? Followers, string? ProfileUrl);

    /// <summary>One message of the conversation: <c>original</c> (what the customer said), <c>reply</c> (sent from Tribu) or <c>note</c> (internal).</summary>
    public sealed record Message(string Type, DateTime At, string? Author, string Text, string? Url);
}

/// <summary>
/// What is sent to the helpdesk about an item: its text, its author, the conversation (the original, the replies sent
/// from Tribu and, only when asked, the internal notes) and a link back. The same content makes the webhook's JSON and
/// the e-mail.
/// </summary>
public sealed class TicketComposer(TribuDbContext db, IStringLocalizerFactory localizers)
{
    public const string CreateEvent = "inbox.ticket.create";
    public const string TestEvent = "inbox.ticket.test";
    public const string MailKind = "inbox-ticket";
    public const string TestMailKind = "inbox-ticket-test";
    /// <summary>The conversation keeps the original and the latest messages up to this count; each text is cut at <see cref="MaxTextLength"/>.</summary>
    public const int MaxMessages = 50;
    public const int MaxTextLength = 10_000;

    /// <summary>
    /// The key of an item's one logical ticket, the same on every delivery and retry (header <c>X-Tribu-Ticket-Key</c>,
    /// <c>ticketKey</c> in the payload): its id and the second it entered the inbox, so a reinstalled Tribu whose ids start
    /// again never collides with an older ticket.
    /// </summary>
    public static string TicketKey(InboxItem item) =>
        string.Create(CultureInfo.InvariantCulture, $"inbox-{item.Id}-{item.CreatedAt:yyyyMMdd'T'HHmmss'Z'}");

    /// <summary>The item's id in a ticket key, or null when it is not one.</summary>
    public static long? ItemIdOf(string? ticketKey)
    {
        var parts = ticketKey?.Split('-');
        return parts is { Length: 3 } && parts[0] == "inbox" && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
    }

    public static string ItemPath(long itemId) => "/manage/inbox/items/" + itemId.ToString(CultureInfo.InvariantCulture);

    public async Task<TicketPayload> PayloadAsync(InboxItem item, Guid? requestedBy, bool includeNotes, string baseUrl, DateTime now, CancellationToken ct)
    {
        var requester = requestedBy is { } who ? await db.Users.AsNoTracking().Where(u => u.Id == who).Select(u => u.DisplayName).FirstOrDefaultAsync(ct) : null;
        var profile = item.AuthorMemberId is { } member
            ? await db.Users.AsNoTracking().Where(u => u.Id == member).Select(u => u.Handle).FirstOrDefaultAsync(ct)
            : null;
        return new TicketPayload(
            CreateEvent, TicketKey(item), now, requester, includeNotes,
            new TicketPayload.ItemPart(item.Id, item.Channel, item.Subject, item.Excerpt, item.Language, item.Url, item.Priority, [.. item.TagList], item.Status, item.Sentiment,
                item.OccurredAt, item.CreatedAt),
            new TicketPayload.AuthorPart(item.AuthorHandle, item.AuthorName, item.AuthorFollowers, profile is null ? null : $"{baseUrl}/u/{Uri.EscapeDataString(profile)}"),
            await ConversationAsync(item, includeNotes, ct),
            baseUrl + ItemPath(item.Id));
    }

    /// <summary>The original, then replies sent (and notes when asked) in time order, the oldest cut first when there are too many.</summary>
    private async Task<List<TicketPayload.Message>> ConversationAsync(InboxItem item, bool includeNotes, CancellationToken ct)
    {
        var replies = await db.InboxReplies.AsNoTracking().Where(r => r.ItemId == item.Id && r.State == ReplyState.Sent)
            .OrderByDescending(r => r.SentAt).Take(MaxMessages)
            .Select(r => new { At = r.SentAt ?? r.CreatedAt, Author = r.Author!.DisplayName, r.Body, r.Url }).ToListAsync(ct);
        var messages = replies.Select(r => new TicketPayload.Message("reply", r.At, r.Author, Cut(r.Body), r.Url)).ToList();
        if (includeNotes)
        {
            var notes = await db.InboxEvents.AsNoTracking().Where(e => e.ItemId == item.Id && e.Kind == InboxEventKind.Note)
                .OrderByDescending(e => e.At).Take(MaxMessages)
                .Select(e => new { e.At, Author = e.Actor == null ? null : e.Actor.DisplayName, e.Text }).ToListAsync(ct);
            messages.AddRange(notes.Select(n => new TicketPayload.Message("note", n.At, n.Author, Cut(n.Text ?? ""), null)));
        }
        var original = new TicketPayload.Message("original", item.OccurredAt, item.AuthorName ?? item.AuthorHandle, Cut(item.Excerpt), item.Url);
        return [original, .. messages.OrderBy(m => m.At).TakeLast(MaxMessages - 1)];
    }

    /// <summary>The mail to the helpdesk's address, in the site's language, from the community's address with no personal reply-to.</summary>
    public OutgoingEmail Mail(string to, TicketPayload payload, string language, string community, string? helpdeskName, string kind = MailKind)
    {
        var l = localizers.Create(typeof(UiStrings));
        string T(string key, params object[] args) => LocalizationFeature.InLanguage(language, () => l[key, args].Value);
        var culture = CultureInfo.GetCultureInfo(language);
        var enc = HtmlEncoder.Default;
        var item = payload.Item;
        var author = payload.Author.Name is { } name && payload.Author.Handle is { } handle ? $"{name} ({handle})" : payload.Author.Name ?? payload.Author.Handle ?? T("Inbox.Ticket.Mail.Unknown");
        var subject = T(kind == TestMailKind ? "Inbox.Ticket.Mail.TestSubject" : "Inbox.Ticket.Mail.Subject", community, item.Subject);
        var intro = T("Inbox.Ticket.Mail.Intro", community, helpdeskName ?? T("Inbox.Helpdesk.DefaultName"));
        var facts = new List<(string Label, string Value)>
        {
            (T("Inbox.Ticket.Mail.Reference"), payload.TicketKey),
            (T("Inbox.Ticket.Mail.Author"), author),
            (T("Inbox.Ticket.Mail.Channel"), T("Inbox.Ticket.Channel." + item.Channel)),
            (T("Inbox.Ticket.Mail.Priority"), T("Inbox.Ticket.Priority." + item.Priority)),
        };
        if (payload.Author.ProfileUrl is { } profile) facts.Add((T("Inbox.Ticket.Mail.Profile"), profile));
        if (item.Url is { } original) facts.Add((T("Inbox.Ticket.Mail.Original"), original));
        if (item.Tags.Count > 0) facts.Add((T("Inbox.Ticket.Mail.Tags"), string.Join(", ", item.Tags)));

        var html = new StringBuilder($"<!DOCTYPE html><html lang=\"{language}\"><head><meta charset=\"utf-8\"><title>{enc.Encode(subject)}</title></head>")
            .Append("<body style=\"font-family:system-ui,sans-serif;max-width:640px;margin:auto;padding:24px\">")
            .Append(CultureInfo.InvariantCulture, $"<h1 style=\"font-size:20px\">{enc.Encode(item.Subject)}</h1><p>{enc.Encode(intro)}</p><dl>");
        var text = new StringBuilder().Append(item.Subject).Append("\n\n").Append(intro).Append("\n\n");
        foreach (var (label, value) in facts)
        {
            html.Append(CultureInfo.InvariantCulture, $"<dt><strong>{enc.Encode(label)}</strong></dt><dd>{enc.Encode(value)}</dd>");
            text.Append(label).Append(": ").Append(value).Append('\n');
        }
        html.Append(CultureInfo.InvariantCulture, $"</dl><h2 style=\"font-size:16px\">{enc.Encode(T("Inbox.Ticket.Mail.Conversation"))}</h2>");
        text.Append('\n').Append(T("Inbox.Ticket.Mail.Conversation")).Append("\n\n");
        foreach (var m in payload.Conversation)
        {
            var header = T("Inbox.Ticket.Mail.Message." + m.Type, m.Author ?? T("Inbox.Ticket.Mail.Unknown"), m.At.ToString("f", culture) + " UTC");
            html.Append(CultureInfo.InvariantCulture, $"<p><strong>{enc.Encode(header)}</strong></p><blockquote style=\"border-left:3px solid #999;margin:0 0 16px;padding-left:12px;white-space:pre-wrap\">{enc.Encode(m.Text)}</blockquote>");
            text.Append("— ").Append(header).Append('\n').Append(m.Text).Append("\n\n");
        }
        html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{enc.Encode(payload.TribuUrl)}\">{enc.Encode(T("Inbox.Ticket.Mail.Open"))}</a></p>")
            .Append(CultureInfo.InvariantCulture, $"<p style=\"font-size:13px;color:#555\">{enc.Encode(T("Inbox.Ticket.Mail.Why", community))}</p></body></html>");
        text.Append(T("Inbox.Ticket.Mail.Open")).Append(": ").Append(payload.TribuUrl).Append("\n\n").Append(T("Inbox.Ticket.Mail.Why", community)).Append('\n');
        return new OutgoingEmail(to, Cut(subject, 300), html.ToString(), text.ToString(), kind);
    }

    private static string Cut(string text, int max = MaxTextLength) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
