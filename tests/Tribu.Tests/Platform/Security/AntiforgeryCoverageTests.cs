using System.Net.Http.Json;
using System.Text.Json;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Platform.Security;

/// <summary>Every form that changes something carries an antiforgery token, on every page a member or the staff can open.</summary>
public sealed class AntiforgeryCoverageTests(SqliteAppFactory app) : IClassFixture<SqliteAppFactory>
{
    [Fact]
    public async Task EveryPostForm_OnEveryPage_CarriesAnAntiforgeryToken()
    {
        var space = await TestSpaces.CreateAsync(app);
        using var admin = await TestPerson.CreateAsync(app, Roles.Admin);
        using var member = await TestPerson.CreateAsync(app);
        var topic = (await (await member.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Question", title = "Forms everywhere", body = "Body" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var reply = (await (await admin.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = "Reply" })).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("id").GetInt64();

        string[] memberPages =
        [
            "/", $"/s/{space}", $"/s/{space}/new", $"/s/{space}/members", $"/t/{topic}", $"/p/{reply}/flag", "/notifications", "/bookmarks",
            "/account/manage", "/account/manage/password", "/account/manage/two-factor", "/account/manage/notifications", "/account/manage/tokens",
            "/account/manage/privacy", $"/u/{admin.Handle}", "/members", "/search?q=forms",
        ];
        string[] staffPages =
        [
            "/manage/moderation", "/manage/moderation/settings", "/manage/moderation/code", "/manage/audit", "/manage/spaces/new", "/manage/invitations",
            "/manage/settings", $"/u/{member.Handle}/moderate", $"/t/{topic}", $"/p/{reply}/edit",
        ];
        var checkedForms = 0;
        foreach (var (client, url) in memberPages.Select(u => (member.Client, u)).Concat(staffPages.Select(u => (admin.Client, u))))
        {
            var page = await client.GetAsync(url);
            foreach (var form in page.Document.QuerySelectorAll("form"))
            {
                if (!string.Equals(form.GetAttribute("method"), "post", StringComparison.OrdinalIgnoreCase)) continue;
                checkedForms++;
                form.QuerySelector("input[name=__RequestVerificationToken]").ShouldNotBeNull($"{url}: form {form.GetAttribute("action") ?? form.QuerySelector("input[name=_handler]")?.GetAttribute("value")}");
            }
        }
        checkedForms.ShouldBeGreaterThan(25);
    }
}
