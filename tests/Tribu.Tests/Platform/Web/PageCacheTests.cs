using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tribu.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Features.Spaces;
using Tribu.Web.Features.Topics;

namespace Tribu.Tests.Platform.Web;

/// <summary>
/// Anonymous community pages come from the page cache (a cached answer carries an <c>Age</c> header), never with one
/// visitor's state in them, and a change evicts them at once.
/// </summary>
public sealed class PageCacheTests(SqliteAppFactory app) : IClassFixture<SqliteAppFactory>
{
    private static bool FromCache(TribuClient.Page page) => page.Response.Headers.Age is not null;

    private async Task<(string Space, long Topic, TestPerson Author)> TopicAsync(string title = "Cached topic")
    {
        var space = await TestSpaces.CreateAsync(app);
        var author = await TestPerson.CreateAsync(app);
        var response = await author.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Question", title, body = "Opening words." });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (space, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64(), author);
    }

    [Fact]
    public async Task AnonymousPages_SetNoCookieAndAreServedFromTheCacheTheSecondTime()
    {
        var (space, topic, author) = await TopicAsync();
        using var _ = author;
        foreach (var url in new[] { $"/t/{topic}", $"/s/{space}", "/", "/feeds/latest.rss" })
        {
            using var visitor = app.CreateTribuClient();
            var first = await visitor.GetAsync(url);
            first.Status.ShouldBe(HttpStatusCode.OK, url);
            first.Response.Headers.Contains("Set-Cookie").ShouldBeFalse($"{url} sets a cookie: {string.Join(", ", first.Response.Headers.TryGetValues("Set-Cookie", out var c) ? c : [])}");
            (first.Response.Headers.CacheControl?.NoStore ?? false).ShouldBeFalse(url);
            using var another = app.CreateTribuClient();
            var second = await another.GetAsync(url);
            FromCache(second).ShouldBeTrue(url);
            second.Html.ShouldBe(first.Html, url);
        }
    }

