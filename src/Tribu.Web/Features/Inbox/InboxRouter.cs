using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Listening.Analysis;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Inbox;

/// <summary>
/// Applies the enabled rules to a new item, in order (<see cref="InboxRule"/>): tags add up, the first rule that assigns
/// wins, a team assignment goes round-robin among its members (the one after the last who got one).
/// </summary>
public sealed class InboxRouter(TribuDbContext db)
{
    public async Task ApplyAsync(InboxItem item, List<InboxEvent> events, DateTime now, CancellationToken ct)
    {
        var rules = await db.InboxRules.AsNoTracking().Where(r => r.IsEnabled).OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(ct);
        if (rules.Count == 0) return;
        var folded = TextFold.Fold(item.Subject + "\n" + item.Excerpt);
        foreach (var rule in rules)
        {
            if (!Matches(rule, item, folded)) continue;
            events.Add(new InboxEvent { Kind = InboxEventKind.RuleApplied, At = now, To = rule.Name });
            if (rule.AddTags is not null)
            {
                var before = item.Tags;
                item.Tags = InboxTags.Join(item.TagList.Concat(InboxTags.Split(rule.AddTags)));
                if (item.Tags != before) events.Add(new InboxEvent { Kind = InboxEventKind.TagsChanged, At = now, From = before, To = item.Tags });
            }
            if (rule.SetPriority is { } priority && priority != item.Priority)
            {
                events.Add(new InboxEvent { Kind = InboxEventKind.PriorityChanged, At = now, From = item.Priority.ToString(), To = priority.ToString() });
                item.Priority = priority;
            }
            if (item.AssigneeId is null && item.TeamId is null)
            {
                if (rule.AssignToId is { } person)
                {
                    item.AssigneeId = person;
                    events.Add(new InboxEvent { Kind = InboxEventKind.Assigned, At = now, To = person.ToString() });
                }
                else if (rule.AssignToTeamId is { } teamId)
                {
                    item.TeamId = teamId;
                    item.AssigneeId = await NextInTeamAsync(teamId, ct);
                    events.Add(new InboxEvent { Kind = InboxEventKind.Assigned, At = now, To = item.AssigneeId?.ToString() ?? "team:" + teamId.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                }
            }
        }
    }

    public static bool Matches(InboxRule rule, InboxItem item, string foldedText)
    {
        if (rule.Channel is { } channel && channel != item.Channel) return false;
        if (rule.WatchId is { } watch && watch != item.WatchId) return false;
        if (rule.SpaceId is { } space && space != item.SpaceId) return false;
        if (!string.IsNullOrEmpty(rule.Language) && rule.Language != item.Language) return false;
        if (!string.IsNullOrWhiteSpace(rule.Keywords))
        {
            var words = rule.Keywords.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (!words.Any(w => ContainsWord(foldedText, TextFold.Fold(w)))) return false;
        }
        return true;
    }

    /// <summary>Whether <paramref name="word"/> appears in the text as a whole word (or phrase), not inside another word.</summary>
    private static bool ContainsWord(string text, string word)
    {
        if (word.Length == 0) return false;
        var at = 0;
        while ((at = text.IndexOf(word, at, StringComparison.Ordinal)) >= 0)
        {
            var startOk = at == 0 || !TextFold.IsWordChar(text[at - 1]);
            var end = at + word.Length;
            var endOk = end == text.Length || !TextFold.IsWordChar(text[end]);
            if (startOk && endOk) return true;
            at++;
        }
        return false;
    }

    /// <summary>The team member after the one who got the last item (members in a fixed order), remembered on the team.</summary>
    private async Task<Guid?> NextInTeamAsync(int teamId, CancellationToken ct)
    {
        var team = await db.InboxTeams.FirstOrDefaultAsync(t => t.Id == teamId, ct);
        if (team is null) return null;
        var members = await db.InboxTeamMembers.Where(m => m.TeamId == teamId).Select(m => m.MemberId).OrderBy(m => m).ToListAsync(ct);
        if (members.Count == 0) return null;
        var last = team.LastAssignedId is { } l ? members.IndexOf(l) : -1;
        var next = members[(last + 1) % members.Count];
        team.LastAssignedId = next;
        return next;
    }
}
