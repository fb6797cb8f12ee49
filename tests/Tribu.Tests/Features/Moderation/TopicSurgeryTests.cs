using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Features.Topics;

namespace Tribu.Tests.Features.Moderation;

/// <summary>Lock, move, merge and split from the topic moderation page, the queue and the API; on SQLite and PostgreSQL.</summary>
public abstract class TopicSurgeryTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    private static async Task<long> StartAsync(TestPerson author, string space, string title, string body, string kind = "Discussion")
    {
        var response = await author.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind, title, body });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await JsonAsync(response)).GetProperty("id").GetInt64();
    }

    private static async Task<long> ReplyAsync(TestPerson author, long topic, string body, int? replyTo = null)
    {
        var response = await author.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body, replyTo });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await JsonAsync(response)).GetProperty("id").GetInt64();
    }

    private Task<long> OpeningAsync(long topic) => App.WithDbAsync(db => db.Posts.Where(p => p.TopicId == topic && p.Number == 1).Select(p => p.Id).SingleAsync());

    private Task<List<(long Id, int Number)>> NumbersAsync(long topic) =>
        App.WithDbAsync(async db => (await db.Posts.Where(p => p.TopicId == topic).OrderBy(p => p.Number).Select(p => new { p.Id, p.Number }).ToListAsync())
            .Select(p => (p.Id, p.Number)).ToList());

    /// <summary>A word nothing else contains, made of letters only (the index splits letters from digits).</summary>
    private static string UniqueWord(string prefix) => prefix + new string([.. Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(8)]);

    /// <summary>
    /// Submits a form as a browser would: every field with its current value (hidden, text, checked boxes, selects, textareas),
    /// with <paramref name="fields"/> replacing some, and <paramref name="extra"/> added (several values for one name).
    /// </summary>
    private static async Task<HttpResponseMessage> BrowserSubmitAsync(TribuClient client, string pageUrl, Func<IHtmlFormElement, bool> match,
        IDictionary<string, string>? fields = null, IEnumerable<KeyValuePair<string, string>>? extra = null)
    {
        var page = await client.GetAsync(pageUrl);
        page.Status.ShouldBe(HttpStatusCode.OK, pageUrl);
        var form = page.Document.QuerySelectorAll("form").OfType<IHtmlFormElement>().FirstOrDefault(match) ?? throw new InvalidOperationException($"No such form on {pageUrl}.");
        var values = new List<KeyValuePair<string, string>>();
        foreach (var input in form.QuerySelectorAll("input").OfType<IHtmlInputElement>().Where(i => !string.IsNullOrEmpty(i.Name)))
        {
            if (input.Type is "checkbox" or "radio" && !input.IsChecked) continue;
            values.Add(new(input.Name!, input.Value));
        }
        foreach (var area in form.QuerySelectorAll("textarea").OfType<IHtmlTextAreaElement>()) values.Add(new(area.Name!, area.Value));
        foreach (var select in form.QuerySelectorAll("select").OfType<IHtmlSelectElement>()) values.Add(new(select.Name!, select.Value ?? ""));
        foreach (var (name, value) in fields ?? new Dictionary<string, string>())
        {
            values.RemoveAll(v => v.Key == name);
            values.Add(new(name, value));
        }
        values.AddRange(extra ?? []);
        var action = string.IsNullOrEmpty(form.GetAttribute("action")) ? pageUrl : form.GetAttribute("action")!;
        return await client.Http.PostAsync(action, new FormUrlEncodedContent(values));
    }

    private static bool Named(IHtmlFormElement form, string name) => (form.QuerySelector("input[name=_handler]") as IHtmlInputElement)?.Value == name;

    private static Task<HttpResponseMessage> SplitAsync(TribuClient client, long topic, IEnumerable<long> posts, string title, string? space = null, string kind = "Discussion") =>
        BrowserSubmitAsync(client, $"/t/{topic}/moderate", f => Named(f, "split"),
            new Dictionary<string, string> { ["Split.Title"] = title, ["Split.Kind"] = kind }.Concat(space is null ? [] : [new("Split.Space", space)]).ToDictionary(),
            posts.Select(id => new KeyValuePair<string, string>("postIds", id.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    private static async Task<JsonElement[]> NotificationsAsync(TestPerson person) =>
        [.. (await person.Client.Http.GetFromJsonAsync<JsonElement>("/api/v1/notifications")).GetProperty("items").EnumerateArray()];

    [Fact]
    public async Task Merge_MovesEveryPostAfterTheTargets_AndTheOldAddressLeadsThere()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var manager = await TestPerson.CreateAsync(App, Roles.CommunityManager);
        using var alice = await TestPerson.CreateAsync(App, language: "fr");
        using var bob = await TestPerson.CreateAsync(App);
        using var carol = await TestPerson.CreateAsync(App);
        var word = UniqueWord("zorg");
        var target = await StartAsync(bob, space, "Battery drains overnight", "Mine loses 20% every night.", "Question");
        var targetReply = await ReplyAsync(carol, target, "Same here.");
        var source = await StartAsync(alice, space, "La batterie se vide la nuit", "Elle perd 20 % chaque nuit.", "Question");
        var sourceOpening = await OpeningAsync(source);
        var answer = await ReplyAsync(bob, source, $"Turn off the {word} sync, it keeps the radio awake.");
        var thanks = await ReplyAsync(carol, source, "Merci, ça marche !", replyTo: 2);
        (await alice.Client.Http.PutAsJsonAsync($"/api/v1/topics/{source}/accepted-answer", new { postId = answer })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await carol.Client.Http.PostAsync($"/api/v1/posts/{answer}/reactions/Like", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await carol.Client.Http.PostAsync($"/api/v1/posts/{answer}/bookmark", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        // Carol follows both (by replying); the manager follows the source only.
        (await manager.Client.Http.PutAsJsonAsync($"/api/v1/follows/Topic/{source}", new { })).IsSuccessStatusCode.ShouldBeTrue();
        await App.WithDbAsync(db => db.Topics.Where(t => t.Id == source).ExecuteUpdateAsync(s => s.SetProperty(t => t.ViewCount, 7)));
        await App.WithDbAsync(db => db.Topics.Where(t => t.Id == target).ExecuteUpdateAsync(s => s.SetProperty(t => t.ViewCount, 3)));

        // The target by its address, then a preview with its title, then the confirmation (message left as prefilled, in French: Alice's).
        var preview = await manager.Client.GetAsync($"/t/{source}/moderate?into={Uri.EscapeDataString($"https://tribu.example/t/{target}/battery-drains-overnight")}");
        preview.Document.QuerySelector(".merge-preview")!.TextContent.ShouldContain("Battery drains overnight");
        preview.Document.QuerySelector("#merge-message")!.TextContent.ShouldContain("les deux sujets ont été fusionnés");
        var merged = await BrowserSubmitAsync(manager.Client, $"/t/{source}/moderate?into={target}", f => Named(f, "merge"));
        merged.StatusCode.ShouldBe(HttpStatusCode.Redirect, await merged.Content.ReadAsStringAsync());
        merged.Headers.Location!.AbsolutePath.ShouldStartWith($"/t/{target}/");
        (await manager.Client.FollowAsync(merged)).Text.ShouldContain("“La batterie se vide la nuit” was merged into this topic (posts moved: 3).");

        // Appended after the target's posts in their order, renumbered; ids (so reactions, bookmarks, reply-to links) unchanged.
        (await NumbersAsync(target)).ShouldBe([(await OpeningAsync(target), 1), (targetReply, 2), (sourceOpening, 3), (answer, 4), (thanks, 5)]);
        var topic = await App.WithDbAsync(db => db.Topics.SingleAsync(t => t.Id == target));
        topic.ReplyCount.ShouldBe(4);
        topic.ViewCount.ShouldBe(10);
        topic.AcceptedPostId.ShouldBe(answer);
        var gone = await App.WithDbAsync(db => db.Topics.SingleAsync(t => t.Id == source));
        gone.IsDeleted.ShouldBeTrue();
        gone.MergedIntoId.ShouldBe(target);
        (await App.WithDbAsync(db => db.PostReactions.CountAsync(r => r.PostId == answer))).ShouldBe(1);
        (await carol.Client.Http.GetStringAsync("/api/v1/bookmarks")).ShouldContain($"/t/{target}/");
        var page = await App.CreateTribuClient().GetAsync($"/t/{target}");
        page.Document.GetElementById("post-5")!.TextContent.ShouldContain("in reply to #4");

        // Followers: the source's follow the target, once each; nobody follows the source any more.
        var follows = await App.WithDbAsync(db => db.Follows.Where(f => f.Kind == FollowKind.Topic && (f.TargetKey == source.ToString() || f.TargetKey == target.ToString()))
            .Select(f => new { f.FollowerId, f.TargetKey }).ToListAsync());
        follows.ShouldAllBe(f => f.TargetKey == target.ToString());
        follows.Count.ShouldBe(4); // bob, carol, alice, the manager
        follows.Select(f => f.FollowerId).Distinct().Count().ShouldBe(4);

        // The old address leads to the target for good, on the page and in the API.
        var old = await App.CreateTribuClient().Http.GetAsync($"/t/{source}/la-batterie-se-vide-la-nuit");
        old.StatusCode.ShouldBe(HttpStatusCode.MovedPermanently);
        old.Headers.Location!.OriginalString.ShouldBe($"/t/{target}/battery-drains-overnight");
        var api = await App.CreateTribuClient().Http.GetAsync($"/api/v1/topics/{source}");
        api.StatusCode.ShouldBe(HttpStatusCode.MovedPermanently);
        api.Headers.Location!.OriginalString.ShouldBe($"/api/v1/topics/{target}");

        // Search finds the moved reply under the target.
        var hits = (await App.CreateTribuClient().Http.GetFromJsonAsync<JsonElement>($"/api/v1/search?q={word}")).GetProperty("results").EnumerateArray().ToList();
        hits.Select(h => (h.GetProperty("postId").GetInt64(), h.GetProperty("topicId").GetInt64(), h.GetProperty("number").GetInt32())).ShouldBe([(answer, target, 4)]);

        // Each author hears it once, in their own language; the audit keeps what moved where.
        (await NotificationsAsync(alice)).Where(n => n.GetProperty("kind").GetString() == "Moderation").ShouldHaveSingleItem()
            .GetProperty("note").GetString().ShouldBe("« La batterie se vide la nuit » traitait du même sujet que « Battery drains overnight » : les deux sujets ont été fusionnés, et vos messages se trouvent désormais dans « Battery drains overnight ».");
        (await NotificationsAsync(bob)).Where(n => n.GetProperty("kind").GetString() == "Moderation").ShouldHaveSingleItem()
            .GetProperty("note").GetString()!.ShouldStartWith("“La batterie se vide la nuit” covered the same subject as “Battery drains overnight”");
        var entry = await App.WithDbAsync(db => db.AuditEntries.SingleAsync(e => e.Action == "topic.merge" && e.TargetId == source.ToString()));
        entry.After!.ShouldContain($"\"Target\":{target}");
        entry.Before!.ShouldContain($"\"{answer}\":2");

        // A second merge (a double submit, a second moderator) is told who did it, and nothing moves twice.
        using var other = await TestPerson.CreateAsync(App, Roles.Moderator);
        var again = await other.Client.Http.PostAsJsonAsync($"/api/v1/topics/{source}/merge", new { targetTopicId = target });
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var problem = await JsonAsync(again);
        problem.GetProperty("detail").GetString()!.ShouldStartWith("Already merged into “Battery drains overnight” by Test community-manager");
        (await NumbersAsync(target)).Count.ShouldBe(5);
        var late = await other.Client.GetAsync($"/t/{source}/moderate");
        late.Text.ShouldContain("This topic was merged into “Battery drains overnight”.");
    }

    [Fact]
    public async Task Split_OpensANewTopicWithTheFirstReply_RenumbersBoth_AndTheAnswerGoesWithIt()
    {
        var space = await TestSpaces.CreateAsync(App);
        var elsewhere = await TestSpaces.CreateAsync(App);
        using var moderator = await TestPerson.CreateAsync(App, Roles.Moderator);
        using var alice = await TestPerson.CreateAsync(App);
        using var bob = await TestPerson.CreateAsync(App);
        using var carol = await TestPerson.CreateAsync(App, language: "fr");
        var word = UniqueWord("quirk");
        var source = await StartAsync(alice, space, "Which bike for commuting?", "Ten kilometres a day, some hills.", "Question");
        var first = await ReplyAsync(bob, source, "By the way, my chain keeps slipping.");
        var answer = await ReplyAsync(carol, source, $"Change la chaîne et la cassette ensemble, le {word} les use.", replyTo: 2);
        var stays = await ReplyAsync(bob, source, "A hybrid with gears.", replyTo: 1);
        var last = await ReplyAsync(alice, source, "Thanks!");
        (await alice.Client.Http.PutAsJsonAsync($"/api/v1/topics/{source}/accepted-answer", new { postId = answer })).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        var page = await moderator.Client.GetAsync($"/t/{source}/moderate");
        page.Document.QuerySelector("fieldset.split-posts legend")!.TextContent.ShouldBe("Replies to move");
        page.Document.QuerySelector($"label[for=split-post-{first}]")!.TextContent.ShouldContain($"#2 by ");
        page.Document.QuerySelector($"input#split-post-{await OpeningAsync(source)}").ShouldBeNull();
        var split = await SplitAsync(moderator.Client, source, [answer, first], "Chain keeps slipping", elsewhere, "Question");
        split.StatusCode.ShouldBe(HttpStatusCode.Redirect, await split.Content.ReadAsStringAsync());
        var created = await App.WithDbAsync(db => db.Topics.OrderByDescending(t => t.Id).FirstAsync(t => t.Title == "Chain keeps slipping"));
        split.Headers.Location!.AbsolutePath.ShouldBe($"/t/{created.Id}/chain-keeps-slipping");
        (await moderator.Client.FollowAsync(split)).Text.ShouldContain("Replies moved to this new topic: 2.");

        // The first reply in time opens it, by its author; the answer follows as #2 and is still the answer.
        created.AuthorId.ShouldBe(await App.WithDbAsync(db => db.Users.Where(u => u.Handle == bob.Handle).Select(u => u.Id).SingleAsync()));
        (await App.WithDbAsync(db => db.Spaces.SingleAsync(s => s.Id == created.SpaceId))).Slug.ShouldBe(elsewhere);
        created.Kind.ShouldBe(TopicKind.Question);
        created.AcceptedPostId.ShouldBe(answer);
        created.ReplyCount.ShouldBe(1);
        (await NumbersAsync(created.Id)).ShouldBe([(first, 1), (answer, 2)]);
        // Within the new topic the reply-to link holds; across topics it is dropped.
        var moved = await App.WithDbAsync(db => db.Posts.SingleAsync(p => p.Id == answer));
        moved.ReplyToPostId.ShouldBe(first);

        // The source: numbered 1..n again, a notice at the end leading to the new topic, no longer solved.
        var numbers = await NumbersAsync(source);
        numbers.Take(3).ShouldBe([(await OpeningAsync(source), 1), (stays, 2), (last, 3)]);
        numbers.Count.ShouldBe(4);
        var notice = await App.WithDbAsync(db => db.Posts.SingleAsync(p => p.TopicId == source && p.Number == 4));
        notice.BodyHtml.ShouldContain($"href=\"/t/{created.Id}/chain-keeps-slipping\"");
        notice.BodyMarkdown.ShouldStartWith("Replies moved to a new topic (2)");
        var rest = await App.WithDbAsync(db => db.Topics.SingleAsync(t => t.Id == source));
        rest.AcceptedPostId.ShouldBeNull();
        rest.ReplyCount.ShouldBe(3);

        // The moved posts' authors follow the new topic; carol is told in French; search finds her words under the new topic.
        var followers = await App.WithDbAsync(db => db.Follows.Where(f => f.Kind == FollowKind.Topic && f.TargetKey == created.Id.ToString()).CountAsync());
        followers.ShouldBe(2);
        (await NotificationsAsync(carol)).Where(n => n.GetProperty("kind").GetString() == "Moderation").ShouldHaveSingleItem()
            .GetProperty("note").GetString().ShouldBe("Vos réponses dans « Which bike for commuting? » ouvraient une autre conversation : elles ont été déplacées dans un nouveau sujet.");
        var hits = (await App.CreateTribuClient().Http.GetFromJsonAsync<JsonElement>($"/api/v1/search?q={word}")).GetProperty("results").EnumerateArray().ToList();
        hits.Select(h => (h.GetProperty("topicId").GetInt64(), h.GetProperty("number").GetInt32())).ShouldBe([(created.Id, 2)]);
        (await App.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "topic.split" && e.TargetId == created.Id.ToString()))).ShouldBe(1);

        // The same form sent again: told who did it, nothing moves twice.
        var again = await SplitAsync(moderator.Client, source, [answer, first], "Chain keeps slipping", elsewhere, "Question");
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        var againPage = new TribuClient.Page(again, await again.Content.ReadAsStringAsync());
        againPage.Text.ShouldContain("Already split into “Chain keeps slipping” by Test moderator");
        (await App.WithDbAsync(db => db.Topics.CountAsync(t => t.Title == "Chain keeps slipping"))).ShouldBe(1);
    }

    [Fact]
    public async Task Api_MergesAndSplits_AndExplainsBadInput()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var moderator = await TestPerson.CreateAsync(App, Roles.Moderator);
        using var french = await TestPerson.CreateAsync(App, Roles.Moderator, language: "fr");
        using var author = await TestPerson.CreateAsync(App);
        var topic = await StartAsync(author, space, "Tyre pressure", "What pressure for 28 mm tyres?");
        var reply = await ReplyAsync(moderator, topic, "About 5 bar.");
        var opening = await OpeningAsync(topic);
        var other = await StartAsync(author, space, "Tyre pressure again", "Same question, wider tyres.");
        var api = moderator.Client.Http;

        async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status)
        {
            response.StatusCode.ShouldBe(status, await response.Content.ReadAsStringAsync());
            return await JsonAsync(response);
        }
        string Error(JsonElement problem, string field) => problem.GetProperty("errors").GetProperty(field)[0].GetString()!;

        Error(await Problem(await api.PostAsJsonAsync($"/api/v1/topics/{topic}/split", new { postIds = new[] { opening, reply }, title = "Pressure chart", spaceSlug = space }), HttpStatusCode.BadRequest), "PostIds")
            .ShouldBe("The opening post stays in its topic: choose replies only.");
        Error(await Problem(await api.PostAsJsonAsync($"/api/v1/topics/{topic}/split", new { postIds = Array.Empty<long>(), title = "Pressure chart", spaceSlug = space }), HttpStatusCode.BadRequest), "PostIds")
            .ShouldBe("Choose at least one reply to move.");
        var several = await Problem(await api.PostAsJsonAsync($"/api/v1/topics/{topic}/split", new { postIds = new[] { reply }, title = "P", spaceSlug = "nowhere", kind = "Poem" }), HttpStatusCode.BadRequest);
        Error(several, "Title").ShouldBe("A title is 5 to 150 characters long.");
        Error(several, "Space").ShouldBe("There is no space “nowhere”.");
        Error(several, "Kind").ShouldBe("Choose a kind of topic.");
        Error(await Problem(await api.PostAsJsonAsync($"/api/v1/topics/{topic}/merge", new { targetTopicId = topic }), HttpStatusCode.BadRequest), "TargetTopicId")
            .ShouldBe("A topic cannot be merged into itself.");
        Error(await Problem(await api.PostAsJsonAsync($"/api/v1/topics/{topic}/merge", new { targetTopicId = 999_999_999 }), HttpStatusCode.BadRequest), "TargetTopicId")
            .ShouldBe("There is no topic #999999999.");
        // In the caller's language.
        var fr = await Problem(await french.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/merge", new { targetTopicId = (long?)null }), HttpStatusCode.BadRequest);
        fr.GetProperty("title").GetString().ShouldBe("Merci de corriger ce qui suit :");
        Error(fr, "TargetTopicId").ShouldBe("Indiquez le numéro ou l'adresse du sujet dans lequel fusionner.");
        // Nothing was half done.
        (await NumbersAsync(topic)).ShouldBe([(opening, 1), (reply, 2)]);

        var split = await api.PostAsJsonAsync($"/api/v1/topics/{topic}/split", new { postIds = new[] { reply }, title = "Pressure chart", spaceSlug = space });
        split.StatusCode.ShouldBe(HttpStatusCode.Created, await split.Content.ReadAsStringAsync());
        var created = await JsonAsync(split);
        created.GetProperty("movedPosts").GetInt32().ShouldBe(1);
        split.Headers.Location!.OriginalString.ShouldBe($"/api/v1/topics/{created.GetProperty("topicId").GetInt64()}");
        var againSplit = await Problem(await api.PostAsJsonAsync($"/api/v1/topics/{topic}/split", new { postIds = new[] { reply }, title = "Pressure chart", spaceSlug = space }), HttpStatusCode.Conflict);
        againSplit.GetProperty("detail").GetString()!.ShouldStartWith("Already split into “Pressure chart” by Test moderator");

        var merge = await api.PostAsJsonAsync($"/api/v1/topics/{other}/merge", new { targetTopicId = topic });
        merge.StatusCode.ShouldBe(HttpStatusCode.OK, await merge.Content.ReadAsStringAsync());
        (await JsonAsync(merge)).GetProperty("url").GetString().ShouldBe($"/t/{topic}/tyre-pressure");
        // Merging into a topic that was itself merged names the one to use.
        var third = await StartAsync(author, space, "Tyre pressure, third time", "Still wondering.");
        Error(await Problem(await api.PostAsJsonAsync($"/api/v1/topics/{third}/merge", new { targetTopicId = other }), HttpStatusCode.BadRequest), "TargetTopicId")
            .ShouldBe($"Topic #{other} was itself merged into #{topic}: merge into that one.");
    }

    [Fact]
    public async Task MembersAndModeratorsOfOtherSpaces_AreRefused()
    {
        var mine = await TestSpaces.CreateAsync(App);
        var theirs = await TestSpaces.CreateAsync(App);
        using var manager = await TestPerson.CreateAsync(App, Roles.CommunityManager);
        using var spaceModerator = await TestPerson.CreateAsync(App);
        using var member = await TestPerson.CreateAsync(App);
        (await manager.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{mine}/members", new { handle = spaceModerator.Handle, role = "Moderator" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var here = await StartAsync(member, mine, "Lights for winter", "Which lights?");
        var hereReply = await ReplyAsync(member, here, "Dynamo ones.");
        var there = await StartAsync(member, theirs, "Winter lights", "Which lights again?");
        var thereReply = await ReplyAsync(member, there, "Battery ones.");

        // A member: no page, no API, no form.
        (await member.Client.GetAsync($"/t/{here}/moderate")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await member.Client.Http.PostAsJsonAsync($"/api/v1/topics/{here}/merge", new { targetTopicId = there })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await member.Client.Http.PostAsJsonAsync($"/api/v1/topics/{here}/split", new { postIds = new[] { hereReply }, title = "Dynamo lights", spaceSlug = mine })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var token = (await member.Client.GetAsync($"/t/{here}")).Document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var forged = await member.Client.Http.PostAsync($"/t/{here}/moderate/lock", new FormUrlEncodedContent(new Dictionary<string, string> { ["locked"] = "true", ["__RequestVerificationToken"] = token }));
        forged.Headers.Location!.OriginalString.ShouldContain("/account/access-denied");
        (await App.WithDbAsync(db => db.Topics.SingleAsync(t => t.Id == here))).IsLocked.ShouldBeFalse();

        // A space's moderator: their own topic yes (but no moving, which is for staff); another space's, no.
        var page = await spaceModerator.Client.GetAsync($"/t/{here}/moderate");
        page.Status.ShouldBe(HttpStatusCode.OK);
        page.Text.ShouldContain("Moving a topic to another space is for the staff.");
        page.Document.QuerySelector($"#split-space option[value={theirs}]").ShouldBeNull();
        (await spaceModerator.Client.GetAsync($"/t/{there}/moderate")).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await spaceModerator.Client.Http.PostAsJsonAsync($"/api/v1/topics/{there}/split", new { postIds = new[] { thereReply }, title = "Battery lights", spaceSlug = theirs })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var into = await spaceModerator.Client.Http.PostAsJsonAsync($"/api/v1/topics/{here}/merge", new { targetTopicId = there });
        into.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await JsonAsync(into)).GetProperty("detail").GetString().ShouldBe("You do not moderate the space of “Winter lights”.");
        var elsewhere = await spaceModerator.Client.Http.PostAsJsonAsync($"/api/v1/topics/{here}/split", new { postIds = new[] { hereReply }, title = "Dynamo lights", spaceSlug = theirs });
        elsewhere.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await JsonAsync(elsewhere)).GetProperty("errors").GetProperty("Space")[0].GetString()!.ShouldStartWith("You do not moderate the space");
        var move = await BrowserSubmitAsync(spaceModerator.Client, $"/t/{here}/moderate", f => f.GetAttribute("action") == $"/t/{here}/moderate/lock");
        move.Headers.Location!.OriginalString.ShouldBe($"/t/{here}/moderate");
        (await App.WithDbAsync(db => db.Topics.SingleAsync(t => t.Id == here))).IsLocked.ShouldBeTrue();
        var token2 = page.Document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var moved = await spaceModerator.Client.Http.PostAsync($"/t/{here}/moderate/move", new FormUrlEncodedContent(new Dictionary<string, string> { ["space"] = theirs, ["__RequestVerificationToken"] = token2 }));
        moved.Headers.Location!.OriginalString.ShouldContain("/account/access-denied");
        (await App.WithDbAsync(db => db.Topics.Include(t => t.Space).SingleAsync(t => t.Id == here))).Space!.Slug.ShouldBe(mine);
        (await App.WithDbAsync(db => db.Posts.CountAsync(p => p.TopicId == there))).ShouldBe(2);
    }

    [Fact]
    public async Task QueueItem_LocksAndMovesItsTopic_AndTheAuthorIsToldInTheirLanguage()
    {
        var space = await TestSpaces.CreateAsync(App);
        var better = await TestSpaces.CreateAsync(App);
        using var moderator = await TestPerson.CreateAsync(App, Roles.Moderator);
        using var second = await TestPerson.CreateAsync(App, Roles.Moderator);
        using var author = await TestPerson.CreateAsync(App, language: "fr");
        using var newcomer = await TestPerson.CreateAsync(App, newcomer: true);
        var topic = await StartAsync(author, space, "Vélo électrique en hiver", "Des conseils ?");
        // A newcomer's link-heavy reply waits in the queue.
        var held = await ReplyAsync(newcomer, topic, "https://a.example/1 https://b.example/2 https://c.example/3");
        var queue = await moderator.Client.GetAsync("/manage/moderation");
        var actions = queue.Document.QuerySelector($"form[action='/manage/moderation/{held}/review']")!.ParentElement!.QuerySelector(".queue-topic-actions")!;
        actions.QuerySelector($"a[href='/t/{topic}/moderate']")!.TextContent.ShouldBe("Moderate this topic");
        var secondQueue = await second.Client.GetAsync("/manage/moderation");

        var locked = await BrowserSubmitAsync(moderator.Client, "/manage/moderation", f => f.GetAttribute("action") == $"/t/{topic}/moderate/lock"
            && f.ParentElement!.ParentElement!.QuerySelector($"form[action='/manage/moderation/{held}/review']") is not null, new Dictionary<string, string> { ["notify"] = "true" });
        locked.Headers.Location!.OriginalString.ShouldBe("/manage/moderation");
        (await moderator.Client.FollowAsync(locked)).Text.ShouldContain("The topic is locked.");
        (await App.WithDbAsync(db => db.Topics.SingleAsync(t => t.Id == topic))).IsLocked.ShouldBeTrue();
        (await NotificationsAsync(author)).ShouldHaveSingleItem().GetProperty("note").GetString()
            .ShouldBe("Votre sujet « Vélo électrique en hiver » a été verrouillé : il reste lisible, mais on ne peut plus y répondre.");
        // The second moderator, with the queue open from before, is told who locked it; the author is not told twice.
        var late = await second.Client.Http.PostAsync($"/t/{topic}/moderate/lock", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["locked"] = "true", ["back"] = "queue", ["notify"] = "true",
            ["__RequestVerificationToken"] = secondQueue.Document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!,
        }));
        (await second.Client.FollowAsync(late)).Text.ShouldContain("Already locked by Test moderator");
        (await NotificationsAsync(author)).Length.ShouldBe(1);

        var moved = await BrowserSubmitAsync(moderator.Client, "/manage/moderation", f => f.GetAttribute("action") == $"/t/{topic}/moderate/move",
            new Dictionary<string, string> { ["space"] = better });
        (await moderator.Client.FollowAsync(moved)).Text.ShouldContain($"The topic is now in Space {better}.");
        (await App.WithDbAsync(db => db.Topics.Include(t => t.Space).SingleAsync(t => t.Id == topic))).Space!.Slug.ShouldBe(better);
        (await App.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.TargetId == topic.ToString() && (e.Action == "topic.lock" || e.Action == "topic.move")))).ShouldBe(2);
        // Not ticked: nobody told.
        (await NotificationsAsync(author)).Length.ShouldBe(1);
    }

    [Fact]
    public async Task ModerationPage_LocksWithTheMessageAsWritten()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var moderator = await TestPerson.CreateAsync(App, Roles.Moderator);
        using var author = await TestPerson.CreateAsync(App, language: "fr");
        var topic = await StartAsync(author, space, "Pneus cloutés", "Utile en ville ?");
        var page = await moderator.Client.GetAsync($"/t/{topic}/moderate");
        page.Document.QuerySelector("#lock-message")!.TextContent.ShouldStartWith("Votre sujet « Pneus cloutés » a été verrouillé");
        var locked = await BrowserSubmitAsync(moderator.Client, $"/t/{topic}/moderate", f => f.GetAttribute("action") == $"/t/{topic}/moderate/lock",
            new Dictionary<string, string> { ["message"] = "Le débat a dérapé : on ferme." });
        (await moderator.Client.FollowAsync(locked)).Text.ShouldContain("The topic is locked.");
        (await NotificationsAsync(author)).ShouldHaveSingleItem().GetProperty("note").GetString().ShouldBe("Le débat a dérapé : on ferme.");
        (await App.WithDbAsync(db => db.AuditEntries.SingleAsync(e => e.TargetId == topic.ToString() && e.Action == "topic.lock"))).Reason.ShouldBe("Le débat a dérapé : on ferme.");
        // Emptied: nothing sent.
        await BrowserSubmitAsync(moderator.Client, $"/t/{topic}/moderate", f => f.GetAttribute("action") == $"/t/{topic}/moderate/lock", new Dictionary<string, string> { ["message"] = "" });
        (await App.WithDbAsync(db => db.Topics.SingleAsync(t => t.Id == topic))).IsLocked.ShouldBeFalse();
        (await NotificationsAsync(author)).Length.ShouldBe(1);
    }

    [Fact]
    public async Task ModerationPage_ExplainsBadSplitsAndMerges_InTheForm()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var moderator = await TestPerson.CreateAsync(App, Roles.Moderator);
        using var author = await TestPerson.CreateAsync(App);
        var topic = await StartAsync(author, space, "Mudguards", "Which ones fit 50 mm tyres?");
        var reply = await ReplyAsync(author, topic, "Any advice?");

        var nothing = await SplitAsync(moderator.Client, topic, [], "Mudguard sizes");
        var shown = new TribuClient.Page(nothing, await nothing.Content.ReadAsStringAsync());
        shown.FieldError("PostIds").ShouldBe("Choose at least one reply to move.");
        var opening = await SplitAsync(moderator.Client, topic, [await OpeningAsync(topic), reply], "Mudguard sizes");
        new TribuClient.Page(opening, await opening.Content.ReadAsStringAsync()).FieldError("PostIds").ShouldBe("The opening post stays in its topic: choose replies only.");
        var badTitle = await SplitAsync(moderator.Client, topic, [reply], "Mud");
        var kept = new TribuClient.Page(badTitle, await badTitle.Content.ReadAsStringAsync());
        kept.FieldError("Title").ShouldBe("A title is 5 to 150 characters long.");
        // What was chosen stays chosen.
        (kept.Document.QuerySelector($"#split-post-{reply}") as IHtmlInputElement)!.IsChecked.ShouldBeTrue();

        (await moderator.Client.GetAsync($"/t/{topic}/moderate?into={topic}")).Document.GetElementById("merge-into-error")!.TextContent.ShouldBe("A topic cannot be merged into itself.");
        (await moderator.Client.GetAsync($"/t/{topic}/moderate?into=999999999")).Document.GetElementById("merge-into-error")!.TextContent.ShouldBe("There is no topic #999999999.");
        (await moderator.Client.GetAsync($"/t/{topic}/moderate?into=banana")).Document.GetElementById("merge-into-error")!.TextContent
            .ShouldBe("Give the number or the address of the topic to merge into.");
        (await NumbersAsync(topic)).Count.ShouldBe(2);
    }
}

public sealed class TopicSurgerySqliteTests(SqliteAppFactory app) : TopicSurgeryTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class TopicSurgeryPostgresTests(PostgresAppFactory app) : TopicSurgeryTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
