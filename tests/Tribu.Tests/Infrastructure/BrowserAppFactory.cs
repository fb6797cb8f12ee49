using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Tribu.Tests.Infrastructure;

/// <summary>Tribu on a real loopback port, and Debian's Chromium driven by Playwright, headless.</summary>
public sealed class BrowserAppFactory : TribuAppFactory
{
    private IPlaywright? _playwright;

    // The fake Mastodon, Bluesky and helpdesk servers of the journeys listen on loopback.
    public BrowserAppFactory() : base(TestDatabase.Sqlite, new Dictionary<string, string?>
    {
        ["Listening:Http:AllowPrivateNetworks"] = "true",
        ["Inbox:Helpdesk:AllowPrivateNetworks"] = "true",
    }) => UseKestrel(0);

    /// <summary>Real time, moved forward by journeys that need "two days later" (it only ever moves forward).</summary>
    public ShiftedClock Clock { get; } = new();

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        Microsoft.AspNetCore.TestHost.WebHostBuilderExtensions.ConfigureTestServices(builder, services => services.AddSingleton<TimeProvider>(Clock));
    }

    public IBrowser Browser { get; private set; } = default!;
    public string BaseUrl { get; private set; } = "";
    public bool Available { get; private set; }

    protected override Uri ClientBaseAddress => new(BaseUrl);

    public override async ValueTask InitializeAsync()
    {
        if (!File.Exists(TestEnvironment.ChromiumPath))
        {
            return;
        }
        StartServer();
        await base.InitializeAsync();
        BaseUrl = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = TestEnvironment.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        Available = true;
    }

    /// <summary>A fresh browser profile (no cookies) whose browser language is <paramref name="locale"/>.</summary>
    public async Task<IPage> NewPageAsync(string locale = "en-US")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, Locale = locale });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>A fresh browser that has logged in through the log-in page, as a person would.</summary>
    public async Task<IPage> LoggedInPageAsync(string email, string password, string locale = "en-US")
    {
        var page = await NewPageAsync(locale);
        await LogInAsync(page, email, password);
        return page;
    }

    /// <summary>Fills and submits the log-in form (labels in the page's language), then waits for the member's menu.</summary>
    public static async Task LogInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/login");
        var french = await page.Locator("html").GetAttributeAsync("lang") == "fr";
        await page.GetByLabel(french ? "Adresse e-mail" : "E-mail address").FillAsync(email);
        await page.GetByLabel(french ? "Mot de passe" : "Password").FillAsync(password);
        await page.Locator("form.form button[type=submit]").ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    public override async ValueTask DisposeAsync()
    {
        if (Available)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary>Browser tests share one app and one Chromium, and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserAppFactory>
{
    public const string Name = "browser";
}
