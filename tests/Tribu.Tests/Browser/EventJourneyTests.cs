using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Browser;

/// <summary>
/// A member in a real browser answers a full event: they are put on the waitlist and told so; when the member going
/// cancels, they are promoted, see it on the event's page and find the notification.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class EventJourneyTests
{
    private readonly BrowserAppFactory _app;

    public EventJourneyTests(BrowserAppFactory app)
    {
        TestEnvironment.RequireChromium();
        _app = app;
    }

    [Fact]
    public async Task AnRsvpToAFullEvent_IsWaitlisted_AndPromotedWhenSomeoneCancels()
    {
        var title = "Atelier " + Guid.NewGuid().ToString("N")[..8];
        using var admin = await TestMembers.LoggedInAsync(_app, Roles.Admin);
        var start = TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(3);
        var created = await admin.Http.PostAsJsonAsync("/api/v1/events", new
        {
            kind = "Meetup", isOnline = false, title, description = "Bring your bike", place = "Lyon", capacity = 1, timeZone = "Europe/Paris",
            startsAt = start.ToString("yyyy-MM-ddTHH:mm:00", System.Globalization.CultureInfo.InvariantCulture),
            endsAt = start.AddHours(2).ToString("yyyy-MM-ddTHH:mm:00", System.Globalization.CultureInfo.InvariantCulture),
        });
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        using var first = await TestPerson.CreateAsync(_app);
        (await first.Client.Http.PutAsJsonAsync($"/api/v1/events/{id}/rsvp", new { status = "Going" })).EnsureSuccessStatusCode();

        var email = await TestMembers.CreateAsync(_app, Roles.Member, "en");
        var page = await _app.LoggedInPageAsync(email, TestMembers.Password);
        await page.GotoAsync("/events");
        await page.GetByRole(AriaRole.Link, new() { Name = title }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = title, Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("1 of 1 seats taken");
        await page.GetByRole(AriaRole.Button, new() { Name = "Join the waitlist" }).ClickAsync();
        await Assertions.Expect(page.Locator("#my-status")).ToHaveTextAsync("The event is full: you are on the waitlist, number 1. You will be told if a seat opens.");

        (await first.Client.Http.DeleteAsync($"/api/v1/events/{id}/rsvp")).EnsureSuccessStatusCode();

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#my-status")).ToHaveTextAsync("You are going. See you there!");
        await page.GotoAsync("/notifications");
        var notice = page.GetByRole(AriaRole.Link, new() { Name = $"A seat opened: you are now going to “{title}”" });
        await Assertions.Expect(notice).ToBeVisibleAsync();
        await notice.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel my place" })).ToBeVisibleAsync();
    }
}
