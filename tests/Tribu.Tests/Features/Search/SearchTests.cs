using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Search;
using Tribu.Web.Features.Spaces;
using Tribu.Web.Platform.Data;

namespace Tribu.Tests.Features.Search;

/// <summary>Search through the API and the page, on SQLite (FTS5) and on PostgreSQL (tsvector).</summary>
public abstract class SearchTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>A made-up word no other test uses, so that each test sees only its own posts (the app is shared by the class).</summary>
    private static string Marker() => "zq" + string.Concat(Guid.NewGuid().ToString("N")[..10].Select(c => (char)('a' + (c % 26))));

    private static async Task<(long Topic, long Post)> StartAsync(TribuClient client, string space, string title, string body, string kind = "Discussion", string? tags = null)
    {
        var response = await client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind, title, body, tags });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var topic = (await JsonAsync(response)).GetProperty("id").GetInt64();
        var post = (await JsonAsync(await client.Http.GetAsync($"/api/v1/topics/{topic}"))).GetProperty("posts")[0].GetProperty("id").GetInt64();
        return (topic, post);
    }

    private static async Task<long> ReplyAsync(TribuClient client, long topic, string body)
    {
        var response = await client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await JsonAsync(response)).GetProperty("id").GetInt64();
    }

    private static async Task<JsonElement> SearchAsync(TribuClient client, string query)
    {
        var response = await client.Http.GetAsync($"/api/v1/search?{query}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await JsonAsync(response);
    }

    private static async Task<long[]> PostIdsAsync(TribuClient client, string query) =>
        [.. (await SearchAsync(client, query)).GetProperty("results").EnumerateArray().Select(r => r.GetProperty("postId").GetInt64())];

    [Fact]
    public async Task Search_FrenchInflection_FindsThePostWithAHighlightedSnippet()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        var marker = Marker();
        var (topic, post) = await StartAsync(member, space, $"Rencontre {marker} à Lyon",
            $"La communauté des cyclistes de Lyon est très active : on se retrouve {marker} samedi.");

        var json = await SearchAsync(App.CreateTribuClient(), $"q=communautés+{marker}");

        var result = json.GetProperty("results").EnumerateArray().Single();
        result.GetProperty("postId").GetInt64().ShouldBe(post);
        result.GetProperty("url").GetString().ShouldBe($"/t/{topic}/rencontre-{marker}-a-lyon#post-1");
        result.GetProperty("space").GetString().ShouldBe(space);
        result.GetProperty("snippet").GetString()!.ShouldContain("<mark>communauté</mark>");
        // Accents are optional in the query as in the post.
        (await PostIdsAsync(App.CreateTribuClient(), $"q=communaute+{marker}")).ShouldBe([post]);
    }

    [Fact]
    public async Task Search_FrenchPluralAfterAVowel_FindsTheSingularAndBack()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        var marker = Marker();
        var (_, plural) = await StartAsync(member, space, $"Garage {marker}", $"Nos vélos dorment au garage {marker} en hiver.");
        var (_, singular) = await StartAsync(member, space, $"Atelier {marker}", $"Mon vélo est à l'atelier {marker} depuis lundi.");

        (await PostIdsAsync(App.CreateTribuClient(), $"q=v%C3%A9lo+{marker}")).ShouldBe([plural, singular], ignoreOrder: true);
        (await PostIdsAsync(App.CreateTribuClient(), $"q=velos+{marker}")).ShouldBe([plural, singular], ignoreOrder: true);
    }

    [Fact]
    public async Task Search_WordsInsideUrlsAddressesPathsAndVersions_AreFoundOnBothEngines()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        var tracking = "zq7k" + Guid.NewGuid().ToString("N")[..4] + "2m";
        var mailbox = "zq3f" + Guid.NewGuid().ToString("N")[..4] + "9a";
        var folder = "zq5p" + Guid.NewGuid().ToString("N")[..4] + "1x";
        var (_, url) = await StartAsync(member, space, "Tracking my parcel", $"Suivi : https://example.com/suivi/{tracking} depuis lundi.");
        var (_, email) = await StartAsync(member, space, "Write to support", $"Écrivez à {mailbox}@example.com pour le SAV.");
        var (_, path) = await StartAsync(member, space, "Log location", $"The log is in /home/{folder}/log after firmware v2.4.1 (réf3x{folder}).");

        (await PostIdsAsync(App.CreateTribuClient(), $"q={tracking}")).ShouldBe([url]);
        (await PostIdsAsync(App.CreateTribuClient(), $"q={mailbox}")).ShouldBe([email]);
        (await PostIdsAsync(App.CreateTribuClient(), $"q={folder}")).ShouldBe([path]);
        (await PostIdsAsync(App.CreateTribuClient(), $"q=ref3x{folder}")).ShouldBe([path]);
    }

    [Fact]
    public async Task Search_EnglishInflection_FindsTheReply()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var asker = await TestMembers.LoggedInAsync(App, Roles.Member);
        using var helper = await TestMembers.LoggedInAsync(App, Roles.Member);
        var marker = Marker();
        var (topic, _) = await StartAsync(asker, space, $"Range question {marker}", "How far can I ride on a full charge in the winter?", "Question");
        var reply = await ReplyAsync(helper, topic, $"The batteries lose about a fifth of their range when it is cold, so keep them inside at night {marker}.");

        var json = await SearchAsync(App.CreateTribuClient(), $"q=battery+{marker}");

        var result = json.GetProperty("results").EnumerateArray().Single();
        result.GetProperty("postId").GetInt64().ShouldBe(reply);
        result.GetProperty("number").GetInt32().ShouldBe(2);
        result.GetProperty("url").GetString().ShouldEndWith("#post-2");
        result.GetProperty("kind").GetString().ShouldBe("Question");
        result.GetProperty("snippet").GetString()!.ShouldContain("<mark>batteries</mark>");
    }

    [Fact]
    public async Task Search_EachFilter_NarrowsTheResults()
    {
        var lyon = await TestSpaces.CreateAsync(App);
        var paris = await TestSpaces.CreateAsync(App);
        var aliceEmail = await TestMembers.CreateAsync(App);
        using var alice = App.CreateTribuClient();
        await alice.LogInAsync(aliceEmail, TestMembers.Password);
        using var bob = await TestMembers.LoggedInAsync(App, Roles.Member);
        var aliceHandle = await App.WithDbAsync(db => db.Users.Where(u => u.Email == aliceEmail).Select(u => u.Handle).SingleAsync());
        var m = Marker();

        var (question, questionPost) = await StartAsync(alice, lyon, $"Question {m} about gears", $"Which gear for hills {m}?", "Question", "gears, hills");
        var answer = await ReplyAsync(bob, question, $"Use the lowest gear {m} and keep pedalling.");
        (await alice.Http.PutAsJsonAsync($"/api/v1/topics/{question}/accepted-answer", new { postId = answer })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var (_, openPost) = await StartAsync(bob, paris, $"Another {m} question", $"Still wondering about {m} here.", "Question", "hills");
        var (_, talkPost) = await StartAsync(bob, paris, $"Chat {m} thread", $"Just chatting about {m} today.", "Discussion", "chat");
        await App.WithDbAsync(db => db.Posts.Where(p => p.Id == talkPost).ExecuteUpdateAsync(s => s.SetProperty(p => p.CreatedAt, new DateTime(2020, 1, 15, 12, 0, 0, DateTimeKind.Utc))));
        using var reader = App.CreateTribuClient();

        (await PostIdsAsync(reader, $"q={m}")).ShouldBe([questionPost, answer, openPost, talkPost], ignoreOrder: true);
        (await PostIdsAsync(reader, $"q={m}&space={lyon}")).ShouldBe([questionPost, answer], ignoreOrder: true);
        (await PostIdsAsync(reader, $"q={m}&author={aliceHandle}")).ShouldBe([questionPost]);
        (await PostIdsAsync(reader, $"q={m}&author=@{aliceHandle.ToUpperInvariant()}")).ShouldBe([questionPost]);
        (await PostIdsAsync(reader, $"q={m}&kind=discussion")).ShouldBe([talkPost]);
        (await PostIdsAsync(reader, $"q={m}&kind=Question&solved=true")).ShouldBe([questionPost, answer], ignoreOrder: true);
        (await PostIdsAsync(reader, $"q={m}&kind=Question&solved=false")).ShouldBe([openPost]);
        (await PostIdsAsync(reader, $"q={m}&tag=hills")).ShouldBe([questionPost, answer, openPost], ignoreOrder: true);
        (await PostIdsAsync(reader, $"q={m}&tag=%23CHAT")).ShouldBe([talkPost]);
        (await PostIdsAsync(reader, $"q={m}&tag=hill")).ShouldBeEmpty();
        (await PostIdsAsync(reader, $"q={m}&from=2020-01-01&to=2020-01-15")).ShouldBe([talkPost]);
        (await PostIdsAsync(reader, $"q={m}&to=2020-01-14")).ShouldBeEmpty();
        (await PostIdsAsync(reader, $"q={m}&from=2020-01-16")).ShouldBe([questionPost, answer, openPost], ignoreOrder: true);
        (await PostIdsAsync(reader, $"q={m}&sort=latest"))[^1].ShouldBe(talkPost);
        // Words are all required; a minus leaves a word out; "or" offers alternatives.
        (await PostIdsAsync(reader, $"q={m}+pedalling")).ShouldBe([answer]);
        (await PostIdsAsync(reader, $"q={m}+-pedalling+-chatting")).ShouldBe([questionPost, openPost], ignoreOrder: true);
        (await PostIdsAsync(reader, $"q=pedalling+{m}+or+chatting+{m}")).ShouldBe([answer, talkPost], ignoreOrder: true);
        (await PostIdsAsync(reader, $"q=%22lowest+gear+{m}%22")).ShouldBe([answer]);
        (await PostIdsAsync(reader, $"q=%22gear+lowest%22+{m}")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Search_PrivateSpaceAndDeletedPosts_AreNeverShown()
    {
        var beta = await TestSpaces.CreateAsync(App, SpaceVisibility.Invite);
        var members = await TestSpaces.CreateAsync(App, SpaceVisibility.Members);
        var open = await TestSpaces.CreateAsync(App);
        using var admin = await TestMembers.LoggedInAsync(App, Roles.Admin);
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        using var anonymous = App.CreateTribuClient();
        var m = Marker();
        var (_, secret) = await StartAsync(admin, beta, $"Secret prototype {m}", $"The new cargo frame {m} ships in spring.");
        var (_, inside) = await StartAsync(member, members, $"Members only {m}", $"Shared with members {m}.");
        var (gone, goneOpening) = await StartAsync(member, open, $"Deleted topic {m}", $"This topic {m} will disappear.");
        var (kept, keptOpening) = await StartAsync(member, open, $"Kept topic {m}", $"This topic {m} stays.");
        var goneReply = await ReplyAsync(member, kept, $"This reply {m} will disappear.");
        var goneTopicReply = await ReplyAsync(member, gone, $"A reply {m} in a topic that goes.");
        (await member.Http.DeleteAsync($"/api/v1/posts/{goneReply}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await member.Http.DeleteAsync($"/api/v1/posts/{goneOpening}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await PostIdsAsync(anonymous, $"q={m}")).ShouldBe([keptOpening]);
        (await PostIdsAsync(member, $"q={m}")).ShouldBe([inside, keptOpening], ignoreOrder: true);
        (await PostIdsAsync(admin, $"q={m}")).ShouldBe([secret, inside, keptOpening], ignoreOrder: true);
        (await PostIdsAsync(member, $"q={m}&space={beta}")).ShouldBeEmpty();

        foreach (var client in new[] { anonymous, member })
        {
            var page = await client.GetAsync($"/search?q={m}");
            page.Status.ShouldBe(HttpStatusCode.OK);
            page.Text.ShouldNotContain("Secret prototype");
            page.Text.ShouldNotContain("cargo frame");
            page.Text.ShouldNotContain("will disappear");
            page.Document.QuerySelectorAll("#search-space option").Select(o => o.GetAttribute("value")).ShouldNotContain(beta);
        }
        (await anonymous.GetAsync($"/search?q={m}")).Text.ShouldNotContain("Members only");
        (await admin.GetAsync($"/search?q={m}")).Text.ShouldContain("Secret prototype");
        // Deleted posts leave the index itself, not only the results.
        var indexed = await App.WithDbAsync(db => db.Set<SearchDocument>().Where(d => d.PostId == goneReply || d.PostId == goneOpening || d.PostId == goneTopicReply).CountAsync());
        indexed.ShouldBe(0);
    }

    [Fact]
    public async Task Edit_ReindexesTheTextAndTheTitle()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        var m = Marker();
        var (_, post) = await StartAsync(member, space, $"Tyre pressure {m}", $"I ride with soft tyres {m}.");
        (await PostIdsAsync(member, $"q={m}+soft")).ShouldBe([post]);

        var edited = await member.Http.PutAsJsonAsync($"/api/v1/posts/{post}", new { body = $"I ride with hard tyres {m}.", title = $"Tyre inflation {m}" });
        edited.StatusCode.ShouldBe(HttpStatusCode.OK);

        (await PostIdsAsync(member, $"q={m}+soft")).ShouldBeEmpty();
        (await PostIdsAsync(member, $"q={m}+hard")).ShouldBe([post]);
        (await PostIdsAsync(member, $"q={m}+inflation")).ShouldBe([post]);
        (await PostIdsAsync(member, $"q={m}+pressure")).ShouldBeEmpty();
        var result = (await SearchAsync(member, $"q={m}+hard")).GetProperty("results")[0];
        result.GetProperty("title").GetString().ShouldBe($"Tyre inflation {m}");
        result.GetProperty("snippet").GetString()!.ShouldContain("<mark>hard</mark>");
    }

    [Fact]
    public async Task Snippet_HtmlInThePost_IsEscapedNeverRun()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        var m = Marker();
        await StartAsync(member, space, $"<script>alert('t')</script> {m}",
            $"`<img src=x onerror=alert(1)>` and <script>alert(2)</script> then \"><svg onload=alert(3)> around the battery {m}");

        var snippet = (await SearchAsync(member, $"q=battery+{m}")).GetProperty("results")[0].GetProperty("snippet").GetString()!;
        snippet.ShouldContain("<mark>battery</mark>");
        snippet.Replace("<mark>", "").Replace("</mark>", "").ShouldNotContain("<");

        var page = await member.GetAsync($"/search?q=battery+{m}");
        var results = page.Document.QuerySelector(".search-results")!;
        results.QuerySelectorAll("script, img, svg, [onerror], [onload]").ShouldBeEmpty();
        results.QuerySelector(".snippet mark")!.TextContent.ShouldBe("battery");
        results.QuerySelector("h3 a")!.TextContent.ShouldContain("<script>");
    }

    [Fact]
    public async Task Search_EmptyOrTooLongOrInvalid_Returns400ProblemDetails()
    {
        using var client = App.CreateTribuClient("fr");

        var empty = await client.Http.GetAsync("/api/v1/search?q=%20%20");
        empty.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        empty.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await JsonAsync(empty)).GetProperty("errors").GetProperty("q")[0].GetString().ShouldBe("Tapez au moins un mot à chercher.");
        (await client.Http.GetAsync("/api/v1/search")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var tooLong = await client.Http.GetAsync($"/api/v1/search?q={new string('a', SearchQuery.MaxLength + 1)}");
        tooLong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await JsonAsync(tooLong)).GetProperty("errors").GetProperty("q")[0].GetString()!.ShouldContain("200");

        var invalid = await JsonAsync(await client.Http.GetAsync("/api/v1/search?q=velo&kind=poll&solved=maybe&from=31/01/2026&sort=best"));
        invalid.GetProperty("errors").EnumerateObject().Select(p => p.Name).ShouldBe(["kind", "solved", "from", "sort"], ignoreOrder: true);
        (await JsonAsync(await client.Http.GetAsync("/api/v1/search?q=velo&from=2026-02-01&to=2026-01-01"))).GetProperty("errors").GetProperty("to").GetArrayLength().ShouldBe(1);

        // Query syntax never breaks the search: it is read as words.
        (await client.Http.GetAsync("/api/v1/search?q=%22unclosed+AND+OR+NOT+*+%5E+NEAR(+col:x")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await SearchAsync(client, "q=%3F%21")).GetProperty("results").GetArrayLength().ShouldBe(0);

        var page = await client.GetAsync("/search?q=");
        page.Status.ShouldBe(HttpStatusCode.OK);
        page.FieldError("q").ShouldBe("Tapez au moins un mot à chercher.");
        page.Document.QuerySelector("#search-q")!.GetAttribute("aria-invalid").ShouldBe("true");
    }

    [Fact]
    public async Task Results_ArePagedWithANextLink()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        var m = Marker();
        var (topic, _) = await StartAsync(member, space, $"Many replies {m}", $"Opening {m}.");
        for (var i = 0; i < SearchService.PageSize + 4; i++)
        {
            await ReplyAsync(member, topic, $"Reply number {i} about {m}.");
        }

        var first = await SearchAsync(member, $"q={m}&sort=latest");
        first.GetProperty("results").GetArrayLength().ShouldBe(SearchService.PageSize);
        first.GetProperty("hasMore").GetBoolean().ShouldBeTrue();
        var second = await SearchAsync(member, $"q={m}&sort=latest&page=2");
        second.GetProperty("results").GetArrayLength().ShouldBe(5);
        second.GetProperty("hasMore").GetBoolean().ShouldBeFalse();

        var page = await member.GetAsync($"/search?q={m}&sort=latest");
        page.Document.QuerySelectorAll(".search-result").Length.ShouldBe(SearchService.PageSize);
        var next = page.Document.QuerySelector(".pager a[rel=next]")!.GetAttribute("href")!;
        next.ShouldBe($"/search?q={m}&sort=latest&page=2");
        var pageTwo = await member.GetAsync(next);
        pageTwo.Document.QuerySelectorAll(".search-result").Length.ShouldBe(5);
        pageTwo.Document.QuerySelector(".pager a[rel=prev]").ShouldNotBeNull();
    }

    [Fact]
    public async Task Page_NoResults_SaysSoAndTheHeaderHasASearchBox()
    {
        using var client = App.CreateTribuClient("fr");

        var home = await client.GetAsync("/");
        var box = home.Document.QuerySelector("header form[role=search]")!;
        box.GetAttribute("action").ShouldBe("/search");
        home.Document.QuerySelector("label[for=header-search-q]")!.TextContent.ShouldBe("Rechercher dans la communauté");

        var page = await client.GetAsync($"/search?q={Marker()}");
        page.Document.QuerySelector("[role=status] h2")!.TextContent.ShouldStartWith("Aucun résultat pour");
        page.Title.ShouldNotBeNull().ShouldContain("recherche");
    }

    [Fact]
    public async Task Backfill_IndexesPostsTheIndexLacks_AndIsIdempotent()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        var m = Marker();
        var (_, post) = await StartAsync(member, space, $"Written before search {m}", $"An old post about chains {m}.");
        // As if the post predated the search index: no document, no terms.
        await App.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<TribuDbContext>();
            await sp.GetRequiredService<SearchIndex>().RemovePostsAsync(db, [post], CancellationToken.None);
            return 0;
        });
        (await PostIdsAsync(member, $"q={m}")).ShouldBeEmpty();

        (await App.Service<SearchBackfill>().RunAsync()).ShouldBeGreaterThanOrEqualTo(1);

        (await PostIdsAsync(member, $"q=chain+{m}")).ShouldBe([post]);
        (await App.Service<SearchBackfill>().RunAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Backfill_IndexesABatchOfPostsAtOnce_EachInItsLanguage()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        var m = Marker();
        var (topic, opening) = await StartAsync(member, space, $"Batch indexing {m}", $"The opening post about brakes {m}.");
        var french = await ReplyAsync(member, topic, $"Les communautés de cyclistes aiment les freins hydrauliques {m}.");
        var english = await ReplyAsync(member, topic, $"Chains wear out in winter {m}, see https://example.com/guide/{m}x.");
        // As if a new index version had come: none of the three has a document (the backfill writes them in one batch).
        await App.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<SearchIndex>().RemovePostsAsync(sp.GetRequiredService<TribuDbContext>(), [opening, french, english], CancellationToken.None);
            return 0;
        });
        (await PostIdsAsync(member, $"q={m}")).ShouldBeEmpty();

        (await App.Service<SearchBackfill>().RunAsync()).ShouldBeGreaterThanOrEqualTo(3);

        (await PostIdsAsync(member, $"q=communauté+{m}")).ShouldBe([french]);
        (await PostIdsAsync(member, $"q=chain+{m}")).ShouldBe([english]);
        (await PostIdsAsync(member, $"q={m}x")).ShouldBe([english]);
        (await PostIdsAsync(member, $"q=batch+{m}")).ShouldBe([opening]);
    }

    [Fact]
    public async Task Backfill_RepairsEditsAndDeletesTheIndexMissed()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        var m = Marker();
        var (topic, edited) = await StartAsync(member, space, $"Missed changes {m}", $"Talking about saddles {m}.");
        var deleted = await ReplyAsync(member, topic, $"A reply about pedals {m}.");
        // Changes written around the interceptor (as a failed indexing would leave them): the index still holds the old state.
        await App.WithDbAsync(async db =>
        {
            await db.Posts.Where(p => p.Id == edited).ExecuteUpdateAsync(s => s
                .SetProperty(p => p.BodyMarkdown, $"Talking about handlebars {m}.").SetProperty(p => p.EditedAt, TimeProvider.System.GetUtcNow().UtcDateTime));
            return await db.Posts.Where(p => p.Id == deleted).ExecuteUpdateAsync(s => s.SetProperty(p => p.IsDeleted, true));
        });
        (await PostIdsAsync(member, $"q={m}+handlebars")).ShouldBeEmpty();

        (await App.Service<SearchBackfill>().RunAsync()).ShouldBe(2);

        (await PostIdsAsync(member, $"q={m}+handlebars")).ShouldBe([edited]);
        (await PostIdsAsync(member, $"q={m}+saddles")).ShouldBeEmpty();
        (await App.WithDbAsync(db => db.Set<SearchDocument>().AnyAsync(d => d.PostId == deleted))).ShouldBeFalse();
    }

    [Fact]
    public async Task Results_FillThePage_WhenTheBestMatchesAreHidden()
    {
        var open = await TestSpaces.CreateAsync(App);
        var beta = await TestSpaces.CreateAsync(App, SpaceVisibility.Invite);
        using var admin = await TestMembers.LoggedInAsync(App, Roles.Admin);
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        var m = Marker();
        var (readable, readableOpening) = await StartAsync(member, open, $"Visible {m}", $"Opening {m}.");
        var shown = new List<long> { readableOpening };
        for (var i = 0; i < SearchService.PageSize + 2; i++) shown.Add(await ReplyAsync(member, readable, $"Visible reply {i} {m}."));
        // Newer, shorter and so better ranked, and more than a page of them: the reader may see none.
        var (hidden, _) = await StartAsync(admin, beta, $"Hidden {m}", $"{m}");
        for (var i = 0; i < SearchService.PageSize + 10; i++) await ReplyAsync(admin, hidden, $"{m} {m}");

        foreach (var sort in new[] { "relevance", "latest" })
        {
            var first = await SearchAsync(member, $"q={m}&sort={sort}");
            first.GetProperty("results").GetArrayLength().ShouldBe(SearchService.PageSize);
            first.GetProperty("hasMore").GetBoolean().ShouldBeTrue();
            var second = await SearchAsync(member, $"q={m}&sort={sort}&page=2");
            second.GetProperty("hasMore").GetBoolean().ShouldBeFalse();
            var ids = first.GetProperty("results").EnumerateArray().Concat(second.GetProperty("results").EnumerateArray())
                .Select(r => r.GetProperty("postId").GetInt64()).ToList();
            ids.ShouldBe(shown, ignoreOrder: true);
        }
        (await PostIdsAsync(admin, $"q={m}&space={beta}")).Length.ShouldBe(SearchService.PageSize);
    }

    [Fact]
    public async Task Match_ReturnsTheNewestMatches_NewestFirst_WhereverTheyLie()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        var m = Marker();
        var other = Marker();
        var (topic, opening) = await StartAsync(member, space, $"Spread matches {m}", $"Opening {m}.");
        var matches = new List<long> { opening };
        // Matches among other posts, closer together as they get newer: the PostgreSQL index reads back in steps.
        foreach (var gap in new[] { 6, 5, 4, 3, 2, 1, 0, 0 })
        {
            for (var i = 0; i < gap; i++) await ReplyAsync(member, topic, $"Unrelated {other}.");
            matches.Add(await ReplyAsync(member, topic, $"Match {m}."));
        }
        matches.Reverse();
        var query = SearchQuery.Parse(m);

        foreach (var max in new[] { 3, 6, 50 })
        {
            var found = await App.WithScopeAsync(async sp =>
            {
                var index = sp.GetRequiredService<SearchIndex>() is PostgresSearchIndex
                    ? new PostgresSearchIndex { MaxCandidates = max, FirstWindow = 2 }
                    : (SearchIndex)new SqliteSearchIndex { MaxCandidates = max };
                return await index.MatchAsync(sp.GetRequiredService<TribuDbContext>(), query, CancellationToken.None);
            });
            found.Select(h => h.PostId).ToArray().ShouldBe([.. matches.Take(max)]);
            found.ShouldAllBe(h => h.Score > 0);
        }
    }

    [Fact]
    public async Task Restart_WithACurrentIndex_ChecksOnlyNewPosts_AndANewIndexVersionChecksEveryPost()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        var m = Marker();
        var (topic, old) = await StartAsync(member, space, $"Watermark {m}", $"Posted before the last check {m}.");
        await App.Service<SearchBackfill>().RunAsync();
        var before = await WatermarkAsync();
        before.Version.ShouldBe(SearchDocument.CurrentVersion);
        before.LastPostId.ShouldBeGreaterThanOrEqualTo(old);
        var fresh = await ReplyAsync(member, topic, $"Imported after the last check {m}.");
        // Both leave the index without the interceptor knowing (a bulk import, a restored backup): no miss is counted.
        await RemoveFromIndexAsync(old, fresh);
        (await PostIdsAsync(member, $"q={m}")).ShouldBeEmpty();

        // A restart: the posts above the watermark only.
        (await App.Service<SearchBackfill>().CatchUpAsync()).ShouldBe(1);
        (await PostIdsAsync(member, $"q={m}")).ShouldBe([fresh]);
        var after = await WatermarkAsync();
        after.ScannedAt.ShouldBe(before.ScannedAt);
        after.LastPostId.ShouldBeGreaterThanOrEqualTo(fresh);
        (await App.Service<SearchBackfill>().CatchUpAsync()).ShouldBe(0);

        // The index version the last check was made with is older than the app's: every post is checked.
        await App.WithDbAsync(db => db.Set<SearchWatermark>().ExecuteUpdateAsync(s => s.SetProperty(w => w.Version, SearchDocument.CurrentVersion - 1)));
        (await App.Service<SearchBackfill>().CatchUpAsync()).ShouldBeGreaterThanOrEqualTo(1);
        (await PostIdsAsync(member, $"q={m}")).ShouldBe([fresh, old], ignoreOrder: true);
        (await WatermarkAsync()).Version.ShouldBe(SearchDocument.CurrentVersion);
        (await App.Service<SearchBackfill>().CatchUpAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Restart_AfterAMissedChange_ChecksEveryPost()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        var m = Marker();
        var (_, post) = await StartAsync(member, space, $"Missed {m}", $"Indexing failed for this one {m}.");
        await App.Service<SearchBackfill>().RunAsync();
        await RemoveFromIndexAsync(post);
        // What the interceptor does when writing the index fails after the post was saved.
        await App.WithDbAsync(async db =>
        {
            await SearchBackfill.RecordMissAsync(db, CancellationToken.None);
            return 0;
        });
        var mark = await WatermarkAsync();
        mark.Misses.ShouldBe(mark.MissesAtScan + 1);

        (await App.Service<SearchBackfill>().CatchUpAsync()).ShouldBeGreaterThanOrEqualTo(1);

        (await PostIdsAsync(member, $"q={m}")).ShouldBe([post]);
        mark = await WatermarkAsync();
        mark.Misses.ShouldBe(mark.MissesAtScan);
    }

    private Task<SearchWatermark> WatermarkAsync() => App.WithDbAsync(db => db.Set<SearchWatermark>().AsNoTracking().SingleAsync());

    private Task<int> RemoveFromIndexAsync(params long[] posts) => App.WithScopeAsync(async sp =>
    {
        await sp.GetRequiredService<SearchIndex>().RemovePostsAsync(sp.GetRequiredService<TribuDbContext>(), posts, CancellationToken.None);
        return 0;
    });
}

public sealed class SearchSqliteTests(SqliteAppFactory app) : SearchTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class SearchPostgresTests(PostgresAppFactory app) : SearchTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
