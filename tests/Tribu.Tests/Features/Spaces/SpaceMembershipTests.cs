using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Spaces;

namespace Tribu.Tests.Features.Spaces;

/// <summary>Private and invite-only space membership, per-space moderators and moving topics; on SQLite and PostgreSQL.</summary>
public abstract class SpaceMembershipTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    private static async Task<long> StartAsync(TestPerson who, string space, string title = "Members only talk")
    {
        var response = await who.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Discussion", title, body = "Opening post" });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    private static async Task<long> ReplyAsync(TestPerson who, long topic, string body)
    {
        var response = await who.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    [Fact]
    public async Task PrivateSpace_AMemberAddedOnTheMembersPageReadsItAtOnce_AndLosesItOnLeaving()
    {
        var space = await TestSpaces.CreateAsync(App, SpaceVisibility.Private);
        using var manager = await TestPerson.CreateAsync(App, Roles.CommunityManager);
        using var member = await TestPerson.CreateAsync(App);
        using var outsider = await TestPerson.CreateAsync(App);
        var topic = await StartAsync(manager, space, "Prototype frame feedback");
        (await member.Client.GetAsync($"/s/{space}")).Status.ShouldBe(HttpStatusCode.NotFound);

        // An unknown handle is refused with the reason, and the form keeps what was typed.
        var refused = await manager.Client.SubmitAndFollowAsync($"/s/{space}/members", "add-member", new Dictionary<string, string> { ["Input.Handle"] = "@nobody-here", ["Input.Role"] = "Member" });
        refused.Text.ShouldContain("No member has the handle @nobody-here.");
        refused.Document.QuerySelector("#member-handle")!.GetAttribute("value").ShouldBe("@nobody-here");

        var added = await manager.Client.SubmitAndFollowAsync($"/s/{space}/members", "add-member", new Dictionary<string, string> { ["Input.Handle"] = "@" + member.Handle, ["Input.Role"] = "Member" });
        added.Text.ShouldContain("was added and told by e-mail");
        (await App.Mail.WaitForAsync(member.Email, "space-access")).TextBody!.ShouldContain($"/s/{space}");
        // Added twice: one membership, and the reason.
        (await manager.Client.SubmitAndFollowAsync($"/s/{space}/members", "add-member", new Dictionary<string, string> { ["Input.Handle"] = member.Handle, ["Input.Role"] = "Member" }))
            .Text.ShouldContain("already has this place");

        // No new log-in needed: the next request reads the space, its topic, its members list and replies.
        (await member.Client.GetAsync($"/s/{space}")).Status.ShouldBe(HttpStatusCode.OK);
        (await member.Client.GetAsync($"/t/{topic}")).Text.ShouldContain("Prototype frame feedback");
        (await member.Client.Http.GetStringAsync("/api/v1/spaces")).ShouldContain(space);
        await ReplyAsync(member, topic, "The rear triangle flexes a bit.");
        (await manager.Client.Http.GetFromJsonAsync<JsonElement>("/api/v1/notifications")).GetProperty("items")[0].GetProperty("kind").GetString().ShouldBe("Reply");
        (await member.Client.GetAsync($"/s/{space}/members")).Text.ShouldContain(member.Handle);

        // Members do not manage members, and outsiders see nothing.
        (await member.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/members", new { handle = outsider.Handle })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await outsider.Client.GetAsync($"/s/{space}/members")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await outsider.Client.Http.GetAsync($"/api/v1/spaces/{space}/members")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var left = await member.Client.SubmitAndFollowAsync($"/s/{space}/members", $"remove-{(await IdOfAsync(member.Handle)):N}", new Dictionary<string, string>());
        left.Text.ShouldContain("You left");
        (await member.Client.GetAsync($"/t/{topic}")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task InviteOnlySpace_TheInviteeSeesOnlyTheInvitationUntilAccepting()
    {
        var beta = await TestSpaces.CreateAsync(App, SpaceVisibility.Invite);
        using var manager = await TestPerson.CreateAsync(App, Roles.CommunityManager);
        using var tester = await TestPerson.CreateAsync(App, language: "fr");
        using var shy = await TestPerson.CreateAsync(App);
        var topic = await StartAsync(manager, beta, "Firmware 2.0 beta notes");

        var invited = await manager.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{beta}/members", new { handle = tester.Handle });
        invited.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await invited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().ShouldBe("Invited");
        (await manager.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{beta}/members", new { handle = shy.Handle })).EnsureSuccessStatusCode();
        var mail = await App.Mail.WaitForAsync(tester.Email, "space-invitation");
        mail.Subject!.ShouldContain("Vous êtes invité");

        // Invited is not in: the space shows the invitation, not its conversations.
        var invitation = await tester.Client.GetAsync($"/s/{beta}");
        invitation.Status.ShouldBe(HttpStatusCode.OK);
        invitation.Text.ShouldContain("Accepter l'invitation");
        invitation.Text.ShouldNotContain("Firmware 2.0 beta notes");
        (await tester.Client.GetAsync($"/t/{topic}")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await tester.Client.GetAsync("/")).Document.QuerySelector($"#invitations-title").ShouldNotBeNull();

        var accepted = await tester.Client.SubmitAndFollowAsync($"/s/{beta}", "accept-invitation", new Dictionary<string, string>());
        accepted.Text.ShouldContain("Firmware 2.0 beta notes");
        (await tester.Client.GetAsync($"/t/{topic}")).Status.ShouldBe(HttpStatusCode.OK);

        (await shy.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{beta}/invitation", new { accept = false })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await shy.Client.GetAsync($"/s/{beta}")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await shy.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{beta}/invitation", new { accept = true })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task SpaceModerator_ModeratesTheirSpaceOnly_AndCannotAppointModerators()
    {
        var mine = await TestSpaces.CreateAsync(App);
        var other = await TestSpaces.CreateAsync(App);
        var club = await TestSpaces.CreateAsync(App, SpaceVisibility.Private);
        using var manager = await TestPerson.CreateAsync(App, Roles.CommunityManager);
        using var moderator = await TestPerson.CreateAsync(App);
        using var author = await TestPerson.CreateAsync(App);
        using var newcomer = await TestPerson.CreateAsync(App);

        (await author.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{mine}/members", new { handle = moderator.Handle, role = "Moderator" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        foreach (var space in new[] { mine, club })
        {
            (await manager.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/members", new { handle = moderator.Handle, role = "Moderator" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        }
        var here = await StartAsync(author, mine, "Squeaky brakes again");
        var reply = await ReplyAsync(author, here, "Any idea?");
        var there = await StartAsync(author, other, "Saddle height");

        (await moderator.Client.Http.PatchAsJsonAsync($"/api/v1/topics/{here}", new { locked = true, pinned = true })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await moderator.Client.Http.PutAsJsonAsync($"/api/v1/posts/{reply}", new { body = "Any idea? (edited by a moderator)", reason = "typo" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await moderator.Client.Http.DeleteAsync($"/api/v1/posts/{reply}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await moderator.Client.Http.PatchAsJsonAsync($"/api/v1/topics/{there}", new { locked = true })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await moderator.Client.GetAsync($"/t/{here}")).Document.QuerySelector(".staff-actions").ShouldNotBeNull();
        (await moderator.Client.GetAsync($"/t/{there}")).Document.QuerySelector(".staff-actions").ShouldBeNull();
        // The moving is for staff: it crosses spaces.
        (await moderator.Client.Http.PatchAsJsonAsync($"/api/v1/topics/{here}", new { space = other })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // A moderator lets members into the private space they moderate, but does not make moderators.
        (await moderator.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{club}/members", new { handle = newcomer.Handle })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await moderator.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{club}/members", new { handle = author.Handle, role = "Moderator" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await newcomer.Client.GetAsync($"/s/{club}")).Status.ShouldBe(HttpStatusCode.OK);
        var members = await moderator.Client.Http.GetFromJsonAsync<JsonElement>($"/api/v1/spaces/{club}/members");
        members.EnumerateArray().Select(m => (m.GetProperty("handle").GetString(), m.GetProperty("role").GetString()))
            .ShouldBe([(moderator.Handle, "Moderator"), (newcomer.Handle, "Member")], ignoreOrder: true);
    }

    [Fact]
    public async Task Staff_MoveATopicToAnotherSpace_FromThePageOrTheApi()
    {
        var from = await TestSpaces.CreateAsync(App);
        var to = await TestSpaces.CreateAsync(App);
        using var manager = await TestPerson.CreateAsync(App, Roles.CommunityManager, "fr");
        using var author = await TestPerson.CreateAsync(App);
        var topic = await StartAsync(author, from, "Wrong place for this question");

        var bad = await manager.Client.Http.PatchAsJsonAsync($"/api/v1/topics/{topic}", new { space = "no-such-space" });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("Space")[0].GetString().ShouldBe("Il n'existe pas d'espace « no-such-space ».");

        var moved = await manager.Client.SubmitFormAsync($"/t/{topic}", f => f.QuerySelector("#move-space") is not null, new Dictionary<string, string> { ["space"] = to });
        moved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await App.CreateTribuClient().GetAsync($"/s/{to}")).Text.ShouldContain("Wrong place for this question");
        (await App.CreateTribuClient().GetAsync($"/s/{from}")).Text.ShouldNotContain("Wrong place for this question");
        (await author.Client.Http.PatchAsJsonAsync($"/api/v1/topics/{topic}", new { space = from })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    private Task<Guid> IdOfAsync(string handle) =>
        App.WithDbAsync(db => Task.FromResult(db.Users.Single(u => u.Handle == handle).Id));
}

public sealed class SpaceMembershipSqliteTests(SqliteAppFactory app) : SpaceMembershipTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class SpaceMembershipPostgresTests(PostgresAppFactory app) : SpaceMembershipTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
