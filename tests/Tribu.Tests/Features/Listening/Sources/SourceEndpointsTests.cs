using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Listening;
using Tribu.Web.Features.Members;
using static Tribu.Tests.Features.Listening.Sources.SourceTestData;

namespace Tribu.Tests.Features.Listening.Sources;

/// <summary>The sources API (managers) and the inbound webhook (anyone holding the secret): validation in the caller's language, secrets shown once, signatures, payload errors, idempotence.</summary>
public abstract class SourceEndpointsTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    private static HttpRequestMessage Delivery(int id, string body, string? secret, long? timestamp = null, string? signature = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/listening/sources/{id}/webhook") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null || secret is not null)
        {
            var signed = timestamp is null ? body : $"{timestamp}.{body}";
            signature ??= "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret!), Encoding.UTF8.GetBytes(signed)));
            request.Headers.Add("X-Tribu-Signature", signature);
        }
        if (timestamp is not null) request.Headers.Add("X-Tribu-Timestamp", timestamp.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return request;
    }

    [Fact]
    public async Task Webhook_BadSignatureIs401_MalformedIs400WithTheReason_GoodIsStoredOnce()
    {
        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager);
        var created = await manager.Http.PostAsJsonAsync("/api/v1/listening/sources", new { kind = "Webhook", name = "Zapier " + Guid.NewGuid().ToString("N")[..6] }, TestContext.Current.CancellationToken);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var id = body.GetProperty("id").GetInt32();
        var secret = body.GetProperty("secret").GetString()!;
        secret.ShouldStartWith("whsec_");
        body.GetProperty("webhookPath").GetString().ShouldBe($"/api/v1/listening/sources/{id}/webhook");
        var shown = await manager.Http.GetFromJsonAsync<JsonElement>($"/api/v1/listening/sources/{id}", TestContext.Current.CancellationToken);
        shown.TryGetProperty("secret", out _).ShouldBeFalse("a secret is shown once, when it is made");
        shown.GetProperty("hasSecret").GetBoolean().ShouldBeTrue();
        (await App.WithDbAsync(db => db.ListeningSources.Where(s => s.Id == id).Select(s => s.ProtectedSecret).SingleAsync()))!.ShouldNotContain(secret);

        using var anyone = App.CreateClient();
        var marker = Guid.NewGuid().ToString("N")[..8];
        var good = JsonSerializer.Serialize(new
        {
            mentions = new object[]
            {
                new { id = $"{marker}-1", text = $"Véloria {marker} est nul, très déçu", url = "https://forum.example/t/1", publishedAt = "2026-11-23T10:00:00Z", language = "fr", author = new { handle = "@zoe@forum.example", name = "Zoé", followers = 42 } },
                new { id = $"{marker}-2", html = $"<p>Love <b>Véloria</b> {marker}</p>" },
            },
        });

        // No signature, a wrong one, a signature of other bytes: 401, nothing stored.
        (await anyone.SendAsync(Delivery(id, good, null), TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anyone.SendAsync(Delivery(id, good, null, signature: "sha256=" + new string('0', 64)), TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anyone.SendAsync(Delivery(id, good, "whsec_not-the-secret"), TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var old = TimeProvider.System.GetUtcNow().AddMinutes(-10).ToUnixTimeSeconds();
        var replay = await anyone.SendAsync(Delivery(id, good, secret, old), TestContext.Current.CancellationToken);
        replay.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await replay.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("detail").GetString()!.ShouldContain("5 minutes");
        (await IdsAsync(App, id)).ShouldBeEmpty();

        // Malformed: 400 with the field and the item; nothing stored, not even the good item.
        var bad = JsonSerializer.Serialize(new { mentions = new object[] { new { id = "ok", text = "fine" }, new { text = "no id" }, new { id = "3", text = "x", publishedAt = "yesterday" }, new { id = "4", text = "y", author = new { followers = -3 } } } });
        var rejected = await anyone.SendAsync(Delivery(id, bad, secret), TestContext.Current.CancellationToken);
        rejected.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await rejected.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var errors = problem.GetProperty("errors");
        errors.GetProperty("mentions[1].id")[0].GetString().ShouldBe("mentions[1].id is required.");
        errors.GetProperty("mentions[2].publishedAt")[0].GetString()!.ShouldContain("'yesterday'");
        errors.GetProperty("mentions[3].author.followers")[0].GetString().ShouldNotBeNull();
        errors.TryGetProperty("mentions[0].id", out _).ShouldBeFalse();
        var notJson = await anyone.SendAsync(Delivery(id, "{\"mentions\": [", secret), TestContext.Current.CancellationToken);
        notJson.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await notJson.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("errors").GetProperty("body")[0].GetString()!.ShouldContain("JSON");
        (await IdsAsync(App, id)).ShouldBeEmpty();

        // Good: stored, counted; the same delivery again adds nothing. A timestamped delivery and a single mention work too.
        var stored = await anyone.SendAsync(Delivery(id, good, secret), TestContext.Current.CancellationToken);
        stored.StatusCode.ShouldBe(HttpStatusCode.OK);
        var counts = await stored.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        (counts.GetProperty("received").GetInt32(), counts.GetProperty("added").GetInt32(), counts.GetProperty("duplicates").GetInt32()).ShouldBe((2, 2, 0));
        var again = await (await anyone.SendAsync(Delivery(id, good, secret, TimeProvider.System.GetUtcNow().ToUnixTimeSeconds()), TestContext.Current.CancellationToken)).Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        (again.GetProperty("added").GetInt32(), again.GetProperty("duplicates").GetInt32()).ShouldBe((0, 2));
        var single = await anyone.SendAsync(Delivery(id, JsonSerializer.Serialize(new { id = 12345, text = "Un seul avis" }), secret), TestContext.Current.CancellationToken);
        single.StatusCode.ShouldBe(HttpStatusCode.OK);
        var mention = await App.WithDbAsync(db => db.Mentions.AsNoTracking().SingleAsync(m => m.SourceId == id && m.ExternalId == $"{marker}-1"));
        (mention.AuthorHandle, mention.AuthorName, mention.AuthorFollowers, mention.Language, mention.Url).ShouldBe(("@zoe@forum.example", "Zoé", 42, "fr", "https://forum.example/t/1"));
        mention.Sentiment.ShouldBe(Tribu.Web.Features.Listening.Analysis.SentimentLabel.Negative);
        (await IdsAsync(App, id)).Count.ShouldBe(3);

        // A new secret: the old one stops working at once. Too large: 413. Unknown source: 404.
        var renewed = await (await manager.Http.PostAsync($"/api/v1/listening/sources/{id}/secret", null, TestContext.Current.CancellationToken)).Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var newSecret = renewed.GetProperty("secret").GetString()!;
        newSecret.ShouldNotBe(secret);
        (await anyone.SendAsync(Delivery(id, good, secret), TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anyone.SendAsync(Delivery(id, good, newSecret), TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var huge = JsonSerializer.Serialize(new { id = "big", text = new string('a', 1_100_000) });
        (await anyone.SendAsync(Delivery(id, huge, newSecret), TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await anyone.SendAsync(Delivery(999_999, good, newSecret), TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        App.Logs.ShouldNotContain(l => l.Contains(secret, StringComparison.Ordinal) || l.Contains(newSecret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Api_ValidatesInTheCallersLanguage_KeepsTokensProtected_PollsAndDeletes()
    {
        using var fr = await TestMembers.LoggedInAsync(App, Roles.Admin, "fr");
        var ct = TestContext.Current.CancellationToken;
        async Task<JsonElement> ErrorsAsync(object request)
        {
            var response = await fr.Http.PostAsJsonAsync("/api/v1/listening/sources", request, ct);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("errors");
        }
        (await ErrorsAsync(new { kind = "Rss", name = "", url = "pas une url" })).GetProperty("Url")[0].GetString().ShouldBe("Indiquez l’adresse complète du flux, commençant par http:// ou https://.");
        (await ErrorsAsync(new { kind = "Rss", name = "", url = "https://blog.example/feed" })).GetProperty("Name")[0].GetString().ShouldBe("Donnez un nom de 1 à 120 caractères.");
        (await ErrorsAsync(new { kind = "Mastodon", name = "M", url = "https://mastodon.example", mode = "Hashtag", query = "  " })).GetProperty("Query")[0].GetString().ShouldBe("Indiquez un hashtag.");
        (await ErrorsAsync(new { kind = "Mastodon", name = "M", url = "https://mastodon.example", mode = "Hashtag", query = "deux mots" })).GetProperty("Query")[0].GetString().ShouldBe("Un hashtag ne contient que des lettres, des chiffres et _, sans espace.");
        await using var notMastodon = await LoopbackServer.StartAsync(c => { c.Response.StatusCode = 404; return Task.CompletedTask; });
        (await ErrorsAsync(new { kind = "Mastodon", name = "M", url = notMastodon.BaseUrl.ToString(), mode = "Hashtag", query = "veloria" })).GetProperty("Url")[0].GetString()
            .ShouldBe($"Aucun serveur Mastodon ne répond à {notMastodon.BaseUrl.Host}.");
        (await ErrorsAsync(new { kind = "Bluesky", name = "B", query = "" })).GetProperty("Query")[0].GetString().ShouldBe("Indiquez les mots à rechercher.");

        await using var mastodon = await FakeMastodon.StartAsync();
        var tag = "api" + Guid.NewGuid().ToString("N")[..6];
        mastodon.Publish(3, tag);
        var created = await fr.Http.PostAsJsonAsync("/api/v1/listening/sources", new { kind = "Mastodon", name = "Masto", url = mastodon.BaseUrl.ToString(), mode = "Hashtag", query = "#" + tag, accessToken = "tok-SECRET-123" }, ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var source = await created.Content.ReadFromJsonAsync<JsonElement>(ct);
        var id = source.GetProperty("id").GetInt32();
        source.GetProperty("query").GetString().ShouldBe(tag);
        source.GetProperty("hasSecret").GetBoolean().ShouldBeTrue();
        source.TryGetProperty("secret", out _).ShouldBeFalse();
        (await created.Content.ReadAsStringAsync(ct)).ShouldNotContain("tok-SECRET-123");
        (await GetAsync(App, id)).ProtectedSecret!.ShouldNotContain("tok-SECRET-123");

        var polled = await fr.Http.PostAsync($"/api/v1/listening/sources/{id}/poll", null, ct);
        var pollBody = await polled.Content.ReadAsStringAsync(ct);
        JsonDocument.Parse(pollBody).RootElement.GetProperty("added").GetInt32().ShouldBe(3, pollBody);
        mastodon.Server.RequestHeaders.Last()["Authorization"].ShouldBe("Bearer tok-SECRET-123");
        App.Logs.ShouldNotContain(l => l.Contains("tok-SECRET-123", StringComparison.Ordinal));

        // An update keeps the token when none is given; a failing poll shows its error in the caller's language.
        var updated = await fr.Http.PutAsJsonAsync($"/api/v1/listening/sources/{id}", new { name = "Masto 2", url = mastodon.BaseUrl.ToString(), mode = "Hashtag", query = tag, pollIntervalMinutes = 15 }, ct);
        updated.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await GetAsync(App, id)).ProtectedSecret.ShouldNotBeNull();
        mastodon.Fail = _ => true;
        var failed = await (await fr.Http.PostAsync($"/api/v1/listening/sources/{id}/poll", null, ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        failed.GetProperty("error").GetString().ShouldBe("Le serveur a répondu avec le statut HTTP 500.");
        var listed = await fr.Http.GetFromJsonAsync<JsonElement>("/api/v1/listening/sources", ct);
        var row = listed.EnumerateArray().Single(s => s.GetProperty("id").GetInt32() == id);
        (row.GetProperty("name").GetString(), row.GetProperty("pollIntervalMinutes").GetInt32(), row.GetProperty("consecutiveFailures").GetInt32(), row.GetProperty("itemCount").GetInt32())
            .ShouldBe(("Masto 2", 15, 1, 3));

        (await fr.Http.DeleteAsync($"/api/v1/listening/sources/{id}", ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await IdsAsync(App, id)).ShouldBeEmpty();
        (await fr.Http.GetAsync($"/api/v1/listening/sources/{id}", ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}

public sealed class SourceEndpointsSqliteTests(SourcesSqliteAppFactory app) : SourceEndpointsTests<SourcesSqliteAppFactory>(app), IClassFixture<SourcesSqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class SourceEndpointsPostgresTests(SourcesPostgresAppFactory app) : SourceEndpointsTests<SourcesPostgresAppFactory>(app), IClassFixture<SourcesPostgresAppFactory>;
