using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Features.Moderation;

/// <summary>Automatic checks hold posts before anyone sees them; moderators decide in the queue; on SQLite and PostgreSQL.</summary>
public abstract class ModerationQueueTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    private static async Task SetRulesAsync(TestPerson manager, Dictionary<string, string> fields)
    {
        // As a browser would: every field of the form as shown, then the changes.
        var form = await manager.Client.GetAsync("/manage/moderation/settings");
        foreach (var input in form.Document.QuerySelectorAll("input[type=number]"))
        {
            fields.TryAdd(input.GetAttribute("name")!, input.GetAttribute("value")!);
        }
        foreach (var area in form.Document.QuerySelectorAll("textarea"))
        {
            fields.TryAdd(area.GetAttribute("name")!, area.TextContent);
        }
        var saved = await manager.Client.SubmitAndFollowAsync("/manage/moderation/settings", "moderation-settings", fields);
        saved.Text.ShouldContain("Moderation rules saved.");
    }

    [Fact]
    public async Task BlockedWord_HoldsTheReply_UntilAModeratorApprovesIt()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var manager = await TestPerson.CreateAsync(App, Roles.CommunityManager);
        using var author = await TestPerson.CreateAsync(App, language: "fr");
        using var reader = await TestPerson.CreateAsync(App);
        var marker = "zz" + Guid.NewGuid().ToString("N")[..6];
        await SetRulesAsync(manager, new() { ["Input.BlockedWordsFr"] = "arnaque\n" + marker, ["Input.FlagHideThreshold"] = "3" });
        var topic = (await JsonAsync(await reader.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Discussion", title = "Offre de batterie", body = "Avis ?" })))
            .GetProperty("id").GetInt64();

        var reply = await author.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = $"C'est une ARNAQUÉ, {marker} !" });
        reply.StatusCode.ShouldBe(HttpStatusCode.Created);
        var post = await JsonAsync(reply);
        post.GetProperty("status").GetString().ShouldBe("Held");
        var postId = post.GetProperty("id").GetInt64();

        // Nobody else sees it; its author sees that it awaits review.
        (await reader.Client.Http.GetFromJsonAsync<JsonElement>($"/api/v1/topics/{topic}")).GetProperty("posts").GetArrayLength().ShouldBe(1);
        (await App.CreateTribuClient().GetAsync($"/t/{topic}")).Text.ShouldNotContain(marker);
        (await App.WithDbAsync(db => db.Topics.SingleAsync(t => t.Id == topic))).ReplyCount.ShouldBe(0);
        var own = await author.Client.GetAsync($"/t/{topic}");
        own.Text.ShouldContain(marker, customMessage: own.Html);
        own.Text.ShouldContain("En attente de validation");

        var queue = await manager.Client.GetAsync("/manage/moderation");
        queue.Text.ShouldContain("Contains a blocked word or phrase: “arnaque”");
        queue.Document.QuerySelector($"form[action='/manage/moderation/{postId}/review'] textarea#message-{postId}").ShouldNotBeNull();
        (await reader.Client.GetAsync("/manage/moderation")).Status.ShouldBe(HttpStatusCode.Forbidden);
        // A member who is no moderator cannot decide, even with a valid form token.
        var token = (await reader.Client.GetAsync($"/t/{topic}")).Document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var forged = await reader.Client.Http.PostAsync($"/manage/moderation/{postId}/review",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["action"] = "Approve", ["__RequestVerificationToken"] = token }));
        forged.Headers.Location!.OriginalString.ShouldContain("/account/access-denied");
        (await App.WithDbAsync(db => db.Posts.SingleAsync(p => p.Id == postId))).Status.ShouldBe(Tribu.Web.Features.Topics.PostStatus.Held);

        var approved = await manager.Client.FollowAsync(await manager.Client.SubmitFormAsync("/manage/moderation",
            f => f.GetAttribute("action") == $"/manage/moderation/{postId}/review", new Dictionary<string, string> { ["action"] = "Approve" }));
        approved.Text.ShouldContain("The post is published and its author told.");
        (await reader.Client.Http.GetFromJsonAsync<JsonElement>($"/api/v1/topics/{topic}")).GetProperty("posts").GetArrayLength().ShouldBe(2);
        (await App.WithDbAsync(db => db.Topics.SingleAsync(t => t.Id == topic))).ReplyCount.ShouldBe(1);
        // Published now: the topic's author hears of the reply, the post's author of the decision, in French.
        (await reader.Client.Http.GetFromJsonAsync<JsonElement>("/api/v1/notifications")).GetProperty("items")[0].GetProperty("kind").GetString().ShouldBe("Reply");
        (await author.Client.GetAsync("/notifications")).Text.ShouldContain("Votre message a été relu et publié.");
        (await App.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.TargetId == postId.ToString() && (e.Action == "post.hold" || e.Action == "post.approve")))).ShouldBe(2);
    }

    [Fact]
    public async Task NewMembersLinkHeavyTopic_IsHeldEverywhere_AndASecondModeratorIsToldItWasHandled()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var newcomer = await TestPerson.CreateAsync(App, newcomer: true);
        using var moderator = await TestPerson.CreateAsync(App, Roles.Moderator);
        using var other = await TestPerson.CreateAsync(App, Roles.CommunityManager);
        var title = "Great deals " + Guid.NewGuid().ToString("N")[..6];
        var started = await newcomer.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics",
            new { kind = "Discussion", title, body = "https://a.example/1 https://b.example/2 https://c.example/3" });
        started.StatusCode.ShouldBe(HttpStatusCode.Created);
        var topic = (await JsonAsync(started)).GetProperty("id").GetInt64();

        (await App.CreateTribuClient().GetAsync($"/t/{topic}")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await App.CreateTribuClient().GetAsync($"/s/{space}")).Text.ShouldNotContain(title);
        (await App.CreateTribuClient().Http.GetStringAsync("/feeds/latest.rss")).ShouldNotContain(title);
        (await newcomer.Client.GetAsync($"/t/{topic}")).Text.ShouldContain("Awaiting review");
        (await moderator.Client.GetAsync($"/t/{topic}")).Status.ShouldBe(HttpStatusCode.OK);

        var postId = await App.WithDbAsync(db => db.Posts.Where(p => p.TopicId == topic).Select(p => p.Id).SingleAsync());
        var queue = await moderator.Client.GetAsync("/manage/moderation");
        queue.Text.ShouldContain("A new member's post with 3 links");
        // Two moderators with the queue open: the first decides, the second is told who did what, and nothing more happens.
        var firstPage = await other.Client.GetAsync("/manage/moderation");
        firstPage.Status.ShouldBe(HttpStatusCode.OK);
        var hidden = await moderator.Client.FollowAsync(await moderator.Client.SubmitFormAsync("/manage/moderation",
            f => f.GetAttribute("action") == $"/manage/moderation/{postId}/review",
            new Dictionary<string, string> { ["action"] = "Hide", ["message"] = "Please introduce yourself before sharing links." }));
        hidden.Text.ShouldContain("The post is hidden and its author told.");
        var late = await other.Client.Http.PostAsync($"/manage/moderation/{postId}/review", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["action"] = "Approve",
            ["__RequestVerificationToken"] = firstPage.Document.QuerySelector($"form input[name=__RequestVerificationToken]")!.GetAttribute("value")!,
        }));
        late.StatusCode.ShouldBe(HttpStatusCode.Redirect, await late.Content.ReadAsStringAsync());
        var latePage = await other.Client.FollowAsync(late);
        latePage.Text.ShouldContain("Already hidden by");
        (await App.CreateTribuClient().GetAsync($"/t/{topic}")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await newcomer.Client.GetAsync("/notifications")).Text.ShouldContain("Please introduce yourself before sharing links.");
    }

    [Fact]
    public async Task FirstPostsOfANewMember_WaitForApproval_WhenTheRuleIsOn()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var manager = await TestPerson.CreateAsync(App, Roles.CommunityManager);
        await SetRulesAsync(manager, new() { ["Input.FirstPostsNeedApproval"] = "1", ["Input.FlagHideThreshold"] = "3" });
        try
        {
            using var newcomer = await TestPerson.CreateAsync(App, newcomer: true);
            using var regular = await TestPerson.CreateAsync(App);
            var held = await newcomer.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Discussion", title = "Hello everyone", body = "I just joined." });
            (await held.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64().ShouldBeGreaterThan(0);
            (await App.WithDbAsync(db => db.Topics.OrderByDescending(t => t.Id).FirstAsync())).IsHidden.ShouldBeTrue();
            var free = await regular.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Discussion", title = "Regular topic", body = "Published at once." });
            var freeId = (await free.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
            (await App.WithDbAsync(db => db.Topics.SingleAsync(t => t.Id == freeId))).IsHidden.ShouldBeFalse(
                await App.WithDbAsync(db => db.Posts.Where(p => p.TopicId == freeId).Select(p => p.HeldReasons).SingleAsync()));
        }
        finally
        {
            await SetRulesAsync(manager, new() { ["Input.FirstPostsNeedApproval"] = "0", ["Input.FlagHideThreshold"] = "3" });
        }
    }
}

public sealed class ModerationQueueSqliteTests(SqliteAppFactory app) : ModerationQueueTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class ModerationQueuePostgresTests(PostgresAppFactory app) : ModerationQueueTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
