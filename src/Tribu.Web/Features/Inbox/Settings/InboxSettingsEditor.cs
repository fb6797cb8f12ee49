using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Inbox.Settings;

/// <summary>
/// Changes the inbox's intake and SLA settings (the helpdesk's are someone else's: left as they are). New targets apply
/// to items that arrive afterwards, and to an item whose priority changes; items already in the queue keep their dates.
/// </summary>
public sealed class InboxSettingsEditor(TribuDbContext db, IStringLocalizer<UiStrings> l, TimeProvider clock)
{
    public const int MaxQuestionHours = 720;
    public const int MaxFollowers = 1_000_000_000;
    public const int MinWarnPercent = 10;
    public const int MaxWarnPercent = 99;
    /// <summary>The longest SLA target: 90 days.</summary>
    public const int MaxTargetMinutes = 90 * 24 * 60;

    public static readonly InboxPriority[] Priorities = [InboxPriority.Urgent, InboxPriority.High, InboxPriority.Normal, InboxPriority.Low];

    public async Task<Change<InboxSettings>> SaveAsync(InboxSettingsRequest request, CancellationToken ct = default)
    {
        var settings = await InboxSettingsStore.GetAsync(db, ct);
        var errors = Validate(settings, request);
        if (errors.Count > 0) return Change<InboxSettings>.Invalid(errors);
        settings.QuestionUnansweredHours = request.QuestionUnansweredHours ?? settings.QuestionUnansweredHours;
        settings.InfluencerFollowers = request.InfluencerFollowers ?? settings.InfluencerFollowers;
        settings.WarnAtPercent = request.WarnAtPercent ?? settings.WarnAtPercent;
        foreach (var priority in Priorities)
        {
            var (first, resolution) = Targets(settings, request, priority);
            Set(settings, priority, first, resolution);
        }
        settings.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return Change<InboxSettings>.Ok(settings);
    }

    /// <summary>The request's problems against the current settings, keyed like the API's fields ("Urgent.ResolutionMinutes").</summary>
    public Dictionary<string, string[]> Validate(InboxSettings current, InboxSettingsRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        Range(errors, nameof(InboxSettingsRequest.QuestionUnansweredHours), request.QuestionUnansweredHours, 1, MaxQuestionHours);
        Range(errors, nameof(InboxSettingsRequest.InfluencerFollowers), request.InfluencerFollowers, 1, MaxFollowers);
        Range(errors, nameof(InboxSettingsRequest.WarnAtPercent), request.WarnAtPercent, MinWarnPercent, MaxWarnPercent);
        foreach (var priority in Priorities)
        {
            var (first, resolution) = Targets(current, request, priority);
            var firstOk = TargetOk(errors, TargetField(priority, first: true), first);
            var resolutionOk = TargetOk(errors, TargetField(priority, first: false), resolution);
            if (firstOk && resolutionOk && resolution < first)
            {
                errors[TargetField(priority, first: false)] = [l["Inbox.Settings.ResolutionBeforeFirst", l["Inbox.Config.Priority." + priority].Value]];
            }
        }
        return errors;
    }

    /// <summary>The error key of a target: <c>Urgent.FirstResponseMinutes</c>, <c>Low.ResolutionMinutes</c>…</summary>
    public static string TargetField(InboxPriority priority, bool first) =>
        $"{priority}.{(first ? nameof(SlaTargetRequest.FirstResponseMinutes) : nameof(SlaTargetRequest.ResolutionMinutes))}";

    private bool TargetOk(Dictionary<string, string[]> errors, string field, int minutes)
    {
        if (minutes is >= 1 and <= MaxTargetMinutes) return true;
        errors[field] = [l["Inbox.Settings.TargetRange"]];
        return false;
    }

    private void Range(Dictionary<string, string[]> errors, string field, int? value, int min, int max)
    {
        if (value is { } v && (v < min || v > max)) errors[field] = [l["Inbox.Settings.OutOfRange", min, max]];
    }

    private static (int First, int Resolution) Targets(InboxSettings current, InboxSettingsRequest request, InboxPriority priority)
    {
        var asked = priority switch
        {
            InboxPriority.Urgent => request.Urgent,
            InboxPriority.High => request.High,
            InboxPriority.Normal => request.Normal,
            _ => request.Low,
        };
        var (first, resolution) = current.TargetsFor(priority);
        return (asked?.FirstResponseMinutes ?? first, asked?.ResolutionMinutes ?? resolution);
    }

    private static void Set(InboxSettings s, InboxPriority priority, int first, int resolution)
    {
        switch (priority)
        {
            case InboxPriority.Urgent: (s.UrgentFirstResponseMinutes, s.UrgentResolutionMinutes) = (first, resolution); break;
            case InboxPriority.High: (s.HighFirstResponseMinutes, s.HighResolutionMinutes) = (first, resolution); break;
            case InboxPriority.Normal: (s.NormalFirstResponseMinutes, s.NormalResolutionMinutes) = (first, resolution); break;
            default: (s.LowFirstResponseMinutes, s.LowResolutionMinutes) = (first, resolution); break;
        }
    }
}
