using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Browser;

/// <summary>
/// Writing a saved reply in a real browser, in French: the preview fills it with example values as it is typed and
/// names a wrong variable at once; the form, used with the keyboard, saves it once corrected.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed partial class InboxSettingsJourneyTests
{
    private readonly BrowserAppFactory _app;

    public InboxSettingsJourneyTests(BrowserAppFactory app)
    {
        TestEnvironment.RequireChromium();
        _app = app;
    }

    [Fact]
    public async Task ASavedReply_IsPreviewedLiveWithExampleValues_AndAWrongVariableIsNamedBeforeSaving()
    {
        var marker = "brw" + Guid.NewGuid().ToString("N")[..8];
        var email = await TestMembers.CreateAsync(_app, Roles.CommunityManager, "fr");
        var page = await _app.LoggedInPageAsync(email, TestMembers.Password, "fr-FR");
        await page.GotoAsync("/manage/inbox/replies/new");
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Réglages de la boîte de réception" })
            .GetByRole(AriaRole.Link, new() { Name = "Réponses enregistrées" })).ToHaveAttributeAsync("aria-current", "page");

        await page.GetByLabel("Nom", new() { Exact = true }).FillAsync($"Bienvenue {marker}");
        var french = page.GetByLabel("Réponse en français");
        await french.FocusAsync();
        await page.Keyboard.TypeAsync("Bonjour {prenom}, bienvenue sur {community_name} !");

        // The preview follows the typing: the known variable is filled, the unknown one is named with where it is.
        var preview = page.Locator("#reply-preview-fr");
        await Assertions.Expect(preview.Locator(".field-error")).ToHaveTextAsync("Variable inconnue {prenom} au caractère 9 : utilisez l’une des variables listées à côté de l’éditeur.");
        await Assertions.Expect(preview.Locator(".reply-text")).ToHaveTextAsync(BienvenueRegex());

        // Corrected with the keyboard, the error goes and the example first name appears.
        await french.SelectTextAsync();
        await page.Keyboard.TypeAsync("Bonjour {first_name}, bienvenue !");
        await Assertions.Expect(preview.Locator(".reply-text")).ToHaveTextAsync("Bonjour Camille, bienvenue !");
        await Assertions.Expect(preview.Locator(".field-error")).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer la réponse" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator(".status-ok")).ToHaveTextAsync("Réponse enregistrée.");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Modifier la réponse enregistrée");
    }

    [GeneratedRegex("^Bonjour , bienvenue sur .+ !$")]
    private static partial Regex BienvenueRegex();
}
