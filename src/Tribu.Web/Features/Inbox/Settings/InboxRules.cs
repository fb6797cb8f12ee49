using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Listening.Analysis;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Data;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Inbox.Settings;

/// <summary>
/// The routing rules, in order: created, edited, moved, switched on and off, and tried against the latest items before
/// they are trusted. Every enabled rule that matches a new item applies, in order; the first one that assigns wins
/// (<see cref="InboxRouter"/>).
/// </summary>
public sealed class InboxRules(TribuDbContext db, IStringLocalizer<UiStrings> l, TimeProvider clock)
{
    /// <summary>How many of the latest inbox items "test this rule" looks at.</summary>
    public const int TestWindow = 200;
    public const int TestSample = 10;
    public const int KeywordsMaxLength = 1000;

    public static readonly string[] Languages = ["fr", "en", "other"];

    public Task<List<InboxRule>> ListAsync(CancellationToken ct = default) =>
        db.InboxRules.AsNoTracking().OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(ct);

    public async Task<Change<InboxRule>> CreateAsync(RuleRequest request, CancellationToken ct = default)
    {
        var (errors, assignee) = await ValidateAsync(null, request, ct);
        if (errors.Count > 0) return Change<InboxRule>.Invalid(errors);
        var rule = new InboxRule { CreatedAt = clock.GetUtcNow().UtcDateTime, IsEnabled = request.IsEnabled ?? true };
        Apply(rule, request, assignee);
        // Last in the order: a new rule never changes what the existing ones do first.
        rule.Position = (await db.InboxRules.MaxAsync(r => (int?)r.Position, ct) ?? 0) + 1;
        db.InboxRules.Add(rule);
        await db.SaveChangesAsync(ct);
        return Change<InboxRule>.Ok(rule);
    }

    public async Task<Change<InboxRule>> UpdateAsync(int id, RuleRequest request, CancellationToken ct = default)
    {
        var rule = await db.InboxRules.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (rule is null) return Change<InboxRule>.NotFound();
        var (errors, assignee) = await ValidateAsync(id, request, ct);
        if (errors.Count > 0) return Change<InboxRule>.Invalid(errors);
        Apply(rule, request, assignee);
        rule.IsEnabled = request.IsEnabled ?? rule.IsEnabled;
        await db.SaveChangesAsync(ct);
        return Change<InboxRule>.Ok(rule);
    }

    public async Task<bool> DeleteAsync(int id, CancellationToken ct = default)
    {
        if (await db.InboxRules.Where(r => r.Id == id).ExecuteDeleteAsync(ct) == 0) return false;
        await RenumberAsync(null, false, ct);
        return true;
    }

