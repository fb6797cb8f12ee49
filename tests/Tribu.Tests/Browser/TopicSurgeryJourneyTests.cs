using System.Net.Http.Json;
using Microsoft.Playwright;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Browser;

[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class TopicSurgeryJourneyTests
{
    private readonly BrowserAppFactory _app;

    public TopicSurgeryJourneyTests(BrowserAppFactory app)
    {
        TestEnvironment.RequireChromium();
        _app = app;
    }

    [Fact]
    public async Task AModerator_FromTheQueue_SplitsTwoRepliesIntoANewTopic()
    {
        var space = await TestSpaces.CreateAsync(_app);
        var title = $"Commuting in the rain {Guid.NewGuid().ToString("N")[..6]}";
        using var author = await TestPerson.CreateAsync(_app);
        using var helper = await TestPerson.CreateAsync(_app);
        using var newcomer = await TestPerson.CreateAsync(_app, newcomer: true);
        var topic = (await (await author.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Discussion", title, body = "How do you stay dry?" }))
            .Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt64();
        await helper.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = "Rain trousers and mudguards." });
        await helper.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = "Off topic, but which lights do you use?" });
        await author.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = "Dynamo lights, always on." });
        // A newcomer's link-heavy reply puts the topic in the queue.
        await newcomer.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = "https://a.example/1 https://b.example/2 https://c.example/3" });
        var moderator = await TestMembers.CreateAsync(_app, Roles.Moderator);

        var page = await _app.LoggedInPageAsync(moderator, TestMembers.Password);
        await page.GotoAsync("/manage/moderation");
        var item = page.Locator(".queue-item").Filter(new() { HasText = title });
        await item.GetByRole(AriaRole.Link, new() { Name = "Moderate this topic" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Moderate “{title}”", Level = 1 })).ToBeVisibleAsync();

        var replies = page.GetByRole(AriaRole.Group, new() { Name = "Replies to move" });
        await replies.GetByRole(AriaRole.Checkbox, new() { Name = "which lights do you use?" }).CheckAsync();
        await replies.GetByRole(AriaRole.Checkbox, new() { Name = "Dynamo lights, always on." }).CheckAsync();
        await page.GetByLabel("Title of the new topic").FillAsync("Which lights for commuting?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Move the selected replies" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Which lights for commuting?", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Replies moved to this new topic: 2.")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#post-1")).ToContainTextAsync("which lights do you use?");
        await Assertions.Expect(page.Locator("#post-2")).ToContainTextAsync("Dynamo lights, always on.");

        // The source keeps its other reply and points to the new topic.
        await page.GotoAsync($"/t/{topic}");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Which lights for commuting?" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Dynamo lights, always on.")).ToHaveCountAsync(0);
    }
}
