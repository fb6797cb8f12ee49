using Microsoft.Extensions.Localization;

namespace Tribu.Web.Features.Inbox.Settings;

/// <summary>A rule's conditions and actions as short sentences for the rules list, in the reader's language.</summary>
public static class RuleText
{
    public sealed record Names(IReadOnlyDictionary<int, string> Watches, IReadOnlyDictionary<int, string> Spaces, IReadOnlyDictionary<int, string> Teams, IReadOnlyDictionary<Guid, string> People);

    public static IEnumerable<string> Conditions(InboxRule rule, Names names, IStringLocalizer l)
    {
        if (rule.WatchId is { } w) yield return l["Inbox.Rules.When.Watch", names.Watches.GetValueOrDefault(w) ?? "#" + w];
        if (rule.SpaceId is { } s) yield return l["Inbox.Rules.When.Space", names.Spaces.GetValueOrDefault(s) ?? "#" + s];
        if (rule.Language is { } lang) yield return l["Inbox.Rules.When.Language", l["Listening.Language." + lang].Value];
        if (rule.Channel is { } c) yield return l["Inbox.Rules.When.Channel", l["Inbox.Config.Channel." + c].Value];
        if (!string.IsNullOrWhiteSpace(rule.Keywords)) yield return l["Inbox.Rules.When.Keywords", rule.Keywords];
    }

    public static IEnumerable<string> Actions(InboxRule rule, Names names, IStringLocalizer l)
    {
        if (rule.AssignToId is { } p) yield return l["Inbox.Rules.Then.Person", names.People.GetValueOrDefault(p) ?? "?"];
        if (rule.AssignToTeamId is { } t) yield return l["Inbox.Rules.Then.Team", names.Teams.GetValueOrDefault(t) ?? "#" + t];
        if (!string.IsNullOrWhiteSpace(rule.AddTags)) yield return l["Inbox.Rules.Then.Tags", string.Join(", ", InboxTags.Split(rule.AddTags))];
        if (rule.SetPriority is { } priority) yield return l["Inbox.Rules.Then.Priority", l["Inbox.Config.Priority." + priority].Value];
    }
}
