using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Features.Spaces;

public abstract class SpaceManagementTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    [Fact]
    public async Task Api_ManagersCreateAndEditSpacesWithFieldErrors_MembersAndModeratorsCannot()
    {
        var slug = "cargo-" + Guid.NewGuid().ToString("N")[..6];
        var space = new { slug, name = "Cargo owners", description = "Family bikes", visibility = "Public", color = "#123456", icon = "🚲", staffOnlyTopics = false };
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        using var moderator = await TestMembers.LoggedInAsync(App, Roles.Moderator);
        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager, "fr");

        (await member.Http.PostAsJsonAsync("/api/v1/spaces", space)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await moderator.Http.PostAsJsonAsync("/api/v1/spaces", space)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var bad = await manager.Http.PostAsJsonAsync("/api/v1/spaces", space with { slug = "Not A Slug", color = "blue" });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.GetProperty("Slug")[0].GetString().ShouldBe("Utilisez de 2 à 60 lettres minuscules, chiffres ou tirets.");
        errors.TryGetProperty("Color", out _).ShouldBeTrue();

        var created = await manager.Http.PostAsJsonAsync("/api/v1/spaces", space);
        created.StatusCode.ShouldBe(HttpStatusCode.OK);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        (await manager.Http.PostAsJsonAsync("/api/v1/spaces", space)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        (await manager.Http.PutAsJsonAsync($"/api/v1/spaces/{id}", space with { name = "Cargo families", visibility = "Members" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await App.CreateTribuClient().GetAsync($"/s/{slug}")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await member.GetAsync($"/s/{slug}")).Document.QuerySelector("h1")!.TextContent.ShouldContain("Cargo families");
    }

    [Fact]
    public async Task ConsolePages_CreateASpaceThatAppearsOnTheHomePage()
    {
        var slug = "meetups-" + Guid.NewGuid().ToString("N")[..6];
        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager);

        var saved = await manager.SubmitAndFollowAsync("/manage/spaces/new", "space", new Dictionary<string, string>
        {
            ["Input.Name"] = "Meetups", ["Input.Slug"] = slug, ["Input.Description"] = "Rides and workshops", ["Input.Visibility"] = "Public",
            ["Input.Color"] = "#7a3e65", ["Input.Icon"] = "📍",
        });

        saved.Text.ShouldContain("Space saved.");
        saved.Document.QuerySelector("#space-visibility option[selected]")!.GetAttribute("value").ShouldBe("Public");
        (await manager.GetAsync("/manage/spaces")).Text.ShouldContain("Meetups");
        (await App.CreateTribuClient().GetAsync("/")).Document.QuerySelector($"a[href='/s/{slug}']").ShouldNotBeNull();
    }
}

public sealed class SpaceManagementSqliteTests(SqliteAppFactory app) : SpaceManagementTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class SpaceManagementPostgresTests(PostgresAppFactory app) : SpaceManagementTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
