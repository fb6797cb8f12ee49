using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Listening;
using Tribu.Web.Features.Listening.Sources;
using static Tribu.Tests.Features.Listening.Sources.SourceTestData;

namespace Tribu.Tests.Features.Listening.Sources;

/// <summary>
/// Polling the feeds and networks against fake servers on loopback: bounded backfill, paging, a run stopped in the middle
/// and restarted that resumes from its cursor with no duplicate and no gap, conditional GET, rate limits, and the job:
/// a failing source backs off while the others carry on.
/// </summary>
public abstract class SourcePollingTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    [Fact]
    public async Task Mastodon_FirstPollTakesTheLatestPageOnly_ThenAStoppedSweepResumesFromItsCursor_WithNoDuplicateAndNoGap()
    {
        await using var mastodon = await FakeMastodon.StartAsync();
        var tag = "veloria" + Guid.NewGuid().ToString("N")[..6];
        var history = mastodon.Publish(60, tag);
        var id = await CreateAsync(App, SourceKind.Mastodon, mastodon.BaseUrl.ToString(), new SourceSettings { Mode = MastodonMode.Hashtag, Query = tag });

        // First poll: the newest page only, not the whole history.
        var first = await PollAsync(App, id);
        first.Error.ShouldBeNull();
        first.Added.ShouldBe(MastodonConnector.PageSize);
        (await IdsAsync(App, id)).ToHashSet().SetEquals(history.TakeLast(40)).ShouldBeTrue();

        // 100 new statuses; the sweep's second page fails: the first page (the newest 40) is kept with its cursor.
        var fresh = mastodon.Publish(100, tag);
        mastodon.Fail = q => q.Contains("max_id=", StringComparison.Ordinal);
        var failed = await PollAsync(App, id);
        failed.Error.ShouldNotBeNull();
        failed.Added.ShouldBe(40);
        var source = await GetAsync(App, id);
        source.ConsecutiveFailures.ShouldBe(1);
        source.LastError.ShouldStartWith("Sources.Error.Http");
        source.Cursor.ShouldNotBeNull();

        // Restarted: it goes on below the last stored page (its first request has max_id), and ends with exactly every status.
        mastodon.Fail = _ => false;
        mastodon.Server.ClearRequests();
        var resumed = await PollAsync(App, id);
        resumed.Error.ShouldBeNull();
        resumed.Added.ShouldBe(60);
        resumed.Duplicates.ShouldBe(0);
        var firstRequest = mastodon.Server.Requests.First();
        firstRequest.ShouldContain("max_id=" + fresh[60]);
        firstRequest.ShouldContain("since_id=" + history[^1]);
        var stored = await IdsAsync(App, id);
        stored.Count.ShouldBe(140);
        stored.ToHashSet().SetEquals(history.TakeLast(40).Concat(fresh)).ShouldBeTrue();
        (source = await GetAsync(App, id)).ConsecutiveFailures.ShouldBe(0);
        source.LastError.ShouldBeNull();
        source.ItemCount.ShouldBe(140);

        // Nothing new: one request above the newest status, nothing added.
        mastodon.Server.ClearRequests();
        (await PollAsync(App, id)).Added.ShouldBe(0);
        mastodon.Server.Requests.Single().ShouldContain("since_id=" + fresh[^1]);
    }

    [Fact]
    public async Task Mastodon_StatusesAreMappedWithTheirAuthor_AndABoostIsTheStatusItBoosts()
    {
        await using var mastodon = await FakeMastodon.StartAsync();
        var word = "zorglub" + Guid.NewGuid().ToString("N")[..6];
        var original = mastodon.Publish(1, "misc", $"<p>Le vélo {word} est génial&nbsp;!</p>", account: "dana", followers: 5400).Single();
        mastodon.Boost(original, "bob");
        var id = await CreateAsync(App, SourceKind.Mastodon, mastodon.BaseUrl.ToString(), new SourceSettings { Mode = MastodonMode.Account, Query = "bob" });
        var account = await PollAsync(App, id);
        account.Error.ShouldBeNull();
        var mention = await App.WithDbAsync(db => db.Mentions.AsNoTracking().SingleAsync(m => m.SourceId == id));
        mention.ExternalId.ShouldBe(original);
        mention.Text.ShouldContain($"Le vélo {word} est génial");
        mention.AuthorHandle.ShouldBe($"@dana@{mastodon.BaseUrl.Host}");
        mention.AuthorName.ShouldBe("Dana");
        mention.AuthorFollowers.ShouldBe(5400);
        mention.Language.ShouldBe("fr");
        mention.Url.ShouldBe($"{mastodon.BaseUrl}@dana/{original}");

        var search = await CreateAsync(App, SourceKind.Mastodon, mastodon.BaseUrl.ToString(), new SourceSettings { Mode = MastodonMode.Search, Query = word });
        (await PollAsync(App, search)).Added.ShouldBe(1);
        mastodon.Server.Requests.ShouldContain(r => r.StartsWith("/api/v2/search?type=statuses&q=" + word, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Mastodon_RateLimited_PushesTheNextPollToTheResetTime_WithoutCountingAFailure()
    {
        await using var mastodon = await FakeMastodon.StartAsync();
        var tag = "limit" + Guid.NewGuid().ToString("N")[..6];
        mastodon.Publish(3, tag);
        var id = await CreateAsync(App, SourceKind.Mastodon, mastodon.BaseUrl.ToString(), new SourceSettings { Mode = MastodonMode.Hashtag, Query = tag });
        mastodon.TooManyRequestsFor = TimeSpan.FromMinutes(10);
        var outcome = await PollAsync(App, id);
        outcome.Error.ShouldBeNull();
        outcome.Warning.ShouldBe("Sources.Warning.RateLimited");
        var source = await GetAsync(App, id);
        source.ConsecutiveFailures.ShouldBe(0);
        source.NextPollAt!.Value.ShouldBeGreaterThan(TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(9));

        // Nearly spent (X-RateLimit-Remaining): the page is stored, the next poll waits for the reset.
        mastodon.TooManyRequestsFor = null;
        mastodon.RateLimitRemaining = 1;
        (await PollAsync(App, id)).Added.ShouldBe(3);
        (await GetAsync(App, id)).NextPollAt!.Value.ShouldBeGreaterThan(TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(3));
    }

    [Fact]
    public async Task Bluesky_ARunCancelledAfterThFirstPage_ResumesWithTheSearchCursor_WithNoDuplicateAndNoGap()
    {
        await using var bluesky = await FakeBluesky.StartAsync();
        var word = "Veloria" + Guid.NewGuid().ToString("N")[..6];
        var before = bluesky.Publish(30, $"{word} est super");
        var id = await CreateAsync(App, SourceKind.Bluesky, bluesky.BaseUrl.ToString(), new SourceSettings { Query = word });
        (await PollAsync(App, id)).Added.ShouldBe(30);
        var mention = await App.WithDbAsync(db => db.Mentions.AsNoTracking().FirstAsync(m => m.SourceId == id && m.ExternalId == before[0]));
        mention.AuthorHandle.ShouldBe("@carol.bsky.social");
        mention.Url.ShouldBe($"https://bsky.app/profile/carol.bsky.social/post/{before[0].Split('/')[^1]}");
        mention.Language.ShouldBe("fr");

        var after = bluesky.Publish(250, $"{word} est super");
        using var stop = new CancellationTokenSource();
        bluesky.OnRequest = q =>
        {
            if (q.Contains("cursor=", StringComparison.Ordinal)) stop.Cancel();
        };
        await Should.ThrowAsync<OperationCanceledException>(() => PollAsync(App, id, stop.Token));
        (await IdsAsync(App, id)).Count.ShouldBe(130, "the first page of the sweep was stored with its cursor");

        bluesky.OnRequest = null;
        bluesky.Server.ClearRequests();
        var resumed = await PollAsync(App, id);
        resumed.Error.ShouldBeNull();
        resumed.Added.ShouldBe(150);
        bluesky.Server.Requests.First().ShouldContain("cursor=100");
        var stored = await IdsAsync(App, id);
        stored.Count.ShouldBe(280);
        stored.ToHashSet().SetEquals(before.Concat(after)).ShouldBeTrue();
    }

    [Fact]
    public async Task Feed_IsReadWithAConditionalGet_AndAnUnchangedFeedCostsA304()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var etag = "\"v1\"";
        var feed = $"""
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>Blog</title><link>https://blog.example/</link>
            <item><title>Véloria {marker} one</title><link>/posts/1</link><guid>{marker}-1</guid><pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate></item>
            <item><title>Véloria {marker} two</title><link>/posts/2</link><guid>{marker}-2</guid><pubDate>Mon, 23 Nov 2026 11:00:00 +0100</pubDate></item>
            </channel></rss>
            """;
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            if (context.Request.Headers.IfNoneMatch == etag)
            {
                context.Response.StatusCode = 304;
                return;
            }
            context.Response.Headers.ETag = etag;
            context.Response.ContentType = "application/rss+xml";
            await context.Response.WriteAsync(feed);
        });
        var id = await CreateAsync(App, SourceKind.Rss, server.Url("/feed.xml").ToString());
        (await PollAsync(App, id)).Added.ShouldBe(2);
        var urls = await App.WithDbAsync(db => db.Mentions.Where(m => m.SourceId == id).OrderBy(m => m.ExternalId).Select(m => m.Url).ToListAsync());
        urls.ShouldBe([server.Url("/posts/1").ToString(), server.Url("/posts/2").ToString()]);
        var second = await PollAsync(App, id);
        second.Added.ShouldBe(0);
        second.Error.ShouldBeNull();
        server.RequestHeaders.Last()["If-None-Match"].ShouldBe(etag);
        (await GetAsync(App, id)).LastSuccessAt.ShouldNotBeNull();
    }

    [Fact]
    public async Task Job_AnUnreachableOrSlowSourceBacksOff_WhileTheOthersCarryOn_AndASuccessResets()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var closed = await LoopbackServer.StartAsync();
        var deadUrl = closed.Url("/feed.xml").ToString();
        await closed.DisposeAsync();
        await using var slow = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "application/rss+xml";
            await context.Response.WriteAsync("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>");
            await context.Response.Body.FlushAsync();
            await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted);
        });
        var healthy = true;
        await using var good = await LoopbackServer.StartAsync(async context =>
        {
            if (!healthy)
            {
                context.Response.StatusCode = 503;
                return;
            }
            context.Response.ContentType = "application/atom+xml";
            await context.Response.WriteAsync($"""
                <feed xmlns="http://www.w3.org/2005/Atom"><title>News</title>
                <entry><id>urn:{marker}:1</id><title>Véloria {marker}</title><updated>2026-11-23T10:00:00Z</updated><link href="https://news.example/1"/></entry>
                </feed>
                """);
        });
        var dead = await CreateAsync(App, SourceKind.Rss, deadUrl);
        var trickle = await CreateAsync(App, SourceKind.Rss, slow.Url("/feed.xml").ToString());
        var fine = await CreateAsync(App, SourceKind.Rss, good.Url("/feed.xml").ToString());
        var disabled = await CreateAsync(App, SourceKind.Rss, good.Url("/other.xml").ToString());
        await App.WithDbAsync(db => db.ListeningSources.Where(s => s.Id == disabled).ExecuteUpdateAsync(s => s.SetProperty(x => x.IsEnabled, false)));

        var started = TimeProvider.System.GetUtcNow().UtcDateTime;
        (await RunJobAsync()).ShouldBeGreaterThanOrEqualTo(3);
        var okSource = await GetAsync(App, fine);
        okSource.LastError.ShouldBeNull();
        okSource.ItemCount.ShouldBe(1);
        okSource.NextPollAt!.Value.ShouldBeInRange(started.AddMinutes(4.9), TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(5.1));
        foreach (var (failing, key) in new[] { (dead, "Sources.Error.Unreachable"), (trickle, "Sources.Error.Idle") })
        {
            var s = await GetAsync(App, failing);
            s.LastError.ShouldStartWith(key);
            s.ConsecutiveFailures.ShouldBe(1);
            s.LastSuccessAt.ShouldBeNull();
            s.NextPollAt!.Value.ShouldBeInRange(started.AddMinutes(9.9), TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(10.1), "twice the 5-minute interval");
        }
        (await GetAsync(App, disabled)).LastPolledAt.ShouldBeNull();

        // Not due yet: the next run leaves them alone. Due again and failing again: the wait doubles.
        await RunJobAsync();
        (await GetAsync(App, dead)).ConsecutiveFailures.ShouldBe(1);
        await MakeDueAsync(dead, fine);
        healthy = false;
        started = TimeProvider.System.GetUtcNow().UtcDateTime;
        await RunJobAsync();
        var twice = await GetAsync(App, dead);
        twice.ConsecutiveFailures.ShouldBe(2);
        twice.NextPollAt!.Value.ShouldBeInRange(started.AddMinutes(19.9), TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(20.1));
        var broken = await GetAsync(App, fine);
        broken.LastError.ShouldBe(SourceMessage.Encode("Sources.Error.Http", "503"));
        broken.LastSuccessAt.ShouldNotBeNull("its last success is still shown");

        // The back-off has a cap; a success resets it.
        SourcePoller.Backoff(TimeSpan.FromMinutes(5), 30).ShouldBe(SourcePoller.MaxBackoff);
        healthy = true;
        await MakeDueAsync(fine);
        await RunJobAsync();
        var healed = await GetAsync(App, fine);
        healed.ConsecutiveFailures.ShouldBe(0);
        healed.LastError.ShouldBeNull();
    }

    private Task<int> RunJobAsync() => App.WithScopeAsync(sp => ActivatorUtilities.CreateInstance<ListeningPollJob>(sp).RunAsync());

    private Task<int> MakeDueAsync(params int[] ids) =>
        App.WithDbAsync(db => db.ListeningSources.Where(s => ids.Contains(s.Id)).ExecuteUpdateAsync(s => s.SetProperty(x => x.NextPollAt, TimeProvider.System.GetUtcNow().UtcDateTime.AddSeconds(-1))));
}

public sealed class SourcePollingSqliteTests(SourcesSqliteAppFactory app) : SourcePollingTests<SourcesSqliteAppFactory>(app), IClassFixture<SourcesSqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class SourcePollingPostgresTests(SourcesPostgresAppFactory app) : SourcePollingTests<SourcesPostgresAppFactory>(app), IClassFixture<SourcesPostgresAppFactory>;
