using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;
using Tribu.Web.Platform.Email;
using Tribu.Web.Platform.Jobs;

namespace Tribu.Tests.Platform.Web;

/// <summary>What every page and endpoint relies on; run on SQLite and on PostgreSQL.</summary>
public abstract class PlatformTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_WhenDatabaseIsMigrated_IsHealthy(string path)
    {
        using var client = App.CreateTribuClient();
        var page = await client.GetAsync(path);
        page.Status.ShouldBe(HttpStatusCode.OK);
        page.Html.ShouldBe("Healthy");
    }

    [Fact]
    public async Task UnknownUrl_ShowsAFriendly404InTheBrowsersLanguage()
    {
        using var client = App.CreateTribuClient("fr-FR");
        var page = await client.GetAsync("/cette/page/nexiste/pas");
        page.Status.ShouldBe(HttpStatusCode.NotFound);
        page.Document.DocumentElement.GetAttribute("lang").ShouldBe("fr");
        page.Document.QuerySelector("h1")!.TextContent.ShouldBe("Page introuvable");
        page.Document.QuerySelector("a[href='/']").ShouldNotBeNull();
    }

    [Fact]
    public async Task UnknownApiUrl_Returns404ProblemDetails()
    {
        using var client = App.CreateTribuClient();
        var response = await client.Http.GetAsync("/api/v1/nothing-here");
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task HomePage_FollowsAcceptLanguage()
    {
        using var en = App.CreateTribuClient("en-GB");
        using var fr = App.CreateTribuClient("fr-CA,fr;q=0.9");
        (await en.GetAsync("/")).Document.QuerySelector("nav.main-nav a")!.TextContent.ShouldBe("Home");
        var french = await fr.GetAsync("/");
        french.Document.DocumentElement.GetAttribute("lang").ShouldBe("fr");
        french.Document.QuerySelector("nav.main-nav a")!.TextContent.ShouldBe("Accueil");
    }

    [Fact]
    public async Task LanguageSwitcher_SetsTheCookieAndRemembersTheMembersChoice()
    {
        using var client = await TestMembers.LoggedInAsync(App, Roles.Member);
        var response = await client.SubmitFormAsync("/account/manage", f => f.GetAttribute("action") == "/culture",
            new Dictionary<string, string> { ["language"] = "fr", ["returnUrl"] = "/account/manage" });
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldBe("/account/manage");
        var profile = await client.GetAsync("/account/manage");
        profile.Document.QuerySelector("h1")!.TextContent.ShouldBe("Profil");
        var me = await client.Http.GetFromJsonAsync<JsonElement>("/api/v1/account/me");
        me.GetProperty("preferredLanguage").GetString().ShouldBe("fr");
    }

    [Fact]
    public async Task Pages_CarryTheSecurityHeaders()
    {
        using var client = App.CreateTribuClient();
        var response = (await client.GetAsync("/account/login")).Response;
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("frame-ancestors 'none'");
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("script-src 'self'");
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("strict-origin-when-cross-origin");
    }

    [Fact]
    public async Task FormPost_WithoutAntiforgeryToken_IsRejected()
    {
        using var client = App.CreateTribuClient();
        var response = await client.Http.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["Input.Email"] = TribuAppFactory.AdminEmail, ["Input.Password"] = TribuAppFactory.AdminPassword,
        }));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Headers.Contains("Set-Cookie").ShouldBeFalse();
    }

    [Fact]
    public async Task OpenApiDocument_NamesAndTagsEveryOperation()
    {
        using var client = App.CreateTribuClient();
        var doc = await client.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var operations = doc.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => (Path: p.Name, Verb: o.Name, Op: o.Value))).ToList();
        operations.Select(o => o.Path).ShouldContain("/api/v1/account/register");
        operations.Select(o => o.Path).ShouldContain("/api/v1/spaces");
        foreach (var (path, verb, op) in operations)
        {
            op.TryGetProperty("operationId", out _).ShouldBeTrue($"{verb} {path} has no name");
            op.GetProperty("tags").GetArrayLength().ShouldBeGreaterThan(0, $"{verb} {path} has no tag");
        }
        (await client.Http.GetAsync("/api/docs/")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(ConsolePaths.All), MemberType = typeof(ConsolePaths))]
    public async Task Console_IsForStaffOnly(string path)
    {
        using var anonymous = App.CreateTribuClient();
        var redirect = (await anonymous.GetAsync(path)).Response;
        redirect.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        redirect.Headers.Location!.OriginalString.ShouldContain("/account/login");

        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        var denied = await member.FollowAsync((await member.GetAsync(path)).Response);
        denied.Status.ShouldBe(HttpStatusCode.Forbidden);
        denied.Document.QuerySelector("h1")!.TextContent.ShouldBe("Access denied");

        using var admin = await TestMembers.LoggedInAsync(App, Roles.Admin);
        (await admin.GetAsync(path)).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Console_OverviewOpensForModeratorsButSettingsDoNot()
    {
        using var moderator = await TestMembers.LoggedInAsync(App, Roles.Moderator);
        (await moderator.GetAsync("/manage")).Status.ShouldBe(HttpStatusCode.OK);
        (await moderator.FollowAsync((await moderator.GetAsync("/manage/settings")).Response)).Status.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task SiteApi_MembersCannotChangeItAndAdminsGetFieldErrors()
    {
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        (await member.Http.PutAsJsonAsync("/api/v1/site", new { communityName = "Hijacked" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        using var admin = await TestMembers.LoggedInAsync(App, Roles.Admin);
        var bad = await admin.Http.PutAsJsonAsync("/api/v1/site", new { primaryColor = "red" });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("PrimaryColor", out _).ShouldBeTrue();

        var name = "Communauté " + Guid.NewGuid().ToString("N")[..6];
        (await admin.Http.PutAsJsonAsync("/api/v1/site", new { communityName = name })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await App.CreateTribuClient().GetAsync("/")).Document.QuerySelector(".brand")!.TextContent.Trim().ShouldBe(name);
        (await admin.Http.PutAsJsonAsync("/api/v1/site", new { communityName = "Tribu" })).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task SettingsPage_SavesTheBrandForEveryPage()
    {
        using var admin = await TestMembers.LoggedInAsync(App, Roles.Admin);
        var saved = await admin.SubmitAndFollowAsync("/manage/settings", "settings", new Dictionary<string, string>
        {
            ["Input.CommunityName"] = "Tribu", ["Input.PrimaryColor"] = "#123456", ["Input.AccentColor"] = "#abcdef",
            ["Input.TaglineEn"] = "Together", ["Input.TaglineFr"] = "Ensemble", ["Input.SignUpMode"] = "Open", ["Input.DefaultLanguage"] = "en",
        });
        saved.Text.ShouldContain("Settings saved.");
        (await App.CreateTribuClient("fr").GetAsync("/")).Html.ShouldContain("--brand: #123456");
        (await App.CreateTribuClient("fr").GetAsync("/")).Document.QuerySelector(".tagline")!.TextContent.ShouldBe("Ensemble");
    }

    [Fact]
    public async Task Jobs_RunNowRecordsTheRunForTheConsole()
    {
        var jobs = App.Service<JobRunner>();
        await jobs.TriggerAsync(OutboxCleanupJob.Name, TestContext.Current.CancellationToken);
        JobView? cleanup = null;
        for (var i = 0; i < 100 && cleanup?.RunCount is null or 0; i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            cleanup = (await jobs.ListAsync(TestContext.Current.CancellationToken)).Single(j => j.Name == OutboxCleanupJob.Name);
        }
        cleanup!.RunCount.ShouldBeGreaterThan(0);
        cleanup.LastResult.ShouldBe("Succeeded");
        cleanup.NextRunUtc.ShouldNotBeNull();
    }

    [Fact]
    public async Task Logs_NeverContainPasswordsOrTokens()
    {
        using var client = App.CreateTribuClient();
        var email = $"secret{Guid.NewGuid():N}"[..14] + "@example.com";
        const string password = "my very secret passphrase 4821";
        (await client.Http.PostAsJsonAsync("/api/v1/account/register", new { email, password, displayName = "Secretive", acceptConduct = true })).EnsureSuccessStatusCode();
        var link = MailSink.Link(await App.Mail.WaitForAsync(email, "confirm-email"), "/account/confirm-email");
        await client.GetAsync(new Uri(link).PathAndQuery);
        await client.LogInAsync(email, password);
        await client.LogInAsync(email, "a wrong passphrase 4821");

        var code = System.Web.HttpUtility.ParseQueryString(new Uri(link).Query)["code"]!;
        var logs = string.Join("\n", App.Logs);
        logs.ShouldNotContain(password);
        logs.ShouldNotContain("a wrong passphrase 4821");
        logs.ShouldNotContain(code);
        logs.ShouldNotContain(TribuAppFactory.AdminPassword);
    }
}

public static class ConsolePaths
{
    public static TheoryData<string> All => new() { "/manage", "/manage/settings", "/manage/members", "/manage/invitations", "/manage/jobs", "/manage/outbox" };
}

public sealed class PlatformSqliteTests(SqliteAppFactory app) : PlatformTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class PlatformPostgresTests(PostgresAppFactory app) : PlatformTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
