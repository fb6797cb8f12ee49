using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Admin;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Features.Accounts;

/// <summary>Open, invite-only and closed sign-up. Its own app: these tests change the site policy.</summary>
public sealed class SignUpModeTests(SqliteAppFactory app) : IClassFixture<SqliteAppFactory>
{
    private async Task SetModeAsync(SignUpMode mode)
    {
        using var admin = await TestMembers.LoggedInAsync(app, Roles.Admin);
        (await admin.Http.PutAsJsonAsync("/api/v1/site", new { signUpMode = mode.ToString() })).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task SignUpModes_ClosedRefusesAndInviteOnlyTakesAValidInvitation()
    {
        // Closed: the page says so and the API refuses.
        await SetModeAsync(SignUpMode.Closed);
        using var visitor = app.CreateTribuClient();
        (await visitor.GetAsync("/account/register")).Text.ShouldContain("Sign-up is closed for now.");
        (await visitor.Http.PostAsJsonAsync("/api/v1/account/register", new { email = "closed@example.com", password = "a long enough passphrase", displayName = "C", acceptConduct = true }))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // Invite-only: without an invitation, no account.
        await SetModeAsync(SignUpMode.InviteOnly);
        (await visitor.GetAsync("/account/register")).Text.ShouldContain("Joining this community takes an invitation.");
        var refused = await visitor.Http.PostAsJsonAsync("/api/v1/account/register", new { email = "guest@example.com", password = "a long enough passphrase", displayName = "G", acceptConduct = true });
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        // An admin invites; the invitee follows the mailed link; the address counts as confirmed.
        using var admin = await TestMembers.LoggedInAsync(app, Roles.Admin);
        var invited = await admin.SubmitAndFollowAsync("/manage/invitations", "invite", new Dictionary<string, string> { ["Input.Email"] = "guest@example.com", ["Input.Language"] = "en" });
        invited.Text.ShouldContain("Invitation sent to guest@example.com.");
        var link = new Uri(MailSink.Link(await app.Mail.WaitForAsync("guest@example.com", "invitation"), "/account/register")).PathAndQuery;
        var form = await visitor.GetAsync(link);
        form.Document.QuerySelector("#email")!.GetAttribute("value").ShouldBe("guest@example.com");
        var joined = await visitor.SubmitAndFollowAsync(link, "register", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "Guest Star", ["Input.Email"] = "guest@example.com",
            ["Input.Password"] = "a long enough passphrase", ["Input.ConfirmPassword"] = "a long enough passphrase", ["Input.AcceptConduct"] = "true",
        });
        joined.Document.QuerySelector("h1")!.TextContent.ShouldBe("Log in");
        (await visitor.LogInAsync("guest@example.com", "a long enough passphrase")).Document.QuerySelector(".user-chip").ShouldNotBeNull();

        // The invitation is spent: it cannot open a second account.
        using var other = app.CreateTribuClient();
        (await other.GetAsync(link)).Text.ShouldContain("Joining this community takes an invitation.");
        (await app.WithDbAsync(db => db.Invitations.SingleAsync(i => i.Email == "guest@example.com"))).AcceptedAt.ShouldNotBeNull();

        await SetModeAsync(SignUpMode.Open);
    }
}
