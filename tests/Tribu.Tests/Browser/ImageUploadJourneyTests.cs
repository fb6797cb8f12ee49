using Microsoft.Playwright;
using Tribu.Tests.Infrastructure;

namespace Tribu.Tests.Browser;

[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class ImageUploadJourneyTests
{
    private readonly BrowserAppFactory _app;

    public ImageUploadJourneyTests(BrowserAppFactory app)
    {
        TestEnvironment.RequireChromium();
        _app = app;
    }

    [Fact]
    public async Task ChoosingAnImage_InsertsItsMarkdownAtTheCursor_AndThePostShowsIt()
    {
        var space = await TestSpaces.CreateAsync(_app);
        var email = await TestMembers.CreateAsync(_app);
        var page = await _app.LoggedInPageAsync(email, TestMembers.Password);
        await page.GotoAsync($"/s/{space}/new");
        var title = $"My front rack {Guid.NewGuid().ToString("N")[..6]}";
        await page.Locator("#title").FillAsync(title);
        var body = page.Locator("#body");
        await body.FillAsync("Before the photo.");

        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
        await page.GetByLabel("Add an image (optional)").SetInputFilesAsync(new FilePayload
        {
            Name = "front-rack.png", MimeType = "image/png", Buffer = [.. png, .. System.Text.Encoding.ASCII.GetBytes(Guid.NewGuid().ToString())],
        });
        await Assertions.Expect(body).ToHaveValueAsync(new System.Text.RegularExpressions.Regex(@"^Before the photo\.\n\n!\[front-rack\]\(/uploads/\d{4}/\d{2}/[0-9a-f]{64}\.png\)\n$"));
        // Once uploaded, the file field is emptied: the form does not send the image a second time.
        (await page.GetByLabel("Add an image (optional)").EvaluateAsync<int>("i => i.files.length")).ShouldBe(0);

        await page.GetByRole(AriaRole.Button, new() { Name = "Publish the topic" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = title, Level = 1 })).ToBeVisibleAsync();
        var image = page.Locator("#post-1 img[alt='front-rack']");
        await Assertions.Expect(image).ToBeVisibleAsync();
        (await image.EvaluateAsync<int>("i => i.naturalWidth")).ShouldBe(1);
    }
}
