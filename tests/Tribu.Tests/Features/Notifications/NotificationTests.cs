using Microsoft.EntityFrameworkCore;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Features.Spaces;

namespace Tribu.Tests.Features.Notifications;

/// <summary>Follows, mentions and notifications, in the app and by mail; run on SQLite and on PostgreSQL.</summary>
public abstract class NotificationTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    private Task<TestPerson> PersonAsync(string role = Roles.Member) => TestPerson.CreateAsync(App, role);

    private static async Task<long> StartAsync(TestPerson who, string space, string body = "Opening post")
    {
        var response = await who.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Discussion", title = "Notifications topic", body });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    private static async Task<long> ReplyAsync(TestPerson who, long topic, string body) =>
        (await (await who.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

    private static async Task<JsonElement> InboxAsync(TestPerson who) => await who.Client.Http.GetFromJsonAsync<JsonElement>("/api/v1/notifications");

    [Fact]
    public async Task Reply_NotifiesTopicFollowersButNotTheReplier_AndCanBeMarkedRead()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var author = await PersonAsync();
        using var replier = await PersonAsync();
        var topic = await StartAsync(author, space);

        await ReplyAsync(replier, topic, "Nice!");

        var inbox = await InboxAsync(author);
        inbox.GetProperty("unread").GetInt32().ShouldBe(1);
        inbox.GetProperty("items")[0].GetProperty("kind").GetString().ShouldBe("Reply");
        (await InboxAsync(replier)).GetProperty("total").GetInt32().ShouldBe(0);
        // The replier now follows too: the author's answer reaches them.
        await ReplyAsync(author, topic, "Thanks!");
        (await InboxAsync(replier)).GetProperty("unread").GetInt32().ShouldBe(1);

        (await author.Client.Http.PostAsJsonAsync("/api/v1/notifications/read", new { })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await InboxAsync(author)).GetProperty("unread").GetInt32().ShouldBe(0);
        (await author.Client.GetAsync("/notifications")).Text.ShouldContain("replied in \"Notifications topic\"");
    }

    [Fact]
    public async Task Mention_NotifiesOnceAndLinksTheProfile_ButNotInsideCode()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var author = await PersonAsync();
        using var mentioned = await PersonAsync();
        using var codeOnly = await PersonAsync();
        var topic = await StartAsync(author, space);

        await ReplyAsync(author, topic, $"Hey @{mentioned.Handle}, look at `@{codeOnly.Handle}` and mail me at someone@{mentioned.Handle}.example");

        var inbox = await InboxAsync(mentioned);
        inbox.GetProperty("total").GetInt32().ShouldBe(1);
        inbox.GetProperty("items")[0].GetProperty("kind").GetString().ShouldBe("Mention");
        (await InboxAsync(codeOnly)).GetProperty("total").GetInt32().ShouldBe(0);
        var page = await App.CreateTribuClient().GetAsync($"/t/{topic}");
        page.Document.QuerySelector($"#post-2 a[href='/u/{mentioned.Handle}']").ShouldNotBeNull();
    }

    [Fact]
    public async Task MentionInAStaffOnlySpace_DoesNotReachMembersWhoCannotReadIt()
    {
        var beta = await TestSpaces.CreateAsync(App, SpaceVisibility.Invite);
        using var manager = await PersonAsync(Roles.CommunityManager);
        using var outsider = await PersonAsync();
        await StartAsync(manager, beta, $"Should we invite @{outsider.Handle}?");
        (await InboxAsync(outsider)).GetProperty("total").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task FollowedSpace_TellsOfNewTopicsUntilUnfollowed()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var fan = await PersonAsync();
        using var poster = await PersonAsync();
        (await fan.Client.Http.PutAsync($"/api/v1/follows/Space/{space}", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await StartAsync(poster, space);
        (await InboxAsync(fan)).GetProperty("items")[0].GetProperty("kind").GetString().ShouldBe("NewTopic");

        (await fan.Client.Http.DeleteAsync($"/api/v1/follows/Space/{space}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await StartAsync(poster, space);
        (await InboxAsync(fan)).GetProperty("total").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task AcceptedAnswer_TellsItsAuthor()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var asker = await PersonAsync();
        using var helper = await PersonAsync();
        var question = (await (await asker.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Question", title = "How do I pair the app?", body = "?" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var answer = await ReplyAsync(helper, question, "Hold the button 5 s.");
        (await asker.Client.Http.PutAsJsonAsync($"/api/v1/topics/{question}/accepted-answer", new { postId = answer })).EnsureSuccessStatusCode();
        (await InboxAsync(helper)).GetProperty("items")[0].GetProperty("kind").GetString().ShouldBe("Accepted");
    }

    [Fact]
    public async Task EmailAtOnce_SendsAMailWithOneClickUnsubscribe_ThatWorksWithoutLoggingIn()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var author = await PersonAsync();
        using var replier = await PersonAsync();
        (await author.Client.Http.PutAsJsonAsync("/api/v1/notifications/preferences", new Dictionary<string, string> { ["Reply"] = "EmailNow" })).EnsureSuccessStatusCode();
        var topic = await StartAsync(author, space);

        await ReplyAsync(replier, topic, "First!");

        var mail = await App.Mail.WaitForAsync(author.Email, "notification");
        mail.Subject!.ShouldContain("replied in \"Notifications topic\"");
        var unsubscribe = mail.Headers["List-Unsubscribe"]!.Trim('<', '>');
        mail.Headers["List-Unsubscribe-Post"].ShouldBe("List-Unsubscribe=One-Click");

        using var mailClient = App.CreateTribuClient();
        (await mailClient.Http.PostAsync(new Uri(unsubscribe).PathAndQuery, new FormUrlEncodedContent(new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" })))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        (await author.Client.Http.GetFromJsonAsync<JsonElement>("/api/v1/notifications/preferences")).GetProperty("Reply").GetString().ShouldBe("InApp");
        (await mailClient.Http.PostAsync("/notifications/unsubscribe?token=forged", null)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task DailyDigest_ListsWhatIsUnreadOnce()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var reader = await PersonAsync();
        using var replier = await PersonAsync();
        (await reader.Client.Http.PutAsJsonAsync("/api/v1/notifications/preferences", new Dictionary<string, string> { ["Reply"] = "Digest" })).EnsureSuccessStatusCode();
        var topic = await StartAsync(reader, space);
        await ReplyAsync(replier, topic, "One");
        await ReplyAsync(replier, topic, "Two");

        var first = await App.WithScopeAsync(sp => ActivatorUtilities.CreateInstance<NotificationDigestJob>(sp).RunAsync(default));
        var again = await App.WithScopeAsync(sp => ActivatorUtilities.CreateInstance<NotificationDigestJob>(sp).RunAsync(default));

        first.ShouldBeGreaterThanOrEqualTo(1);
        again.ShouldBe(0);
        var digest = await App.Mail.WaitForAsync(reader.Email, "digest");
        digest.Subject!.ShouldContain("2 new things for you");
        await Task.Delay(300);
        App.Mail.All().Count(m => m.To.Mailboxes.Any(a => a.Address == reader.Email) && m.Headers["X-Tribu-Kind"] == "digest").ShouldBe(1);
    }

    [Fact]
    public async Task WeeklyDigest_WaitsForAWeekOfNews_ThenSendsItOnce()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var reader = await PersonAsync();
        using var replier = await PersonAsync();
        (await reader.Client.Http.PutAsJsonAsync("/api/v1/notifications/preferences", new Dictionary<string, string> { ["Reply"] = "WeeklyDigest" })).EnsureSuccessStatusCode();
        var topic = await StartAsync(reader, space);
        await ReplyAsync(replier, topic, "One");
        Task<int> RunAsync() => App.WithScopeAsync(sp => ActivatorUtilities.CreateInstance<NotificationDigestJob>(sp).RunAsync(default));
        Task<int> WeeklyMailsAsync() => Task.FromResult(App.Mail.All().Count(m => m.To.Mailboxes.Any(a => a.Address == reader.Email) && m.Headers["X-Tribu-Kind"] == "weekly-digest"));

        // Too fresh for this week's digest, and not in any daily one.
        await RunAsync();
        await Task.Delay(300);
        (await WeeklyMailsAsync()).ShouldBe(0);
        App.Mail.All().ShouldNotContain(m => m.To.Mailboxes.Any(a => a.Address == reader.Email) && m.Headers["X-Tribu-Kind"] == "digest");

        // A week later (the notification's clock moved back), it goes, once, with what came since.
        await ReplyAsync(replier, topic, "Two");
        var memberId = await App.WithDbAsync(db => db.Users.Where(u => u.Email == reader.Email).Select(u => u.Id).SingleAsync());
        await App.WithDbAsync(async db =>
        {
            var oldest = await db.Notifications.Where(n => n.RecipientId == memberId).OrderBy(n => n.Id).FirstAsync();
            oldest.CreatedAt = oldest.CreatedAt.AddDays(-7);
            return await db.SaveChangesAsync();
        });
        (await RunAsync()).ShouldBe(1);
        (await RunAsync()).ShouldBe(0);
        var weekly = await App.Mail.WaitForAsync(reader.Email, "weekly-digest");
        weekly.Subject!.ShouldContain("your week, 2 new things for you");
        await Task.Delay(300);
        (await WeeklyMailsAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task LiveStream_SendsTheUnreadCountThenEachChange()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var listener = await PersonAsync();
        using var other = await PersonAsync();
        var topic = await StartAsync(other, space);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/notifications/stream");
        using var response = await listener.Client.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        async Task<string> NextEventAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            while (await reader.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("data: ", StringComparison.Ordinal)) return line[6..];
            }
            throw new EndOfStreamException();
        }

        (await NextEventAsync()).ShouldBe("0");
        await ReplyAsync(other, topic, $"Ping @{listener.Handle}");
        (await NextEventAsync()).ShouldBe("1");
    }
}

public sealed class NotificationSqliteTests(SqliteAppFactory app) : NotificationTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class NotificationPostgresTests(PostgresAppFactory app) : NotificationTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
