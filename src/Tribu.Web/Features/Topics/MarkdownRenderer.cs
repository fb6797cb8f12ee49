using Ganss.Xss;
using Markdig;

namespace Tribu.Web.Features.Topics;

/// <summary>CommonMark with GFM tables and task lists, rendered once at write time and sanitised.</summary>
public sealed partial class MarkdownRenderer
{
    private readonly MarkdownPipeline _pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseTaskLists()
        .UseAutoLinks()
        .UseEmphasisExtras()
        .DisableHtml()
        .Build();

    private readonly HtmlSanitizer _sanitizer = CreateSanitizer();

    public string Render(string markdown) => _sanitizer.Sanitize(Markdown.ToHtml(LinkMentions(markdown), _pipeline));

    /// <summary>@handle becomes a link to the profile, except inside code.</summary>
    private static string LinkMentions(string markdown)
    {
        var result = new System.Text.StringBuilder();
        var last = 0;
        foreach (System.Text.RegularExpressions.Match code in CodeRegex().Matches(markdown))
        {
            result.Append(MentionRegex().Replace(markdown[last..code.Index], m => $"[@{m.Groups[1].Value}](/u/{m.Groups[1].Value.ToLowerInvariant()})"));
            result.Append(code.Value);
            last = code.Index + code.Length;
        }
        result.Append(MentionRegex().Replace(markdown[last..], m => $"[@{m.Groups[1].Value}](/u/{m.Groups[1].Value.ToLowerInvariant()})"));
        return result.ToString();
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![\w@/.\[])@([a-zA-Z0-9_]{3,20})\b")]
    private static partial System.Text.RegularExpressions.Regex MentionRegex();

    [System.Text.RegularExpressions.GeneratedRegex(@"```[\s\S]*?```|`[^`\n]*`")]
    private static partial System.Text.RegularExpressions.Regex CodeRegex();

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Clear();
        sanitizer.AllowedSchemes.Add("https");
        sanitizer.AllowedSchemes.Add("http");
        sanitizer.AllowedSchemes.Add("mailto");
        // Relative links (mentions: /u/handle) are kept.
        sanitizer.AllowDataAttributes = false;
        sanitizer.AllowedAttributes.Add("class");
        sanitizer.AllowedTags.Add("input");
        sanitizer.AllowedAttributes.Add("type");
        sanitizer.AllowedAttributes.Add("checked");
        sanitizer.AllowedAttributes.Add("disabled");
        // Links from members are not endorsements.
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Html.Dom.IHtmlAnchorElement a)
            {
                a.SetAttribute("rel", "nofollow ugc noopener");
            }
        };
        return sanitizer;
    }
}
