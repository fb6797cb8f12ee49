using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Browser;

/// <summary>
/// The community manager's listening console in a real browser: a negative mention pushed through a source's signed
/// webhook appears live in the open mention stream, and the alert it raises appears live on the open alerts page.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class ListeningJourneyTests
{
    private readonly BrowserAppFactory _app;

    public ListeningJourneyTests(BrowserAppFactory app)
    {
        TestEnvironment.RequireChromium();
        _app = app;
    }

    [Fact]
    public async Task ANegativeMentionPushedThroughTheWebhook_AppearsLiveInTheStream_AndRaisesTheAlertLive()
    {
        var marker = "brw" + Guid.NewGuid().ToString("N")[..8];
        using var api = await TestMembers.LoggedInAsync(_app, Roles.CommunityManager);
        var created = await api.Http.PostAsJsonAsync("/api/v1/listening/sources", new { kind = "Webhook", name = $"Zapier {marker}" });
        created.EnsureSuccessStatusCode();
        var source = await created.Content.ReadFromJsonAsync<JsonElement>();
        var (sourceId, secret) = (source.GetProperty("id").GetInt32(), source.GetProperty("secret").GetString()!);
        (await api.Http.PostAsJsonAsync("/api/v1/listening/queries", new
        {
            name = $"Brand {marker}", kind = "Brand", query = marker, alertKeywords = "rappel OR dangereux OR recall",
        })).EnsureSuccessStatusCode();

        // One manager keeps the mention stream open (in English), a colleague the alerts page (in French).
        var email = await TestMembers.CreateAsync(_app, Roles.CommunityManager, "en");
        var colleague = await TestMembers.CreateAsync(_app, Roles.CommunityManager, "fr");
        var stream = await _app.LoggedInPageAsync(email, TestMembers.Password);
        await stream.GotoAsync($"/manage/listening/mentions?source={sourceId}");
        await Assertions.Expect(stream.Locator("#mentions")).ToContainTextAsync("No mention matches these filters yet.");
        var alerts = await _app.LoggedInPageAsync(colleague, TestMembers.Password, "fr-FR");
        await alerts.GotoAsync("/manage/listening/alerts");
        await Assertions.Expect(alerts.GetByRole(AriaRole.Heading, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Ouvertes") })).ToBeVisibleAsync();
        await stream.WaitForTimeoutAsync(700);

        // A flow (Zapier, n8n…) pushes a mention, signed with the source's secret.
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            mentions = new[]
            {
                new { id = $"{marker}-1", text = $"La batterie {marker} chauffe pendant la recharge, c'est dangereux ! Très déçu.", author = new { handle = "@zoe@forum.example", name = "Zoé", followers = 1200 } },
            },
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/listening/sources/{sourceId}/webhook") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Tribu-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
        using var anonymous = _app.CreateTribuClient();
        var delivered = await anonymous.Http.SendAsync(request);
        delivered.EnsureSuccessStatusCode();

        // The stream shows it without a reload, negative, and says so to screen readers.
        var item = stream.Locator("#mentions .mention").Filter(new() { HasText = marker });
        await Assertions.Expect(item).ToContainTextAsync("chauffe pendant la recharge");
        await Assertions.Expect(item.Locator(".sentiment")).ToHaveTextAsync("Negative");
        await Assertions.Expect(item).ToContainTextAsync("Zoé");
        await Assertions.Expect(stream.Locator("#live-status")).ToHaveTextAsync("New mentions arrived.");

        // The alerts page shows the keyword alert, once, without a reload, in French.
        var alert = alerts.Locator(".alert-item").Filter(new() { HasText = $"Brand {marker}" });
        await Assertions.Expect(alert).ToHaveCountAsync(1);
        await Assertions.Expect(alert).ToContainTextAsync("Mot d’alerte");

        // From the stream, the mention's page; the manager corrects nothing but follows the link with the keyboard.
        await item.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Details") }).FocusAsync();
        await stream.Keyboard.PressAsync("Enter");
        await Assertions.Expect(stream.GetByRole(AriaRole.Heading, new() { Name = "Mention by Zoé" })).ToBeVisibleAsync();
    }
}
