using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Accounts;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Features.Moderation;

/// <summary>The code of conduct: public in both languages, edited by managers with versions, accepted on sign-up; on SQLite and PostgreSQL.</summary>
public abstract class CodeOfConductTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    [Fact]
    public async Task CodeOfConduct_IsPublicInBothLanguages_EditedInVersions_AndEachSignUpRecordsTheVersionAccepted()
    {
        (await App.CreateTribuClient("fr").GetAsync("/code-of-conduct")).Text.ShouldContain("ils ne sont jamais retirés parce qu'ils sont négatifs");
        (await App.CreateTribuClient("en").GetAsync("/code-of-conduct")).Text.ShouldContain("never removed for being negative");

        using var first = App.CreateTribuClient();
        var early = $"early{Guid.NewGuid():N}"[..14] + "@example.com";
        (await first.Http.PostAsJsonAsync("/api/v1/account/register", new { email = early, password = "a long enough passphrase", displayName = "Early", acceptConduct = true }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var refused = await first.Http.PostAsJsonAsync("/api/v1/account/register", new { email = "no" + early, password = "a long enough passphrase", displayName = "Nope" });
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        using var manager = await TestPerson.CreateAsync(App, Roles.CommunityManager);
        var before = await App.WithDbAsync(async db => (await db.Set<Tribu.Web.Features.Moderation.ModerationSettings>().AsNoTracking().FirstOrDefaultAsync())?.CodeOfConductVersion ?? 1);
        var saved = await manager.Client.SubmitAndFollowAsync("/manage/moderation/code", "code-of-conduct", new Dictionary<string, string>
        {
            ["Input.English"] = "## Our house rules\nBe excellent to each other <script>alert(1)</script>",
            ["Input.French"] = "## Nos règles\nSoyez formidables les uns envers les autres",
        });
        saved.Text.ShouldContain("The code of conduct is published.");
        var english = await App.CreateTribuClient("en").GetAsync("/code-of-conduct");
        english.Text.ShouldContain("Be excellent to each other");
        english.Text.ShouldContain($"Version {before + 1}.");
        english.Document.QuerySelectorAll("main script").ShouldBeEmpty();
        (await App.CreateTribuClient("fr").GetAsync("/code-of-conduct")).Text.ShouldContain("Soyez formidables");

        var late = $"late{Guid.NewGuid():N}"[..13] + "@example.com";
        (await first.Http.PostAsJsonAsync("/api/v1/account/register", new { email = late, password = "a long enough passphrase", displayName = "Late", acceptConduct = true }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var versions = await App.WithDbAsync(db => db.Consents.Where(c => c.Kind == ConsentKind.CodeOfConduct)
            .Join(db.Users, c => c.MemberId, u => u.Id, (c, u) => new { u.Email, c.Version }).Where(x => x.Email == early || x.Email == late).ToListAsync());
        versions.Single(v => v.Email == early).Version.ShouldBe(before);
        versions.Single(v => v.Email == late).Version.ShouldBe(before + 1);
        (await App.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "settings.code-of-conduct"))).ShouldBeGreaterThanOrEqualTo(1);
    }
}

public sealed class CodeOfConductSqliteTests(SqliteAppFactory app) : CodeOfConductTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class CodeOfConductPostgresTests(PostgresAppFactory app) : CodeOfConductTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
