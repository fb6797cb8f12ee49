using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Tribu.Web.Features.Moderation;

/// <summary>Why a post was held for review: a code, and what triggered it (a word, a domain, a count).</summary>
public sealed record HoldReason(string Code, string? Detail = null)
{
    public const string BlockedWord = "blocked-word";
    public const string BlockedDomain = "blocked-domain";
    public const string NewMemberLinks = "new-member-links";
    public const string NewMemberImages = "new-member-images";
    public const string NewMemberMentions = "new-member-mentions";
    public const string LinkHeavy = "link-heavy";
    public const string RepeatedText = "repeated-text";
    public const string FirstPosts = "first-posts";

    public override string ToString() => Detail is null ? Code : $"{Code}:{Detail}";

    public static IReadOnlyList<HoldReason> Parse(string? stored) =>
        [.. (stored ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Split(':', 2) is var p && p.Length == 2 ? new HoldReason(p[0], p[1]) : new HoldReason(s))];
}

/// <summary>Who is posting, as the checks need to know them.</summary>
public sealed record PostAuthor(bool IsStaff, bool IsNewMember, int PublishedPosts, int SameTextToday);

/// <summary>
/// The automatic checks run on every post before it is published. Built once from the settings (word lists compiled
/// into hash sets keyed by first word), then pure and allocation-light: a post is tokenised once and each token
/// looked up, so thousands of blocked words cost no more than a few.
/// </summary>
public sealed partial class PostChecks
{
    private readonly ModerationSettings _settings;
    // First word → the phrases (as word arrays) that start with it; single words have a one-element phrase.
    private readonly Dictionary<string, List<string[]>> _blocked = new(StringComparer.Ordinal);
    private readonly HashSet<string> _domains = new(StringComparer.OrdinalIgnoreCase);

    public PostChecks(ModerationSettings settings)
    {
        _settings = settings;
        foreach (var line in Lines(settings.BlockedWordsFr).Concat(Lines(settings.BlockedWordsEn)))
        {
            var words = Words(line).ToArray();
            if (words.Length == 0) continue;
            if (!_blocked.TryGetValue(words[0], out var phrases)) _blocked[words[0]] = phrases = [];
            phrases.Add(words);
        }
        foreach (var line in Lines(settings.BlockedDomains))
        {
            _domains.Add(line.Trim().TrimStart('.').ToLowerInvariant());
        }
    }

    public int BlockedCount => _blocked.Values.Sum(p => p.Count);

    /// <summary>The reasons to hold a post (title included for an opening post); empty when it may be published.</summary>
    public List<HoldReason> Check(string markdown, PostAuthor author)
    {
        var reasons = new List<HoldReason>();
        if (FindBlocked(markdown) is { } word) reasons.Add(new(HoldReason.BlockedWord, word));

        var links = LinkRegex().Matches(markdown);
        foreach (Match link in links)
        {
            if (Blocked(link.Groups["host"].Value) is { } domain)
            {
                reasons.Add(new(HoldReason.BlockedDomain, domain));
                break;
            }
        }
        if (author.IsStaff) return reasons;

        var images = ImageRegex().Count(markdown);
        var linksOnly = links.Count - AbsoluteImageRegex().Count(markdown);
        var mentions = Topics.Mentions.Find(markdown).Count;
        if (links.Count > _settings.LinkHeavyThreshold) reasons.Add(new(HoldReason.LinkHeavy, links.Count.ToString(CultureInfo.InvariantCulture)));
        if (author.IsNewMember)
        {
            if (linksOnly > _settings.NewMemberMaxLinks) reasons.Add(new(HoldReason.NewMemberLinks, linksOnly.ToString(CultureInfo.InvariantCulture)));
            if (images > _settings.NewMemberMaxImages) reasons.Add(new(HoldReason.NewMemberImages, images.ToString(CultureInfo.InvariantCulture)));
            if (mentions > _settings.NewMemberMaxMentions) reasons.Add(new(HoldReason.NewMemberMentions, mentions.ToString(CultureInfo.InvariantCulture)));
        }
        if (author.SameTextToday >= _settings.RepeatedTextLimit) reasons.Add(new(HoldReason.RepeatedText, (author.SameTextToday + 1).ToString(CultureInfo.InvariantCulture)));
        if (author.IsNewMember && author.PublishedPosts < _settings.FirstPostsNeedApproval) reasons.Add(new(HoldReason.FirstPosts, (author.PublishedPosts + 1).ToString(CultureInfo.InvariantCulture)));
        return reasons;
    }

    /// <summary>The first blocked word or phrase in the text, as listed; null when there is none.</summary>
    public string? FindBlocked(string text)
    {
        if (_blocked.Count == 0) return null;
        var words = Words(text).ToList();
        for (var i = 0; i < words.Count; i++)
        {
            if (!_blocked.TryGetValue(words[i], out var phrases)) continue;
            foreach (var phrase in phrases)
            {
                if (i + phrase.Length > words.Count) continue;
                var match = true;
                for (var j = 1; j < phrase.Length && match; j++) match = words[i + j] == phrase[j];
                if (match) return string.Join(' ', phrase);
            }
        }
        return null;
    }

    private string? Blocked(string host)
    {
        var h = host.ToLowerInvariant().TrimEnd('.');
        while (true)
        {
            if (_domains.Contains(h)) return h;
            var dot = h.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0) return null;
            h = h[(dot + 1)..];
        }
    }

    /// <summary>A normalised hash of a post's text: the same message posted again (case, accents and spacing aside) hashes alike.</summary>
    public static string TextHash(string markdown) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(' ', Words(markdown)))))[..32];

    /// <summary>Lowercase words without accents: "Arnaque!" and "arnaqué" both read "arnaque".</summary>
    public static IEnumerable<string> Words(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
            else if (builder.Length > 0)
            {
                yield return builder.ToString();
                builder.Clear();
            }
        }
        if (builder.Length > 0) yield return builder.ToString();
    }

    private static IEnumerable<string> Lines(string? list) =>
        (list ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith('#'));

    [GeneratedRegex(@"https?://(?<host>[a-z0-9.-]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LinkRegex();

    [GeneratedRegex(@"!\[[^\]]*\]\(", RegexOptions.CultureInvariant)]
    private static partial Regex ImageRegex();

    [GeneratedRegex(@"!\[[^\]]*\]\(\s*https?://", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AbsoluteImageRegex();
}
