using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Tests.Infrastructure;

namespace Tribu.Tests.Features.Accounts;

/// <summary>Sign-up, confirmation and log-in through the API and the pages; run on SQLite and on PostgreSQL.</summary>
public abstract class SignUpTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    private static string NewEmail() => $"m{Guid.NewGuid():N}"[..12] + "@example.com";

    private Task<int> CountAccountsAsync(string email) =>
        App.WithDbAsync(db => db.Users.CountAsync(u => u.NormalizedEmail == email.ToUpperInvariant()));

    [Fact]
    public async Task Register_ValidRequest_SendsConfirmationMailAndLogsInOnlyAfterConfirmation()
    {
        using var client = App.CreateTribuClient();
        var email = NewEmail();

        var response = await client.Http.PostAsJsonAsync("/api/v1/account/register",
            new { email, password = "a long enough passphrase", displayName = "Léa Martin", language = "fr", acceptConduct = true });

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        created.GetProperty("handle").GetString().ShouldBe("lea_martin");
        created.GetProperty("emailConfirmationRequired").GetBoolean().ShouldBeTrue();

        var beforeConfirmation = await client.LogInAsync(email, "a long enough passphrase");
        beforeConfirmation.Text.ShouldContain("Confirm your e-mail address first");

        var mail = await App.Mail.WaitForAsync(email, "confirm-email");
        mail.Subject.ShouldStartWith("Confirmez votre adresse e-mail");
        var confirmed = await client.GetAsync(new Uri(MailSink.Link(mail, "/account/confirm-email")).PathAndQuery);
        confirmed.Text.ShouldContain("your e-mail address is confirmed");

        var home = await client.LogInAsync(email, "a long enough passphrase");
        home.Status.ShouldBe(HttpStatusCode.OK);
        home.Document.QuerySelector(".user-chip")!.TextContent.ShouldContain("Léa Martin");
    }

    [Theory]
    [InlineData("short", "Password")]
    [InlineData("aaaaaaaaaaaaaaa", "Password")]
    public async Task Register_WeakPassword_Returns400WithFieldErrorAndNoAccount(string password, string field)
    {
        using var client = App.CreateTribuClient();
        var email = NewEmail();

        var response = await client.Http.PostAsJsonAsync("/api/v1/account/register", new { email, password, displayName = "Weak", acceptConduct = true });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").GetProperty(field).GetArrayLength().ShouldBeGreaterThan(0);
        (await CountAccountsAsync(email)).ShouldBe(0);
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("two@@example.com")]
    [InlineData("")]
    public async Task Register_MalformedEmail_Returns400WithEmailError(string email)
    {
        using var client = App.CreateTribuClient();

        var response = await client.Http.PostAsJsonAsync("/api/v1/account/register", new { email, password = "a long enough passphrase", displayName = "X", acceptConduct = true });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").TryGetProperty("Email", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Register_DuplicateEmail_IsRefusedInTheCallersLanguageAndStoredOnce()
    {
        using var client = App.CreateTribuClient("fr");
        var email = NewEmail();
        var body = new { email, password = "a long enough passphrase", displayName = "Premier", acceptConduct = true };
        (await client.Http.PostAsJsonAsync("/api/v1/account/register", body)).StatusCode.ShouldBe(HttpStatusCode.Created);

        var second = await client.Http.PostAsJsonAsync("/api/v1/account/register", body with { displayName = "Second" });

        second.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await second.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").GetProperty("Email")[0].GetString()!.ShouldContain("Un compte utilise déjà cette adresse");
        (await CountAccountsAsync(email)).ShouldBe(1);
    }

    [Fact]
    public async Task RegisterPage_InvalidInput_ShowsFrenchErrorsNextToFieldsAndKeepsWhatWasTyped()
    {
        using var client = App.CreateTribuClient("fr");
        var email = NewEmail();

        var page = await client.FollowAsync(await client.SubmitAsync("/account/register", "register", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Jeanne Dupont",
            ["Input.Email"] = email,
            ["Input.Password"] = "court",
            ["Input.ConfirmPassword"] = "court",
            ["Input.Language"] = "fr", ["Input.AcceptConduct"] = "true",
        }));

        page.Status.ShouldBe(HttpStatusCode.OK);
        page.FieldError("Password")!.ShouldContain("au moins 10 caractères");
        page.Document.QuerySelector("#password")!.GetAttribute("aria-invalid").ShouldBe("true");
        page.Document.QuerySelector("#display-name")!.GetAttribute("value").ShouldBe("Jeanne Dupont");
        page.Document.QuerySelector("#language option[selected]")!.GetAttribute("value").ShouldBe("fr");
        page.Document.QuerySelector(".error-summary")!.TextContent.ShouldContain("Merci de corriger");
        (await CountAccountsAsync(email)).ShouldBe(0);
    }

    [Fact]
    public async Task RegisterPage_PasswordsDiffer_CreatesNoAccount()
    {
        using var client = App.CreateTribuClient();
        var email = NewEmail();

        var page = await client.FollowAsync(await client.SubmitAsync("/account/register", "register", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Typo",
            ["Input.Email"] = email,
            ["Input.Password"] = "a long enough passphrase",
            ["Input.ConfirmPassword"] = "a long enough passphrasf",
        }));

        page.FieldError("ConfirmPassword")!.ShouldBe("The two passwords are different.");
        // Not accepting the code of conduct is refused too, with the reason.
        page.FieldError("AcceptConduct")!.ShouldBe("To join, accept the code of conduct.");
        (await CountAccountsAsync(email)).ShouldBe(0);
    }

    [Fact]
    public async Task Login_FiveWrongPasswords_LockTheAccount()
    {
        using var client = App.CreateTribuClient();
        var email = NewEmail();
        (await client.Http.PostAsJsonAsync("/api/v1/account/register", new { email, password = "a long enough passphrase", displayName = "Locky", acceptConduct = true }))
            .EnsureSuccessStatusCode();
        await App.WithScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Tribu.Web.Features.Members.Member>>();
            var member = await users.FindByEmailAsync(email);
            member!.EmailConfirmed = true;
            return await users.UpdateAsync(member);
        });

        for (var i = 0; i < 5; i++)
        {
            await client.LogInAsync(email, "wrong password " + i);
        }
        var locked = await client.LogInAsync(email, "a long enough passphrase");

        locked.Document.QuerySelector("h1")!.TextContent.ShouldBe("Account locked");
    }

    [Fact]
    public async Task PasswordReset_LinkFromMail_SetsANewPassword()
    {
        using var client = App.CreateTribuClient();
        var email = NewEmail();
        (await client.Http.PostAsJsonAsync("/api/v1/account/register", new { email, password = "the first passphrase", displayName = "Forgetful", acceptConduct = true }))
            .EnsureSuccessStatusCode();
        await client.GetAsync(new Uri(MailSink.Link(await App.Mail.WaitForAsync(email, "confirm-email"), "/account/confirm-email")).PathAndQuery);

        var sent = await client.SubmitAndFollowAsync("/account/forgot-password", "forgot-password", new Dictionary<string, string> { ["Input.Email"] = email });
        sent.Text.ShouldContain("a link to reset the password is on its way");
        var link = new Uri(MailSink.Link(await App.Mail.WaitForAsync(email, "reset-password"), "/account/reset-password")).PathAndQuery;
        var done = await client.SubmitAndFollowAsync(link, "reset-password", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = "the second passphrase",
            ["Input.ConfirmPassword"] = "the second passphrase",
        });
        done.Text.ShouldContain("Your password has been reset");

        (await client.LogInAsync(email, "the first passphrase")).Text.ShouldContain("The e-mail address or the password is not right.");
        (await client.LogInAsync(email, "the second passphrase")).Document.QuerySelector(".user-chip").ShouldNotBeNull();
    }

    [Fact]
    public async Task ForgotPassword_UnknownAddress_SaysTheSameAndSendsNothing()
    {
        using var client = App.CreateTribuClient();
        var email = NewEmail();

        var page = await client.SubmitAndFollowAsync("/account/forgot-password", "forgot-password", new Dictionary<string, string> { ["Input.Email"] = email });

        page.Text.ShouldContain("a link to reset the password is on its way");
        await Task.Delay(500);
        App.Mail.All().ShouldNotContain(m => m.To.Mailboxes.Any(a => a.Address == email));
    }

    [Fact]
    public async Task UpdateProfile_InvalidHandle_Returns400AndValidChangeIsSaved()
    {
        using var client = App.CreateTribuClient();
        await client.LogInAsync(TribuAppFactory.AdminEmail, TribuAppFactory.AdminPassword);

        var bad = await client.Http.PutAsJsonAsync("/api/v1/account/me", new { handle = "No Spaces!" });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("Handle", out _).ShouldBeTrue();

        var good = await client.Http.PutAsJsonAsync("/api/v1/account/me", new { bio = "Runs the place.", interests = new[] { "Cargo", "winter" } });
        good.StatusCode.ShouldBe(HttpStatusCode.OK);
        var me = await good.Content.ReadFromJsonAsync<JsonElement>();
        me.GetProperty("bio").GetString().ShouldBe("Runs the place.");
        me.GetProperty("interests").EnumerateArray().Select(e => e.GetString()).ShouldBe(["cargo", "winter"]);
        me.GetProperty("roles").EnumerateArray().Select(e => e.GetString()).ShouldContain("admin");
    }

    [Fact]
    public async Task Me_Anonymous_Returns401NotARedirect()
    {
        using var client = App.CreateTribuClient();
        (await client.Http.GetAsync("/api/v1/account/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}

public sealed class SignUpSqliteTests(SqliteAppFactory app) : SignUpTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class SignUpPostgresTests(PostgresAppFactory app) : SignUpTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