    [Fact]
    public async Task Reply_EvictsTheCachedTopicPageAndTheLists()
    {
        var (space, topic, author) = await TopicAsync();
        using var _ = author;
        using var visitor = app.CreateTribuClient();
        await visitor.GetAsync($"/t/{topic}");
        await visitor.GetAsync($"/s/{space}");
        FromCache(await visitor.GetAsync($"/t/{topic}")).ShouldBeTrue();
        FromCache(await visitor.GetAsync($"/s/{space}")).ShouldBeTrue();

        using var helper = await TestPerson.CreateAsync(app);
        (await helper.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = "A fresh answer." })).EnsureSuccessStatusCode();

        var page = await visitor.GetAsync($"/t/{topic}");
        FromCache(page).ShouldBeFalse();
        page.Text.ShouldContain("A fresh answer.");
        var list = await visitor.GetAsync($"/s/{space}");
        FromCache(list).ShouldBeFalse();
        list.Document.QuerySelectorAll(".topic-stats dd")[0].TextContent.ShouldBe("1");
    }

    [Fact]
    public async Task NewTopic_EvictsTheCachedLists()
    {
        var (space, _, author) = await TopicAsync("The first topic");
        using var _ = author;
        await app.CreateTribuClient().GetAsync($"/s/{space}");
        FromCache(await app.CreateTribuClient().GetAsync($"/s/{space}")).ShouldBeTrue();

        (await author.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Discussion", title = "The second topic", body = "Hello." }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);

        (await app.CreateTribuClient().GetAsync($"/s/{space}")).Text.ShouldContain("The second topic");
    }

    [Fact]
    public async Task SignedInMember_NeverGetsTheCachedAnonymousPage_AndIsNeverCachedForOthers()
    {
        var (_, topic, author) = await TopicAsync();
        using var _ = author;
        using var visitor = app.CreateTribuClient();
        await visitor.GetAsync($"/t/{topic}");
        FromCache(await visitor.GetAsync($"/t/{topic}")).ShouldBeTrue();

        // A member after the cache was filled: their own page, with their name and their forms.
        var mine = await author.Client.GetAsync($"/t/{topic}");
        FromCache(mine).ShouldBeFalse();
        mine.Document.QuerySelector(".user-chip").ShouldNotBeNull();
        mine.Document.QuerySelector("#reply-body").ShouldNotBeNull();

        // A member first, then a visitor, on a fresh entry: the visitor never sees the member's page.
        (await author.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = "Evicting." })).EnsureSuccessStatusCode();
        (await author.Client.GetAsync($"/t/{topic}")).Document.QuerySelector(".user-chip").ShouldNotBeNull();
        var anonymous = await app.CreateTribuClient().GetAsync($"/t/{topic}");
        FromCache(anonymous).ShouldBeFalse();
        anonymous.Document.QuerySelector(".user-chip").ShouldBeNull();
        anonymous.Document.QuerySelector("#reply-body").ShouldBeNull();
        anonymous.Html.ShouldNotContain("__RequestVerificationToken");
        anonymous.Html.ShouldNotContain("/account/logout");
    }

    [Fact]
    public async Task StatusMessage_IsShownToItsVisitorOnly_AndNeverCached()
    {
        var (_, topic, author) = await TopicAsync();
        using var _ = author;
        await app.CreateTribuClient().GetAsync($"/t/{topic}");
        // The message a redirect left for this visitor alone, in its short-lived cookie.
        using var withMessage = new TribuClient(app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false }), "en");
        withMessage.Http.DefaultRequestHeaders.Add("Cookie", $"{Tribu.Web.Features.Accounts.IdentityRedirectManager.StatusCookieName}=Only%20for%20you");

        var page = await withMessage.GetAsync($"/t/{topic}");

        FromCache(page).ShouldBeFalse();
        page.Document.QuerySelector("p.status")!.TextContent.ShouldBe("Only for you");
        var next = await app.CreateTribuClient().GetAsync($"/t/{topic}");
        FromCache(next).ShouldBeTrue();
        next.Document.QuerySelector("p.status").ShouldBeNull();
    }

    [Fact]
    public async Task Languages_AreCachedApart_AndTheSwitcherNeedsNoToken()
    {
        var (_, topic, author) = await TopicAsync();
        using var _ = author;
        using var english = app.CreateTribuClient("en");
        using var french = app.CreateTribuClient("fr");
        (await english.GetAsync($"/t/{topic}")).Document.DocumentElement.GetAttribute("lang").ShouldBe("en");
        (await french.GetAsync($"/t/{topic}")).Document.DocumentElement.GetAttribute("lang").ShouldBe("fr");
        FromCache(await french.GetAsync($"/t/{topic}")).ShouldBeTrue();

        // The anonymous switcher: a GET form, keyboard-usable buttons in a labelled group.
        var page = await english.GetAsync($"/t/{topic}");
        var form = page.Document.QuerySelector("form.lang-switch")!;
        form.GetAttribute("method").ShouldBe("get");
        form.QuerySelector("[role=group]")!.GetAttribute("aria-labelledby").ShouldBe("lang-label");
        var switched = await english.Http.GetAsync($"/culture?language=fr&returnUrl={Uri.EscapeDataString($"/t/{topic}")}");
        switched.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        switched.Headers.Location!.OriginalString.ShouldBe($"/t/{topic}");
        var after = await english.GetAsync($"/t/{topic}");
        after.Document.DocumentElement.GetAttribute("lang").ShouldBe("fr");
        (await english.Http.GetAsync("/culture?language=fr&returnUrl=https://elsewhere.example")).Headers.Location!.OriginalString.ShouldBe("/");
    }

    [Fact]
    public async Task UnknownQueryKeys_NeitherSplitTheCacheNorReachTheCachedPage()
    {
        var (_, topic, author) = await TopicAsync();
        using var _ = author;
        var first = await app.CreateTribuClient().GetAsync($"/t/{topic}?utm_source=mastodon&x=%22marker%22");
        first.Html.ShouldNotContain("utm_source");
        first.Html.ShouldNotContain("marker");
        FromCache(await app.CreateTribuClient().GetAsync($"/t/{topic}")).ShouldBeTrue();
    }

    [Fact]
    public async Task ViewsServedFromTheCache_AreCounted()
    {
        var (_, topic, author) = await TopicAsync();
        using var _ = author;
        var hits = 0;
        for (var i = 0; i < 4; i++)
        {
            if (FromCache(await app.CreateTribuClient().GetAsync($"/t/{topic}"))) hits++;
        }
        hits.ShouldBe(3);
        await app.Service<ViewCounter>().FlushAsync();
        (await app.WithDbAsync(db => Task.FromResult(db.Topics.Single(t => t.Id == topic).ViewCount))).ShouldBe(4);
    }

    [Fact]
    public async Task SpaceMadeMembersOnly_ItsCachedTopicPagesGoAtOnce()
    {
        var (space, topic, author) = await TopicAsync();
        using var _ = author;
        await app.CreateTribuClient().GetAsync($"/t/{topic}");
        FromCache(await app.CreateTribuClient().GetAsync($"/t/{topic}")).ShouldBeTrue();

        using var admin = await TestMembers.LoggedInAsync(app, Roles.Admin);
        var id = await app.WithDbAsync(db => Task.FromResult(db.Spaces.Single(s => s.Slug == space).Id));
        (await admin.Http.PutAsJsonAsync($"/api/v1/spaces/{id}", new { slug = space, name = "Now members only", description = "", visibility = "Members", color = "#336699" }))
            .EnsureSuccessStatusCode();

        (await app.CreateTribuClient().GetAsync($"/t/{topic}")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AnyWriterPublishingOnTheLiveBus_EvictsWithoutKnowingTheCache()
    {
        var (_, topic, author) = await TopicAsync("Before the change");
        using var _ = author;
        await app.CreateTribuClient().GetAsync($"/t/{topic}");
        FromCache(await app.CreateTribuClient().GetAsync($"/t/{topic}")).ShouldBeTrue();

        // A change made behind the pages' back, announced only as every writer announces it: on the topic's live channel.
        await app.WithDbAsync(db => db.Topics.Where(t => t.Id == topic).ExecuteUpdateAsync(s => s.SetProperty(t => t.Title, "After the change")));
        (await app.CreateTribuClient().GetAsync($"/t/{topic}")).Document.QuerySelector("h1")!.TextContent.ShouldBe("Before the change");
        await app.Service<ILiveBus>().PublishAsync(LiveChannels.Topic(topic));

        (await app.CreateTribuClient().GetAsync($"/t/{topic}")).Document.QuerySelector("h1")!.TextContent.ShouldBe("After the change");
    }
}
