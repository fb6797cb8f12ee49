using Tribu.Web.Features.Topics;

namespace Tribu.Tests.Features.Topics;

/// <summary>Member Markdown becomes safe HTML: formatting kept, scripts and dangerous URLs removed.</summary>
public sealed class MarkdownRendererTests
{
    private readonly MarkdownRenderer _renderer = new();

    public static TheoryData<string> XssVectors => new()
    {
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "![x](javascript:alert(1))",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<svg onload=alert(1)>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "[x](  JaVaScRiPt:alert(1) )",
        "<details open ontoggle=alert(1)>",
        "`<script>`alert(1)",
        "<style>body{display:none}</style>",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    };

    [Theory]
    [MemberData(nameof(XssVectors))]
    public void Render_NeutralisesScriptVectors(string markdown)
    {
        // What a browser would build from the HTML: escaped text is harmless, live elements and attributes are not.
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument($"<body>{_renderer.Render(markdown)}</body>");
        var elements = document.Body!.QuerySelectorAll("*");
        elements.Select(e => e.LocalName).ShouldNotContain("script");
        elements.Select(e => e.LocalName).ShouldNotContain("iframe");
        elements.Select(e => e.LocalName).ShouldNotContain("style");
        elements.Select(e => e.LocalName).ShouldNotContain("svg");
        foreach (var attribute in elements.SelectMany(e => e.Attributes))
        {
            attribute.Name.ShouldNotStartWith("on");
            var value = attribute.Value.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
            value.ShouldNotStartWith("javascript:");
            value.ShouldNotStartWith("data:");
        }
    }

    [Fact]
    public void Render_KeepsFormattingTablesAndTaskListsAndMarksLinksAsUserContent()
    {
        var html = _renderer.Render("**gras** et *italique*\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] fait\n\n> cité\n\nhttps://example.com/x");
        html.ShouldContain("<strong>gras</strong>");
        html.ShouldContain("<table>");
        html.ShouldContain("type=\"checkbox\"");
        html.ShouldContain("<blockquote>");
        html.ShouldContain("rel=\"nofollow ugc noopener\"");
    }
}
