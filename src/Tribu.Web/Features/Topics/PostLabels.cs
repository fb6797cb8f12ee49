using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Localization;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Topics;

/// <summary>
/// The words of a post's header and actions, read from the resources once per language rather than a dozen times per
/// post (each read takes the resource manager's lock; a page of 50 posts made ~600 of them).
/// </summary>
public sealed record PostLabels
{
    private static readonly ConcurrentDictionary<string, PostLabels> ByCulture = new();

    public required string Reactions { get; init; }
    public required IReadOnlyDictionary<ReactionKind, string> Reaction { get; init; }
    public required string ReactionToggleFormat { get; init; }
    public required string Bookmark { get; init; }
    public required string Bookmarked { get; init; }
    public required string Quote { get; init; }
    public required string Accept { get; init; }
    public required string Unaccept { get; init; }
    public required string Edit { get; init; }
    public required string Edited { get; init; }
    public required string Delete { get; init; }
    public required string DeleteTopic { get; init; }
    public required string Flag { get; init; }
    public required string FlagForFormat { get; init; }
    public required string InReplyToFormat { get; init; }
    public required string AcceptedAnswer { get; init; }
    public required string FormerMember { get; init; }
    public required string AwaitingReview { get; init; }
    public required string HiddenNotice { get; init; }
    public required string Appeal { get; init; }

    /// <summary>The labels in the current UI language.</summary>
    public static PostLabels For(IStringLocalizer<UiStrings> l) =>
        ByCulture.GetOrAdd(CultureInfo.CurrentUICulture.Name, _ => new PostLabels
        {
            Reactions = l["Post.Reactions"],
            Reaction = Enum.GetValues<ReactionKind>().ToDictionary(k => k, k => (string)l["Reaction." + k]),
            ReactionToggleFormat = l["Reaction.Toggle"],
            Bookmark = l["Post.Bookmark"],
            Bookmarked = l["Post.Bookmarked"],
            Quote = l["Post.Quote"],
            Accept = l["Post.Accept"],
            Unaccept = l["Post.Unaccept"],
            Edit = l["Post.Edit"],
            Edited = l["Post.Edited"],
            Delete = l["Post.Delete"],
            DeleteTopic = l["Post.DeleteTopic"],
            Flag = l["Flag.Link"],
            FlagForFormat = l["Flag.LinkFor"],
            InReplyToFormat = l["Post.InReplyTo"],
            AcceptedAnswer = l["Topic.AcceptedAnswer"],
            FormerMember = l["Member.Former"],
            AwaitingReview = l["Post.AwaitingReview"],
            HiddenNotice = l["Post.HiddenNotice"],
            Appeal = l["Appeal.Link"],
        });

    public string ReactionToggle(ReactionKind kind, int count) => string.Format(CultureInfo.CurrentCulture, ReactionToggleFormat, Reaction[kind], count);

    public string FlagFor(int number) => string.Format(CultureInfo.CurrentCulture, FlagForFormat, number);

    public string InReplyTo(int number) => string.Format(CultureInfo.CurrentCulture, InReplyToFormat, number);
}
