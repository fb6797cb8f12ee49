using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Features.Accounts;

/// <summary>Personal API tokens: scoped, revocable, expiring, hashed at rest; run on SQLite and on PostgreSQL.</summary>
public abstract class ApiTokenTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    private HttpClient Bearer(string secret)
    {
        var client = App.CreateTribuClient().Http;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    private static async Task<(long Id, string Secret)> CreateAsync(TribuClient owner, bool write, int? days = null)
    {
        var response = await owner.Http.PostAsJsonAsync("/api/v1/account/tokens", new { name = "Integration", write, expiresInDays = days });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("token").GetProperty("id").GetInt64(), body.GetProperty("secret").GetString()!);
    }

    [Fact]
    public async Task ReadToken_ReadsAsItsMemberButCannotChangeAnything()
    {
        using var owner = await TestMembers.LoggedInAsync(App, Roles.Member);
        var space = await TestSpaces.CreateAsync(App);
        var (_, secret) = await CreateAsync(owner, write: false);
        using var api = Bearer(secret);

        var me = await api.GetFromJsonAsync<JsonElement>("/api/v1/account/me");
        me.GetProperty("handle").GetString().ShouldBe((await owner.Http.GetFromJsonAsync<JsonElement>("/api/v1/account/me")).GetProperty("handle").GetString());
        var refused = await api.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Discussion", title = "From a script", body = "b" });
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("read scope only");
        // A token opens the API, not the pages.
        (await api.GetAsync("/account/manage")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task WriteToken_Posts_AndRevocationStopsItAtOnce()
    {
        using var owner = await TestMembers.LoggedInAsync(App, Roles.Member);
        var space = await TestSpaces.CreateAsync(App);
        var (id, secret) = await CreateAsync(owner, write: true);
        using var api = Bearer(secret);

        (await api.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Discussion", title = "From a script", body = "b" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await api.PostAsJsonAsync("/api/v1/account/tokens", new { name = "Child", write = true })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        (await owner.Http.DeleteAsync($"/api/v1/account/tokens/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var after = await api.GetAsync("/api/v1/account/me");
        after.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        after.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
    }

    [Fact]
    public async Task Tokens_AreStoredHashedAndUnknownOrMalformedOnesAreRefused()
    {
        using var owner = await TestMembers.LoggedInAsync(App, Roles.Member);
        var (_, secret) = await CreateAsync(owner, write: false, days: 30);

        (await App.WithDbAsync(db => db.ApiTokens.AnyAsync(t => t.Hash == secret || t.Hint == secret))).ShouldBeFalse();
        var listed = await owner.Http.GetStringAsync("/api/v1/account/tokens");
        listed.ShouldNotContain(secret);
        listed.ShouldContain(secret[..10]);

        using var forged = Bearer(secret + "x");
        (await forged.GetAsync("/api/v1/account/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await owner.Http.PostAsJsonAsync("/api/v1/account/tokens", new { name = "", write = false, expiresInDays = 0 })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        App.Logs.ShouldNotContain(l => l.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TokensPage_ShowsTheSecretOnceAndRevokes()
    {
        using var owner = await TestMembers.LoggedInAsync(App, Roles.Member);
        var page = await owner.SubmitAndFollowAsync("/account/manage/tokens", "new-token", new Dictionary<string, string> { ["Input.Name"] = "Zapier", ["Input.Write"] = "true" });
        var secret = page.Document.QuerySelector("[data-testid=new-token]")!.TextContent;
        secret.ShouldStartWith("tribu_");
        (await owner.GetAsync("/account/manage/tokens")).Html.ShouldNotContain(secret);

        var id = (await owner.Http.GetFromJsonAsync<JsonElement>("/api/v1/account/tokens"))[0].GetProperty("id").GetInt64();
        var revoked = await owner.SubmitAndFollowAsync("/account/manage/tokens", $"revoke-{id}", new Dictionary<string, string>());
        revoked.Text.ShouldContain("The token is revoked.");
        using var api = Bearer(secret);
        (await api.GetAsync("/api/v1/account/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}

public sealed class ApiTokenSqliteTests(SqliteAppFactory app) : ApiTokenTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class ApiTokenPostgresTests(PostgresAppFactory app) : ApiTokenTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
