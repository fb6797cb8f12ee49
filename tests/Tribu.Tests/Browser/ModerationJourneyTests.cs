using Microsoft.Playwright;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Browser;

[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class ModerationJourneyTests
{
    private readonly BrowserAppFactory _app;

    public ModerationJourneyTests(BrowserAppFactory app)
    {
        TestEnvironment.RequireChromium();
        _app = app;
    }

    [Fact]
    public async Task NewMembersLinkHeavyPost_IsHeld_TheAuthorSeesAwaitingReview_AModeratorApproves_AndItAppears()
    {
        var space = await TestSpaces.CreateAsync(_app);
        var newcomer = await TestMembers.CreateAsync(_app, newcomer: true);
        var moderator = await TestMembers.CreateAsync(_app, Roles.Moderator);
        var title = $"Best deals on batteries {Guid.NewGuid().ToString("N")[..6]}";

        var author = await _app.LoggedInPageAsync(newcomer, TestMembers.Password);
        await author.GotoAsync($"/s/{space}/new");
        await author.Locator("#title").FillAsync(title);
        await author.Locator("#body").FillAsync("Look: https://a.example/1 https://b.example/2 https://c.example/3");
        await author.GetByRole(AriaRole.Button, new() { Name = "Publish the topic" }).ClickAsync();
        await Assertions.Expect(author.GetByRole(AriaRole.Heading, new() { Name = title, Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(author.GetByRole(AriaRole.Note)).ToContainTextAsync("Awaiting review");

        // Nobody else sees it yet.
        var visitor = await _app.NewPageAsync();
        await visitor.GotoAsync($"/s/{space}");
        await Assertions.Expect(visitor.GetByText(title)).ToHaveCountAsync(0);

        var staff = await _app.LoggedInPageAsync(moderator, TestMembers.Password);
        await staff.GotoAsync("/manage/moderation");
        var item = staff.Locator(".queue-item").Filter(new() { HasText = title });
        await Assertions.Expect(item).ToContainTextAsync("A new member's post with 3 links");
        await item.GetByRole(AriaRole.Button, new() { Name = "Approve and publish" }).ClickAsync();
        await Assertions.Expect(staff.GetByText("The post is published and its author told.")).ToBeVisibleAsync();

        await visitor.GotoAsync($"/s/{space}");
        await Assertions.Expect(visitor.GetByRole(AriaRole.Link, new() { Name = title })).ToBeVisibleAsync();
        await author.ReloadAsync();
        await Assertions.Expect(author.GetByRole(AriaRole.Note)).ToHaveCountAsync(0);
    }
}
