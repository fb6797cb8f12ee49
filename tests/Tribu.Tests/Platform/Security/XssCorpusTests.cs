using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Parser;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Platform.Security;

/// <summary>
/// Every renderer of user content, fed a corpus of script vectors in every field people can type: titles, posts, tags,
/// names, bios, locations, interests, space names and descriptions, flags, sanction reasons, moderator notes, and the
/// e-mails that carry them. A page passes when nothing in it can run.
/// </summary>
public sealed class XssCorpusTests(SqliteAppFactory app) : IClassFixture<SqliteAppFactory>
{
    public static TheoryData<string> Vectors => new()
    {
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "\"><svg onload=alert(1)>",
        "javascript:alert(1)",
        "'><iframe src=javascript:alert(1)></iframe>",
        "</script><script>alert(1)</script>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "{{constructor.constructor('alert(1)')()}}",
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public async Task EveryRendererOfUserContent_NeutralisesTheVector(string vector)
    {
        var slug = "xss-" + Guid.NewGuid().ToString("N")[..6];
        using var manager = await TestPerson.CreateAsync(app, Roles.CommunityManager);
        using var author = await TestPerson.CreateAsync(app);
        using var reader = await TestPerson.CreateAsync(app);
        var short20 = vector.Length > 20 ? vector[..20] : vector;
        (await manager.Client.Http.PostAsJsonAsync("/api/v1/spaces", new { slug, name = "S " + vector[..Math.Min(vector.Length, 70)], description = vector, visibility = "Public", color = "#123456" }))
            .EnsureSuccessStatusCode();
        (await author.Client.Http.PutAsJsonAsync("/api/v1/account/me", new { displayName = "A " + vector[..Math.Min(vector.Length, 55)], bio = vector, location = short20, interests = new[] { short20 } }))
            .EnsureSuccessStatusCode();
        var started = await author.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{slug}/topics", new { kind = "Question", title = "Title " + vector, body = vector + " searchable", tags = "xss" });
        started.EnsureSuccessStatusCode();
        var topic = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        (await reader.Client.Http.PutAsync($"/api/v1/follows/Member/{author.Handle}", null)).EnsureSuccessStatusCode();
        var reply = (await (await author.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = $"@{reader.Handle} {vector}" })).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("id").GetInt64();
        (await reader.Client.Http.PostAsJsonAsync($"/api/v1/posts/{reply}/flags", new { reason = "Other", text = vector })).EnsureSuccessStatusCode();
        await manager.Client.SubmitAsync($"/u/{author.Handle}/moderate", "sanction", new Dictionary<string, string> { ["Input.Kind"] = "Warning", ["Input.Reason"] = vector, ["Input.Message"] = vector });

        var pages = new (TribuClient Client, string Url)[]
        {
            (reader.Client, "/"), (reader.Client, $"/s/{slug}"), (reader.Client, $"/t/{topic}"), (reader.Client, $"/u/{author.Handle}"),
            (reader.Client, "/members"), (reader.Client, "/search?q=searchable"), (reader.Client, "/notifications"), (reader.Client, "/tags/xss"),
            (reader.Client, $"/s/{slug}/members"), (reader.Client, $"/p/{reply}/flag"), (manager.Client, "/manage/moderation"),
            (manager.Client, $"/u/{author.Handle}/moderate"), (manager.Client, "/manage/audit"), (manager.Client, "/manage/spaces"),
        };
        // The words are all there, shown as text.
        (await reader.Client.GetAsync($"/t/{topic}")).Document.QuerySelector("h1")!.TextContent.ShouldContain("Title " + vector);
        (await manager.Client.GetAsync("/manage/moderation")).Text.ShouldContain(vector);
        (await manager.Client.GetAsync($"/u/{author.Handle}/moderate")).Text.ShouldContain(vector);
        foreach (var (client, url) in pages)
        {
            AssertInert((await client.GetAsync(url)).Html, url);
        }
        foreach (var mail in app.Mail.All().Where(m => m.To.Mailboxes.Any(a => a.Address == author.Email || a.Address == reader.Email)))
        {
            AssertInert(mail.HtmlBody ?? "", "mail: " + mail.Subject);
        }
    }

    private static void AssertInert(string html, string where)
    {
        var document = new HtmlParser().ParseDocument(html);
        foreach (var element in document.All)
        {
            var name = element.LocalName;
            name.ShouldNotBeOneOf(["iframe", "object", "embed", "svg", "frame"], where);
            // Scripts: only the app's own files, and JSON-LD data.
            if (name == "script")
            {
                (element.HasAttribute("src") || element.GetAttribute("type") == "application/ld+json").ShouldBeTrue($"{where}: inline script {element.TextContent}");
            }
            foreach (var attribute in element.Attributes)
            {
                attribute.Name.ShouldNotStartWith("on", customMessage: $"{where}: {element.OuterHtml[..Math.Min(200, element.OuterHtml.Length)]}");
                if (attribute.Name is "href" or "src" or "action" or "formaction")
                {
                    attribute.Value.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant().ShouldNotStartWith("javascript:", customMessage: where);
                }
            }
        }
    }
}
