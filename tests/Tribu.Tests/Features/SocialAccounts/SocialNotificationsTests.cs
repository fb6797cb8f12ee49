using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Tests.Features.Listening.Sources;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Inbox;
using Tribu.Web.Features.SocialAccounts;
using static Tribu.Tests.Features.SocialAccounts.SocialTestData;

namespace Tribu.Tests.Features.SocialAccounts;

/// <summary>
/// Direct mentions read from the connected accounts' notifications into the inbox: the first poll starts from the present
/// (the latest page only), later polls read what is new, each post becomes one item once, across polls and a restart
/// (a second instance of the app on the same database); one failing account backs off without holding up the others, and
/// a refused credential stops its polling.
/// </summary>
public abstract class SocialNotificationsTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    /// <summary>Another instance of Tribu on the same database and data folder (so the same Data Protection keys): what a restart finds.</summary>
    private async Task<TribuAppFactory> RestartedAsync()
    {
        var settings = new Dictionary<string, string?>(SourcesSettings.Values) { ["Storage:DataPath"] = App.DataPath };
        if (App.Database == TestDatabase.Postgres) settings["Database:ConnectionString"] = App.Service<IConfiguration>()["Database:ConnectionString"];
        var restarted = new TribuAppFactory(App.Database, settings);
        await restarted.InitializeAsync();
        return restarted;
    }

    private static Task<int> RunJobAsync(TribuAppFactory app) =>
        app.WithScopeAsync(sp => ActivatorUtilities.CreateInstance<SocialNotificationsJob>(sp).RunAsync());

    [Fact]
    public async Task Mastodon_FirstPollTakesTheLatestPage_ThenEachNewMentionBecomesOneItem_AcrossPollsAndARestart()
    {
        await using var mastodon = await FakeMastodon.StartAsync();
        var marker = Marker();
        var token = $"tok-{marker}";
        mastodon.AddAccount($"brand{marker}", token);
        var history = Enumerable.Range(0, 45).Select(i => mastodon.Mention(token, "alice", $"ancien {i} {marker}")).ToList();
        mastodon.Follow(token, "bob");
        var id = await ConnectMastodonAsync(App, mastodon, token);

        var first = await PollAsync(App, id);
        (first.Added, first.Error).ShouldBe((40, null));
        var items = await ItemsAsync(App, id);
        items.Select(i => i.ExternalId).Order().ShouldBe(history.Skip(5).Order(), "the first poll starts from the present: the latest page, not the years before");
        var item = items.Single(i => i.ExternalId == history[^1]);
        (item.Channel, item.Status, item.AuthorHandle, item.AuthorFollowers, item.Language).ShouldBe((InboxChannel.DirectMention, InboxStatus.Open, "alice@127.0.0.1", 850, "fr"));
        item.Excerpt.ShouldBe($"@brand{marker} ancien 44 {marker}");
        item.Url.ShouldBe($"{mastodon.BaseUrl}@alice/{history[^1]}");
        item.Key.ShouldBe($"direct:{id}:{history[^1]}");

        // More than a page arrives: read forward from the cursor, page after page, each once.
        var fresh = Enumerable.Range(0, 41).Select(i => mastodon.Mention(token, "carol", $"nouveau {i} {marker}", visibility: "direct")).ToList();
        (await PollAsync(App, id)).Added.ShouldBe(41);
        (await PollAsync(App, id)).Added.ShouldBe(0);
        mastodon.Server.Requests.Last().ShouldContain("min_id=");
        var account = await AccountAsync(App, id);
        (account.Status, account.ConsecutiveFailures, account.LastError).ShouldBe((SocialAccountStatus.Connected, 0, null));
        account.NotificationsCursor.ShouldNotBeNull();

        await using (var restarted = await RestartedAsync())
        {
            (await PollAsync(restarted, id)).Added.ShouldBe(0, "a restart resumes from the saved cursor: nothing twice");
            var later = mastodon.Mention(token, "dave", $"après redémarrage {marker}");
            (await PollAsync(restarted, id)).Added.ShouldBe(1);
            (await ItemsAsync(restarted, id)).ShouldContain(i => i.ExternalId == later);
        }
        (await ItemsAsync(App, id)).Select(i => i.ExternalId).ShouldBeUnique();
        (await ItemsAsync(App, id)).Count.ShouldBe(40 + 41 + 1);
        (await ItemsAsync(App, id)).Where(i => fresh.Contains(i.ExternalId!)).Select(i => i.AuthorHandle).Distinct().ShouldBe(["carol@127.0.0.1"]);
    }

    [Fact]
    public async Task Bluesky_FirstPollTakesTheLatestPage_ThenMentionsRepliesAndQuotesBecomeOneItemEach_AcrossPollsAndARestart()
    {
        await using var bluesky = await FakeBluesky.StartAsync();
        var marker = Marker();
        var handle = $"brand{marker}.bsky.social";
        bluesky.AddAccount(handle, $"pw-{marker}");
        var history = Enumerable.Range(0, 55).Select(i => bluesky.Notify(handle, "carol.bsky.social", $"@{handle} ancien {i}")).ToList();
        var id = await ConnectBlueskyAsync(App, bluesky, handle, $"pw-{marker}");

        (await PollAsync(App, id)).Added.ShouldBe(50);
        var items = await ItemsAsync(App, id);
        items.Select(i => i.ExternalId).Order().ShouldBe(history.Skip(5).Order());
        var item = items.Single(i => i.ExternalId == history[^1]);
        (item.Channel, item.AuthorHandle, item.Excerpt, item.Language).ShouldBe((InboxChannel.DirectMention, "carol.bsky.social", $"@{handle} ancien 54", "fr"));
        item.Url.ShouldBe($"https://bsky.app/profile/carol.bsky.social/post/{history[^1].Split('/')[^1]}");

        // What speaks to the account comes in (mentions, replies, quotes: three pages' worth); likes do not.
        var mentions = Enumerable.Range(0, 110).Select(i => bluesky.Notify(handle, "dave.bsky.social", $"@{handle} nouveau {i}")).ToList();
        var reply = bluesky.Notify(handle, "erin.bsky.social", "Toujours pas de réponse du SAV", "reply", replyTo: history[0]);
        var quote = bluesky.Notify(handle, "fred.bsky.social", "Regardez ça", "quote");
        var like = bluesky.Notify(handle, "gus.bsky.social", "un like", "like");
        (await PollAsync(App, id)).Added.ShouldBe(112);
        (await PollAsync(App, id)).Added.ShouldBe(0);
        var all = (await ItemsAsync(App, id)).Select(i => i.ExternalId).ToList();
        all.ShouldContain(reply);
        all.ShouldContain(quote);
        all.ShouldNotContain(like);
        all.ShouldContain(mentions[0]);

        await using (var restarted = await RestartedAsync())
        {
            (await PollAsync(restarted, id)).Added.ShouldBe(0, "a restart resumes from the saved cursor (and logs in again): nothing twice");
            var later = bluesky.Notify(handle, "hal.bsky.social", $"@{handle} après redémarrage");
            (await PollAsync(restarted, id)).Added.ShouldBe(1);
            (await ItemsAsync(restarted, id)).ShouldContain(i => i.ExternalId == later);
        }
        var final = await ItemsAsync(App, id);
        final.Select(i => i.ExternalId).ShouldBeUnique();
        final.Count.ShouldBe(50 + 112 + 1);
    }

    [Fact]
    public async Task TheJob_BacksOffAFailingAccountWithoutHoldingUpTheOthers_WaitsOutRateLimits_AndStopsPollingARefusedOne()
    {
        await using var failing = await FakeMastodon.StartAsync();
        await using var healthy = await FakeMastodon.StartAsync();
        var marker = Marker();
        failing.AddAccount($"down{marker}", $"down-{marker}");
        healthy.AddAccount($"up{marker}", $"up-{marker}");
        var down = await ConnectMastodonAsync(App, failing, $"down-{marker}");
        var up = await ConnectMastodonAsync(App, healthy, $"up-{marker}");
        failing.Mention($"down-{marker}", "alice", $"en panne {marker}");
        healthy.Mention($"up-{marker}", "alice", $"en forme {marker}");
        failing.Fail = p => p.StartsWith("/api/v1/notifications", StringComparison.Ordinal);

        (await RunJobAsync(App)).ShouldBeGreaterThanOrEqualTo(2);
        (await ItemsAsync(App, up)).Count.ShouldBe(1);
        var broken = await AccountAsync(App, down);
        (broken.Status, broken.ConsecutiveFailures).ShouldBe((SocialAccountStatus.Failing, 1));
        broken.LastError.ShouldNotBeNull();
        broken.NextPollAt!.Value.ShouldBeGreaterThan(TimeProvider.System.GetUtcNow().UtcDateTime.AddSeconds(30));
        (await ItemsAsync(App, down)).ShouldBeEmpty();
        using (var manager = await TestMembers.LoggedInAsync(App, Tribu.Web.Features.Members.Roles.CommunityManager))
        {
            var row = (await manager.GetAsync("/manage/accounts")).Document.GetElementById($"account-{down}")!.TextContent;
            row.ShouldContain("Failing");
            row.ShouldContain("The server answered with HTTP status 500.");
        }

        // Not due yet: the failing server is left alone; the healthy one is read again.
        var asked = failing.Server.Requests.Count;
        healthy.Mention($"up-{marker}", "bob", $"encore {marker}");
        await RunJobAsync(App);
        failing.Server.Requests.Count.ShouldBe(asked);
        (await ItemsAsync(App, up)).Count.ShouldBe(2);

        // Fixed and due again: read, and its failures forgotten. A nearly spent rate limit waits for the reset.
        failing.Fail = _ => false;
        failing.RateLimitRemaining = 1;
        await App.WithDbAsync(db => db.SocialAccounts.Where(a => a.Id == down).ExecuteUpdateAsync(s => s.SetProperty(a => a.NextPollAt, (DateTime?)null)));
        await RunJobAsync(App);
        (await ItemsAsync(App, down)).Count.ShouldBe(1);
        var recovered = await AccountAsync(App, down);
        (recovered.Status, recovered.ConsecutiveFailures, recovered.LastError).ShouldBe((SocialAccountStatus.Connected, 0, null));
        recovered.NextPollAt!.Value.ShouldBeGreaterThan(TimeProvider.System.GetUtcNow().UtcDateTime.AddMinutes(3), "the rate limit resets in four minutes");

        // A revoked token: unauthorized, and no longer polled until reconnected.
        healthy.Revoke($"up-{marker}");
        await RunJobAsync(App);
        var refused = await AccountAsync(App, up);
        refused.Status.ShouldBe(SocialAccountStatus.Unauthorized);
        refused.LastError.ShouldNotBeNull();
        var before = healthy.Server.Requests.Count;
        await RunJobAsync(App);
        healthy.Server.Requests.Count.ShouldBe(before);
    }
}

public sealed class SocialNotificationsSqliteTests(SourcesSqliteAppFactory app) : SocialNotificationsTests<SourcesSqliteAppFactory>(app), IClassFixture<SourcesSqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class SocialNotificationsPostgresTests(SourcesPostgresAppFactory app) : SocialNotificationsTests<SourcesPostgresAppFactory>(app), IClassFixture<SourcesPostgresAppFactory>;
