using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Listening;
using Tribu.Web.Features.Listening.Alerts;
using Tribu.Web.Features.Listening.Analysis;
using Tribu.Web.Features.Listening.Ingestion;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Moderation;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Platform.Email;
using Tribu.Web.Platform.Webhooks;

namespace Tribu.Tests.Features.Listening;

/// <summary>Tribu with a clock the tests move by hand and its scheduler off: the tests run the jobs themselves, in order.</summary>
public class ListeningClockAppFactory(TestDatabase database) : TribuAppFactory(database, new Dictionary<string, string?> { ["Jobs:Enabled"] = "false" })
{
    public ManualClock Clock { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

public sealed class SqliteListeningClockAppFactory() : ListeningClockAppFactory(TestDatabase.Sqlite);

public sealed class PostgresListeningClockAppFactory() : ListeningClockAppFactory(TestDatabase.Postgres);

/// <summary>
/// Listening alerts: a bad buzz raises one alert for the whole episode and weeks of normal traffic none; keyword and
/// big-author hits; acknowledging and resolving from the console and the API; deliveries by mail and signed webhook.
/// </summary>
public abstract class ListeningAlertTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : ListeningClockAppFactory
{
    private ManualClock Clock => App.Clock;
    private DateTime Now => Clock.GetUtcNow().UtcDateTime;

    /// <summary>A word no other test uses (letters only, so the query language reads it as one word).</summary>
    private static string Brand() => "brand" + new string([.. Guid.NewGuid().ToString("N")[..8].Select(c => (char)('a' + Convert.ToInt32(c.ToString(), 16)))]);

    private static string Positive(string brand, int n) => $"J'adore mon {brand}, super vélo, vraiment génial 😍 (n°{n})";
    private static string Neutral(string brand, int n) => $"{brand} ouvre un nouveau magasin à Lyon la semaine prochaine (n°{n})";
    private static string Negative(string brand, int n) => $"{brand} c'est nul, très déçu, service client catastrophique 😡 (n°{n})";

    private sealed class Feed(ListeningClockAppFactory app, int sourceId, string brand)
    {
        private int _n;
        public string Brand => brand;

        /// <summary>Stores mentions published <c>minutesAgo</c> before now, through the real pipeline (analysis, matching, observers).</summary>
        public Task<IngestResult> IngestAsync(IEnumerable<(string Text, int MinutesAgo)> items, int? followers = null, string? author = null)
        {
            var now = app.Clock.GetUtcNow().UtcDateTime;
            var incoming = items.Select(i => new IncomingMention($"{brand}-{Interlocked.Increment(ref _n)}", i.Text, PublishedAt: now.AddMinutes(-i.MinutesAgo),
                Language: "fr", Author: new IncomingAuthor(author ?? $"@someone{_n}@social.example", Followers: followers))).ToList();
            return app.WithScopeAsync(sp => sp.GetRequiredService<MentionIngestor>().IngestAsync(sourceId, incoming));
        }

        public int Next() => Interlocked.Increment(ref _n);
    }

    private async Task<(Feed Feed, int WatchId)> CreateWatchAsync(Action<Watch>? configure = null)
    {
        var brand = Brand();
        var ids = await App.WithDbAsync(async db =>
        {
            var source = new ListeningSource { Kind = SourceKind.Rss, Name = $"Source {brand}", Url = $"https://{brand}.example/feed", CreatedAt = Now };
            var watch = new Watch { Name = $"Query {brand}", Query = brand, CreatedAt = Now, UpdatedAt = Now };
            configure?.Invoke(watch);
            db.ListeningSources.Add(source);
            db.Watches.Add(watch);
            await db.SaveChangesAsync();
            return (source.Id, watch.Id);
        });
        App.Service<WatchCatalog>().Invalidate();
        return (new Feed(App, ids.Item1, brand), ids.Item2);
    }

    private Task<List<ListeningAlert>> AlertsAsync(int watchId) =>
        App.WithDbAsync(db => db.ListeningAlerts.AsNoTracking().Where(a => a.WatchId == watchId).OrderBy(a => a.Id).ToListAsync());

    private Task<int> RunAlertJobAsync() => App.WithScopeAsync(sp => sp.GetRequiredService<AlertEvaluator>().EvaluateAllAsync());

    /// <summary>One hour of ordinary traffic: 6–10 mentions by day, 1–3 at night, about one in six negative.</summary>
    private static List<(string Text, int MinutesAgo)> NormalHour(Feed feed, DateTime now)
    {
        var hour = now.Hour;
        var count = hour is >= 8 and <= 22 ? 6 + (now.DayOfYear * 7 + hour) % 5 : 1 + (now.DayOfYear + hour) % 3;
        var items = new List<(string, int)>();
        for (var i = 0; i < count; i++)
        {
            var n = feed.Next();
            var text = (n % 6) switch { 0 => Negative(feed.Brand, n), 1 or 3 => Positive(feed.Brand, n), _ => Neutral(feed.Brand, n) };
            items.Add((text, 55 - i * 50 / count));
        }
        return items;
    }

    [Fact]
    public void TheTextsOfTheSimulation_ReadAsTheirIntendedSentiment()
    {
        var engine = LexiconSentimentEngine.Default;
        engine.Analyze(Positive("brandx", 1), "fr").Label.ShouldBe(SentimentLabel.Positive);
        engine.Analyze(Neutral("brandx", 1), "fr").Label.ShouldBe(SentimentLabel.Neutral);
        engine.Analyze(Negative("brandx", 1), "fr").Label.ShouldBe(SentimentLabel.Negative);
    }

    [Fact]
    public async Task WeeksOfNormalTraffic_RaiseNothing_AndABadBuzz_RaisesOneAlertForTheWholeEpisode_ThatEndsOnceQuiet()
    {
        var cm = await TestPerson.CreateAsync(App, Roles.CommunityManager, "fr");
        var (feed, watchId) = await CreateWatchAsync(w => w.AlertEmails = $"{cm.Email}, outside-{w.Query}@example.com");

        // Four weeks of ordinary traffic, an hour at a time, with the periodic evaluation every hour.
        for (var h = 0; h < 4 * 7 * 24 + 6; h++)
        {
            Clock.Advance(TimeSpan.FromHours(1));
            await feed.IngestAsync(NormalHour(feed, Now));
            await RunAlertJobAsync();
        }
        (await AlertsAsync(watchId)).ShouldBeEmpty("ordinary traffic, day and night, is not an episode");
        while (Now.Hour is < 10 or > 18)
        {
            Clock.Advance(TimeSpan.FromHours(1));
            await feed.IngestAsync(NormalHour(feed, Now));
            await RunAlertJobAsync();
        }

        // The bad buzz: a flood of negative mentions for an hour and a half, in batches every ten minutes.
        for (var step = 0; step < 9; step++)
        {
            Clock.Advance(TimeSpan.FromMinutes(10));
            var items = Enumerable.Range(0, 12).Select(i => (Negative(feed.Brand, feed.Next()), 9 - i % 10)).ToList();
            items.Add((Neutral(feed.Brand, feed.Next()), 5));
            await feed.IngestAsync(items);
            if (step % 3 == 2) await RunAlertJobAsync();
        }
        var alerts = await AlertsAsync(watchId);
        alerts.Count.ShouldBe(1, "one bad buzz, one alert: later mentions, the volume spike and the periodic job count on it");
        var alert = alerts[0];
        alert.Kind.ShouldBe(AlertKind.NegativeSurge);
        alert.Status.ShouldBe(AlertStatus.Open);
        alert.MentionCount.ShouldBeGreaterThanOrEqualTo(9 * 12, "every negative mention of the episode is counted on it");
        alert.MentionId.ShouldNotBeNull();
        alert.ExplanationKey.ShouldBe(AlertExplanation.NegativeSurge);

        // Told once: the managers in the app, each alert address by mail, nothing more during the episode.
        var notified = await App.WithDbAsync(db => db.Notifications.Where(n => n.Kind == NotificationKind.ListeningAlert && n.PostId == alert.Id).Select(n => n.RecipientId).ToListAsync());
        notified.Count.ShouldBe(notified.Distinct().Count());
        notified.Count.ShouldBeGreaterThanOrEqualTo(2, "the admin and the community manager");
        var mails = await App.WithDbAsync(db => db.EmailMessages.Where(m => m.Kind == AlertDelivery.MailKind && m.Subject.Contains(feed.Brand)).ToListAsync());
        mails.Select(m => m.To).Order().ShouldBe(new[] { cm.Email, $"outside-{feed.Brand}@example.com" }.Order());
        mails.Single(m => m.To == cm.Email).Subject.ShouldContain("Alerte de veille", Case.Sensitive, "the manager reads French");
        mails.Single(m => m.To != cm.Email).Subject.ShouldContain("Listening alert", Case.Sensitive, "an address no member has gets the site's language");

        // The community manager's notification list shows it, in French, linking to the alerts page.
        // (Logged in again: four weeks went by on the clock since the account was made.)
        using var reader = App.CreateTribuClient("fr");
        await reader.LogInAsync(cm.Email, TestMembers.Password);
        var list = await reader.GetAsync("/notifications");
        list.Text.ShouldContain($"Alerte de veille sur « Query {feed.Brand} »");
        list.Document.QuerySelectorAll("a").Select(a => a.GetAttribute("href")).ShouldContain(AlertExplanation.PageUrl(alert.Id));

        // Back to normal: the episode ends by itself after two quiet hours, and normal traffic opens nothing new.
        for (var h = 0; h < 5; h++)
        {
            Clock.Advance(TimeSpan.FromHours(1));
            await feed.IngestAsync(NormalHour(feed, Now));
            await RunAlertJobAsync();
        }
        alerts = await AlertsAsync(watchId);
        alerts.Count.ShouldBe(1);
        alerts[0].Status.ShouldBe(AlertStatus.Resolved);
        alerts[0].ResolvedById.ShouldBeNull("it ended by itself");
        alerts[0].ResolvedAt.ShouldNotBeNull();
    }

    [Fact]
    public async Task KeywordAndBigAuthorHits_OpenOneAlertEach_AndFurtherHitsCountOnIt()
    {
        var (feed, watchId) = await CreateWatchAsync(w =>
        {
            w.AlertKeywords = "rappel OR danger";
            w.BigAuthorFollowers = 10_000;
        });
        await feed.IngestAsync([(Neutral(feed.Brand, 1), 1)]);
        (await AlertsAsync(watchId)).ShouldBeEmpty();

        await feed.IngestAsync([($"{feed.Brand} annonce un rappel de ses batteries", 2), ($"Attention danger avec le {feed.Brand}", 1), (Neutral(feed.Brand, 2), 1)]);
        Clock.Advance(TimeSpan.FromMinutes(20));
        await feed.IngestAsync([($"Encore un rappel pour {feed.Brand}", 1)]);
        // An old post (a backfill) with the keyword is not news.
        await feed.IngestAsync([($"Vieux rappel {feed.Brand}", 60 * 24 * 3)]);
        var keyword = (await AlertsAsync(watchId)).ShouldHaveSingleItem();
        keyword.Kind.ShouldBe(AlertKind.Keyword);
        keyword.MentionCount.ShouldBe(3);

        await feed.IngestAsync([(Neutral(feed.Brand, 3), 1)], followers: 9_999);
        await feed.IngestAsync([(Positive(feed.Brand, 4), 1)], followers: 52_000, author: "@star@social.example");
        await feed.IngestAsync([(Positive(feed.Brand, 5), 1)], followers: 15_000, author: "@other@social.example");
        var alerts = await AlertsAsync(watchId);
        alerts.Count.ShouldBe(2);
        var big = alerts.Single(a => a.Kind == AlertKind.BigAuthor);
        big.MentionCount.ShouldBe(2);

        using var admin = await TestMembers.LoggedInAsync(App, Roles.Admin);
        var json = await admin.Http.GetFromJsonAsync<JsonElement>($"/api/v1/listening/alerts/{big.Id}");
        json.GetProperty("explanation").GetString().ShouldBe("@star@social.example (52,000 followers) mentioned it");
        json.GetProperty("kind").GetString().ShouldBe("BigAuthor");

        // A quiet day ends a hit episode: the next hit opens a new alert.
        Clock.Advance(TimeSpan.FromHours(25));
        await RunAlertJobAsync();
        await feed.IngestAsync([($"Nouveau rappel {feed.Brand}", 1)]);
        alerts = await AlertsAsync(watchId);
        alerts.Count(a => a.Kind == AlertKind.Keyword).ShouldBe(2);
        alerts.Count(a => a.Status != AlertStatus.Resolved).ShouldBe(1);
    }

    [Fact]
    public async Task ManagersAcknowledgeAndResolve_FromThePageAndTheApi_InTheAuditLog_AndTheNextHitOpensANewAlert()
    {
        var (feed, watchId) = await CreateWatchAsync(w => w.AlertKeywords = "plainte");
        await feed.IngestAsync([($"Je vais porter plainte contre {feed.Brand}", 1)]);
        var alert = (await AlertsAsync(watchId)).ShouldHaveSingleItem();

        using var cm = await TestMembers.LoggedInAsync(App, Roles.CommunityManager, "fr");
        var page = await cm.GetAsync("/manage/listening/alerts");
        page.Status.ShouldBe(HttpStatusCode.OK);
        page.Title.ShouldBe("Alertes de veille");
        var item = page.Document.GetElementById($"alert-{alert.Id}").ShouldNotBeNull();
        item.TextContent.ShouldContain("Mot d’alerte");
        item.TextContent.ShouldContain("Une mention contient les mots d’alerte « plainte »");
        item.QuerySelector($"a[href='/manage/listening/mentions/{alert.MentionId}']").ShouldNotBeNull();

        var acknowledged = await cm.FollowAsync(await cm.SubmitFormAsync("/manage/listening/alerts", f => f.Action.EndsWith($"/alerts/{alert.Id}/acknowledge", StringComparison.Ordinal), new Dictionary<string, string>()));
        acknowledged.Text.ShouldContain("Alerte prise en charge");
        acknowledged.Document.GetElementById($"alert-{alert.Id}")!.TextContent.ShouldContain("Prise en charge par");
        // Still counted while acknowledged.
        await feed.IngestAsync([($"Deuxième plainte contre {feed.Brand}", 1)]);
        (await AlertsAsync(watchId)).ShouldHaveSingleItem().MentionCount.ShouldBe(2);

        using var admin = await TestMembers.LoggedInAsync(App, Roles.Admin);
        var again = await admin.Http.PostAsync($"/api/v1/listening/alerts/{alert.Id}/acknowledge", null);
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().ShouldBe("This alert is already acknowledged.");
        var resolved = await admin.Http.PostAsync($"/api/v1/listening/alerts/{alert.Id}/resolve", null);
        resolved.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await resolved.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("status").GetString().ShouldBe("Resolved");
        body.GetProperty("endedByItself").GetBoolean().ShouldBeFalse();
        (await admin.Http.PostAsync($"/api/v1/listening/alerts/{alert.Id}/resolve", null)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await admin.Http.PostAsync("/api/v1/listening/alerts/999999999/resolve", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var stored = (await AlertsAsync(watchId)).Single();
        stored.AcknowledgedById.ShouldNotBeNull();
        stored.ResolvedById.ShouldNotBeNull();
        stored.AcknowledgedById.ShouldNotBe(stored.ResolvedById);
        var audit = await App.WithDbAsync(db => db.AuditEntries.Where(e => e.TargetType == "listening-alert" && e.TargetId == alert.Id.ToString()).OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
        audit.ShouldBe([AuditActions.ListeningAlertAcknowledge, AuditActions.ListeningAlertResolve]);

        // The episode is over: the next hit is a new one.
        await feed.IngestAsync([($"Troisième plainte contre {feed.Brand}", 1)]);
        (await AlertsAsync(watchId)).Count.ShouldBe(2);

        // The English page, the filter and the API's list.
        using var en = await TestMembers.LoggedInAsync(App, Roles.Admin, "en");
        var english = await en.GetAsync($"/manage/listening/alerts?query={watchId}");
        english.Title.ShouldBe("Listening alerts");
        english.Document.GetElementById($"alert-{alert.Id}")!.TextContent.ShouldContain("A mention matched the alert keywords “plainte”");
        english.Document.QuerySelectorAll(".alert-item").Length.ShouldBe(2);
        var list = await en.Http.GetFromJsonAsync<JsonElement>($"/api/v1/listening/alerts?status=open&queryId={watchId}");
        list.GetProperty("total").GetInt32().ShouldBe(1);
        list.GetProperty("items")[0].GetProperty("queryName").GetString().ShouldBe($"Query {feed.Brand}");
        (await en.Http.GetAsync("/api/v1/listening/alerts?status=maybe")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        using var moderator = await TestMembers.LoggedInAsync(App, Roles.Moderator);
        (await moderator.Http.GetAsync("/api/v1/listening/alerts")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task TheAlertsPageStream_SignalsWhenTheAlertsChange()
    {
        var (feed, _) = await CreateWatchAsync(w => w.AlertKeywords = "boycott");
        using var cm = await TestMembers.LoggedInAsync(App, Roles.CommunityManager);
        var page = await cm.GetAsync("/manage/listening/alerts");
        page.Document.QuerySelector("[data-live-alerts]")!.GetAttribute("data-live-alerts").ShouldBe("/manage/listening/alerts/stream");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await cm.Http.GetAsync("/manage/listening/alerts/stream", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        async Task<string> NextAsync()
        {
            string? name = null;
            while (await reader.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal) && name == "alerts") return line[6..];
            }
            throw new InvalidOperationException("The stream ended.");
        }
        var before = await NextAsync();
        await feed.IngestAsync([($"Appel au boycott de {feed.Brand}", 1)]);
        // New mentions signal the channel too; the fingerprint changes only with the alerts (what the page script compares).
        var after = await NextAsync();
        while (after == before) after = await NextAsync();
        after.ShouldNotBe(before);
    }

    [Fact]
    public async Task ANewAlert_IsPostedToTheQueryWebhook_Signed_AndRetriedWithBackOff_WithTheSameIdempotencyKey()
    {
        const string secret = "s3cret-for-the-receiver";
        await using var receiver = await WebhookReceiver.StartAsync(n => n == 1 ? 500 : 200);
        var protectedSecret = App.Service<WebhookSecrets>().Protect(secret);
        var (feed, watchId) = await CreateWatchAsync(w =>
        {
            w.AlertKeywords = "incendie";
            w.AlertWebhookUrl = receiver.Url;
            w.ProtectedAlertWebhookSecret = protectedSecret;
        });
        await feed.IngestAsync([($"Un incendie chez {feed.Brand} ce matin", 1)], followers: 10, author: "@witness@social.example");
        var alert = (await AlertsAsync(watchId)).ShouldHaveSingleItem();
        var delivery = await App.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.Url == receiver.Url));
        delivery.Event.ShouldBe(AlertDelivery.WebhookEvent);
        delivery.ProtectedSecret.ShouldNotBe(secret);
        delivery.Payload.ShouldNotContain(secret);

        Task<int> DeliverAsync() => App.WithScopeAsync(sp => ActivatorUtilities.CreateInstance<WebhookDeliveryJob>(sp).DeliverDueAsync());
        (await DeliverAsync()).ShouldBe(0, "the receiver answered 500");
        var first = await App.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.Id == delivery.Id));
        first.Status.ShouldBe(WebhookDeliveryStatus.Pending);
        first.Attempts.ShouldBe(1);
        first.LastError.ShouldBe("HTTP 500 Internal Server Error");
        first.NextAttemptAt.ShouldBe(Now.AddSeconds(30), TimeSpan.FromSeconds(1));
        (await DeliverAsync()).ShouldBe(0, "not due before its back-off");
        Clock.Advance(TimeSpan.FromSeconds(31));
        (await DeliverAsync()).ShouldBe(1);
        var done = await App.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.Id == delivery.Id));
        done.Status.ShouldBe(WebhookDeliveryStatus.Delivered);
        done.Attempts.ShouldBe(2);
        done.Response.ShouldBe("{\"ok\":true}");

        var calls = receiver.Calls.ToArray();
        calls.Length.ShouldBe(2);
        foreach (var call in calls)
        {
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), call.Body));
            call.Header("X-Tribu-Signature").ShouldBe(expected);
            call.Header("X-Tribu-Event").ShouldBe("listening.alert.opened");
            call.Header("Idempotency-Key").ShouldBe(delivery.IdempotencyKey.ToString());
            call.Header("Content-Type").ShouldBe("application/json; charset=utf-8");
            long.Parse(call.Header("X-Tribu-Timestamp")!, System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(0);
        }
        var payload = JsonDocument.Parse(calls[1].Body).RootElement;
        payload.GetProperty("event").GetString().ShouldBe("listening.alert.opened");
        payload.GetProperty("alert").GetProperty("id").GetInt64().ShouldBe(alert.Id);
        payload.GetProperty("alert").GetProperty("kind").GetString().ShouldBe("Keyword");
        payload.GetProperty("alert").GetProperty("explanation").GetString().ShouldBe("A mention matched the alert keywords “incendie”");
        payload.GetProperty("alert").GetProperty("url").GetString()!.ShouldEndWith($"/manage/listening/alerts#alert-{alert.Id}");
        payload.GetProperty("query").GetProperty("id").GetInt32().ShouldBe(watchId);
        payload.GetProperty("mention").GetProperty("text").GetString().ShouldBe($"Un incendie chez {feed.Brand} ce matin");
        payload.GetProperty("mention").GetProperty("authorHandle").GetString().ShouldBe("@witness@social.example");
        App.Logs.ShouldNotContain(l => l.Contains(secret, StringComparison.Ordinal));
        App.Logs.ShouldNotContain(l => l.Contains("secret-path", StringComparison.Ordinal), "receivers may carry a secret in the path: only the host is logged");
    }

    [Fact]
    public async Task AWebhookThatKeepsFailing_IsRetriedUpToTheLimit_ThenFailedWithTheLastError_AndA4xxFailsAtOnce()
    {
        await using var down = await WebhookReceiver.StartAsync(_ => 503);
        await using var refusing = await WebhookReceiver.StartAsync(_ => 410);
        var ids = await App.WithScopeAsync(async sp =>
        {
            var outbox = sp.GetRequiredService<WebhookOutbox>();
            var a = outbox.Add(down.Url, "test.event", "{\"n\":1}", null);
            var b = outbox.Add(refusing.Url, "test.event", "{\"n\":2}", null);
            await sp.GetRequiredService<Tribu.Web.Platform.Data.TribuDbContext>().SaveChangesAsync();
            return (a.Id, b.Id);
        });
        var max = App.Service<Microsoft.Extensions.Options.IOptions<WebhookOptions>>().Value.MaxAttempts;
        var waits = new List<TimeSpan>();
        for (var i = 0; i < max; i++)
        {
            await App.WithScopeAsync(sp => ActivatorUtilities.CreateInstance<WebhookDeliveryJob>(sp).DeliverDueAsync());
            var row = await App.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.Id == ids.Item1));
            if (row.Status == WebhookDeliveryStatus.Pending)
            {
                waits.Add(row.NextAttemptAt - Now);
                Clock.Advance(row.NextAttemptAt - Now + TimeSpan.FromSeconds(1));
            }
        }
        var failed = await App.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.Id == ids.Item1));
        failed.Status.ShouldBe(WebhookDeliveryStatus.Failed);
        failed.Attempts.ShouldBe(max);
        failed.LastError.ShouldBe("HTTP 503 Service Unavailable");
        down.Calls.Count.ShouldBe(max);
        waits.Count.ShouldBe(max - 1);
        for (var i = 1; i < waits.Count; i++) waits[i].TotalSeconds.ShouldBe(waits[i - 1].TotalSeconds * 2, 1, "exponential back-off");
        down.Calls.Select(c => c.Header("Idempotency-Key")).Distinct().Count().ShouldBe(1);
        down.Calls.First().Header("X-Tribu-Signature").ShouldBeNull("no secret, no signature");

        var gone = await App.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.Id == ids.Item2));
        gone.Status.ShouldBe(WebhookDeliveryStatus.Failed);
        gone.Attempts.ShouldBe(1);
        gone.LastError.ShouldBe("HTTP 410 Gone");
    }

    [Fact]
    public async Task TwoInstancesSendingAtOnce_SendEachDeliveryOnce()
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ => 200);
        await App.WithScopeAsync(async sp =>
        {
            var outbox = sp.GetRequiredService<WebhookOutbox>();
            for (var i = 0; i < 15; i++) outbox.Add(receiver.Url, "test.race", $"{{\"n\":{i}}}", null);
            await sp.GetRequiredService<Tribu.Web.Platform.Data.TribuDbContext>().SaveChangesAsync();
            return 0;
        });
        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => App.WithScopeAsync(sp => ActivatorUtilities.CreateInstance<WebhookDeliveryJob>(sp).DeliverDueAsync())));
        runs.Sum().ShouldBe(15);
        receiver.Calls.Count.ShouldBe(15);
        receiver.Calls.Select(c => c.Header("Idempotency-Key")).Distinct().Count().ShouldBe(15);
    }

    [Fact]
    public async Task TheAlertMail_ReachesEachAddress_InItsReadersLanguage()
    {
        var reader = await TestPerson.CreateAsync(App, Roles.Member, "fr");
        var (feed, watchId) = await CreateWatchAsync(w =>
        {
            w.AlertKeywords = "arnaque";
            w.AlertEmails = $"{reader.Email}; press-{w.Query}@example.com; not-an-address";
        });
        await feed.IngestAsync([($"Cette promo {feed.Brand} est une arnaque", 1)]);
        var alert = (await AlertsAsync(watchId)).ShouldHaveSingleItem();
        await App.WithScopeAsync(sp => ActivatorUtilities.CreateInstance<EmailDeliveryJob>(sp).DeliverDueAsync(CancellationToken.None));
        var french = await App.Mail.WaitForAsync(reader.Email, AlertDelivery.MailKind);
        french.Subject.ShouldBe($"[Tribu] Alerte de veille sur « Query {feed.Brand} » : Mot d’alerte");
        french.TextBody!.ShouldContain("Une mention contient les mots d’alerte « arnaque »");
        french.TextBody!.ShouldContain($"/manage/listening/alerts#alert-{alert.Id}");
        french.TextBody!.ShouldContain($"/manage/listening/mentions/{alert.MentionId}");
        var english = await App.Mail.WaitForAsync($"press-{feed.Brand}@example.com", AlertDelivery.MailKind);
        english.Subject.ShouldBe($"[Tribu] Listening alert on “Query {feed.Brand}”: Keyword");
        App.Mail.All().Count(m => m.To.ToString().Contains("not-an-address", StringComparison.Ordinal)).ShouldBe(0);
    }
}

public sealed class ListeningAlertSqliteTests(SqliteListeningClockAppFactory app) : ListeningAlertTests<SqliteListeningClockAppFactory>(app), IClassFixture<SqliteListeningClockAppFactory>;

[Trait("Category", "Postgres")]
public sealed class ListeningAlertPostgresTests(PostgresListeningClockAppFactory app) : ListeningAlertTests<PostgresListeningClockAppFactory>(app), IClassFixture<PostgresListeningClockAppFactory>;
