using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Tests.Features.Listening.Sources;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.SocialAccounts;
using static Tribu.Tests.Features.SocialAccounts.SocialTestData;

namespace Tribu.Tests.Features.SocialAccounts;

/// <summary>
/// Connecting the brand's accounts from the console and the API, against fake Mastodon and Bluesky servers: credentials
/// checked with the network first (refusals explained in the manager's language), stored encrypted, never shown or
/// logged; the status of each account, check now, reconnect, disable, delete.
/// </summary>
public abstract class SocialAccountPagesTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static int IdOf(TribuClient.Page page) =>
        int.Parse(page.Response.RequestMessage!.RequestUri!.Segments[^1], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task ConnectForms_RefuseBadCredentialsInTheManagersLanguage_AcceptGoodOnes_StoredEncryptedAndNeverShown()
    {
        await using var mastodon = await FakeMastodon.StartAsync();
        await using var bluesky = await FakeBluesky.StartAsync();
        var marker = Marker();
        var token = $"tok-SECRET-{marker}";
        var mastodonId = mastodon.AddAccount($"brand{marker}", token);
        var handle = $"brand{marker}.bsky.social";
        var appPassword = $"app-{marker}-pass";
        var did = bluesky.AddAccount(handle, appPassword);
        using var fr = await TestMembers.LoggedInAsync(App, Roles.CommunityManager, "fr");
        using var en = await TestMembers.LoggedInAsync(App, Roles.Admin, "en");

        var missing = await fr.SubmitAndFollowAsync("/manage/accounts", "mastodon", new Dictionary<string, string> { ["Mastodon.Url"] = "", ["Mastodon.Credential"] = "" });
        missing.FieldError("mastodon-Url").ShouldBe("Indiquez l’adresse de l’instance, par exemple https://mastodon.social.");
        missing.FieldError("mastodon-Credential").ShouldBe("Collez le jeton d’accès.");
        var refused = await fr.SubmitAndFollowAsync("/manage/accounts", "mastodon", new Dictionary<string, string>
        {
            ["Mastodon.Url"] = mastodon.BaseUrl.ToString(), ["Mastodon.Credential"] = $"wrong-{marker}",
        });
        refused.FieldError("mastodon-Credential").ShouldBe("Mastodon a refusé ce jeton d’accès : The access token is invalid");
        refused.Html.ShouldNotContain($"wrong-{marker}", customMessage: "a credential is never sent back, even to be corrected");
        var unreachable = await fr.SubmitAndFollowAsync("/manage/accounts", "mastodon", new Dictionary<string, string>
        {
            ["Mastodon.Url"] = $"http://127.0.0.1:{ClosedPort()}", ["Mastodon.Credential"] = token,
        });
        unreachable.FieldError("mastodon-Url")!.ShouldStartWith("Impossible de joindre 127.0.0.1 : 127.0.0.1 est injoignable");

        var saved = await fr.SubmitAndFollowAsync("/manage/accounts", "mastodon", new Dictionary<string, string>
        {
            ["Mastodon.Name"] = $"Marque {marker}", ["Mastodon.Url"] = mastodon.BaseUrl.ToString(), ["Mastodon.Credential"] = token,
        });
        saved.Text.ShouldContain($"brand{marker}@127.0.0.1 est connecté.");
        saved.Document.GetElementById("account-status")!.TextContent.ShouldBe("Connecté");
        var id = IdOf(saved);
        var stored = await AccountAsync(App, id);
        (stored.Network, stored.Handle, stored.ExternalAccountId, stored.Name, stored.BaseUrl).ShouldBe((SocialNetwork.Mastodon, $"brand{marker}@127.0.0.1", mastodonId, $"Marque {marker}", mastodon.BaseUrl.GetLeftPart(UriPartial.Authority)));
        stored.ProtectedCredential.ShouldNotContain(token);
        stored.ProtectedCredential.ShouldNotContain(marker, customMessage: "the row holds the credential encrypted, nothing of it in clear");
        App.Service<SocialCredentials>().Unprotect(stored.ProtectedCredential).ShouldBe(token);
        (await fr.GetAsync($"/manage/accounts/{id}")).Html.ShouldNotContain(token);
        var again = await fr.SubmitAndFollowAsync("/manage/accounts", "mastodon", new Dictionary<string, string> { ["Mastodon.Url"] = mastodon.BaseUrl.ToString(), ["Mastodon.Credential"] = token });
        again.FieldError("mastodon-Credential").ShouldBe($"brand{marker}@127.0.0.1 est déjà connecté : reconnectez-le depuis sa page pour remplacer ses identifiants.");

        var wrongPassword = await en.SubmitAndFollowAsync("/manage/accounts", "bluesky", new Dictionary<string, string>
        {
            ["Bluesky.Url"] = bluesky.BaseUrl.ToString(), ["Bluesky.Handle"] = "@" + handle, ["Bluesky.Credential"] = "nope-nope-nope-nope",
        });
        wrongPassword.FieldError("bluesky-Credential").ShouldBe("Bluesky refused this handle and app password: Invalid identifier or password");
        wrongPassword.FieldError("mastodon-Credential").ShouldBeNull();
        var sky = await en.SubmitAndFollowAsync("/manage/accounts", "bluesky", new Dictionary<string, string>
        {
            ["Bluesky.Url"] = bluesky.BaseUrl.ToString(), ["Bluesky.Handle"] = "@" + handle, ["Bluesky.Credential"] = appPassword,
        });
        sky.Text.ShouldContain($"{handle} is connected.");
        var skyId = IdOf(sky);
        var skyStored = await AccountAsync(App, skyId);
        (skyStored.Network, skyStored.Handle, skyStored.ExternalAccountId, skyStored.Name).ShouldBe((SocialNetwork.Bluesky, handle, did, handle));
        skyStored.ProtectedCredential.ShouldNotContain(appPassword);

        var list = await en.GetAsync("/manage/accounts");
        list.Document.GetElementById($"account-{id}")!.TextContent.ShouldContain("Connected");
        list.Document.GetElementById($"account-{id}")!.TextContent.ShouldContain("Mastodon");
        list.Document.GetElementById($"account-{id}")!.TextContent.ShouldContain($"Marque {marker} @brand{marker}@127.0.0.1");
        list.Document.GetElementById($"account-{skyId}")!.TextContent.ShouldContain("Bluesky");
        list.Html.ShouldNotContain(token);
        list.Html.ShouldNotContain(appPassword);
        App.Logs.ShouldNotContain(l => l.Contains(token, StringComparison.Ordinal) || l.Contains(appPassword, StringComparison.Ordinal) || l.Contains($"wrong-{marker}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARevokedToken_ShowsTheAccountUnauthorized_ReconnectingRestoresIt_ThenDisableAndDelete()
    {
        await using var mastodon = await FakeMastodon.StartAsync();
        var marker = Marker();
        var token = $"tok-{marker}";
        var accountId = mastodon.AddAccount($"brand{marker}", token);
        mastodon.AddAccount($"other{marker}", $"other-{marker}");
        var id = await ConnectMastodonAsync(App, mastodon, token);
        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager, "en");

        mastodon.Revoke(token);
        var checkedPage = await manager.FollowAsync(await manager.SubmitFormAsync($"/manage/accounts/{id}", f => f.Action!.EndsWith("/check", StringComparison.Ordinal), new Dictionary<string, string>()));
        checkedPage.Text.ShouldContain("The check failed: Refused by the network: The access token is invalid");
        checkedPage.Document.GetElementById("account-status")!.TextContent.ShouldBe("Unauthorized: reconnect it");
        checkedPage.Document.GetElementById("last-error")!.TextContent.ShouldContain("Refused by the network: The access token is invalid");
        var row = (await manager.GetAsync("/manage/accounts")).Document.GetElementById($"account-{id}")!.TextContent;
        row.ShouldContain("Unauthorized: reconnect it");
        row.ShouldContain("The access token is invalid");

        var other = await manager.SubmitAndFollowAsync($"/manage/accounts/{id}", "reconnect", new Dictionary<string, string> { ["Input.Credential"] = $"other-{marker}" });
        other.FieldError("Credential").ShouldBe($"This credential belongs to other{marker}@127.0.0.1, not to brand{marker}@127.0.0.1.");
        mastodon.AddToken(accountId, $"new-{marker}");
        var reconnected = await manager.SubmitAndFollowAsync($"/manage/accounts/{id}", "reconnect", new Dictionary<string, string> { ["Input.Credential"] = $"new-{marker}" });
        reconnected.Text.ShouldContain("New credential accepted: the account is connected.");
        reconnected.Document.GetElementById("account-status")!.TextContent.ShouldBe("Connected");
        reconnected.Document.GetElementById("last-error").ShouldBeNull();
        App.Service<SocialCredentials>().Unprotect((await AccountAsync(App, id)).ProtectedCredential).ShouldBe($"new-{marker}");

        var disabled = await manager.FollowAsync(await manager.SubmitFormAsync($"/manage/accounts/{id}", f => f.Action!.EndsWith("/enabled", StringComparison.Ordinal), new Dictionary<string, string>()));
        disabled.Text.ShouldContain("Account disabled: its notifications are no longer read and no reply goes through it.");
        (await AccountAsync(App, id)).IsEnabled.ShouldBeFalse();
        (await manager.GetAsync("/manage/accounts")).Document.GetElementById($"account-{id}")!.TextContent.ShouldContain("Connected (Disabled)");
        var enabled = await manager.FollowAsync(await manager.SubmitFormAsync($"/manage/accounts/{id}", f => f.Action!.EndsWith("/enabled", StringComparison.Ordinal), new Dictionary<string, string>()));
        enabled.Text.ShouldContain("Account enabled.");

        var confirm = await manager.GetAsync($"/manage/accounts/{id}/delete");
        confirm.Document.QuerySelector("h1")!.TextContent.ShouldBe($"Disconnect @brand{marker}@127.0.0.1?");
        var deleted = await manager.FollowAsync(await manager.SubmitFormAsync($"/manage/accounts/{id}/delete", f => f.Action!.EndsWith("/remove", StringComparison.Ordinal), new Dictionary<string, string>()));
        deleted.Text.ShouldContain("Account disconnected; its credential is forgotten.");
        (await App.WithDbAsync(db => db.SocialAccounts.AnyAsync(a => a.Id == id))).ShouldBeFalse();
        (await manager.GetAsync($"/manage/accounts/{id}")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Api_ListsGetsCreatesAndDeletes_WithProblemDetailsForBadInput_AndNeverTheCredential()
    {
        await using var bluesky = await FakeBluesky.StartAsync();
        var marker = Marker();
        var handle = $"api{marker}.bsky.social";
        var password = $"pw-{marker}-secret";
        var did = bluesky.AddAccount(handle, password);
        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager, "fr");
        var ct = TestContext.Current.CancellationToken;

        var empty = await manager.Http.PostAsJsonAsync("/api/v1/social-accounts", new { }, ct);
        empty.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        empty.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await empty.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("errors").GetProperty("Network")[0].GetString().ShouldBe("Choisissez Mastodon ou Bluesky.");
        var unknown = await manager.Http.PostAsJsonAsync("/api/v1/social-accounts", new { network = "Twitter", handle, credential = password }, ct);
        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        unknown.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var refused = await manager.Http.PostAsJsonAsync("/api/v1/social-accounts", new { network = "Bluesky", url = bluesky.BaseUrl, handle, credential = "wrong" }, ct);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("errors").GetProperty("Credential")[0].GetString()
            .ShouldBe("Bluesky a refusé cet identifiant et ce mot de passe d’application : Invalid identifier or password");

        var created = await manager.Http.PostAsJsonAsync("/api/v1/social-accounts", new { network = "Bluesky", name = $"API {marker}", url = bluesky.BaseUrl, handle, credential = password }, ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await created.Content.ReadAsStringAsync(ct);
        body.ShouldNotContain(password);
        var account = JsonDocument.Parse(body).RootElement;
        var id = account.GetProperty("id").GetInt32();
        created.Headers.Location!.OriginalString.ShouldBe($"/api/v1/social-accounts/{id}");
        (account.GetProperty("network").GetString(), account.GetProperty("handle").GetString(), account.GetProperty("externalAccountId").GetString(), account.GetProperty("status").GetString())
            .ShouldBe(("Bluesky", handle, did, "Connected"));
        account.TryGetProperty("credential", out _).ShouldBeFalse();
        account.TryGetProperty("protectedCredential", out _).ShouldBeFalse();

        var list = await manager.Http.GetFromJsonAsync<JsonElement>("/api/v1/social-accounts", ct);
        list.EnumerateArray().ShouldContain(a => a.GetProperty("id").GetInt32() == id);
        (await manager.Http.GetFromJsonAsync<JsonElement>($"/api/v1/social-accounts/{id}", ct)).GetProperty("name").GetString().ShouldBe($"API {marker}");
        (await manager.Http.DeleteAsync($"/api/v1/social-accounts/{id}", ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await manager.Http.GetAsync($"/api/v1/social-accounts/{id}", ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await manager.Http.DeleteAsync($"/api/v1/social-accounts/{id}", ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        App.Logs.ShouldNotContain(l => l.Contains(password, StringComparison.Ordinal));
    }
}

public sealed class SocialAccountPagesSqliteTests(SourcesSqliteAppFactory app) : SocialAccountPagesTests<SourcesSqliteAppFactory>(app), IClassFixture<SourcesSqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class SocialAccountPagesPostgresTests(SourcesPostgresAppFactory app) : SocialAccountPagesTests<SourcesPostgresAppFactory>(app), IClassFixture<SourcesPostgresAppFactory>;
