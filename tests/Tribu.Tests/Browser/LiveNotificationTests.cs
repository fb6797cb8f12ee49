using System.Net.Http.Json;
using Microsoft.Playwright;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Browser;

[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class LiveNotificationTests
{
    private readonly BrowserAppFactory _app;

    public LiveNotificationTests(BrowserAppFactory app)
    {
        TestEnvironment.RequireChromium();
        _app = app;
    }

    [Fact]
    public async Task Reply_AppearsLiveOnAnOpenTopicPage()
    {
        var space = await TestSpaces.CreateAsync(_app);
        using var author = await TestMembers.LoggedInAsync(_app, Roles.Member);
        var created = await author.Http.PostAsync($"/api/v1/spaces/{space}/topics",
            System.Net.Http.Json.JsonContent.Create(new { kind = "Discussion", title = "Live thread", body = "Who is riding tomorrow?" }));
        var topic = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt64();

        // An anonymous reader keeps the page open.
        var reader = await _app.NewPageAsync();
        await reader.GotoAsync($"/t/{topic}");
        await Assertions.Expect(reader.Locator("#post-1")).ToBeVisibleAsync();
        await reader.WaitForTimeoutAsync(500);

        (await author.Http.PostAsync($"/api/v1/topics/{topic}/replies", System.Net.Http.Json.JsonContent.Create(new { body = "Me! 8 am at the bridge." }))).EnsureSuccessStatusCode();

        await Assertions.Expect(reader.Locator("#post-2")).ToContainTextAsync("8 am at the bridge");
        await Assertions.Expect(reader.Locator("#live-status")).ToHaveTextAsync("The topic has new activity.");
    }

    [Fact]
    public async Task Mention_AppearsLiveOnTheMentionedMembersOpenPage()
    {
        var space = await TestSpaces.CreateAsync(_app);
        var listenerEmail = await TestMembers.CreateAsync(_app, Roles.Member, "en");
        var listener = await _app.LoggedInPageAsync(listenerEmail, TestMembers.Password);
        await listener.GotoAsync($"/s/{space}");
        var badge = listener.Locator("[data-live-unread]");
        await Assertions.Expect(badge).ToHaveAttributeAsync("aria-label", "Notifications: 0 unread");
        var handle = (await listener.Locator(".user-chip").GetAttributeAsync("href"))!.Split('/').Last();

        // Another member mentions them, elsewhere, while their page stays open.
        using var other = await TestMembers.LoggedInAsync(_app, Roles.Member);
        var created = await other.Http.PostAsync($"/api/v1/spaces/{space}/topics",
            System.Net.Http.Json.JsonContent.Create(new { kind = "Discussion", title = "Calling a friend", body = $"What do you think, @{handle}?" }));
        created.EnsureSuccessStatusCode();

        await Assertions.Expect(badge.Locator(".count")).ToHaveTextAsync("1");
        await Assertions.Expect(badge).ToHaveAttributeAsync("aria-label", "Notifications: 1 unread");
        await badge.ClickAsync();
        await listener.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("mentioned you in \"Calling a friend\"") }).ClickAsync();
        await Assertions.Expect(listener.GetByRole(AriaRole.Heading, new() { Name = "Calling a friend" })).ToBeVisibleAsync();
    }
}
