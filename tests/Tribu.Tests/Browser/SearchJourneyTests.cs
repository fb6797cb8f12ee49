using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Topics;

namespace Tribu.Tests.Browser;

[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class SearchJourneyTests
{
    private readonly BrowserAppFactory _app;

    public SearchJourneyTests(BrowserAppFactory app)
    {
        TestEnvironment.RequireChromium();
        _app = app;
    }

    [Fact]
    public async Task SearchFromTheHeader_ByAStemmedFrenchWord_FindsThePost()
    {
        var space = await TestSpaces.CreateAsync(_app);
        var email = await TestMembers.CreateAsync(_app, language: "fr");
        var title = $"Sortie de la communauté à Annecy {Guid.NewGuid().ToString("N")[..6]}";
        // The topic is written the way the topic page writes it: through TopicsService, as its author.
        await _app.WithScopeAsync(async sp =>
        {
            var id = await sp.GetRequiredService<Tribu.Web.Platform.Data.TribuDbContext>().Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
            var author = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id.ToString())], "test"));
            var change = await sp.GetRequiredService<TopicsService>().StartAsync(author, space,
                new NewTopic("Discussion", title, "Toute la communauté est invitée au tour du lac samedi : prévoyez une batterie chargée.", "sortie"));
            change.Succeeded.ShouldBeTrue();
            return change.Value!.Id;
        });

        var page = await _app.NewPageAsync("fr-FR");
        await page.GotoAsync("/");
        var box = page.GetByRole(AriaRole.Searchbox, new() { Name = "Rechercher dans la communauté" });
        await box.FillAsync("communautés");
        await box.PressAsync("Enter");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Résultats pour « communautés »" })).ToBeVisibleAsync();
        var result = page.Locator(".search-result").Filter(new() { HasText = title });
        await Assertions.Expect(result.Locator("mark").First).ToHaveTextAsync("communauté");
        await result.GetByRole(AriaRole.Link, new() { Name = title }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = title, Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#post-1")).ToContainTextAsync("Toute la communauté est invitée");
    }
}
