using Microsoft.Extensions.Localization;

namespace Tribu.Web.Features.Inbox;

/// <summary>How the inbox pages write durations and people.</summary>
public static class InboxFormat
{
    /// <summary>"12 min", "2 h 05", "3 d 4 h": short, and precise enough for an SLA.</summary>
    public static string Duration(IStringLocalizer l, TimeSpan span)
    {
        if (span < TimeSpan.Zero) span = span.Negate();
        if (span.TotalMinutes < 1) return l["Inbox.Duration.LessThanMinute"];
        if (span.TotalHours < 1) return l["Inbox.Duration.Minutes", (int)span.TotalMinutes];
        if (span.TotalDays < 1) return l["Inbox.Duration.Hours", (int)span.TotalHours, span.Minutes.ToString("00", System.Globalization.CultureInfo.InvariantCulture)];
        return l["Inbox.Duration.Days", (int)span.TotalDays, span.Hours];
    }

    public static string Minutes(IStringLocalizer l, double? minutes) => minutes is { } m ? Duration(l, TimeSpan.FromMinutes(m)) : "—";
}
