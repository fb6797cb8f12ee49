using System.IO.Compression;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
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

    private async Task<(long Topic, string Title)> TopicWithReplyAsync(string space, string replyText)
    {
        using var asker = await TestPerson.CreateAsync(_app);
        using var replier = await TestPerson.CreateAsync(_app);
        var title = $"Charging in the cold {Guid.NewGuid().ToString("N")[..6]}";
        var topic = (await (await asker.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Discussion", title, body = "How do you charge in winter?" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        (await replier.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = replyText })).EnsureSuccessStatusCode();
        return (topic, title);
    }

    [Fact]
    public async Task ThreeMembersFlagAPost_ItIsHiddenFromReaders_AndWaitsInTheQueue()
    {
        var space = await TestSpaces.CreateAsync(_app);
        var spam = $"Cheap chargers at dodgy-shop {Guid.NewGuid().ToString("N")[..6]}";
        var (topic, _) = await TopicWithReplyAsync(space, spam);

        for (var i = 0; i < 3; i++)
        {
            var flagger = await _app.LoggedInPageAsync(await TestMembers.CreateAsync(_app), TestMembers.Password);
            await flagger.GotoAsync($"/t/{topic}");
            await flagger.GetByRole(AriaRole.Link, new() { Name = "Flag post 2 to the moderators" }).ClickAsync();
            await flagger.GetByLabel("Spam").CheckAsync();
            await flagger.GetByRole(AriaRole.Button, new() { Name = "Send the flag" }).ClickAsync();
            await Assertions.Expect(flagger.GetByText("Thank you: the moderators will look at it.")).ToBeVisibleAsync();
            await flagger.Context.CloseAsync();
        }

        var visitor = await _app.NewPageAsync();
        await visitor.GotoAsync($"/t/{topic}");
        await Assertions.Expect(visitor.GetByText("How do you charge in winter?")).ToBeVisibleAsync();
        await Assertions.Expect(visitor.GetByText(spam)).ToHaveCountAsync(0);

        var staff = await _app.LoggedInPageAsync(await TestMembers.CreateAsync(_app, Roles.Moderator), TestMembers.Password);
        await staff.GotoAsync("/manage/moderation");
        await Assertions.Expect(staff.Locator(".queue-item").Filter(new() { HasText = spam })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ASilencedMember_CannotReplyUntilTheSilenceEnds_AndKeepsTheirDraft()
    {
        var space = await TestSpaces.CreateAsync(_app);
        var (topic, _) = await TopicWithReplyAsync(space, "Keep the battery indoors overnight.");
        var memberEmail = await TestMembers.CreateAsync(_app, language: "fr");
        var handle = await _app.WithDbAsync(db => db.Users.Where(u => u.Email == memberEmail).Select(u => u.Handle).SingleAsync());

        var moderator = await _app.LoggedInPageAsync(await TestMembers.CreateAsync(_app, Roles.Moderator), TestMembers.Password);
        await moderator.GotoAsync($"/u/{handle}/moderate");
        await moderator.Locator("input[name='Input.Kind'][value='Silence']").CheckAsync();
        await moderator.GetByLabel("Days (silence or suspension)").FillAsync("2");
        await moderator.Locator("#sanction-reason").FillAsync("Insults in the winter thread");
        await moderator.GetByRole(AriaRole.Button, new() { Name = "Apply the sanction" }).ClickAsync();
        await Assertions.Expect(moderator.GetByText("The member is silenced and told.")).ToBeVisibleAsync();

        var member = await _app.LoggedInPageAsync(memberEmail, TestMembers.Password, "fr-FR");
        await member.GotoAsync($"/t/{topic}");
        await member.GetByLabel("Votre réponse").FillAsync("Je ne suis pas d'accord du tout.");
        await member.GetByRole(AriaRole.Button, new() { Name = "Publier la réponse" }).ClickAsync();
        await Assertions.Expect(member.GetByText("La modération vous a mis en sourdine jusqu'au", new() { Exact = false })).ToBeVisibleAsync();
        await Assertions.Expect(member.GetByLabel("Votre réponse")).ToHaveValueAsync("Je ne suis pas d'accord du tout.");

        // Two days and a minute later, by the app's clock, the same reply goes through.
        _app.Clock.Advance(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        await member.GetByRole(AriaRole.Button, new() { Name = "Publier la réponse" }).ClickAsync();
        await Assertions.Expect(member.Locator("#posts").GetByText("Je ne suis pas d'accord du tout.")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task AMemberDownloadsTheirData_ThenErasesTheirAccount_AndNoPersonalDataIsLeft()
    {
        var space = await TestSpaces.CreateAsync(_app);
        var email = await TestMembers.CreateAsync(_app);
        var name = await _app.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.DisplayName).SingleAsync());
        var marker = Guid.NewGuid().ToString("N")[..8];
        var page = await _app.LoggedInPageAsync(email, TestMembers.Password);
        await page.GotoAsync($"/s/{space}/new");
        await page.Locator("#title").FillAsync($"My commute in the rain {marker}");
        await page.Locator("#body").FillAsync($"Mudguards matter {marker}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish the topic" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"My commute in the rain {marker}", Level = 1 })).ToBeVisibleAsync();
        var topicUrl = page.Url;

        await page.GotoAsync("/account/manage/privacy");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download my data (ZIP)" }).ClickAsync());
        var path = Path.Combine(_app.DataPath, $"export-{marker}.zip");
        await download.SaveAsAsync(path);
        using (var zip = ZipFile.OpenRead(path))
        {
            string Read(string entry)
            {
                using var reader = new StreamReader(zip.GetEntry(entry)!.Open());
                return reader.ReadToEnd();
            }
            Read("profile.json").ShouldContain(email);
            Read("topics.json").ShouldContain($"My commute in the rain {marker}");
            Read("posts.json").ShouldContain($"Mudguards matter {marker}");
        }

        (await DatabaseScan.FindAsync(_app, email, name)).ShouldNotBeEmpty();
        await page.GetByLabel("Keep my posts, signed “former member”").CheckAsync();
        await page.GetByLabel("Your password, to confirm").FillAsync(TestMembers.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Erase my account for good" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Your account is erased.")).ToBeVisibleAsync();

        (await DatabaseScan.FindAsync(_app, email, name)).ShouldBeEmpty();
        var visitor = await _app.NewPageAsync();
        await visitor.GotoAsync(topicUrl);
        await Assertions.Expect(visitor.GetByText($"Mudguards matter {marker}")).ToBeVisibleAsync();
        await Assertions.Expect(visitor.GetByText("Former member").First).ToBeVisibleAsync();
    }
}
