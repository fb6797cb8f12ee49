namespace Tribu.Web.Features.Recognition;

/// <summary>
/// What the other features (topics, ideas, events, programmes, contests) call to recognise a member. Every call is idempotent:
/// the same source key never counts twice, a badge is held once.
/// </summary>
public interface IRecognition
{
    /// <summary>
    /// Points for an action of <see cref="PointActions"/>, at the weight staff configured for it (none when the weight is 0);
    /// <paramref name="sourceKey"/> (e.g. <c>post:42</c>) makes it count once. Returns whether points were added.
    /// </summary>
    Task<bool> AwardAsync(Guid memberId, string action, string sourceKey, CancellationToken ct = default);

    /// <summary>A fixed number of points (a contest prize), once per <paramref name="sourceKey"/>; <paramref name="reason"/> is shown in the member's history.</summary>
    Task<bool> GrantPointsAsync(Guid memberId, int points, string reason, string sourceKey, CancellationToken ct = default);

    /// <summary>A badge, by a <see cref="BuiltInBadges"/> key or a custom badge's key; once per member and badge. Returns whether it was new.</summary>
    Task<bool> GrantBadgeAsync(Guid memberId, string badgeKey, CancellationToken ct = default);
}

/// <summary>Keys of the built-in badges.</summary>
public static class BuiltInBadges
{
    public const string FirstPost = "first-post";
    public const string FirstAcceptedAnswer = "first-accepted-answer";
    public const string TenAcceptedAnswers = "ten-accepted-answers";
    public const string EventAttendee = "event-attendee";
    public const string BetaTester = "beta-tester";
    public const string Ambassador = "ambassador";
    public const string IdeaShipped = "idea-shipped";
    public const string ContestWinner = "contest-winner";
}

/// <summary>Actions that earn points; each has a weight staff can change.</summary>
public static class PointActions
{
    public const string Topic = "topic";
    public const string Reply = "reply";
    public const string AcceptedAnswer = "accepted-answer";
    public const string ReactionReceived = "reaction-received";
    public const string Idea = "idea";
    public const string IdeaShipped = "idea-shipped";
    public const string EventAttended = "event-attended";
    public const string ProgrammeFeedback = "programme-feedback";
    public const string ContestEntry = "contest-entry";
}
