using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Playwright;
using OtpNet;
using Tribu.Tests.Infrastructure;

namespace Tribu.Tests.Browser;

/// <summary>People using Tribu in a real browser: by labels and buttons, reading what is on screen.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed partial class AccountJourneyTests
{
    private readonly BrowserAppFactory _app;

    public AccountJourneyTests(BrowserAppFactory app)
    {
        TestEnvironment.RequireChromium();
        _app = app;
    }

    [Fact]
    public async Task Newcomer_SignsUpConfirmsLogsInAndSwitchesToFrench()
    {
        var page = await _app.NewPageAsync("en-US");
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign up" }).ClickAsync();

        await page.GetByLabel("Display name").FillAsync("Nina Rossi");
        await page.GetByLabel("E-mail address").FillAsync("nina@example.com");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("riding along the canal");
        await page.GetByLabel("Confirm the password").FillAsync("riding along the canal");
        await page.GetByLabel("I have read and accept the code of conduct.").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create my account" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your e-mail" })).ToBeVisibleAsync();

        var mail = await _app.Mail.WaitForAsync("nina@example.com", "confirm-email");
        await page.GotoAsync(MailSink.Link(mail, "/account/confirm-email"));
        await Assertions.Expect(page.GetByText("your e-mail address is confirmed")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Log in" }).First.ClickAsync();

        await page.GetByLabel("E-mail address").FillAsync("nina@example.com");
        await page.GetByLabel("Password").FillAsync("riding along the canal");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.Locator(".user-chip")).ToContainTextAsync("Nina Rossi");

        await page.GetByRole(AriaRole.Button, new() { Name = "Français" }).ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "fr");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Mon compte" })).ToBeVisibleAsync();
        await ShouldShowNoEnglishAsync(page);

        // The choice follows the member to every page, and is saved on the profile.
        await page.GetByRole(AriaRole.Link, new() { Name = "Mon compte" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Profil" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Combobox, new() { Name = "Langue" })).ToHaveValueAsync("fr");
        await ShouldShowNoEnglishAsync(page);
        await page.GotoAsync("/nowhere-to-be-found");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page introuvable" })).ToBeVisibleAsync();
        await ShouldShowNoEnglishAsync(page);
    }

    [Fact]
    public async Task Admin_TurnsOnTwoFactorAndLogsInWithATotpCode()
    {
        var page = await _app.NewPageAsync();
        await BrowserAppFactory.LogInAsync(page, TribuAppFactory.AdminEmail, TribuAppFactory.AdminPassword);

        await page.GotoAsync("/account/manage/two-factor");
        await page.GetByRole(AriaRole.Link, new() { Name = "Set up an authenticator app" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code to scan with an authenticator app" })).ToBeVisibleAsync();
        var key = (await page.GetByTestId("authenticator-key").InnerTextAsync()).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        var totp = new Totp(Base32Encoding.ToBytes(key));

        await page.GetByLabel("Code from the app").FillAsync(totp.ComputeTotp());
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor authentication" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your recovery codes" })).ToBeVisibleAsync();
        (await page.Locator(".codes li").CountAsync()).ShouldBe(10);

        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await BrowserAppFactory.LogInAsync(page, TribuAppFactory.AdminEmail, TribuAppFactory.AdminPassword);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Two-factor authentication" })).ToBeVisibleAsync();

        // A wrong code is refused with a message next to the field.
        await page.GetByLabel("Authentication code").FillAsync("000000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Code-error")).ToContainTextAsync("This code is not right");

        await page.GetByLabel("Authentication code").FillAsync(totp.ComputeTotp());
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.Locator(".user-chip")).ToBeVisibleAsync();

        // Leave the shared admin as the other tests expect it.
        await page.GotoAsync("/account/manage/two-factor");
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn off two-factor authentication" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Two-factor authentication is off.").First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Admin_RunsAJobFromTheInteractiveConsole()
    {
        var page = await _app.NewPageAsync();
        await BrowserAppFactory.LogInAsync(page, TribuAppFactory.AdminEmail, TribuAppFactory.AdminPassword);
        await page.GetByRole(AriaRole.Link, new() { Name = "Console" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Background jobs" }).ClickAsync();

        // The button stays disabled until the page is live, and the click waits for that.
        await page.GetByRole(AriaRole.Button, new() { Name = "Run now: Purge old e-mails from the outbox" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Started: Purge old e-mails from the outbox.");
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "outbox-cleanup" })).ToContainTextAsync("Succeeded");
    }

    /// <summary>No English UI string (one that differs in French) is visible on the page, outside what is marked as another language.</summary>
    private static async Task ShouldShowNoEnglishAsync(IPage page)
    {
        // Words marked as another language (the switcher's "English", a quoted English mention) are not UI leaks.
        var text = await page.EvaluateAsync<string>("""
            () => {
              const foreign = [...document.querySelectorAll('[lang]:not([lang^="fr"])')].filter(e => e !== document.documentElement);
              // Options ignore display: their words are blanked for the reading, then put back.
              const saved = foreign.map(e => e.tagName === 'OPTION' ? e.textContent : e.style.display);
              foreign.forEach(e => { if (e.tagName === 'OPTION') e.textContent = ''; else e.style.display = 'none'; });
              const text = document.body.innerText;
              foreign.forEach((e, i) => { if (e.tagName === 'OPTION') e.textContent = saved[i]; else e.style.display = saved[i]; });
              return text;
            }
            """);
        var leaks = EnglishOnlyStrings().Where(s => Regex.IsMatch(text, $@"(?<![\p{{L}}]){Regex.Escape(s)}(?![\p{{L}}])")).ToList();
        leaks.ShouldBeEmpty($"English left on {page.Url}");
    }

    private static IEnumerable<string> EnglishOnlyStrings()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "Tribu.slnx"))) dir = dir.Parent;
        var resources = Path.Combine(dir.FullName, "src", "Tribu.Web", "Resources");
        foreach (var english in Directory.GetFiles(resources, "*.resx").Where(f => !f.EndsWith(".fr.resx", StringComparison.Ordinal)))
        {
            var fr = Load(english.Replace(".resx", ".fr.resx", StringComparison.Ordinal));
            foreach (var (key, value) in Load(english))
            {
                if (value != fr[key] && value.Length >= 4 && !value.Contains('{', StringComparison.Ordinal))
                {
                    yield return value;
                }
            }
        }
    }

    private static Dictionary<string, string> Load(string path) =>
        XDocument.Load(path).Root!.Elements("data").ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value);
}
