using System.Text;
using System.Text.RegularExpressions;

namespace Tribu.Web.Features.Topics;

/// <summary>What counts as an @mention, in one place: the renderer links them, the notifier tells their members.</summary>
public static partial class Mentions
{
    /// <summary>Handles mentioned in Markdown, outside code, lowercase, once each.</summary>
    public static IReadOnlyList<string> Find(string markdown) =>
        [.. MentionRegex().Matches(CodeRegex().Replace(markdown, " ")).Select(m => m.Groups[1].Value.ToLowerInvariant()).Distinct()];

    /// <summary>Each @handle outside code becomes a Markdown link to the member's profile.</summary>
    public static string Link(string markdown)
    {
        var result = new StringBuilder();
        var last = 0;
        foreach (Match code in CodeRegex().Matches(markdown))
        {
            result.Append(LinkOutsideCode(markdown[last..code.Index])).Append(code.Value);
            last = code.Index + code.Length;
        }
        return result.Append(LinkOutsideCode(markdown[last..])).ToString();
    }

    private static string LinkOutsideCode(string text) =>
        MentionRegex().Replace(text, m => $"[@{m.Groups[1].Value}](/u/{m.Groups[1].Value.ToLowerInvariant()})");

    // Not after a word character (e-mail addresses), '/', '.' or '@', nor as the text of a Markdown link.
    [GeneratedRegex(@"(?<![\w@/.\[])@([a-zA-Z0-9_]{3,20})\b")]
    private static partial Regex MentionRegex();

    [GeneratedRegex(@"```[\s\S]*?```|`[^`\n]*`")]
    private static partial Regex CodeRegex();
}
