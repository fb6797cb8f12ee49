using Microsoft.Playwright;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Browser;

[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class QuestionJourneyTests
{
    private readonly BrowserAppFactory _app;

    public QuestionJourneyTests(BrowserAppFactory app)
    {
        TestEnvironment.RequireChromium();
        _app = app;
    }

    private async Task<IPage> LoggedInPageAsync(string email)
    {
        var page = await _app.LoggedInPageAsync(email, TestMembers.Password, "fr-FR");
        await Assertions.Expect(page.Locator(".user-chip")).ToBeVisibleAsync();
        return page;
    }

    [Fact]
    public async Task MemberAsksInFrench_AnotherAnswers_AuthorAccepts_ListShowsSolved()
    {
        var space = await TestSpaces.CreateAsync(_app);
        using (var earlier = await TestMembers.LoggedInAsync(_app, Roles.Member))
        {
            (await earlier.Http.PostAsync($"/api/v1/spaces/{space}/topics", System.Net.Http.Json.JsonContent.Create(
                new { kind = "Question", title = "Erreur E23 au démarrage", body = "L'écran affiche E23." }))).EnsureSuccessStatusCode();
        }
        var asker = await LoggedInPageAsync(await TestMembers.CreateAsync(_app, Roles.Member, "fr"));
        await asker.GotoAsync($"/s/{space}");
        await asker.GetByRole(AriaRole.Link, new() { Name = "Nouveau sujet" }).ClickAsync();
        await asker.GetByLabel("Question").CheckAsync();
        // While the title is typed, an older topic about the same error is suggested.
        await asker.GetByLabel("Titre").PressSequentiallyAsync("Écran E23 ");
        await Assertions.Expect(asker.Locator("#similar-topics")).ToContainTextAsync("Déjà demandé");
        await Assertions.Expect(asker.Locator("#similar-topics a")).ToContainTextAsync(["Erreur E23 au démarrage"]);
        await asker.GetByLabel("Titre").FillAsync("Code erreur E23 sur l'écran, que faire ?");
        await asker.GetByLabel("Message", new() { Exact = true }).FillAsync("Depuis ce matin, l'écran affiche **E23** au démarrage.");
        await asker.GetByLabel("Étiquettes").FillAsync("écran, erreur");
        await asker.GetByRole(AriaRole.Button, new() { Name = "Publier le sujet" }).ClickAsync();
        await Assertions.Expect(asker.GetByRole(AriaRole.Heading, new() { Name = "Code erreur E23 sur l'écran, que faire ?" })).ToBeVisibleAsync();
        var topicUrl = asker.Url;

        var helper = await LoggedInPageAsync(await TestMembers.CreateAsync(_app, Roles.Member, "fr"));
        await helper.GotoAsync(topicUrl);
        await helper.GetByLabel("Votre réponse").FillAsync("Débranchez la batterie 30 secondes : le contrôleur se réinitialise.");
        await helper.GetByRole(AriaRole.Button, new() { Name = "Publier la réponse" }).ClickAsync();
        await Assertions.Expect(helper.Locator("#post-2")).ToContainTextAsync("Débranchez la batterie");

        await asker.ReloadAsync();
        await asker.Locator("#post-2").GetByRole(AriaRole.Button, new() { Name = "Marquer comme la réponse" }).ClickAsync();
        await Assertions.Expect(asker.GetByRole(AriaRole.Region, new() { Name = "Réponse acceptée" })).ToContainTextAsync("Débranchez la batterie");

        await asker.GotoAsync($"/s/{space}");
        var row = asker.Locator(".topic-row").Filter(new() { HasText = "Code erreur E23" });
        await Assertions.Expect(row.Locator(".badge-solved")).ToHaveTextAsync("Résolu");
    }
}
