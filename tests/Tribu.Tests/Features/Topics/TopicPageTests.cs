using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Platform.Data;

namespace Tribu.Tests.Features.Topics;

/// <summary>The topic page as people read it: counts, pages, the accepted answer and the one form per post.</summary>
public sealed class TopicPageTests(SqliteAppFactory app) : IClassFixture<SqliteAppFactory>
{
    private async Task<(long Topic, long[] Replies, TestPerson Author)> TopicWithRepliesAsync(int replies)
    {
        var space = await TestSpaces.CreateAsync(app);
        var author = await TestPerson.CreateAsync(app);
        var response = await author.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Question", title = "A long topic", body = "Opening." });
        var topic = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        using var helper = await TestPerson.CreateAsync(app);
        var ids = new long[replies];
        for (var i = 0; i < replies; i++)
        {
            var reply = await helper.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = $"Reply number {i + 1}." });
            ids[i] = (await reply.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        }
        return (topic, ids, author);
    }

    private static int PageCount(TribuClient.Page page) =>
        page.Document.QuerySelectorAll("a[href*='page=']").Select(a => a.GetAttribute("href")!).Select(h => int.Parse(h[(h.IndexOf("page=", StringComparison.Ordinal) + 5)..], System.Globalization.CultureInfo.InvariantCulture))
            .DefaultIfEmpty(1).Max();

    [Fact]
    public async Task Pages_FollowTheRepliesVisitorsCanSee_SignedInOrNot()
    {
        var (topic, replies, author) = await TopicWithRepliesAsync(50);
        using var _ = author;
        // 51 posts: two pages of 50, counted from the topic for visitors and by a query for members.
        PageCount(await app.CreateTribuClient().GetAsync($"/t/{topic}")).ShouldBe(2);
        PageCount(await author.Client.GetAsync($"/t/{topic}")).ShouldBe(2);
        (await app.CreateTribuClient().GetAsync($"/t/{topic}?page=2")).Text.ShouldContain("Reply number 50.");

        using var admin = await TestMembers.LoggedInAsync(app, Web.Features.Members.Roles.Admin);
        (await admin.Http.DeleteAsync($"/api/v1/posts/{replies[0]}")).EnsureSuccessStatusCode();

        PageCount(await app.CreateTribuClient().GetAsync($"/t/{topic}")).ShouldBe(1);
        PageCount(await author.Client.GetAsync($"/t/{topic}")).ShouldBe(1);
    }

    [Fact]
    public async Task ReactionCounts_OnThePage_FollowEachToggle()
    {
        var (topic, replies, author) = await TopicWithRepliesAsync(2);
        using var _ = author;
        using var fan = await TestPerson.CreateAsync(app);
        foreach (var (who, kind) in new[] { (author, "Like"), (fan, "Like"), (fan, "Thanks"), (author, "Insightful") })
        {
            (await who.Client.Http.PostAsync($"/api/v1/posts/{replies[1]}/reactions/{kind}", null)).EnsureSuccessStatusCode();
        }
        (await fan.Client.Http.PostAsync($"/api/v1/posts/{replies[1]}/reactions/Thanks", null)).EnsureSuccessStatusCode();

        var post = (await app.CreateTribuClient().GetAsync($"/t/{topic}")).Document.GetElementById("post-3")!;
        post.QuerySelectorAll(".reactions li").Select(li => string.Join(' ', li.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)))
            .ShouldBe(["👍 Like 2", "💡 Insightful 1"]);
        (await app.CreateTribuClient().GetAsync($"/t/{topic}")).Document.GetElementById("post-2")!.QuerySelector(".reactions li").ShouldBeNull();

        // The fan's own view: buttons with counts and whether they pressed them.
        var mine = (await fan.Client.GetAsync($"/t/{topic}")).Document.GetElementById("post-3")!;
        var buttons = mine.QuerySelectorAll("button.reaction").ToList();
        buttons.Select(b => b.GetAttribute("aria-pressed")).ShouldBe(["true", "false", "false"]);
        buttons.Select(b => b.GetAttribute("aria-label")).ShouldBe(["Like (2)", "Thanks (0)", "Insightful (1)"]);
    }

    [Fact]
    public async Task AcceptedAnswer_IsShownUnderTheQuestion_OnItsPageOrAnother()
    {
        var (topic, replies, author) = await TopicWithRepliesAsync(51);
        using var _ = author;
        foreach (var (answer, text) in new[] { (replies[1], "Reply number 2."), (replies[50], "Reply number 51.") })
        {
            (await author.Client.Http.PutAsJsonAsync($"/api/v1/topics/{topic}/accepted-answer", new { postId = answer })).EnsureSuccessStatusCode();
            var page = await app.CreateTribuClient().GetAsync($"/t/{topic}");
            page.Document.QuerySelector(".accepted-answer .post-body")!.TextContent.Trim().ShouldBe(text);
        }
    }

    [Fact]
    public async Task SignedInPage_HasOneFormPerPost_ForItsReactionsAndItsBookmark()
    {
        var (topic, replies, author) = await TopicWithRepliesAsync(3);
        using var _ = author;
        using var reader = await TestPerson.CreateAsync(app);
        var page = await reader.Client.GetAsync($"/t/{topic}");
        foreach (var post in page.Document.QuerySelectorAll("article.post[id^=post-]"))
        {
            var forms = post.QuerySelectorAll("footer form").OfType<IHtmlFormElement>().ToList();
            forms.Count.ShouldBe(1, post.Id);
            forms[0].QuerySelectorAll("input[name=__RequestVerificationToken]").Length.ShouldBe(1);
            forms[0].QuerySelectorAll("button.reaction[name=kind]").Length.ShouldBe(3);
            forms[0].QuerySelector("button[formaction*='/bookmark/']")!.GetAttribute("aria-pressed").ShouldBe("false");
        }

        // The bookmark button posts the same form to its own address, as a browser does with formaction.
        var form = page.Document.GetElementById("post-2")!.QuerySelector("form")!;
        var values = form.QuerySelectorAll("input[type=hidden]").OfType<IHtmlInputElement>().ToDictionary(i => i.Name!, i => i.Value);
        var bookmark = await reader.Client.Http.PostAsync(form.QuerySelector("button[formaction]")!.GetAttribute("formaction"), new FormUrlEncodedContent(values));
        bookmark.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await reader.Client.GetAsync($"/t/{topic}")).Document.GetElementById("post-2")!.QuerySelector("button[formaction]")!.GetAttribute("aria-pressed").ShouldBe("true");
        (await reader.Client.Http.GetFromJsonAsync<JsonElement>("/api/v1/bookmarks")).EnumerateArray().Select(b => b.GetProperty("postId").GetInt64()).ShouldBe([replies[0]]);
    }

    [Fact]
    public async Task SqliteConnections_KeepTheirPragmas_WhenThePoolHandsThemOutAgain()
    {
        for (var i = 0; i < 3; i++)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TribuDbContext>();
            await db.Database.OpenConnectionAsync();
            var connection = db.Database.GetDbConnection();
            async Task<long> Pragma(string name)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"PRAGMA {name};";
                return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
            }
            (await Pragma("foreign_keys")).ShouldBe(1);
            (await Pragma("busy_timeout")).ShouldBe(5000);
            (await Pragma("synchronous")).ShouldBe(1);
            await db.Database.CloseConnectionAsync();
        }
    }
}
