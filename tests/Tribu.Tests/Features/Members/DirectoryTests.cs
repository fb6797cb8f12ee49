using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Features.Members;

public abstract class DirectoryTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    private async Task<TribuClient> MemberWithAsync(string name, string[] interests, string? location = null)
    {
        var client = await TestMembers.LoggedInAsync(App, Roles.Member);
        (await client.Http.PutAsJsonAsync("/api/v1/account/me", new { displayName = name, interests, location })).EnsureSuccessStatusCode();
        return client;
    }

    [Fact]
    public async Task Directory_FindsByNameInterestAndLocation_WithoutEverShowingEmails()
    {
        var tag = "z" + Guid.NewGuid().ToString("N")[..6];
        using var alice = await MemberWithAsync($"Alice {tag}", [tag, "touring"], "Annecy");
        using var bob = await MemberWithAsync($"Bob {tag}", ["winter"], "Québec");
        using var reader = App.CreateTribuClient();

        var byName = await reader.Http.GetFromJsonAsync<JsonElement>($"/api/v1/members?q=alice%20{tag}");
        byName.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("displayName").GetString()).ShouldBe([$"Alice {tag}"]);
        var byInterest = await reader.Http.GetFromJsonAsync<JsonElement>($"/api/v1/members?interest={tag}");
        byInterest.GetProperty("total").GetInt32().ShouldBe(1);
        var byPlace = await reader.Http.GetStringAsync($"/api/v1/members?location=qu%C3%A9bec&q={tag}");
        byPlace.ShouldContain($"Bob {tag}");
        byPlace.ShouldNotContain("@example.com");

        var page = await reader.GetAsync($"/members?interest={tag}");
        page.Text.ShouldContain($"Alice {tag}");
        page.Text.ShouldNotContain($"Bob {tag}");
        page.Document.QuerySelector("label[for=interest]").ShouldNotBeNull();
    }

    [Fact]
    public async Task Suggestions_AreMembersSharingTheMostInterests()
    {
        var a = "a" + Guid.NewGuid().ToString("N")[..6];
        var b = "b" + Guid.NewGuid().ToString("N")[..6];
        using var me = await MemberWithAsync("Me Myself", [a, b]);
        using var twoInCommon = await MemberWithAsync("Two In Common", [a, b, "cargo"]);
        using var oneInCommon = await MemberWithAsync("One In Common", [b]);
        using var nothingInCommon = await MemberWithAsync("Nothing In Common", ["z" + a]);

        var suggested = (await me.Http.GetFromJsonAsync<JsonElement>("/api/v1/members/suggestions")).EnumerateArray().ToList();

        suggested.Select(s => s.GetProperty("displayName").GetString()).Take(2).ShouldBe(["Two In Common", "One In Common"]);
        suggested.ShouldNotContain(s => s.GetProperty("displayName").GetString() == "Nothing In Common");
        suggested.ShouldNotContain(s => s.GetProperty("displayName").GetString() == "Me Myself");
        suggested[0].GetProperty("sharedInterests").GetArrayLength().ShouldBe(2);
        (await me.GetAsync("/members")).Document.QuerySelector(".suggestions")!.TextContent.ShouldContain("Two In Common");
        (await App.CreateTribuClient().Http.GetAsync("/api/v1/members/suggestions")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}

public sealed class DirectorySqliteTests(SqliteAppFactory app) : DirectoryTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class DirectoryPostgresTests(PostgresAppFactory app) : DirectoryTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