    public async Task<bool> SetEnabledAsync(int id, bool enabled, CancellationToken ct = default) =>
        await db.InboxRules.Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.IsEnabled, enabled), ct) > 0;

    /// <summary>Moves a rule one place earlier (<paramref name="up"/>) or later; the first stays first, the last last.</summary>
    public Task<bool> MoveAsync(int id, bool up, CancellationToken ct = default) => RenumberAsync(id, up, ct);

    /// <summary>Numbers the rules 1, 2, 3… in their order, with <paramref name="moving"/> swapped with its neighbour.</summary>
    private async Task<bool> RenumberAsync(int? moving, bool up, CancellationToken ct)
    {
        var rules = await db.InboxRules.OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(ct);
        if (moving is { } id)
        {
            var at = rules.FindIndex(r => r.Id == id);
            if (at < 0) return false;
            var to = up ? at - 1 : at + 1;
            if (to >= 0 && to < rules.Count) (rules[at], rules[to]) = (rules[to], rules[at]);
        }
        for (var i = 0; i < rules.Count; i++) rules[i].Position = i + 1;
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>How many of the latest <see cref="TestWindow"/> inbox items the rule's conditions would have matched, and some of them.</summary>
    public async Task<Change<RuleTestResult>> TestAsync(RuleRequest request, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        await ValidateConditionsAsync(request, errors, ct);
        if (errors.Count > 0) return Change<RuleTestResult>.Invalid(errors);
        var rule = new InboxRule();
        ApplyConditions(rule, request);
        var items = await db.InboxItems.AsNoTracking().OrderByDescending(i => i.Id).Take(TestWindow)
            .Select(i => new InboxItem
            {
                Id = i.Id, Channel = i.Channel, WatchId = i.WatchId, SpaceId = i.SpaceId, Language = i.Language, Subject = i.Subject, Excerpt = i.Excerpt, CreatedAt = i.CreatedAt,
            }).ToListAsync(ct);
        var matched = items.Where(i => InboxRouter.Matches(rule, i, TextFold.Fold(i.Subject + "\n" + i.Excerpt))).ToList();
        return Change<RuleTestResult>.Ok(new RuleTestResult(items.Count, matched.Count,
            [.. matched.Take(TestSample).Select(i => new RuleTestItem(i.Id, i.Subject, i.Channel.ToString(), i.Language, i.CreatedAt))]));
    }

    public async Task<List<RuleResponse>> ToResponsesAsync(IReadOnlyList<InboxRule> rules, CancellationToken ct = default)
    {
        var ids = rules.Where(r => r.AssignToId is not null).Select(r => r.AssignToId!.Value).Distinct().ToList();
        var handles = ids.Count == 0 ? new Dictionary<Guid, string>() : await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Handle, ct);
        return [.. rules.Select(r => new RuleResponse(r.Id, r.Name, r.Position, r.IsEnabled, r.WatchId, r.SpaceId, r.Language, r.Channel?.ToString(), SplitList(r.Keywords),
            r.AssignToId is { } a && handles.TryGetValue(a, out var h) ? h : null, r.AssignToTeamId, InboxTags.Split(r.AddTags), r.SetPriority?.ToString(), r.CreatedAt))];
    }

    /// <summary>The request's problems, keyed by field, in the current culture's language; and the person it assigns to.</summary>
    public async Task<(Dictionary<string, string[]> Errors, Guid? AssigneeId)> ValidateAsync(int? id, RuleRequest request, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name)) errors[nameof(RuleRequest.Name)] = [l["Inbox.Rules.NameRequired"]];
        else if (name.Length > InboxRule.NameMaxLength) errors[nameof(RuleRequest.Name)] = [l["Inbox.Rules.NameTooLong", InboxRule.NameMaxLength]];
        else
        {
            var others = await db.InboxRules.AsNoTracking().Where(r => r.Id != (id ?? 0)).Select(r => r.Name).ToListAsync(ct);
            if (others.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase))) errors[nameof(RuleRequest.Name)] = [l["Inbox.Rules.NameTaken"]];
        }

        await ValidateConditionsAsync(request, errors, ct);

        Guid? assignee = null;
        var person = request.AssignTo?.Trim();
        if (!string.IsNullOrEmpty(person) && request.AssignToTeamId is not null)
        {
            errors[nameof(RuleRequest.AssignTo)] = [l["Inbox.Rules.AssignOne"]];
        }
        else if (!string.IsNullOrEmpty(person))
        {
            var found = await InboxStaff.FindAsync(db, person, ct);
            if (found is null) errors[nameof(RuleRequest.AssignTo)] = [l["Inbox.Rules.AssigneeUnknown"]];
            else if (!found.Value.IsManager) errors[nameof(RuleRequest.AssignTo)] = [l["Inbox.Rules.AssigneeNotStaff", found.Value.Person.DisplayName, "@" + found.Value.Person.Handle]];
            else assignee = found.Value.Person.Id;
        }
        else if (request.AssignToTeamId is { } teamId && !await db.InboxTeams.AnyAsync(t => t.Id == teamId, ct))
        {
            errors[nameof(RuleRequest.AssignToTeamId)] = [l["Inbox.Rules.TeamUnknown"]];
        }
        var tags = InboxTags.Join(request.AddTags ?? []);
        if (tags is { Length: > InboxItem.TagsMaxLength }) errors[nameof(RuleRequest.AddTags)] = [l["Inbox.Rules.TagsTooLong", InboxItem.TagsMaxLength]];
        if (!string.IsNullOrWhiteSpace(request.SetPriority) && ParseEnum<InboxPriority>(request.SetPriority) is null)
        {
            errors[nameof(RuleRequest.SetPriority)] = [l["Inbox.Rules.PriorityInvalid"]];
        }
        if (string.IsNullOrEmpty(person) && request.AssignToTeamId is null && tags is null && string.IsNullOrWhiteSpace(request.SetPriority))
        {
            errors["Actions"] = [l["Inbox.Rules.ActionRequired"]];
        }
        return (errors, assignee);
    }

    private async Task ValidateConditionsAsync(RuleRequest request, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (request.WatchId is { } watchId && !await db.Watches.AnyAsync(w => w.Id == watchId, ct)) errors[nameof(RuleRequest.WatchId)] = [l["Inbox.Rules.WatchUnknown"]];
        if (request.SpaceId is { } spaceId && !await db.Spaces.AnyAsync(s => s.Id == spaceId, ct)) errors[nameof(RuleRequest.SpaceId)] = [l["Inbox.Rules.SpaceUnknown"]];
        if (!string.IsNullOrWhiteSpace(request.Language) && !Languages.Contains(request.Language.Trim())) errors[nameof(RuleRequest.Language)] = [l["Inbox.Rules.LanguageInvalid"]];
        if (!string.IsNullOrWhiteSpace(request.Channel) && ParseEnum<InboxChannel>(request.Channel) is null) errors[nameof(RuleRequest.Channel)] = [l["Inbox.Rules.ChannelInvalid"]];
        var keywords = CleanKeywords(request.Keywords);
        if (keywords.FirstOrDefault(k => TextFold.Fold(k).All(c => !TextFold.IsWordChar(c))) is { } bad)
        {
            errors[nameof(RuleRequest.Keywords)] = [l["Inbox.Rules.KeywordInvalid", bad]];
        }
        else if (string.Join(",", keywords).Length > KeywordsMaxLength) errors[nameof(RuleRequest.Keywords)] = [l["Inbox.Rules.KeywordsTooLong", KeywordsMaxLength]];
        if (request.WatchId is null && request.SpaceId is null && string.IsNullOrWhiteSpace(request.Language) && string.IsNullOrWhiteSpace(request.Channel) && keywords.Count == 0)
        {
            errors["Conditions"] = [l["Inbox.Rules.ConditionRequired"]];
        }
    }

    private static void Apply(InboxRule rule, RuleRequest request, Guid? assignee)
    {
        rule.Name = request.Name!.Trim();
        ApplyConditions(rule, request);
        rule.AssignToId = assignee;
        rule.AssignToTeamId = assignee is null ? request.AssignToTeamId : null;
        rule.AddTags = InboxTags.Join(request.AddTags ?? []);
        rule.SetPriority = ParseEnum<InboxPriority>(request.SetPriority);
    }

    private static void ApplyConditions(InboxRule rule, RuleRequest request)
    {
        rule.WatchId = request.WatchId;
        rule.SpaceId = request.SpaceId;
        rule.Language = string.IsNullOrWhiteSpace(request.Language) ? null : request.Language.Trim();
        rule.Channel = ParseEnum<InboxChannel>(request.Channel);
        var keywords = CleanKeywords(request.Keywords);
        rule.Keywords = keywords.Count == 0 ? null : string.Join(", ", keywords);
    }

    private static List<string> CleanKeywords(IReadOnlyList<string>? keywords) =>
        [.. (keywords ?? []).SelectMany(k => k.Split(',')).Select(k => k.Trim()).Where(k => k.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)];

    private static T? ParseEnum<T>(string? value) where T : struct, Enum =>
        !string.IsNullOrWhiteSpace(value) && !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) && Enum.TryParse<T>(value.Trim(), ignoreCase: true, out var parsed)
            ? parsed : null;

    /// <summary>A comma-separated list, split and trimmed.</summary>
    public static IReadOnlyList<string> SplitList(string? list) =>
        string.IsNullOrWhiteSpace(list) ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
