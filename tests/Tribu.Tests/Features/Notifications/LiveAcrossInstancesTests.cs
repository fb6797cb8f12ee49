using System.Net.Http.Json;
using System.Text.Json;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Notifications;

namespace Tribu.Tests.Features.Notifications;

/// <summary>
/// Two Tribu instances on one PostgreSQL database and one Redis: what happens on instance A reaches the live pages
/// served by instance B (a topic's new replies, a member's unread count), through Redis pub/sub.
/// </summary>
[Trait("Category", "Postgres")]
public sealed class LiveAcrossInstancesTests : IAsyncLifetime
{
    private PostgresDatabase? _database;
    private TribuAppFactory? _a;
    private TribuAppFactory? _b;

    public async ValueTask InitializeAsync()
    {
        if (string.IsNullOrEmpty(TestEnvironment.PostgresAdmin) || string.IsNullOrEmpty(TestEnvironment.Redis)) return;
        _database = await PostgresDatabase.CreateAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = _database.ConnectionString,
            ["Redis:Configuration"] = TestEnvironment.Redis,
            // Its own channel: other test runs on the same Redis are not heard.
            ["Redis:Prefix"] = "tribu-test-" + Guid.NewGuid().ToString("N")[..8],
            // Long enough that only an eviction can refresh a cached page within a test.
            ["PageCache:Expiry"] = "00:10:00",
        };
        _a = new TribuAppFactory(TestDatabase.Postgres, settings);
        await _a.InitializeAsync();
        _b = new TribuAppFactory(TestDatabase.Postgres, settings);
        await _b.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_b is not null) await _b.DisposeAsync();
        if (_a is not null) await _a.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
    }

    private static async Task<string> NextEventAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal)) return line[6..];
        }
        throw new EndOfStreamException();
    }

    [Fact]
    public async Task ReplyPostedOnInstanceA_ReachesTheTopicPageAndTheUnreadCountServedByInstanceB()
    {
        TestEnvironment.RequirePostgres();
        TestEnvironment.RequireRedis();
        _a!.Service<ILiveBus>().ShouldBeOfType<RedisLiveBus>();
        var space = await TestSpaces.CreateAsync(_a);
        using var author = await TestPerson.CreateAsync(_a);
        var topic = (await (await author.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Question", title = "Across instances", body = "Anyone?" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        // The same member, signed in on instance B (same database), listens to their unread count there.
        using var onB = _b!.CreateTribuClient();
        await onB.LogInAsync(author.Email, TestMembers.Password);

        using var anonymousOnB = _b.CreateTribuClient();
        using var topicStream = await anonymousOnB.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/t/{topic}/stream"), HttpCompletionOption.ResponseHeadersRead);
        using var topicEvents = new StreamReader(await topicStream.Content.ReadAsStreamAsync());
        using var unreadStream = await onB.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/notifications/stream"), HttpCompletionOption.ResponseHeadersRead);
        using var unreadEvents = new StreamReader(await unreadStream.Content.ReadAsStreamAsync());
        await NextEventAsync(topicEvents);
        (await NextEventAsync(unreadEvents)).ShouldBe("0");

        using var helper = await TestPerson.CreateAsync(_a, Roles.Member);
        (await helper.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = "Yes, from instance A." })).EnsureSuccessStatusCode();

        (await NextEventAsync(topicEvents)).ShouldNotBeNullOrEmpty();
        (await NextEventAsync(unreadEvents)).ShouldBe("1");
        (await anonymousOnB.GetAsync($"/t/{topic}")).Text.ShouldContain("Yes, from instance A.");
    }

    [Fact]
    public async Task ReplyPostedOnInstanceA_EvictsThePageCachedByInstanceB()
    {
        TestEnvironment.RequirePostgres();
        TestEnvironment.RequireRedis();
        var space = await TestSpaces.CreateAsync(_a!);
        using var author = await TestPerson.CreateAsync(_a!);
        var topic = (await (await author.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Discussion", title = "Cached on B", body = "Read on B." }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        using var anonymousOnB = _b!.CreateTribuClient();
        await anonymousOnB.GetAsync($"/t/{topic}");
        var cached = await anonymousOnB.GetAsync($"/t/{topic}");
        cached.Response.Headers.Age.ShouldNotBeNull();

        (await author.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = "Written on A." })).EnsureSuccessStatusCode();

        // B hears the change through Redis a moment later; without the eviction it would keep its page for ten minutes.
        var deadline = TimeProvider.System.GetTimestamp() + TimeProvider.System.TimestampFrequency * 10;
        var page = await anonymousOnB.GetAsync($"/t/{topic}");
        while (!page.Text.Contains("Written on A.", StringComparison.Ordinal) && TimeProvider.System.GetTimestamp() < deadline)
        {
            await Task.Delay(100);
            page = await anonymousOnB.GetAsync($"/t/{topic}");
        }
        page.Text.ShouldContain("Written on A.");
    }
}
