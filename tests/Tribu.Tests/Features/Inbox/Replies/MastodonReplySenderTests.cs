using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Tests.Features.Listening.Sources;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Inbox;
using Tribu.Web.Features.Listening;
using Tribu.Web.Features.Listening.Sources;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.SocialAccounts;
using static Tribu.Tests.Features.SocialAccounts.SocialTestData;

namespace Tribu.Tests.Features.Inbox.Replies;

/// <summary>
/// Replying on Mastodon from the inbox, against fake instances: in reply to the right status (resolved on the account's
/// own instance when it was heard elsewhere), no more visible than it, posted once however often it is retried; and each
/// way it can fail, told with the inbox's error keys.
/// </summary>
public abstract class MastodonReplySenderTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    private async Task<(int AccountId, long ItemId, string StatusId)> DirectMentionAsync(FakeMastodon mastodon, string marker, string visibility = "public")
    {
        var token = $"tok-{marker}";
        mastodon.AddAccount($"brand{marker}", token);
        var statusId = mastodon.Mention(token, "alice", $"Mon vélo est cassé {marker}", visibility);
        var accountId = await ConnectMastodonAsync(App, mastodon, token);
        (await PollAsync(App, accountId)).Added.ShouldBe(1);
        var item = (await ItemsAsync(App, accountId)).Single();
        return (accountId, item.Id, statusId);
    }

    [Fact]
    public async Task ADirectMention_IsAnsweredInReplyToItsStatus_NoMoreVisiblyThanIt_AndARetryWithTheSameKeyPostsOnce()
    {
        await using var mastodon = await FakeMastodon.StartAsync();
        mastodon.MaxCharacters = 640;
        var marker = Marker();
        var (accountId, itemId, statusId) = await DirectMentionAsync(mastodon, marker, visibility: "direct");

        var target = await TargetAsync(App, itemId, ReplyRoute.Mastodon);
        target.ShouldBe(new ReplyTarget(ReplyRoute.Mastodon, accountId, $"@brand{marker}@127.0.0.1", 640 - "@alice ".Length), "the limit is the instance's own, less the handle the reply starts with");
        (await TargetAsync(App, itemId, ReplyRoute.Bluesky)).ShouldBeNull();

        var reply = await NewReplyAsync(App, itemId, ReplyRoute.Mastodon, accountId, "Bonjour, nous regardons ça tout de suite.");
        var sent = await SendAsync(App, reply.Id);
        sent.Ok.ShouldBeTrue(sent.Detail);
        var posted = mastodon.Statuses.ShouldHaveSingleItem();
        (sent.ExternalId, sent.Url).ShouldBe((posted.Id, $"{mastodon.BaseUrl}@brand{marker}/{posted.Id}"));
        (posted.InReplyToId, posted.Visibility, posted.Language, posted.IdempotencyKey).ShouldBe((statusId, "direct", "fr", reply.IdempotencyKey.ToString("D")));
        posted.Text.ShouldBe("@alice Bonjour, nous regardons ça tout de suite.", "only the accounts a status names are told of it");

        // The answer was lost, the inbox sends again with the same key: the same status comes back, nothing new is posted.
        var retried = await SendAsync(App, reply.Id);
        (retried.Ok, retried.ExternalId).ShouldBe((true, posted.Id));
        mastodon.Statuses.Count.ShouldBe(1);

        // A reply that already names the author is left as written.
        var named = await NewReplyAsync(App, itemId, ReplyRoute.Mastodon, accountId, "Merci @alice, c’est réparé.");
        (await SendAsync(App, named.Id)).Ok.ShouldBeTrue();
        mastodon.Statuses[^1].Text.ShouldBe("Merci @alice, c’est réparé.");
    }

    [Fact]
    public async Task AMentionHeardThroughAnotherInstance_IsResolvedOnTheAccountsInstanceFirst_AndAnAccountOnTheSameInstanceIsPreferred()
    {
        await using var heard = await FakeMastodon.StartAsync();
        await using var home = await FakeMastodon.StartAsync();
        home.Peers.Add(heard);
        var marker = Marker();
        var original = heard.Publish(1, hashtag: "veloria", text: $"<p>Le SAV de #veloria ne répond pas {marker}</p>", account: "bob")[0];
        var source = await SourceTestData.CreateAsync(App, SourceKind.Mastodon, heard.BaseUrl.ToString(), new SourceSettings { Mode = MastodonMode.Hashtag, Query = "veloria" });
        (await SourceTestData.PollAsync(App, source)).Error.ShouldBeNull();
        var itemId = await App.WithScopeAsync(async sp =>
        {
            var mention = await sp.GetRequiredService<Tribu.Web.Platform.Data.TribuDbContext>().Mentions.AsNoTracking().SingleAsync(m => m.SourceId == source && m.ExternalId == original);
            var (item, added) = await sp.GetRequiredService<InboxIntake>().AddAsync(new InboxItem
            {
                Key = $"mention:{mention.Id}", Channel = InboxChannel.Mention, MentionId = mention.Id, Subject = "SAV", Excerpt = mention.Text,
                Language = mention.Language, Url = mention.Url, AuthorHandle = mention.AuthorHandle, ExternalId = mention.ExternalId,
            });
            added.ShouldBeTrue();
            return item.Id;
        });

        // The other tests' accounts (the database is the class's) would be candidates too: out of the way.
        await App.WithDbAsync(db => db.SocialAccounts.Where(a => a.Network == SocialNetwork.Mastodon).ExecuteUpdateAsync(s => s.SetProperty(a => a.IsEnabled, false)));
        home.AddAccount($"brand{marker}", $"home-{marker}");
        var homeAccount = await ConnectMastodonAsync(App, home, $"home-{marker}");
        (await TargetAsync(App, itemId, ReplyRoute.Mastodon))!.SocialAccountId.ShouldBe(homeAccount);
        var reply = await NewReplyAsync(App, itemId, ReplyRoute.Mastodon, homeAccount, "Bonjour Bob, écrivez-nous en privé.");
        var sent = await SendAsync(App, reply.Id);
        sent.Ok.ShouldBeTrue(sent.Detail);
        home.Server.Requests.ShouldContain(r => r.StartsWith("/api/v2/search?q=" + Uri.EscapeDataString($"{heard.BaseUrl}@bob/{original}"), StringComparison.Ordinal) && r.Contains("resolve=true", StringComparison.Ordinal));
        var posted = home.Statuses.ShouldHaveSingleItem();
        posted.InReplyToId.ShouldNotBe(original, "a status id means something on the server that gave it only");
        home.Find(posted.InReplyToId!)!["url"]!.GetValue<string>().ShouldBe($"{heard.BaseUrl}@bob/{original}");
        posted.Text.ShouldBe($"@bob@127.0.0.1 Bonjour Bob, écrivez-nous en privé.");

        // An account on the instance the mention was heard on answers it directly, by its id there.
        heard.AddAccount($"local{marker}", $"heard-{marker}");
        var local = await ConnectMastodonAsync(App, heard, $"heard-{marker}");
        var target = await TargetAsync(App, itemId, ReplyRoute.Mastodon);
        (target!.SocialAccountId, target.Label).ShouldBe((local, $"@local{marker}@127.0.0.1"));
        var direct = await NewReplyAsync(App, itemId, ReplyRoute.Mastodon, null, "Bonjour Bob !");
        (await SendAsync(App, direct.Id)).Ok.ShouldBeTrue();
        heard.Statuses.ShouldHaveSingleItem().InReplyToId.ShouldBe(original);
        heard.Server.Requests.ShouldNotContain(r => r.StartsWith("/api/v2/search", StringComparison.Ordinal) && r.Contains("resolve=true", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Failures_AreToldWithTheInboxKeys_AndARevokedTokenMarksTheAccountUnauthorizedOnThePage()
    {
        await using var mastodon = await FakeMastodon.StartAsync();
        var marker = Marker();
        var (accountId, itemId, statusId) = await DirectMentionAsync(mastodon, marker);
        async Task<ReplySendResult> Send(string body) => await SendAsync(App, (await NewReplyAsync(App, itemId, ReplyRoute.Mastodon, accountId, body)).Id);

        var tooLong = await Send(new string('a', 495));
        (tooLong.Ok, tooLong.ErrorKey, tooLong.Detail).ShouldBe((false, "Inbox.Reply.Error.TooLong", "502/500"), "\"@alice \" counts too");
        var link = await Send(new string('a', 440) + " https://veloria.example/" + new string('x', 100));
        link.Ok.ShouldBeTrue(link.Detail + " — a link counts as 23 characters, whatever its length");
        mastodon.MaxCharacters = 100;
        var refusedLength = await Send(new string('b', 200));
        (refusedLength.ErrorKey, refusedLength.Detail).ShouldBe(("Inbox.Reply.Error.TooLong", "Validation failed: Text character limit of 100 exceeded"));
        mastodon.MaxCharacters = 500;

        mastodon.TooManyRequestsFor = TimeSpan.FromMinutes(2);
        (await Send("Trop vite")).ErrorKey.ShouldBe("Inbox.Reply.Error.RateLimited");
        mastodon.TooManyRequestsFor = null;
        mastodon.Fail = p => p == "/api/v1/statuses";
        var down = await Send("En panne");
        (down.ErrorKey, down.Detail).ShouldBe(("Inbox.Reply.Error.Network", "The server answered with HTTP status 500."));
        mastodon.Fail = _ => false;

        // Deleted before the reply is posted, or between the look-up and the post.
        mastodon.OnRequest = p =>
        {
            if (p == "/api/v1/statuses") mastodon.Delete(statusId);
        };
        var raced = await Send("Trop tard");
        (raced.ErrorKey, raced.Detail).ShouldBe(("Inbox.Reply.Error.Deleted", "The post you are trying to reply to does not appear to exist."));
        mastodon.OnRequest = null;
        (await Send("Encore plus tard")).ErrorKey.ShouldBe("Inbox.Reply.Error.Deleted");
        mastodon.Statuses.Count.ShouldBe(1, "only the reply with a link went out");

        mastodon.Revoke($"tok-{marker}");
        var revoked = await Send("Plus de jeton");
        (revoked.ErrorKey, revoked.Detail).ShouldBe(("Inbox.Reply.Error.Unauthorized", "The access token is invalid"));
        (await AccountAsync(App, accountId)).Status.ShouldBe(SocialAccountStatus.Unauthorized);
        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager, "fr");
        var row = (await manager.GetAsync("/manage/accounts")).Document.GetElementById($"account-{accountId}")!.TextContent;
        row.ShouldContain("Non autorisé : à reconnecter");
        row.ShouldContain("Refusé par le réseau : The access token is invalid");

        await App.WithScopeAsync(sp => sp.GetRequiredService<SocialAccountService>().SetEnabledAsync(accountId, false));
        (await TargetAsync(App, itemId, ReplyRoute.Mastodon)).ShouldBeNull("a disabled account answers nothing");
        (await Send("Désactivé")).ErrorKey.ShouldBe("Inbox.Reply.Error.NoAccount");
    }
}

public sealed class MastodonReplySenderSqliteTests(SourcesSqliteAppFactory app) : MastodonReplySenderTests<SourcesSqliteAppFactory>(app), IClassFixture<SourcesSqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class MastodonReplySenderPostgresTests(SourcesPostgresAppFactory app) : MastodonReplySenderTests<SourcesPostgresAppFactory>(app), IClassFixture<SourcesPostgresAppFactory>;
