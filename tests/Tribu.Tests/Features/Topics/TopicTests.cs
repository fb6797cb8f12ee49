using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Spaces;

namespace Tribu.Tests.Features.Topics;

/// <summary>Topics and replies through the API and the pages; run on SQLite and on PostgreSQL.</summary>
public abstract class TopicTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    private static async Task<long> StartAsync(TribuClient client, string space, string kind = "Question", string title = "Battery drains overnight", string body = "Any idea why?")
    {
        var response = await client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind, title, body, tags = "battery, winter" });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await JsonAsync(response)).GetProperty("id").GetInt64();
    }

    private static async Task<long> ReplyAsync(TribuClient client, long topic, string body = "Check the firmware.")
    {
        var response = await client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await JsonAsync(response)).GetProperty("id").GetInt64();
    }

    [Fact]
    public async Task StartTopic_InvalidInput_Returns400WithEachFieldsReason()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member, "fr");

        var response = await member.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics",
            new { kind = "Question", title = "Hi", body = new string('x', 20_001), tags = "ok, not ok!" });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await JsonAsync(response)).GetProperty("errors");
        errors.GetProperty("Title")[0].GetString().ShouldBe("Un titre fait de 5 à 150 caractères.");
        errors.GetProperty("Body")[0].GetString()!.ShouldContain("20");
        errors.TryGetProperty("Tags", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task StartTopic_RespectsWhoMayPostWhat()
    {
        var open = await TestSpaces.CreateAsync(App);
        var staffOnly = await TestSpaces.CreateAsync(App, staffOnly: true);
        using var anonymous = App.CreateTribuClient();
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager);
        var topic = new { kind = "Discussion", title = "Hello everyone", body = "Nice to meet you." };

        (await anonymous.Http.PostAsJsonAsync($"/api/v1/spaces/{open}/topics", topic)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await member.Http.PostAsJsonAsync($"/api/v1/spaces/{staffOnly}/topics", topic)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await member.Http.PostAsJsonAsync($"/api/v1/spaces/{open}/topics", topic with { kind = "Announcement" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await member.Http.PostAsJsonAsync($"/api/v1/spaces/{open}/topics", topic)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await manager.Http.PostAsJsonAsync($"/api/v1/spaces/{staffOnly}/topics", topic with { kind = "Announcement" })).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Question_AnsweredThenAcceptedByTheAsker_ShowsSolvedEverywhere()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var asker = await TestMembers.LoggedInAsync(App, Roles.Member);
        using var helper = await TestMembers.LoggedInAsync(App, Roles.Member);
        var topic = await StartAsync(asker, space);
        var answer = await ReplyAsync(helper, topic, "Turn off **boost** mode.");

        (await helper.Http.PutAsJsonAsync($"/api/v1/topics/{topic}/accepted-answer", new { postId = answer })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await asker.Http.PutAsJsonAsync($"/api/v1/topics/{topic}/accepted-answer", new { postId = answer })).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        var detail = await JsonAsync(await asker.Http.GetAsync($"/api/v1/topics/{topic}"));
        detail.GetProperty("acceptedPostId").GetInt64().ShouldBe(answer);
        detail.GetProperty("posts")[1].GetProperty("bodyHtml").GetString()!.ShouldContain("<strong>boost</strong>");
        var list = await JsonAsync(await asker.Http.GetAsync($"/api/v1/spaces/{space}/topics"));
        list[0].GetProperty("solved").GetBoolean().ShouldBeTrue();
        var page = await App.CreateTribuClient().GetAsync($"/t/{topic}");
        page.Document.QuerySelector(".accepted-answer")!.TextContent.ShouldContain("Turn off boost mode.");
        (await App.CreateTribuClient().GetAsync($"/s/{space}?sort=solved")).Text.ShouldContain("Battery drains overnight");
    }

    [Fact]
    public async Task ButtonForms_WithoutAntiforgeryToken_DoNothing()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var asker = await TestMembers.LoggedInAsync(App, Roles.Member);
        using var helper = await TestMembers.LoggedInAsync(App, Roles.Member);
        var topic = await StartAsync(asker, space);
        var answer = await ReplyAsync(helper, topic);

        // What a forged cross-site form would send: the cookie, but no token.
        var forged = await asker.Http.PostAsync($"/t/{topic}/accept/{answer}", new FormUrlEncodedContent([]));
        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await asker.Http.PostAsync($"/t/{topic}/delete/{answer}", new FormUrlEncodedContent([]))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var detail = await JsonAsync(await asker.Http.GetAsync($"/api/v1/topics/{topic}"));
        detail.GetProperty("acceptedPostId").ValueKind.ShouldBe(JsonValueKind.Null);
        detail.GetProperty("replies").GetInt32().ShouldBe(1);

        // The page's own button carries the token and works.
        var accepted = await asker.SubmitFormAsync($"/t/{topic}", f => f.GetAttribute("action") == $"/t/{topic}/accept/{answer}", new Dictionary<string, string>());
        accepted.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await JsonAsync(await asker.Http.GetAsync($"/api/v1/topics/{topic}"))).GetProperty("acceptedPostId").GetInt64().ShouldBe(answer);
    }

    [Fact]
    public async Task LockedTopic_RefusesMemberRepliesButNotStaff()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        using var moderator = await TestMembers.LoggedInAsync(App, Roles.Moderator);
        var topic = await StartAsync(member, space, "Discussion", "Heated debate about gears");

        (await member.Http.PatchAsJsonAsync($"/api/v1/topics/{topic}", new { locked = true })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await moderator.Http.PatchAsJsonAsync($"/api/v1/topics/{topic}", new { locked = true })).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await member.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = "One more thing" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await member.GetAsync($"/t/{topic}")).Text.ShouldContain("This topic is locked: no new replies.");
        await ReplyAsync(moderator, topic, "Closing this, thanks all.");
    }

    [Fact]
    public async Task Edit_OwnPostKeepsARevisionAndSomeoneElsesIsRefused()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var author = await TestMembers.LoggedInAsync(App, Roles.Member);
        using var other = await TestMembers.LoggedInAsync(App, Roles.Member);
        var topic = await StartAsync(author, space, "Discussion", "My first ride", "It was gret.");
        var firstPost = (await JsonAsync(await author.Http.GetAsync($"/api/v1/topics/{topic}"))).GetProperty("posts")[0].GetProperty("id").GetInt64();

        (await other.Http.PutAsJsonAsync($"/api/v1/posts/{firstPost}", new { body = "Vandalised" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var denied = await other.FollowAsync((await other.GetAsync($"/p/{firstPost}/edit")).Response);
        denied.Status.ShouldBe(HttpStatusCode.Forbidden);
        denied.Document.QuerySelector("h1")!.TextContent.ShouldBe("Access denied");

        var edited = await author.Http.PutAsJsonAsync($"/api/v1/posts/{firstPost}", new { body = "It was great.", title = "My first long ride", reason = "typo" });
        edited.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await JsonAsync(edited)).GetProperty("editedAt").ValueKind.ShouldNotBe(JsonValueKind.Null);
        var revisions = await JsonAsync(await other.Http.GetAsync($"/api/v1/posts/{firstPost}/revisions"));
        revisions.GetArrayLength().ShouldBe(1);
        revisions[0].GetProperty("bodyMarkdown").GetString().ShouldBe("It was gret.");
        revisions[0].GetProperty("title").GetString().ShouldBe("My first ride");
        revisions[0].GetProperty("reason").GetString().ShouldBe("typo");
        (await App.CreateTribuClient().GetAsync($"/p/{firstPost}/revisions")).Text.ShouldContain("It was gret.");
    }

    [Fact]
    public async Task Reactions_ToggleOncePerKindAndNeverOnOnesOwnPost()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var author = await TestMembers.LoggedInAsync(App, Roles.Member);
        using var fan = await TestMembers.LoggedInAsync(App, Roles.Member);
        var topic = await StartAsync(author, space, "Discussion", "Photos from Brittany");
        var post = (await JsonAsync(await author.Http.GetAsync($"/api/v1/topics/{topic}"))).GetProperty("posts")[0].GetProperty("id").GetInt64();

        (await author.Http.PostAsync($"/api/v1/posts/{post}/reactions/Like", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await JsonAsync(await fan.Http.PostAsync($"/api/v1/posts/{post}/reactions/Like", null))).GetProperty("active").GetBoolean().ShouldBeTrue();
        (await JsonAsync(await fan.Http.PostAsync($"/api/v1/posts/{post}/reactions/Thanks", null))).GetProperty("active").GetBoolean().ShouldBeTrue();
        var counts = (await JsonAsync(await fan.Http.GetAsync($"/api/v1/topics/{topic}"))).GetProperty("posts")[0];
        (counts.GetProperty("likes").GetInt32(), counts.GetProperty("thanks").GetInt32()).ShouldBe((1, 1));

        (await JsonAsync(await fan.Http.PostAsync($"/api/v1/posts/{post}/reactions/Like", null))).GetProperty("active").GetBoolean().ShouldBeFalse();
        (await JsonAsync(await fan.Http.GetAsync($"/api/v1/topics/{topic}"))).GetProperty("posts")[0].GetProperty("likes").GetInt32().ShouldBe(0);

        // The page's button does the same, without JavaScript.
        // One form per post: the pressed button sends its own name and value, as a browser does.
        var page = await fan.SubmitFormAsync($"/t/{topic}", f => f.GetAttribute("action") == $"/t/{topic}/react/{post}" && f.InnerHtml.Contains("value=\"Insightful\"", StringComparison.Ordinal),
            new Dictionary<string, string> { ["kind"] = "Insightful" });
        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await JsonAsync(await fan.Http.GetAsync($"/api/v1/topics/{topic}"))).GetProperty("posts")[0].GetProperty("insightful").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task Delete_ReplyLowersTheCountAndOpeningPostRemovesTheTopic()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var author = await TestMembers.LoggedInAsync(App, Roles.Member);
        using var other = await TestMembers.LoggedInAsync(App, Roles.Member);
        var topic = await StartAsync(author, space, "Discussion", "Short-lived topic");
        var reply = await ReplyAsync(other, topic);

        (await author.Http.DeleteAsync($"/api/v1/posts/{reply}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await other.Http.DeleteAsync($"/api/v1/posts/{reply}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await JsonAsync(await author.Http.GetAsync($"/api/v1/topics/{topic}"))).GetProperty("replies").GetInt32().ShouldBe(0);

        var opening = (await JsonAsync(await author.Http.GetAsync($"/api/v1/topics/{topic}"))).GetProperty("posts")[0].GetProperty("id").GetInt64();
        (await author.Http.DeleteAsync($"/api/v1/posts/{opening}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await author.Http.GetAsync($"/api/v1/topics/{topic}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await App.CreateTribuClient().GetAsync($"/t/{topic}")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Views_CountEachVisitOnce_NotTheLiveRefreshes()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        var topic = await StartAsync(member, space, "Discussion", "Counting visitors");
        for (var i = 0; i < 3; i++) (await App.CreateTribuClient().GetAsync($"/t/{topic}")).Status.ShouldBe(HttpStatusCode.OK);
        using var live = new HttpRequestMessage(HttpMethod.Get, $"/t/{topic}");
        live.Headers.Add("X-Tribu-Live", "1");
        (await App.CreateTribuClient().Http.SendAsync(live)).EnsureSuccessStatusCode();

        await App.Service<Tribu.Web.Features.Topics.ViewCounter>().FlushAsync();

        (await App.WithDbAsync(db => Task.FromResult(db.Topics.Single(t => t.Id == topic).ViewCount))).ShouldBe(3);
        // The space's list shows it: Replies, then Views.
        (await App.CreateTribuClient().GetAsync($"/s/{space}")).Document.QuerySelectorAll(".topic-stats dd")[1].TextContent.ShouldBe("3");
    }

    [Fact]
    public async Task PrivateSpace_IsInvisibleToMembersAndAnonymousEverywhere()
    {
        var beta = await TestSpaces.CreateAsync(App, SpaceVisibility.Invite);
        using var admin = await TestMembers.LoggedInAsync(App, Roles.Admin);
        var topic = await StartAsync(admin, beta, "Discussion", "Secret cargo prototype");
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        using var anonymous = App.CreateTribuClient();

        foreach (var client in new[] { member, anonymous })
        {
            (await client.GetAsync($"/s/{beta}")).Status.ShouldBe(HttpStatusCode.NotFound);
            (await client.GetAsync($"/t/{topic}")).Status.ShouldBe(HttpStatusCode.NotFound);
            (await client.Http.GetAsync($"/api/v1/topics/{topic}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await client.Http.GetAsync($"/api/v1/spaces/{beta}/topics")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await client.GetAsync("/")).Text.ShouldNotContain("Secret cargo prototype");
            (await client.Http.GetStringAsync("/api/v1/spaces")).ShouldNotContain(beta);
        }
        (await member.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = "peek" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await admin.GetAsync($"/t/{topic}")).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task HtmlInTitlesAndBodies_IsShownAsTextNeverRun()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        var topic = await StartAsync(member, space, "Discussion", "<script>alert('t')</script> Title", "<img src=x onerror=alert(1)> body");

        foreach (var url in new[] { $"/t/{topic}", $"/s/{space}", "/" })
        {
            var page = await App.CreateTribuClient().GetAsync(url);
            page.Document.QuerySelectorAll("script").ShouldNotContain(s => s.TextContent.Contains("alert", StringComparison.Ordinal) && s.GetAttribute("type") != "application/ld+json");
            page.Document.QuerySelectorAll("img[onerror]").ShouldBeEmpty();
        }
        var jsonLd = (await App.CreateTribuClient().GetAsync($"/t/{topic}")).Html;
        jsonLd.ShouldNotContain("<script>alert");
    }

    [Fact]
    public async Task ReplyForm_EmptyOrTooLong_ShowsTheReasonAndKeepsTheDraft()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        var topic = await StartAsync(member, space, "Discussion", "Drafts are precious");
        var draft = "A long thoughtful reply. " + new string('z', 20_000);

        var page = await member.FollowAsync(await member.SubmitAsync($"/t/{topic}", "reply", new Dictionary<string, string> { ["Reply.Body"] = draft }));

        page.FieldError("Body")!.ShouldContain("20,000");
        page.Document.QuerySelector("#reply-body")!.TextContent.ShouldBe(draft);
        var sent = await member.FollowAsync(await member.SubmitAsync($"/t/{topic}", "reply", new Dictionary<string, string> { ["Reply.Body"] = "Short and sweet." }));
        sent.Document.QuerySelector("#post-2")!.TextContent.ShouldContain("Short and sweet.");
    }

    [Fact]
    public async Task Quote_PrefillsTheReplyAndLinksBackToTheQuotedPost()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var author = await TestMembers.LoggedInAsync(App, Roles.Member);
        using var other = await TestMembers.LoggedInAsync(App, Roles.Member);
        var topic = await StartAsync(author, space, "Discussion", "Quotable thoughts", "Range drops in winter.\nBy a lot.");

        var form = await other.GetAsync($"/t/{topic}?quote=1");
        var draft = form.Document.QuerySelector("#reply-body")!.TextContent;
        draft.ShouldContain("> Range drops in winter.\n> By a lot.");
        var sent = await other.FollowAsync(await other.SubmitAsync($"/t/{topic}?quote=1", "reply", new Dictionary<string, string> { ["Reply.Body"] = draft + "Mine too, about 30 %." }));

        var reply = sent.Document.QuerySelector("#post-2")!;
        reply.QuerySelector("blockquote")!.TextContent.ShouldContain("Range drops in winter.");
        reply.QuerySelector("a[href='#post-1']")!.TextContent.ShouldBe("in reply to #1");
    }

    [Fact]
    public async Task Bookmarks_ToggleAndListOnlyWhatTheMemberMayStillRead()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        var topic = await StartAsync(member, space, "Discussion", "Worth keeping");
        var post = (await JsonAsync(await member.Http.GetAsync($"/api/v1/topics/{topic}"))).GetProperty("posts")[0].GetProperty("id").GetInt64();

        (await JsonAsync(await member.Http.PostAsync($"/api/v1/posts/{post}/bookmark", null))).GetProperty("bookmarked").GetBoolean().ShouldBeTrue();
        (await JsonAsync(await member.Http.GetAsync("/api/v1/bookmarks")))[0].GetProperty("title").GetString().ShouldBe("Worth keeping");
        (await member.GetAsync("/bookmarks")).Text.ShouldContain("Worth keeping");

        (await JsonAsync(await member.Http.PostAsync($"/api/v1/posts/{post}/bookmark", null))).GetProperty("bookmarked").GetBoolean().ShouldBeFalse();
        (await JsonAsync(await member.Http.GetAsync("/api/v1/bookmarks"))).GetArrayLength().ShouldBe(0);

        // Kept, then the topic disappears: the bookmark no longer shows it.
        await member.Http.PostAsync($"/api/v1/posts/{post}/bookmark", null);
        (await member.Http.DeleteAsync($"/api/v1/posts/{post}")).EnsureSuccessStatusCode();
        (await JsonAsync(await member.Http.GetAsync("/api/v1/bookmarks"))).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task SimilarTopics_SuggestsReadableTopicsLikeTheTitleBeingTyped()
    {
        var open = await TestSpaces.CreateAsync(App);
        var hidden = await TestSpaces.CreateAsync(App, SpaceVisibility.Invite);
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        using var admin = await TestMembers.LoggedInAsync(App, Roles.Admin);
        // Letters only: PostgreSQL's parser files letter-digit mixes under another token type.
        var word = "zq" + new string(Guid.NewGuid().ToString("N")[..6].Select(c => (char)('a' + (c % 26))).ToArray());
        var visible = await StartAsync(member, open, "Question", $"Batteries {word} lose range in winter");
        var secret = await StartAsync(admin, hidden, "Discussion", $"Prototype batteries {word} secret");

        var similar = await JsonAsync(await member.Http.GetAsync($"/api/v1/topics/similar?title={Uri.EscapeDataString($"Why does my battery {word} die so fast?")}"));

        // Other battery topics may follow (any word matches); the closest comes first, the unreadable one never.
        var ids = similar.EnumerateArray().Select(t => t.GetProperty("topicId").GetInt64()).ToList();
        ids[0].ShouldBe(visible);
        ids.ShouldNotContain(secret);
        similar[0].GetProperty("url").GetString().ShouldBe($"/t/{visible}");
        (await JsonAsync(await member.Http.GetAsync("/api/v1/topics/similar?title=short"))).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task ConcurrentReplies_EachGetTheirOwnNumber()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        var topic = await StartAsync(member, space, "Discussion", "Everybody talks at once");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => member.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = $"Reply {i}" })));

        results.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Created);
        var posts = (await JsonAsync(await member.Http.GetAsync($"/api/v1/topics/{topic}"))).GetProperty("posts").EnumerateArray().ToList();
        posts.Select(p => p.GetProperty("number").GetInt32()).ShouldBe(Enumerable.Range(1, 9));
        (await JsonAsync(await member.Http.GetAsync($"/api/v1/topics/{topic}"))).GetProperty("replies").GetInt32().ShouldBe(8);
    }
}

public sealed class TopicSqliteTests(SqliteAppFactory app) : TopicTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class TopicPostgresTests(PostgresAppFactory app) : TopicTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
