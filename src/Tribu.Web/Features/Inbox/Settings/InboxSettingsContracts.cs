namespace Tribu.Web.Features.Inbox.Settings;

/// <summary>A saved reply as a form or the API sends it: at least one body; tags are free words (normalised).</summary>
public sealed record SavedReplyRequest(string? Name, string? BodyEn, string? BodyFr, IReadOnlyList<string>? Tags = null);

/// <summary>A saved reply, with the languages it is written in.</summary>
public sealed record SavedReplyResponse(
    int Id, string Name, string? BodyEn, string? BodyFr, IReadOnlyList<string> Tags, IReadOnlyList<string> Languages, int UseCount, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static SavedReplyResponse FromEntity(SavedReply r) =>
        new(r.Id, r.Name, r.BodyEn, r.BodyFr, InboxTags.Split(r.Tags), SavedReplies.LanguagesOf(r), r.UseCount, r.CreatedAt, r.UpdatedAt);
}

/// <summary>The bodies being typed, to preview with example values.</summary>
public sealed record SavedReplyPreviewRequest(string? BodyEn, string? BodyFr);

/// <summary>Each body filled with example values (null when that body is empty), with its faults.</summary>
public sealed record SavedReplyPreview(TemplatePreview? En, TemplatePreview? Fr);

public sealed record TemplatePreview(string Text, IReadOnlyList<TemplateProblemView> Problems);

/// <summary>A fault in a template for a person: the variable or text at fault, where (0-based), and the message in their language.</summary>
public sealed record TemplateProblemView(string Token, int Position, string Message);

/// <summary>Which inbox item to fill a saved reply for.</summary>
public sealed record RenderSavedReplyRequest(long ItemId);

/// <summary>A saved reply filled for an item: the language of the body used ("en" or "fr") and the text.</summary>
public sealed record RenderedSavedReply(int SavedReplyId, long ItemId, string Language, string Text);

public sealed record TeamRequest(string? Name);

/// <summary>Adds a member to a team by their community handle.</summary>
public sealed record TeamMemberRequest(string? Member);

public sealed record TeamMemberResponse(Guid Id, string Handle, string DisplayName);

public sealed record TeamResponse(int Id, string Name, IReadOnlyList<TeamMemberResponse> Members);

/// <summary>
/// A routing rule as a form or the API sends it. Conditions (at least one): a listening query, a space, a language
/// (fr, en, other), a channel, keywords. Actions (at least one): assign to a person (<c>AssignTo</c>, a handle) or a
/// team (<c>AssignToTeamId</c>), not both; tags to add; a priority.
/// </summary>
public sealed record RuleRequest(
    string? Name,
    bool? IsEnabled = null,
    int? WatchId = null,
    int? SpaceId = null,
    string? Language = null,
    string? Channel = null,
    IReadOnlyList<string>? Keywords = null,
    string? AssignTo = null,
    int? AssignToTeamId = null,
    IReadOnlyList<string>? AddTags = null,
    string? SetPriority = null);

public sealed record RuleResponse(
    int Id, string Name, int Position, bool IsEnabled, int? WatchId, int? SpaceId, string? Language, string? Channel, IReadOnlyList<string> Keywords,
    string? AssignTo, int? AssignToTeamId, IReadOnlyList<string> AddTags, string? SetPriority, DateTime CreatedAt);

/// <summary>Moves a rule one place: <c>up</c> (earlier) or <c>down</c> (later).</summary>
public sealed record MoveRuleRequest(string? Direction);

/// <summary>What a rule would have matched among the latest inbox items.</summary>
public sealed record RuleTestResult(int Scanned, int Matched, IReadOnlyList<RuleTestItem> Sample);

public sealed record RuleTestItem(long Id, string Subject, string Channel, string Language, DateTime CreatedAt);

/// <summary>The SLA targets of one priority, in minutes.</summary>
public sealed record SlaTarget(int FirstResponseMinutes, int ResolutionMinutes);

/// <summary>The inbox's intake and SLA settings. A null value keeps the current one.</summary>
public sealed record InboxSettingsRequest(
    int? QuestionUnansweredHours = null,
    int? InfluencerFollowers = null,
    SlaTargetRequest? Urgent = null,
    SlaTargetRequest? High = null,
    SlaTargetRequest? Normal = null,
    SlaTargetRequest? Low = null,
    int? WarnAtPercent = null);

public sealed record SlaTargetRequest(int? FirstResponseMinutes = null, int? ResolutionMinutes = null);

public sealed record InboxSettingsResponse(
    int QuestionUnansweredHours, int InfluencerFollowers, SlaTarget Urgent, SlaTarget High, SlaTarget Normal, SlaTarget Low, int WarnAtPercent, DateTime UpdatedAt)
{
    public static InboxSettingsResponse FromEntity(InboxSettings s) => new(
        s.QuestionUnansweredHours, s.InfluencerFollowers,
        new(s.UrgentFirstResponseMinutes, s.UrgentResolutionMinutes), new(s.HighFirstResponseMinutes, s.HighResolutionMinutes),
        new(s.NormalFirstResponseMinutes, s.NormalResolutionMinutes), new(s.LowFirstResponseMinutes, s.LowResolutionMinutes),
        s.WarnAtPercent, s.UpdatedAt);
}
