using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Tests.Features.Listening.Sources;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Inbox;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.SocialAccounts;
using static Tribu.Tests.Features.SocialAccounts.SocialTestData;

namespace Tribu.Tests.Features.Inbox.Replies;

/// <summary>
/// Replying on Bluesky from the inbox, against a fake PDS: a post record with strong references to the thread's root and
/// the parent, under a record key derived from the reply, so retries (and answers lost on the way) never post twice;
/// sessions kept and refreshed; each failure told with the inbox's error keys.
/// </summary>
public abstract class BlueskyReplySenderTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    private async Task<(int AccountId, long ItemId, string Handle, string Root, string Parent)> ReplyMentioningTheBrandAsync(FakeBluesky bluesky, string marker)
    {
        var handle = $"brand{marker}.bsky.social";
        bluesky.AddAccount(handle, $"pw-{marker}");
        var root = bluesky.Publish(1, $"Qui a un vélo Véloria ? {marker}", "carol.bsky.social")[0];
        var parent = bluesky.Notify(handle, "dave.bsky.social", $"@{handle} le mien est en panne depuis un mois {marker}", "mention", replyTo: root);
        var accountId = await ConnectBlueskyAsync(App, bluesky, handle, $"pw-{marker}");
        (await PollAsync(App, accountId)).Added.ShouldBe(1);
        return (accountId, (await ItemsAsync(App, accountId)).Single().Id, handle, root, parent);
    }

    private static JsonObject Ref(FakeBluesky bluesky, string uri) => new() { ["uri"] = uri, ["cid"] = bluesky.Post(uri)!["cid"]!.DeepClone() };

    [Fact]
    public async Task AReply_IsARecordWithTheThreadsRootAndItsParent_UnderAKeyFromTheReply_AndRetriesOrLostAnswersPostItOnce()
    {
        await using var bluesky = await FakeBluesky.StartAsync();
        var marker = Marker();
        var (accountId, itemId, handle, root, parent) = await ReplyMentioningTheBrandAsync(bluesky, marker);

        (await TargetAsync(App, itemId, ReplyRoute.Bluesky)).ShouldBe(new ReplyTarget(ReplyRoute.Bluesky, accountId, $"@{handle}", 300));
        (await TargetAsync(App, itemId, ReplyRoute.Mastodon)).ShouldBeNull();
        var sessions = bluesky.SessionsCreated;

        var reply = await NewReplyAsync(App, itemId, ReplyRoute.Bluesky, accountId, "Désolés ! Voici l’aide : https://veloria.example/aide — on vous écrit.");
        var sent = await SendAsync(App, reply.Id);
        sent.Ok.ShouldBeTrue(sent.Detail);
        var created = bluesky.Records.ShouldHaveSingleItem();
        created.Rkey.ShouldBe(Tid.ForReply(reply.CreatedAt, reply.IdempotencyKey));
        created.Rkey.ShouldMatch("^[234567a-j][234567a-z]{12}$");
        (sent.ExternalId, sent.Url).ShouldBe((created.Uri, $"https://bsky.app/profile/{handle}/post/{created.Rkey}"));
        var record = created.Record;
        ((string?)record["$type"], (string?)record["text"], record["langs"]!.ToJsonString()).ShouldBe(("app.bsky.feed.post", "Désolés ! Voici l’aide : https://veloria.example/aide — on vous écrit.", "[\"fr\"]"));
        JsonNode.DeepEquals(record["reply"]!["parent"], Ref(bluesky, parent)).ShouldBeTrue(record["reply"]!.ToJsonString());
        JsonNode.DeepEquals(record["reply"]!["root"], Ref(bluesky, root)).ShouldBeTrue("a reply to a reply belongs to the thread of its root");
        DateTimeOffset.Parse((string)record["createdAt"]!, System.Globalization.CultureInfo.InvariantCulture).ShouldBe(new DateTimeOffset(reply.CreatedAt), TimeSpan.FromMilliseconds(1));
        var facet = record["facets"]![0]!;
        ((int)facet["index"]!["byteStart"]!, (int)facet["index"]!["byteEnd"]!).ShouldBe((System.Text.Encoding.UTF8.GetByteCount("Désolés ! Voici l’aide : "), System.Text.Encoding.UTF8.GetByteCount("Désolés ! Voici l’aide : https://veloria.example/aide")));
        ((string?)facet["features"]![0]!["uri"]).ShouldBe("https://veloria.example/aide");

        // Sent again (the inbox did not hear back): the record already under its key is the answer.
        var retried = await SendAsync(App, reply.Id);
        (retried.Ok, retried.ExternalId).ShouldBe((true, created.Uri));
        bluesky.Records.Count.ShouldBe(1);
        bluesky.SessionsCreated.ShouldBe(sessions, "the session is kept between calls: app passwords may log in only a few times an hour");

        // The answer to createRecord is lost: the reply is found under its key, once, and a retry finds it too.
        bluesky.DropNextCreateAnswer = true;
        var lost = await NewReplyAsync(App, itemId, ReplyRoute.Bluesky, accountId, "Réponse dont l’accusé se perd");
        var found = await SendAsync(App, lost.Id);
        found.Ok.ShouldBeTrue(found.Detail);
        (await SendAsync(App, lost.Id)).ExternalId.ShouldBe(found.ExternalId);
        bluesky.Records.Count.ShouldBe(2);

        // The PDS itself refuses a second record under a key already used.
        var login = await App.WithScopeAsync(async sp =>
        {
            var account = await AccountAsync(App, accountId);
            return sp.GetRequiredService<SocialAccountService>().BlueskyLogin(account, $"pw-{marker}");
        });
        var duplicate = await Should.ThrowAsync<SocialApiException>(() => App.Service<BlueskyApi>().CreatePostAsync(login, created.Rkey, created.Record, CancellationToken.None));
        duplicate.Failure.ShouldBe(SocialFailure.Network);
        bluesky.Records.Count.ShouldBe(2);

        // An access token that expired early is refreshed, not replaced by a new log-in.
        bluesky.ExpireAccessTokens();
        var afterExpiry = await NewReplyAsync(App, itemId, ReplyRoute.Bluesky, accountId, "Après expiration");
        (await SendAsync(App, afterExpiry.Id)).Ok.ShouldBeTrue();
        bluesky.SessionsRefreshed.ShouldBe(1);
        bluesky.SessionsCreated.ShouldBe(sessions);
        bluesky.Records.Count.ShouldBe(3);
    }

    [Fact]
    public async Task Failures_AreToldWithTheInboxKeys_AndARevokedAppPasswordMarksTheAccountUnauthorizedOnThePage()
    {
        await using var bluesky = await FakeBluesky.StartAsync();
        var marker = Marker();
        var (accountId, itemId, handle, _, parent) = await ReplyMentioningTheBrandAsync(bluesky, marker);
        async Task<ReplySendResult> Send(string body) => await SendAsync(App, (await NewReplyAsync(App, itemId, ReplyRoute.Bluesky, accountId, body)).Id);

        // Graphemes count, not characters: 300 accented letters written with combining accents fit; 301 do not.
        var decomposed = string.Concat(Enumerable.Repeat("e\u0301", 300));
        (await Send(decomposed)).Ok.ShouldBeTrue();
        var tooLong = await Send(decomposed + "e");
        (tooLong.ErrorKey, tooLong.Detail).ShouldBe(("Inbox.Reply.Error.TooLong", "301/300"));
        bluesky.Records.Count.ShouldBe(1);

        bluesky.Fail = p => p.StartsWith("/xrpc/com.atproto.repo.createRecord", StringComparison.Ordinal);
        (await Send("En panne")).ErrorKey.ShouldBe("Inbox.Reply.Error.Network");
        bluesky.Fail = _ => false;

        bluesky.Delete(parent);
        var deleted = await Send("Trop tard");
        deleted.ErrorKey.ShouldBe("Inbox.Reply.Error.Deleted");

        bluesky.RevokeAppPassword(handle);
        var revoked = await Send("Mot de passe révoqué");
        (revoked.ErrorKey, revoked.Detail).ShouldBe(("Inbox.Reply.Error.Unauthorized", "Invalid identifier or password"));
        (await AccountAsync(App, accountId)).Status.ShouldBe(SocialAccountStatus.Unauthorized);
        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager);
        var page = await manager.GetAsync($"/manage/accounts/{accountId}");
        page.Document.GetElementById("account-status")!.TextContent.ShouldBe("Unauthorized: reconnect it");
        page.Document.GetElementById("last-error")!.TextContent.ShouldContain("Refused by the network: Invalid identifier or password");
        bluesky.Records.Count.ShouldBe(1);
    }
}

public sealed class BlueskyReplySenderSqliteTests(SourcesSqliteAppFactory app) : BlueskyReplySenderTests<SourcesSqliteAppFactory>(app), IClassFixture<SourcesSqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class BlueskyReplySenderPostgresTests(SourcesPostgresAppFactory app) : BlueskyReplySenderTests<SourcesPostgresAppFactory>(app), IClassFixture<SourcesPostgresAppFactory>;
