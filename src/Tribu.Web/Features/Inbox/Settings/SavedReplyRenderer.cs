using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Tribu.Web.Features.Admin;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Localization;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Inbox.Settings;

/// <summary>
/// Fills a saved reply for an inbox item: the body in the item's language (French for "fr", English otherwise; the other
/// one when that language is missing), its variables from the item, the agent answering, the community and the helpdesk.
/// </summary>
public sealed class SavedReplyRenderer(
    TribuDbContext db, SiteSettingsService site, IStringLocalizer<UiStrings> l, IHttpContextAccessor http, IOptions<SiteOptions> siteOptions)
{
    /// <summary>The language of the body used ("en" or "fr") and the text, filled for <paramref name="item"/> as <paramref name="agentId"/> would send it.</summary>
    public async Task<(string Language, string Text)> RenderAsync(SavedReply reply, InboxItem item, Guid agentId, CancellationToken ct = default)
    {
        var (language, body) = Choose(reply, item.Language);
        var values = await ValuesAsync(item, agentId, ct);
        return (language, ReplyTemplate.Render(body, values));
    }

    /// <summary>The body for an item's language: French for "fr", English for anything else, the other when that one is empty.</summary>
    public static (string Language, string Body) Choose(SavedReply reply, string? itemLanguage)
    {
        var en = string.IsNullOrWhiteSpace(reply.BodyEn) ? null : reply.BodyEn;
        var fr = string.IsNullOrWhiteSpace(reply.BodyFr) ? null : reply.BodyFr;
        if (itemLanguage == "fr") return fr is not null ? ("fr", fr) : ("en", en ?? "");
        return en is not null ? ("en", en) : ("fr", fr ?? "");
    }

    /// <summary>Every variable's value for an item (a value may be null: no ticket yet, no topic).</summary>
    public async Task<Dictionary<string, string?>> ValuesAsync(InboxItem item, Guid agentId, CancellationToken ct = default)
    {
        var member = item.AuthorMemberId is { } memberId
            ? await db.Users.AsNoTracking().Where(u => u.Id == memberId && u.ErasedAt == null).Select(u => new { u.DisplayName, u.Handle }).FirstOrDefaultAsync(ct)
            : null;
        var topic = item.TopicId is { } topicId
            ? await db.Topics.AsNoTracking().Where(t => t.Id == topicId).Select(t => new { t.Id, t.Title, t.Slug }).FirstOrDefaultAsync(ct)
            : null;
        var handle = !string.IsNullOrWhiteSpace(item.AuthorHandle) ? item.AuthorHandle : member is not null ? "@" + member.Handle : null;
        var name = FirstNonBlank(member?.DisplayName, item.AuthorName);
        var url = !string.IsNullOrWhiteSpace(item.Url) ? item.Url
            : topic is not null ? $"{BaseUrl}/t/{topic.Id.ToString(CultureInfo.InvariantCulture)}/{topic.Slug}" : null;
        var agent = await db.Users.AsNoTracking().Where(u => u.Id == agentId).Select(u => u.DisplayName).FirstOrDefaultAsync(ct);
        var helpdesk = await HelpdeskNameAsync(ct);
        return new Dictionary<string, string?>
        {
            ["first_name"] = FirstName(name) ?? HandleName(handle),
            ["name"] = name ?? HandleName(handle),
            ["handle"] = handle,
            ["topic_title"] = topic?.Title,
            ["item_url"] = url,
            ["agent_name"] = agent,
            ["agent_first_name"] = FirstName(agent),
            ["community_name"] = (await site.GetAsync(ct)).CommunityName,
            ["ticket_id"] = item.TicketId,
            ["ticket_url"] = item.TicketUrl,
            ["helpdesk_name"] = helpdesk,
        };
    }

    /// <summary>
    /// Example values for the editor's preview, in <paramref name="language"/>: an invented author and topic, the person
    /// typing as the agent, the real community and helpdesk names.
    /// </summary>
    public async Task<Dictionary<string, string?>> SampleValuesAsync(string language, Guid? agentId, CancellationToken ct = default)
    {
        var agent = agentId is { } id ? await db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => u.DisplayName).FirstOrDefaultAsync(ct) : null;
        agent ??= LocalizationFeature.InLanguage(language, () => l["Inbox.Variables.SampleAgent"].Value);
        var helpdesk = await HelpdeskNameAsync(ct);
        var (topic, fallbackHelpdesk) = LocalizationFeature.InLanguage(language, () => (l["Inbox.Variables.SampleTopic"].Value, l["Inbox.Variables.SampleHelpdesk"].Value));
        return new Dictionary<string, string?>
        {
            ["first_name"] = "Camille",
            ["name"] = "Camille Martin",
            ["handle"] = "@camille@social.example",
            ["topic_title"] = topic,
            ["item_url"] = $"{BaseUrl}/t/1234",
            ["agent_name"] = agent,
            ["agent_first_name"] = FirstName(agent),
            ["community_name"] = (await site.GetAsync(ct)).CommunityName,
            ["ticket_id"] = "48213",
            ["ticket_url"] = "https://support.example.com/tickets/48213",
            ["helpdesk_name"] = string.IsNullOrWhiteSpace(helpdesk) ? fallbackHelpdesk : helpdesk,
        };
    }

    /// <summary>The first word of a name ("Inès" for "Inès Dupont (Véloria)").</summary>
    public static string? FirstName(string? name)
    {
        var word = name?.Trim().Split([' ', '\t', '\n'], 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim(',', ';', ':', '(', ')', '"');
        return string.IsNullOrEmpty(word) ? null : word;
    }

    /// <summary>A name made from a handle when there is no name: "camille" for "@camille@social.example" or "@camille.bsky.social".</summary>
    public static string? HandleName(string? handle)
    {
        var bare = handle?.Trim().TrimStart('@');
        if (string.IsNullOrEmpty(bare)) return null;
        var cut = bare.IndexOfAny(['@', '.']);
        return cut > 0 ? bare[..cut] : bare;
    }

    // Read only: filling a reply never writes (the caller's unit of work may hold a reply being sent).
    private Task<string?> HelpdeskNameAsync(CancellationToken ct) =>
        db.InboxSettings.AsNoTracking().OrderBy(s => s.Id).Select(s => s.HelpdeskName).FirstOrDefaultAsync(ct);

    private static string? FirstNonBlank(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    private string BaseUrl => http.HttpContext is { } c ? $"{c.Request.Scheme}://{c.Request.Host}{c.Request.PathBase}" : siteOptions.Value.PublicUrl.TrimEnd('/');
}
