using Ganss.Xss;
using Markdig;

namespace Tribu.Web.Features.Topics;

/// <summary>CommonMark with GFM tables and task lists, rendered once at write time and sanitised.</summary>
public sealed class MarkdownRenderer
{
    private readonly MarkdownPipeline _pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseTaskLists()
        .UseAutoLinks()
        .UseEmphasisExtras()
        .DisableHtml()
        .Build();

    private readonly HtmlSanitizer _sanitizer = CreateSanitizer();

    public string Render(string markdown) => _sanitizer.Sanitize(Markdown.ToHtml(Mentions.Link(markdown), _pipeline));

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
