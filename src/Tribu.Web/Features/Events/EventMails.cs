using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Platform.Email;
using Tribu.Web.Platform.Localization;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Events;

/// <summary>A string of <see cref="UiStrings"/> in the mail's language.</summary>
public delegate string Translate(string key, params object[] args);

/// <summary>
/// The mails about one event (reminders, changes, cancellation), in the member's language: a heading, a lead line, when
/// and where, a link to the event and why the member receives it.
/// </summary>
public sealed class EventMails(IStringLocalizerFactory localizers, NotificationMails links)
{
    /// <summary>
    /// A mail to <paramref name="to"/> in <paramref name="language"/> about <paramref name="ev"/> of <paramref name="community"/>:
    /// the subject from <paramref name="subjectKey"/> (a key taking the community's name and the event's title), an optional lead
    /// (what changed, why it was cancelled) written with the mail's strings, and <paramref name="whyKey"/> explaining why the
    /// member receives it; <paramref name="kind"/> names it in the outbox.
    /// </summary>
    public OutgoingEmail Compose(string to, string language, CommunityEvent ev, string community, string subjectKey, Func<Translate, string?> lead, string whyKey, string kind)
    {
        language = language is "fr" ? "fr" : "en";
        var l = localizers.Create(typeof(UiStrings));
        string T(string key, params object[] args) => LocalizationFeature.InLanguage(language, () => l[key, args].Value);
        var when = LocalizationFeature.InLanguage(language, () => EventTime.Range(ev.StartsAt, ev.EndsAt, ev.TimeZone));
        var subject = T(subjectKey, community, ev.Title);
        var first = lead(T);
        var where = ev.IsOnline ? T("Events.Online") : ev.Place ?? "";
        var url = $"{links.BaseUrl}/events/{ev.Id.ToString(CultureInfo.InvariantCulture)}";
        var enc = HtmlEncoder.Default;
        var html = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html><html lang=\"{language}\"><head><meta charset=\"utf-8\"><title>{enc.Encode(subject)}</title></head>")
            .Append("<body style=\"font-family:system-ui,sans-serif;max-width:560px;margin:auto;padding:24px\">")
            .Append(CultureInfo.InvariantCulture, $"<h1 style=\"font-size:20px\">{enc.Encode(ev.Title)}</h1>");
        if (first is not null) html.Append(CultureInfo.InvariantCulture, $"<p><strong>{enc.Encode(first)}</strong></p>");
        html.Append(CultureInfo.InvariantCulture, $"<p>{enc.Encode(T("Events.Mail.When", when))}</p>")
            .Append(CultureInfo.InvariantCulture, $"<p>{enc.Encode(T("Events.Mail.Where", where))}</p>")
            .Append(CultureInfo.InvariantCulture, $"<p><a href=\"{enc.Encode(url)}\">{enc.Encode(T("Events.Mail.Open"))}</a></p>")
            .Append(CultureInfo.InvariantCulture, $"<p style=\"font-size:13px;color:#555\">{enc.Encode(T(whyKey))}</p></body></html>");
        var text = new StringBuilder().Append(ev.Title).Append("\n\n");
        if (first is not null) text.Append(first).Append("\n\n");
        text.Append(T("Events.Mail.When", when)).Append('\n').Append(T("Events.Mail.Where", where))
            .Append("\n\n").Append(T("Events.Mail.Open")).Append(": ").Append(url).Append("\n\n").Append(T(whyKey)).Append('\n');
        return new OutgoingEmail(to, subject, html.ToString(), text.ToString(), kind);
    }
}
