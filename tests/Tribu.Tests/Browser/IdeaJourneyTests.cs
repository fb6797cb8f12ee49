using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Browser;

/// <summary>
/// Ideas in a real browser: a member votes for an idea; a community manager merges it into the same request and plans
/// that one with an official response; the member is told, in French, and the roadmap shows it.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class IdeaJourneyTests
{
    private readonly BrowserAppFactory _app;

    public IdeaJourneyTests(BrowserAppFactory app)
    {
        TestEnvironment.RequireChromium();
        _app = app;
    }

    [Fact]
    public async Task AVoteForADuplicate_FollowsTheMerge_AndTheVoterSeesThePlanAndTheRoadmap()
    {
        var marker = "idea" + Guid.NewGuid().ToString("N")[..8];
        using var api = await TestMembers.LoggedInAsync(_app, Roles.CommunityManager);
        var board = (await (await api.Http.PostAsJsonAsync("/api/v1/ideas/boards", new { name = $"App {marker}" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("slug").GetString()!;
        async Task<long> IdeaAsync(string title) =>
            (await (await api.Http.PostAsJsonAsync($"/api/v1/ideas/boards/{board}/ideas", new { title, body = "As the title says." })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var target = await IdeaAsync($"Calendar sync {marker}");
        var duplicate = await IdeaAsync($"Sync with my calendar {marker}");

        // A French member finds the duplicate on the board and votes for it.
        var voterEmail = await TestMembers.CreateAsync(_app, Roles.Member, "fr");
        var voter = await _app.LoggedInPageAsync(voterEmail, TestMembers.Password, "fr-FR");
        await voter.GotoAsync($"/ideas/{board}?sort=new");
        await voter.GetByRole(AriaRole.Link, new() { Name = $"Sync with my calendar {marker}" }).ClickAsync();
        await voter.GetByRole(AriaRole.Button, new() { Name = "Voter pour cette idée" }).ClickAsync();
        await Assertions.Expect(voter.Locator("#idea-votes")).ToHaveTextAsync("2 votes");
        await Assertions.Expect(voter.GetByRole(AriaRole.Button, new() { Name = "Retirer mon vote" })).ToBeVisibleAsync();

        // A community manager merges it into the older request, by keyboard, then plans that one.
        var managerEmail = await TestMembers.CreateAsync(_app, Roles.CommunityManager, "en");
        var manager = await _app.LoggedInPageAsync(managerEmail, TestMembers.Password);
        await manager.GotoAsync($"/ideas/{board}/{duplicate}");
        await manager.GetByLabel("Idea to merge this one into").SelectOptionAsync(target.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await manager.GetByRole(AriaRole.Button, new() { Name = "Merge", Exact = true }).ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Heading, new() { Name = $"Calendar sync {marker}", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(manager.Locator("#idea-votes")).ToHaveTextAsync("2 votes");
        await manager.GetByLabel("New status").SelectOptionAsync("Planned");
        await manager.GetByRole(AriaRole.Textbox, new() { Name = "Official response" }).FillAsync($"Planned for the summer {marker}.");
        await manager.GetByRole(AriaRole.Textbox, new() { Name = "Official response" }).PressAsync("Tab");
        await manager.Keyboard.PressAsync("Enter");
        await Assertions.Expect(manager.Locator("#idea-status")).ToHaveTextAsync("Planned");
        await Assertions.Expect(manager.Locator("#history")).ToContainTextAsync($"Planned for the summer {marker}.");

        // The member reads both pieces of news, in French, and follows the one about the plan.
        await voter.GotoAsync("/notifications");
        await Assertions.Expect(voter.Locator(".notification-list")).ToContainTextAsync($"« Sync with my calendar {marker} », pour laquelle vous avez voté, a été fusionnée avec « Calendar sync {marker} »");
        var plan = voter.Locator(".notification-list li").Filter(new() { HasText = $"« Calendar sync {marker} » est désormais : Prévue" });
        await Assertions.Expect(plan).ToContainTextAsync($"Planned for the summer {marker}.");
        await plan.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(voter.Locator("#idea-status")).ToHaveTextAsync("Prévue");
        await Assertions.Expect(voter.GetByRole(AriaRole.Button, new() { Name = "Retirer mon vote" })).ToBeVisibleAsync();

        // The old address leads to the merged request; the public roadmap shows it as planned.
        await voter.GotoAsync($"/ideas/{board}/{duplicate}");
        await Assertions.Expect(voter.GetByRole(AriaRole.Heading, new() { Name = $"Calendar sync {marker}", Level = 1 })).ToBeVisibleAsync();
        await voter.GetByRole(AriaRole.Link, new() { Name = "Feuille de route", Exact = true }).First.ClickAsync();
        await Assertions.Expect(voter.Locator("[aria-labelledby=column-Planned]")).ToContainTextAsync($"Calendar sync {marker}");
        await Assertions.Expect(voter.Locator("[aria-labelledby=column-Planned]")).Not.ToContainTextAsync($"Sync with my calendar {marker}");
    }
}
