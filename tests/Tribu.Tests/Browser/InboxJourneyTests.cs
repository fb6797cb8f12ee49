using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Tribu.Tests.Features.Listening.Sources;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Browser;

/// <summary>
/// The unified inbox in a real browser, as the issue tells it: a negative mention arrives through the fake Mastodon
/// server and appears live in the open inbox; two managers open it and each sees the other; one assigns it to herself,
/// answers in French with a saved reply, which the fake Mastodon server receives as a reply to the mention; the item is
/// resolved with its first-response time recorded.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class InboxJourneyTests
{
    private readonly BrowserAppFactory _app;

    public InboxJourneyTests(BrowserAppFactory app)
    {
        TestEnvironment.RequireChromium();
        _app = app;
    }

    [Fact]
    public async Task ANegativeMastodonMention_AppearsLive_IsAnsweredWithASavedReplyInFrench_AndResolved()
    {
        var marker = "inbx" + Guid.NewGuid().ToString("N")[..8];
        await using var mastodon = await FakeMastodon.StartAsync();
        var token = "tok-" + marker;
        mastodon.AddAccount("veloria", token);

        using var admin = await TestMembers.LoggedInAsync(_app, Roles.Admin);
        (await admin.Http.PostAsJsonAsync("/api/v1/social-accounts", new { network = "Mastodon", name = "Brand " + marker, url = mastodon.BaseUrl.ToString(), credential = token }))
            .EnsureSuccessStatusCode();
        var source = await (await admin.Http.PostAsJsonAsync("/api/v1/listening/sources", new { kind = "Mastodon", name = "Masto " + marker, url = mastodon.BaseUrl.ToString(), mode = "Hashtag", query = "#" + marker }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        var sourceId = source.GetProperty("id").GetInt32();
        (await admin.Http.PostAsJsonAsync("/api/v1/listening/queries", new { name = "Brand " + marker, kind = "Brand", query = marker, inboxWhen = new[] { "Negative" } }))
            .EnsureSuccessStatusCode();
        (await admin.Http.PostAsJsonAsync("/api/v1/inbox/saved-replies", new
        {
            name = "Désolé " + marker,
            bodyFr = "Bonjour {first_name}, désolée pour ce souci ! Écrivez-nous en message privé avec votre numéro de commande.",
            bodyEn = "Hi {first_name}, sorry about this! Send us your order number in a private message.",
        })).EnsureSuccessStatusCode();

        // Two community managers have the inbox open, in French.
        var camille = await TestMembers.CreateAsync(_app, Roles.CommunityManager, "fr");
        var leo = await TestMembers.CreateAsync(_app, Roles.CommunityManager, "fr");
        var page = await _app.LoggedInPageAsync(camille, TestMembers.Password, "fr-FR");
        await page.GotoAsync("/manage/inbox");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Boîte de réception", Level = 1 })).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(700);

        // A customer complains on Mastodon; the source is polled.
        var statusId = mastodon.Publish(1, hashtag: marker, account: "zoe", followers: 300,
            text: $"<p>Ma batterie <a href=\"{mastodon.BaseUrl}tags/{marker}\" class=\"mention hashtag\" rel=\"tag\">#<span>{marker}</span></a> est morte après deux semaines, je suis très déçue, c'est nul.</p>")[0];
        (await admin.Http.PostAsync($"/api/v1/listening/sources/{sourceId}/poll", null)).EnsureSuccessStatusCode();

        // It appears in the open inbox without a reload.
        var row = page.Locator("#inbox-list tr[data-inbox-row]").Filter(new() { HasText = "Ma batterie" });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync("Négatif");
        await Assertions.Expect(page.Locator("#inbox-live-status")).ToHaveTextAsync("La boîte de réception a été mise à jour.");

        // Camille opens it; Léo opens it too: each sees the other, and Camille sees Léo typing.
        await row.GetByRole(AriaRole.Link).First.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Ma batterie");
        var itemUrl = page.Url;
        var other = await _app.LoggedInPageAsync(leo, TestMembers.Password, "fr-FR");
        await other.GotoAsync(itemUrl);
        var camilleName = await _app.WithDbAsync(db => db.Users.Where(u => u.Email == camille).Select(u => u.DisplayName).SingleAsync());
        var leoName = await _app.WithDbAsync(db => db.Users.Where(u => u.Email == leo).Select(u => u.DisplayName).SingleAsync());
        await Assertions.Expect(other.Locator("#inbox-presence")).ToContainTextAsync($"{camilleName} a aussi cet élément ouvert");
        await Assertions.Expect(page.Locator("#inbox-presence")).ToContainTextAsync($"{leoName} a aussi cet élément ouvert");
        await other.GetByLabel("Votre réponse").PressSequentiallyAsync("Bonj");
        await Assertions.Expect(page.Locator("#inbox-presence")).ToContainTextAsync($"{leoName} écrit une réponse");
        await other.CloseAsync();

        // She takes it, picks the saved reply (filled in French for the author), adds a word and sends it, resolving the item.
        await page.GetByRole(AriaRole.Button, new() { Name = "M’attribuer" }).ClickAsync();
        await Assertions.Expect(page.Locator(".status")).ToContainTextAsync("Attribution enregistrée.");
        await page.GetByLabel("Réponse enregistrée").SelectOptionAsync(new SelectOptionValue { Label = "Désolé " + marker });
        await page.GetByRole(AriaRole.Button, new() { Name = "Utiliser cette réponse" }).ClickAsync();
        var reply = page.GetByLabel("Votre réponse");
        await Assertions.Expect(reply).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^Bonjour Zoe, désolée pour ce souci"));
        await reply.PressAsync("End");
        await reply.PressSequentiallyAsync(" Camille");
        await page.GetByRole(AriaRole.Button, new() { Name = "Envoyer et résoudre" }).ClickAsync();
        await Assertions.Expect(page.Locator(".status").First).ToContainTextAsync("Réponse envoyée.");
        await Assertions.Expect(page.Locator("#item-header")).ToContainTextAsync("Résolu");

        // The fake Mastodon server received it, once, as a reply to the complaint, in French.
        var posted = mastodon.Statuses.ShouldHaveSingleItem();
        posted.InReplyToId.ShouldBe(statusId);
        posted.Text.ShouldContain("désolée pour ce souci");
        posted.Text.ShouldEndWith("Camille");
        posted.Language.ShouldBe("fr");
        var item = await _app.WithDbAsync(db => db.InboxItems.AsNoTracking().SingleAsync(i => i.ExternalId == statusId));
        item.Status.ShouldBe(Tribu.Web.Features.Inbox.InboxStatus.Resolved);
        item.FirstResponseAt.ShouldNotBeNull();
        await Assertions.Expect(page.Locator("#item-side-status")).Not.ToContainTextAsync("pas encore");
    }
}
