using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Features.Ideas;

/// <summary>Idea boards: one vote per member, trending order, status changes told to voters, merges, the roadmap, who may do what.</summary>
public abstract class IdeaTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    private static async Task<string> BoardAsync(TribuClient manager, string marker)
    {
        var created = await manager.Http.PostAsJsonAsync("/api/v1/ideas/boards", new { name = $"Product {marker}", description = "What to build next" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("slug").GetString()!;
    }

    private static async Task<long> IdeaAsync(TribuClient author, string board, string title)
    {
        var created = await author.Http.PostAsJsonAsync($"/api/v1/ideas/boards/{board}/ideas", new { title, body = $"Please: **{title}**" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    private static async Task<JsonElement> GetIdeaAsync(TribuClient client, long id) => await client.Http.GetFromJsonAsync<JsonElement>($"/api/v1/ideas/{id}");

    [Fact]
    public async Task Vote_Twice_LeavesOneVote_AndUnvoteTakesItBack()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager);
        var board = await BoardAsync(manager, marker);
        var id = await IdeaAsync(manager, board, $"Dark mode {marker}");
        using var voter = await TestPerson.CreateAsync(App);

        (await GetIdeaAsync(voter.Client, id)).GetProperty("votes").GetInt32().ShouldBe(1, "the author's own vote");
        for (var i = 0; i < 2; i++)
        {
            var vote = await voter.Client.Http.PutAsync($"/api/v1/ideas/{id}/vote", null);
            vote.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await vote.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("votes").GetInt32().ShouldBe(2);
        }
        // The page's button votes too, and again changes nothing.
        var page = await voter.Client.FollowAsync(await voter.Client.SubmitFormAsync($"/ideas/{board}/{id}", f => f.Action.EndsWith("/vote", StringComparison.Ordinal), new Dictionary<string, string> { ["vote"] = "true" }));
        page.Status.ShouldBe(HttpStatusCode.OK);
        page.Document.GetElementById("idea-votes")!.TextContent.ShouldBe("2 votes");
        page.Text.ShouldContain("Take back my vote");
        (await App.WithDbAsync(db => db.IdeaVotes.CountAsync(v => v.IdeaId == id))).ShouldBe(2);
        (await GetIdeaAsync(voter.Client, id)).GetProperty("voted").GetBoolean().ShouldBeTrue();

        for (var i = 0; i < 2; i++)
        {
            var unvote = await voter.Client.Http.DeleteAsync($"/api/v1/ideas/{id}/vote");
            (await unvote.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("votes").GetInt32().ShouldBe(1);
        }
        (await GetIdeaAsync(voter.Client, id)).GetProperty("voted").GetBoolean().ShouldBeFalse();
        (await voter.Client.Http.PutAsync("/api/v1/ideas/999999999/vote", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_ByTrending_PutsARecentIdeaAboveAnOldOneWithMoreVotes_AndTopTheOtherWay()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager);
        var board = await BoardAsync(manager, marker);
        var old = await IdeaAsync(manager, board, $"Old favourite {marker}");
        var recent = await IdeaAsync(manager, board, $"Fresh and hot {marker}");
        var quiet = await IdeaAsync(manager, board, $"Fresh but quiet {marker}");
        var voters = new List<TestPerson>();
        for (var i = 0; i < 3; i++) voters.Add(await TestPerson.CreateAsync(App));
        foreach (var v in voters)
        {
            (await v.Client.Http.PutAsync($"/api/v1/ideas/{old}/vote", null)).EnsureSuccessStatusCode();
        }
        (await voters[0].Client.Http.PutAsync($"/api/v1/ideas/{recent}/vote", null)).EnsureSuccessStatusCode();
        // The old idea gathered its votes two months ago.
        var twoMonthsAgo = TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(-60);
        await App.WithDbAsync(db => db.Ideas.Where(i => i.Id == old).ExecuteUpdateAsync(s => s.SetProperty(i => i.CreatedAt, twoMonthsAgo)));

        async Task<long[]> OrderAsync(string query) =>
            [.. (await manager.Http.GetFromJsonAsync<JsonElement>($"/api/v1/ideas/boards/{board}/ideas{query}")).EnumerateArray().Select(i => i.GetProperty("id").GetInt64())];
        (await OrderAsync("")).ShouldBe([recent, quiet, old]);
        (await OrderAsync("?sort=top")).ShouldBe([old, recent, quiet]);
        (await OrderAsync("?sort=new")).ShouldBe([quiet, recent, old]);
        (await manager.Http.GetAsync($"/api/v1/ideas/boards/{board}/ideas?sort=loudest")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        // The page lists them in the same order, and filters by status.
        var page = await manager.GetAsync($"/ideas/{board}");
        page.Document.QuerySelectorAll(".idea-row a").Select(a => a.TextContent).ShouldBe([$"Fresh and hot {marker}", $"Fresh but quiet {marker}", $"Old favourite {marker}"]);
        (await manager.Http.PutAsJsonAsync($"/api/v1/ideas/{quiet}/status", new { status = "Declined", response = "Not for us." })).EnsureSuccessStatusCode();
        var declined = await manager.GetAsync($"/ideas/{board}?status=Declined");
        declined.Document.QuerySelectorAll(".idea-row a").Select(a => a.TextContent).ShouldBe([$"Fresh but quiet {marker}"]);
        foreach (var v in voters) v.Dispose();
    }

    [Fact]
    public async Task SetStatus_TellsVotersAndFollowers_WithTheOfficialResponse_ShownOnTheIdea()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager);
        var board = await BoardAsync(manager, marker);
        using var author = await TestPerson.CreateAsync(App);
        var id = await IdeaAsync(author.Client, board, $"Offline maps {marker}");
        using var voter = await TestPerson.CreateAsync(App, language: "fr");
        using var follower = await TestPerson.CreateAsync(App);
        using var bystander = await TestPerson.CreateAsync(App);
        (await voter.Client.Http.PutAsync($"/api/v1/ideas/{id}/vote", null)).EnsureSuccessStatusCode();
        (await follower.Client.FollowAsync(await follower.Client.SubmitFormAsync($"/ideas/{board}/{id}", f => f.Action.EndsWith("/follow", StringComparison.Ordinal), new Dictionary<string, string>())))
            .Text.ShouldContain("Stop following");

        // A missing response is refused, in the manager's language, and changes nothing.
        var bad = await manager.Http.PutAsJsonAsync($"/api/v1/ideas/{id}/status", new { status = "Planned", response = " " });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("Response")[0].GetString()!.ShouldContain("official response");
        var changed = await manager.SubmitAndFollowAsync($"/ideas/{board}/{id}", "idea-status", new Dictionary<string, string>
        {
            ["StatusInput.Status"] = "Planned", ["StatusInput.Response"] = $"Coming in the spring release {marker}.",
        });
        changed.Document.GetElementById("idea-status")!.TextContent.ShouldBe("Planned");
        changed.Document.GetElementById("history")!.TextContent.ShouldContain($"Coming in the spring release {marker}.");
        changed.Document.GetElementById("history")!.TextContent.ShouldContain("New → Planned");

        foreach (var person in new[] { author, voter, follower })
        {
            var notifications = await person.Client.GetAsync("/notifications");
            var item = notifications.Document.QuerySelectorAll(".notification-list li").FirstOrDefault(li => li.TextContent.Contains($"Offline maps {marker}", StringComparison.Ordinal));
            item.ShouldNotBeNull($"{person.Handle} should be told");
            item.TextContent.ShouldContain($"Coming in the spring release {marker}.");
            item.QuerySelector("a")!.GetAttribute("href").ShouldBe($"/ideas/{board}/{id}#history");
        }
        (await voter.Client.GetAsync("/notifications")).Text.ShouldContain($"« Offline maps {marker} » est désormais : Prévue");
        (await bystander.Client.GetAsync("/notifications")).Text.ShouldNotContain($"Offline maps {marker}");
        var history = (await GetIdeaAsync(voter.Client, id)).GetProperty("history");
        history.GetArrayLength().ShouldBe(1);
        history[0].GetProperty("to").GetString().ShouldBe("Planned");
    }

    [Fact]
    public async Task Merge_MovesVotesWithoutDoubles_TellsTheVoters_AndTheOldAddressRedirects()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager);
        var board = await BoardAsync(manager, marker);
        var target = await IdeaAsync(manager, board, $"Export to CSV {marker}");
        using var author = await TestPerson.CreateAsync(App);
        var duplicate = await IdeaAsync(author.Client, board, $"CSV export please {marker}");
        using var both = await TestPerson.CreateAsync(App);
        using var onlyDuplicate = await TestPerson.CreateAsync(App);
        foreach (var id in new[] { target, duplicate }) (await both.Client.Http.PutAsync($"/api/v1/ideas/{id}/vote", null)).EnsureSuccessStatusCode();
        (await onlyDuplicate.Client.Http.PutAsync($"/api/v1/ideas/{duplicate}/vote", null)).EnsureSuccessStatusCode();
        // target: manager + both = 2; duplicate: author + both + onlyDuplicate = 3.

        (await manager.Http.PostAsJsonAsync($"/api/v1/ideas/{duplicate}/merge", new { into = duplicate })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var merged = await manager.SubmitAsync($"/ideas/{board}/{duplicate}", "idea-merge", new Dictionary<string, string> { ["MergeInput.Into"] = target.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        merged.Headers.Location!.OriginalString.ShouldEndWith($"/ideas/{board}/{target}");

        (await GetIdeaAsync(manager, target)).GetProperty("votes").GetInt32().ShouldBe(4);
        (await App.WithDbAsync(db => db.IdeaVotes.CountAsync(v => v.IdeaId == target))).ShouldBe(4);
        (await App.WithDbAsync(db => db.IdeaVotes.CountAsync(v => v.IdeaId == duplicate))).ShouldBe(0);
        (await App.WithDbAsync(db => db.IdeaFollowers.CountAsync(f => f.IdeaId == target))).ShouldBe(2, "the manager and the duplicate's author");
        (await GetIdeaAsync(onlyDuplicate.Client, target)).GetProperty("voted").GetBoolean().ShouldBeTrue();

        // The old address leads to the idea that took its votes, on the site and in the API.
        var old = await onlyDuplicate.Client.Http.GetAsync($"/ideas/{board}/{duplicate}");
        old.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        old.Headers.Location!.OriginalString.ShouldEndWith($"/ideas/{board}/{target}");
        var api = await onlyDuplicate.Client.Http.GetAsync($"/api/v1/ideas/{duplicate}");
        api.StatusCode.ShouldBe(HttpStatusCode.MovedPermanently);
        api.Headers.Location!.OriginalString.ShouldBe($"/api/v1/ideas/{target}");
        // The merged idea is gone from the board's list, and named on the idea that took it.
        (await manager.Http.GetFromJsonAsync<JsonElement>($"/api/v1/ideas/boards/{board}/ideas")).GetArrayLength().ShouldBe(1);
        (await onlyDuplicate.Client.GetAsync($"/ideas/{board}/{target}")).Document.GetElementById("merged")!.TextContent.ShouldContain($"#{duplicate} CSV export please {marker}");

        foreach (var voter in new[] { author, both, onlyDuplicate })
        {
            (await voter.Client.GetAsync("/notifications")).Text
                .ShouldContain($"“CSV export please {marker}”, which you voted for, was merged into “Export to CSV {marker}”: your vote moved there");
        }
    }

    [Fact]
    public async Task TheAuthor_EditsTheirIdeaWhileItIsNew_StaffAlways_OthersNever()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager);
        var board = await BoardAsync(manager, marker);
        using var author = await TestPerson.CreateAsync(App, language: "fr");
        using var other = await TestPerson.CreateAsync(App);
        var id = await IdeaAsync(author.Client, board, $"Dark mode {marker}");

        var page = await author.Client.GetAsync($"/ideas/{board}/{id}");
        page.Document.GetElementById("edit-idea").ShouldNotBeNull();
        var invalid = await author.Client.SubmitAndFollowAsync($"/ideas/{board}/{id}/edit", "new-idea", new Dictionary<string, string> { ["Input.Title"] = "abc", ["Input.Body"] = "x" });
        invalid.FieldError("Title").ShouldNotBeNullOrEmpty();
        var saved = await author.Client.SubmitAsync($"/ideas/{board}/{id}/edit", "new-idea", new Dictionary<string, string> { ["Input.Title"] = $"Dark theme {marker}", ["Input.Body"] = "For night owls." });
        saved.Headers.Location!.OriginalString.ShouldEndWith($"/ideas/{board}/{id}");
        (await GetIdeaAsync(author.Client, id)).GetProperty("title").GetString().ShouldBe($"Dark theme {marker}");

        (await other.Client.Http.PutAsJsonAsync($"/api/v1/ideas/{id}", new { title = "Hijacked idea", body = "x" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await other.Client.GetAsync($"/ideas/{board}/{id}")).Document.GetElementById("edit-idea").ShouldBeNull();

        // Once staff answered it, the author's text is the one they answered: only staff change it.
        (await manager.Http.PutAsJsonAsync($"/api/v1/ideas/{id}/status", new { status = "UnderReview", response = "Looking into it." })).EnsureSuccessStatusCode();
        (await author.Client.Http.PutAsJsonAsync($"/api/v1/ideas/{id}", new { title = $"Dark theme now {marker}", body = "x" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var staffEdit = await manager.Http.PutAsJsonAsync($"/api/v1/ideas/{id}", new { title = $"Dark theme (all pages) {marker}", body = "For night owls." });
        staffEdit.StatusCode.ShouldBe(HttpStatusCode.OK, await staffEdit.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Roadmap_ShowsPlannedInProgressAndShipped_AndNotTheRest()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        using var manager = await TestMembers.LoggedInAsync(App, Roles.Admin);
        var board = await BoardAsync(manager, marker);
        var planned = await IdeaAsync(manager, board, $"Planned one {marker}");
        var shipped = await IdeaAsync(manager, board, $"Shipped one {marker}");
        await IdeaAsync(manager, board, $"Still new {marker}");
        (await manager.Http.PutAsJsonAsync($"/api/v1/ideas/{planned}/status", new { status = "Planned", response = "Yes." })).EnsureSuccessStatusCode();
        (await manager.Http.PutAsJsonAsync($"/api/v1/ideas/{shipped}/status", new { status = "Shipped", response = "Done." })).EnsureSuccessStatusCode();

        using var visitor = App.CreateTribuClient();
        var page = await visitor.GetAsync("/roadmap");
        page.Status.ShouldBe(HttpStatusCode.OK);
        page.Document.QuerySelector("[aria-labelledby=column-Planned]")!.TextContent.ShouldContain($"Planned one {marker}");
        page.Document.QuerySelector("[aria-labelledby=column-Shipped]")!.TextContent.ShouldContain($"Shipped one {marker}");
        page.Text.ShouldNotContain($"Still new {marker}");
        var roadmap = await visitor.Http.GetFromJsonAsync<JsonElement>("/api/v1/ideas/roadmap");
        roadmap.GetProperty("planned").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ShouldContain(planned);
        roadmap.GetProperty("shipped").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ShouldContain(shipped);
    }

    [Fact]
    public async Task Members_CannotChangeStatusMergeOrCreateBoards_NorSeeTheStaffForms()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager);
        var board = await BoardAsync(manager, marker);
        var id = await IdeaAsync(manager, board, $"Guarded {marker}");
        var other = await IdeaAsync(manager, board, $"Other {marker}");
        foreach (var role in new[] { Roles.Member, Roles.Moderator })
        {
            using var client = await TestMembers.LoggedInAsync(App, role);
            (await client.Http.PutAsJsonAsync($"/api/v1/ideas/{id}/status", new { status = "Shipped", response = "Ha" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await client.Http.PostAsJsonAsync($"/api/v1/ideas/{id}/merge", new { into = other })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await client.Http.PostAsJsonAsync("/api/v1/ideas/boards", new { name = "Mine" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            var page = await client.GetAsync($"/ideas/{board}/{id}");
            page.Document.QuerySelector("input[name=_handler][value=idea-status]").ShouldBeNull();
            page.Document.QuerySelector("input[name=_handler][value=idea-merge]").ShouldBeNull();
            // A hand-made post of the staff form, with a valid antiforgery token from the vote form, changes nothing either.
            var token = page.Document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
            var forged = await client.Http.PostAsync($"/ideas/{board}/{id}", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token, ["_handler"] = "idea-status", ["StatusInput.Status"] = "Shipped", ["StatusInput.Response"] = "Ha",
            }));
            forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest, "a form the page did not render for them is refused");
            var forgedMerge = await client.Http.PostAsync($"/ideas/{board}/{id}", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token, ["_handler"] = "idea-merge", ["MergeInput.Into"] = other.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }));
            forgedMerge.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }
        (await GetIdeaAsync(manager, id)).GetProperty("status").GetString().ShouldBe("New");
        (await App.WithDbAsync(db => db.Ideas.Where(i => i.Id == id).Select(i => i.MergedIntoId).FirstAsync())).ShouldBeNull();
        using var anonymous = App.CreateTribuClient();
        (await anonymous.Http.PutAsync($"/api/v1/ideas/{id}/vote", null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Pages_InFrench_ExplainAndRefuseInFrench()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager, "fr");
        var board = await BoardAsync(manager, marker);
        var id = await IdeaAsync(manager, board, $"Mode sombre {marker}");
        using var member = await TestPerson.CreateAsync(App, language: "fr");

        var list = await member.Client.GetAsync($"/ideas/{board}");
        list.Text.ShouldContain("Proposer une idée");
        list.Text.ShouldContain("Tendance");
        list.Text.ShouldContain("Nouvelle");
        var bad = await member.Client.SubmitAndFollowAsync($"/ideas/{board}/new", "new-idea", new Dictionary<string, string> { ["Input.Title"] = "Hm", ["Input.Body"] = "" });
        bad.FieldError("Title").ShouldBe("Donnez à votre idée un titre de 5 à 150 caractères.");
        bad.FieldError("Body").ShouldBe("Décrivez votre idée (20 000 caractères au plus).");
        var created = await member.Client.SubmitAndFollowAsync($"/ideas/{board}/new", "new-idea", new Dictionary<string, string> { ["Input.Title"] = $"Widgets {marker}", ["Input.Body"] = "Sur l’écran d’accueil <script>alert(1)</script>" });
        created.Document.QuerySelector("h1")!.TextContent.ShouldBe($"Widgets {marker}");
        created.Html.ShouldNotContain("<script>alert(1)</script>");
        created.Text.ShouldContain("Retirer mon vote");

        var staff = await manager.SubmitAndFollowAsync($"/ideas/{board}/{id}", "idea-status", new Dictionary<string, string> { ["StatusInput.Status"] = "UnderReview", ["StatusInput.Response"] = "" });
        staff.FieldError("Response").ShouldBe("Rédigez la réponse officielle (5 000 caractères au plus) : votants et abonnés la liront.");
        staff.Text.ShouldContain("Votes par niveau de confiance");
        (await member.Client.GetAsync("/roadmap")).Text.ShouldContain("Feuille de route");
        (await member.Client.GetAsync("/ideas")).Text.ShouldContain($"Product {marker}");
    }
}

public sealed class IdeaSqliteTests(SqliteAppFactory app) : IdeaTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class IdeaPostgresTests(PostgresAppFactory app) : IdeaTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
