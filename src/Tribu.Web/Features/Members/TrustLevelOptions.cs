namespace Tribu.Web.Features.Members;

/// <summary>
/// What it takes to reach each trust level, bound to the <c>TrustLevels</c> section. Levels 1 and 2 count everything
/// since the member joined and are kept once earned; levels 3 and 4 count the last <see cref="WindowDays"/> days and are
/// lost (one level at a time, after <see cref="GraceDays"/> days at the level) when the member no longer meets them.
/// </summary>
public sealed class TrustLevelOptions
{
    public const string Section = "TrustLevels";

    public int WindowDays { get; set; } = 100;
    public int GraceDays { get; set; } = 14;
    /// <summary>No silence, suspension or ban within this many days, for levels 3 and 4.</summary>
    public int SanctionFreeDays { get; set; } = 180;

    public Requirements Basic { get; set; } = new() { TopicsEntered = 5, PostsRead = 30 };

    public Requirements Member { get; set; } = new()
    {
        DaysVisited = 15, TopicsEntered = 20, PostsRead = 100, TopicsRepliedTo = 3, ReactionsGiven = 1, ReactionsReceived = 1,
    };

    public Requirements Regular { get; set; } = new()
    {
        DaysVisited = 50, TopicsEntered = 50, PostsRead = 500, TopicsRepliedTo = 10, ReactionsGiven = 30, ReactionsReceived = 20, MaxFlagsUpheld = 5,
    };

    public Requirements Leader { get; set; } = new()
    {
        DaysVisited = 75, TopicsEntered = 150, PostsRead = 2000, TopicsRepliedTo = 40, ReactionsGiven = 60, ReactionsReceived = 100,
        AcceptedAnswers = 5, MaxFlagsUpheld = 0,
    };

    public Requirements For(TrustLevel level) => level switch
    {
        TrustLevel.Basic => Basic,
        TrustLevel.Member => Member,
        TrustLevel.Regular => Regular,
        TrustLevel.Leader => Leader,
        _ => new Requirements(),
    };

    /// <summary>How much a member's flag counts towards hiding a post (staff's flags hide at once).</summary>
    public static int FlagWeight(TrustLevel level) => level switch
    {
        TrustLevel.New => 0,
        TrustLevel.Basic or TrustLevel.Member => 1,
        TrustLevel.Regular => 2,
        _ => 3,
    };

    public sealed class Requirements
    {
        public int DaysVisited { get; set; }
        public int TopicsEntered { get; set; }
        public int PostsRead { get; set; }
        public int TopicsRepliedTo { get; set; }
        public int ReactionsGiven { get; set; }
        public int ReactionsReceived { get; set; }
        public int AcceptedAnswers { get; set; }
        /// <summary>At most this many of the member's posts hidden or deleted after others' flags (null: not checked).</summary>
        public int? MaxFlagsUpheld { get; set; }
    }
}
