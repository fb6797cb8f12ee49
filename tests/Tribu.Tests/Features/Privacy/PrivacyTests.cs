using System.Data.Common;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;
using Tribu.Web.Platform.Data;

namespace Tribu.Tests.Features.Privacy;

/// <summary>GDPR: a member downloads all their data, and erases their account without a trace; on SQLite and PostgreSQL.</summary>
public abstract class PrivacyTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    /// <summary>A member with a distinctive name who wrote, reacted, followed, bookmarked, uploaded and was notified.</summary>
    private async Task<(TestPerson Member, TestPerson Other, long Topic, string Name, string Marker)> ActiveMemberAsync()
    {
        var space = await TestSpaces.CreateAsync(App);
        var member = await TestPerson.CreateAsync(App);
        var other = await TestPerson.CreateAsync(App);
        var name = "Zorglub Quintessa " + Guid.NewGuid().ToString("N")[..6];
        (await member.Client.Http.PutAsJsonAsync("/api/v1/account/me", new { displayName = name, bio = "I ride a cargo bike", location = "Lyon", interests = new[] { "cargo", "winter" } }))
            .EnsureSuccessStatusCode();
        var marker = "export" + Guid.NewGuid().ToString("N")[..6];
        var topic = (await (await member.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Question", title = $"Winter tyres {marker}", body = $"Which tyres? {marker}" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var answer = (await (await other.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = "Studded ones." })).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("id").GetInt64();
        (await member.Client.Http.PostAsync($"/api/v1/posts/{answer}/reactions/Thanks", null)).EnsureSuccessStatusCode();
        (await member.Client.Http.PostAsync($"/api/v1/posts/{answer}/bookmark", null)).EnsureSuccessStatusCode();
        (await member.Client.Http.PutAsync($"/api/v1/follows/Space/{space}", null)).EnsureSuccessStatusCode();
        (await other.Client.Http.PutAsync($"/api/v1/follows/Member/{member.Handle}", null)).EnsureSuccessStatusCode();
        var page = await member.Client.GetAsync($"/s/{space}/new");
        using var upload = new MultipartFormDataContent
        {
            { new ByteArrayContent([.. Png, .. System.Text.Encoding.ASCII.GetBytes(marker)]), "file", "my-bike.png" },
            { new StringContent(page.Document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!), "__RequestVerificationToken" },
        };
        (await member.Client.Http.PostAsync("/api/v1/uploads", upload)).StatusCode.ShouldBe(HttpStatusCode.Created);
        return (member, other, topic, name, marker);
    }

    [Fact]
    public async Task Export_ContainsEverythingTheMemberWroteAndGave_WithTheirUploads()
    {
        var (member, other, topic, name, marker) = await ActiveMemberAsync();
        using var _ = member;
        using var __ = other;

        var response = await member.Client.Http.GetAsync("/account/manage/privacy/export.zip");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/zip");
        using var zip = new ZipArchive(await response.Content.ReadAsStreamAsync());
        string Read(string name)
        {
            using var reader = new StreamReader(zip.GetEntry(name)!.Open());
            return reader.ReadToEnd();
        }
        Read("profile.json").ShouldContain(name);
        Read("profile.json").ShouldContain(member.Email);
        Read("profile.json").ShouldContain("I ride a cargo bike");
        Read("topics.json").ShouldContain($"Winter tyres {marker}");
        Read("posts.json").ShouldContain($"Which tyres? {marker}");
        Read("reactions.json").ShouldContain("Thanks");
        JsonDocument.Parse(Read("bookmarks.json")).RootElement.GetArrayLength().ShouldBe(1);
        Read("follows.json").ShouldContain("Space");
        Read("consents.json").ShouldBeOfType<string>();
        var image = zip.Entries.Single(e => e.FullName.StartsWith("uploads/", StringComparison.Ordinal) && e.FullName.EndsWith(".png", StringComparison.Ordinal));
        using (var bytes = new MemoryStream())
        {
            await image.Open().CopyToAsync(bytes);
            bytes.ToArray().ShouldBe([.. Png, .. System.Text.Encoding.ASCII.GetBytes(marker)]);
        }
        (await App.CreateTribuClient().Http.GetAsync("/account/manage/privacy/export.zip")).StatusCode.ShouldNotBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Erase_LeavesNoPersonalDataAnywhereInTheDatabase_KeepsThePostsAsFormerMember_AndForbidsSignIn()
    {
        var (member, other, topic, name, marker) = await ActiveMemberAsync();
        using var _ = other;
        (await FindAsync(member.Email, name)).ShouldNotBeEmpty("the scan must see the member before erasure");

        var wrong = await member.Client.SubmitAndFollowAsync("/account/manage/privacy", "erase", new Dictionary<string, string> { ["Input.Password"] = "not my password", ["Input.DeleteContent"] = "false" });
        wrong.FieldError("Password").ShouldBe("The password is not right.");
        var erased = await member.Client.SubmitAndFollowAsync("/account/manage/privacy", "erase", new Dictionary<string, string> { ["Input.Password"] = TestMembers.Password, ["Input.DeleteContent"] = "false" });
        erased.Text.ShouldContain("Your account is erased.");

        (await FindAsync(member.Email, name)).ShouldBeEmpty();
        var page = await App.CreateTribuClient().GetAsync($"/t/{topic}");
        page.Text.ShouldContain($"Which tyres? {marker}");
        page.Text.ShouldContain("Former member");
        (await App.CreateTribuClient().GetAsync($"/u/{member.Handle}")).Status.ShouldBe(HttpStatusCode.NotFound);
        using var again = App.CreateTribuClient();
        (await again.LogInAsync(member.Email, TestMembers.Password)).Document.QuerySelector(".user-chip").ShouldBeNull();
        member.Dispose();
    }

    [Fact]
    public async Task Erase_WithContent_RemovesThePostsAndUploads_AndTheLastAdminCannotErase()
    {
        var (member, other, topic, name, marker) = await ActiveMemberAsync();
        using var _ = other;
        var erased = await member.Client.SubmitAndFollowAsync("/account/manage/privacy", "erase", new Dictionary<string, string> { ["Input.Password"] = TestMembers.Password, ["Input.DeleteContent"] = "true" });
        erased.Text.ShouldContain("Your account is erased.");
        (await FindAsync(member.Email, name, marker)).ShouldBeEmpty();
        (await App.CreateTribuClient().GetAsync($"/t/{topic}")).Status.ShouldBe(HttpStatusCode.NotFound);
        var leftovers = Directory.EnumerateFiles(Path.Combine(App.DataPath, "uploads"), "*.png", SearchOption.AllDirectories)
            .Where(f => System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(f)).Contains(marker, StringComparison.Ordinal)).ToList();
        leftovers.ShouldBeEmpty();
        member.Dispose();

        using var admin = await TestMembers.LoggedInAsync(App, Roles.Admin);
        var refused = await admin.SubmitAndFollowAsync("/account/manage/privacy", "erase", new Dictionary<string, string> { ["Input.Password"] = TribuAppFactory.AdminPassword });
        refused.Text.ShouldContain("The last administrator cannot erase their account");
        (await admin.Http.GetAsync("/api/v1/account/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task PrivacySettings_HideTheProfileFromVisitors_AndChooseWhoseMentionsNotify()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var shy = await TestPerson.CreateAsync(App);
        using var friend = await TestPerson.CreateAsync(App);
        using var stranger = await TestPerson.CreateAsync(App);
        var saved = await shy.Client.SubmitAndFollowAsync("/account/manage/privacy", "privacy-settings", new Dictionary<string, string> { ["visibility"] = "Members", ["mentions"] = "Following" });
        saved.Text.ShouldContain("Privacy settings saved.");
        (await shy.Client.Http.PutAsync($"/api/v1/follows/Member/{friend.Handle}", null)).EnsureSuccessStatusCode();

        (await App.CreateTribuClient().GetAsync($"/u/{shy.Handle}")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await App.CreateTribuClient().Http.GetAsync($"/api/v1/members/{shy.Handle}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await App.CreateTribuClient().Http.GetStringAsync($"/api/v1/members?q={shy.Handle}")).ShouldNotContain(shy.Handle);
        (await stranger.Client.GetAsync($"/u/{shy.Handle}")).Status.ShouldBe(HttpStatusCode.OK);

        var topic = (await (await stranger.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Discussion", title = "Hey there shy", body = $"Ping @{shy.Handle}" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        (await shy.Client.Http.GetFromJsonAsync<JsonElement>("/api/v1/notifications")).GetProperty("total").GetInt32().ShouldBe(0);
        (await friend.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = $"Ping from a friend @{shy.Handle}" })).EnsureSuccessStatusCode();
        (await shy.Client.Http.GetFromJsonAsync<JsonElement>("/api/v1/notifications")).GetProperty("items")[0].GetProperty("kind").GetString().ShouldBe("Mention");
    }

    private Task<List<string>> FindAsync(params string[] needles) => DatabaseScan.FindAsync(App, needles);
}

public sealed class PrivacySqliteTests(SqliteAppFactory app) : PrivacyTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class PrivacyPostgresTests(PostgresAppFactory app) : PrivacyTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
