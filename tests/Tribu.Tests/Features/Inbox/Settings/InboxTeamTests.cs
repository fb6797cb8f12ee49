using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Features.Inbox.Settings;

/// <summary>Inbox teams: only admins and community managers can be members; a team a rule uses stays until the rule changes.</summary>
public abstract class InboxTeamTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    [Fact]
    public async Task Teams_RefuseMembersWhoAreNotAdminsOrCommunityManagers_WithAMessageInTheirLanguage()
    {
        var m = InboxTestData.Marker();
        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager, "fr");
        var created = await manager.SubmitAndFollowAsync("/manage/inbox/teams", "new-team", new Dictionary<string, string> { ["Input.Name"] = $"Support {m}" });
        created.Text.ShouldContain($"Équipe « Support {m} » créée.");
        var id = await App.WithDbAsync(db => db.InboxTeams.Where(t => t.Name == $"Support {m}").Select(t => t.Id).SingleAsync());
        var url = $"/manage/inbox/teams/{id}";
        (await manager.SubmitAndFollowAsync("/manage/inbox/teams", "new-team", new Dictionary<string, string> { ["Input.Name"] = $"SUPPORT {m.ToUpperInvariant()}" }))
            .FieldError("Name").ShouldBe("Une autre équipe porte déjà ce nom.");

        var member = await InboxTestData.PersonAsync(App, Roles.Member);
        var moderator = await InboxTestData.PersonAsync(App, Roles.Moderator);
        var cm = await InboxTestData.PersonAsync(App, Roles.CommunityManager);
        var admin = await InboxTestData.PersonAsync(App, Roles.Admin);
        var refused = await manager.SubmitAndFollowAsync(url, "add-member", new Dictionary<string, string> { ["Add.Member"] = "@" + member.Handle });
        refused.FieldError("Member").ShouldBe($"{member.DisplayName} (@{member.Handle}) n’est ni administrateur ni community manager : seuls eux peuvent faire partie d’une équipe de la boîte de réception.");
        refused.Document.QuerySelector("#team-member")!.GetAttribute("aria-invalid").ShouldBe("true");
        (await manager.SubmitAndFollowAsync(url, "add-member", new Dictionary<string, string> { ["Add.Member"] = moderator.Handle })).FieldError("Member")!.ShouldContain("n’est ni administrateur");
        (await manager.SubmitAndFollowAsync(url, "add-member", new Dictionary<string, string> { ["Add.Member"] = "personne-" + m })).FieldError("Member").ShouldBe("Aucun membre n’a cet identifiant.");
        var api = await manager.Http.PostAsJsonAsync($"/api/v1/inbox/teams/{id}/members", new { member = member.Handle });
        api.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        api.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await api.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("Member")[0].GetString()!.ShouldStartWith(member.DisplayName);

        // Admins and community managers are offered and accepted.
        var page = await manager.GetAsync(url);
        var offered = page.Document.QuerySelectorAll("#team-staff option").Select(o => o.GetAttribute("value")).ToList();
        offered.ShouldContain(cm.Handle);
        offered.ShouldContain(admin.Handle);
        offered.ShouldNotContain(member.Handle);
        offered.ShouldNotContain(moderator.Handle);
        (await manager.SubmitAndFollowAsync(url, "add-member", new Dictionary<string, string> { ["Add.Member"] = cm.Handle })).Text.ShouldContain("Membre ajouté.");
        var added = await manager.Http.PostAsJsonAsync($"/api/v1/inbox/teams/{id}/members", new { member = admin.Handle });
        (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("members").EnumerateArray().Select(x => x.GetProperty("handle").GetString()).ShouldBe([cm.Handle, admin.Handle], ignoreOrder: true);
        (await App.WithDbAsync(db => db.InboxTeamMembers.CountAsync(x => x.TeamId == id))).ShouldBe(2);

        var removed = await manager.SubmitAndFollowAsync(url, "remove-member", new Dictionary<string, string> { ["Remove.MemberId"] = cm.Id.ToString() });
        removed.Text.ShouldContain("Membre retiré.");
        removed.Document.QuerySelectorAll(".member-list li").Length.ShouldBe(1);
        (await manager.Http.DeleteAsync($"/api/v1/inbox/teams/{id}/members/{admin.Handle}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await manager.Http.DeleteAsync($"/api/v1/inbox/teams/{id}/members/{admin.Handle}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        (await manager.SubmitAndFollowAsync(url, "team", new Dictionary<string, string> { ["Input.Name"] = $"Service {m}" })).Text.ShouldContain("Équipe renommée.");
        (await manager.Http.GetFromJsonAsync<JsonElement>($"/api/v1/inbox/teams/{id}")).GetProperty("name").GetString().ShouldBe($"Service {m}");
    }

    [Fact]
    public async Task DeletingATeam_IsRefusedWhileARuleAssignsToIt()
    {
        var m = InboxTestData.Marker();
        using var manager = await TestMembers.LoggedInAsync(App, Roles.Admin);
        var team = (await (await manager.Http.PostAsJsonAsync("/api/v1/inbox/teams", new { name = $"Nuit {m}" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var rule = (await (await manager.Http.PostAsJsonAsync("/api/v1/inbox/rules", new { name = $"La nuit {m}", keywords = new[] { m }, assignToTeamId = team }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();

        var refused = await manager.SubmitAndFollowAsync($"/manage/inbox/teams/{team}", "delete-team", new Dictionary<string, string> { ["Confirm.Sure"] = "true" });
        refused.Text.ShouldContain($"This team cannot be deleted: rules assign to it (La nuit {m}). Change those rules first.");
        var api = await manager.Http.DeleteAsync($"/api/v1/inbox/teams/{team}");
        api.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        (await manager.Http.DeleteAsync($"/api/v1/inbox/rules/{rule}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var deleted = await manager.SubmitAndFollowAsync($"/manage/inbox/teams/{team}", "delete-team", new Dictionary<string, string> { ["Confirm.Sure"] = "true" });
        deleted.Text.ShouldContain("Team deleted.");
        (await manager.Http.GetAsync($"/api/v1/inbox/teams/{team}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await manager.GetAsync($"/manage/inbox/teams/{team}")).Status.ShouldBe(HttpStatusCode.NotFound);
    }
}

public sealed class InboxTeamSqliteTests(SqliteAppFactory app) : InboxTeamTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class InboxTeamPostgresTests(PostgresAppFactory app) : InboxTeamTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
