using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Topics;

namespace Tribu.Tests.Features.Moderation;

/// <summary>Members flag posts; enough flags hide a post until a moderator decides; on SQLite and PostgreSQL.</summary>
public abstract class FlagTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    private static async Task<(long Topic, long Reply)> TopicWithReplyAsync(TestPerson asker, TestPerson replier, string space, string reply)
    {
        var topic = (await (await asker.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Discussion", title = "Flag me if you can", body = "Opening" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var post = (await (await replier.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = reply })).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("id").GetInt64();
        return (topic, post);
    }

    [Fact]
    public async Task ThreeFlags_HideThePostUntilReview_ASecondFlagCountsOnce_AndApprovalPutsItBack()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var asker = await TestPerson.CreateAsync(App);
        using var author = await TestPerson.CreateAsync(App);
        using var moderator = await TestPerson.CreateAsync(App, Roles.Moderator);
        var people = new List<TestPerson>();
        for (var i = 0; i < 3; i++) people.Add(await TestPerson.CreateAsync(App, language: "fr"));
        var marker = "flagged" + Guid.NewGuid().ToString("N")[..6];
        var (topic, reply) = await TopicWithReplyAsync(asker, author, space, $"Buy cheap watches {marker}");

        // Bad input first: a reason is needed, "Other" needs words, one's own post cannot be flagged.
        var noReason = await people[0].Client.Http.PostAsJsonAsync($"/api/v1/posts/{reply}/flags", new { });
        noReason.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await noReason.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("Reason")[0].GetString().ShouldBe("Choisissez un motif.");
        (await people[0].Client.Http.PostAsJsonAsync($"/api/v1/posts/{reply}/flags", new { reason = "Other" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await author.Client.Http.PostAsJsonAsync($"/api/v1/posts/{reply}/flags", new { reason = "Spam" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // The first member flags twice (counted once), through the page then the API; the post stays up.
        var page = await people[0].Client.FollowAsync(await people[0].Client.SubmitAsync($"/p/{reply}/flag", "flag", new Dictionary<string, string> { ["Input.Reason"] = "Spam" }));
        page.Text.ShouldContain("Merci : les modérateurs vont examiner ce message.");
        (await people[0].Client.Http.PostAsJsonAsync($"/api/v1/posts/{reply}/flags", new { reason = "Spam" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await people[1].Client.Http.PostAsJsonAsync($"/api/v1/posts/{reply}/flags", new { reason = "Spam" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await App.WithDbAsync(db => db.Set<Tribu.Web.Features.Moderation.Flag>().CountAsync(f => f.PostId == reply))).ShouldBe(2);
        (await App.CreateTribuClient().GetAsync($"/t/{topic}")).Text.ShouldContain(marker);

        // The third member's flag hides it: gone for readers, marked for its author, in the queue with the flags.
        (await people[2].Client.Http.PostAsJsonAsync($"/api/v1/posts/{reply}/flags", new { reason = "Other", text = "Looks like a bot" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await App.CreateTribuClient().GetAsync($"/t/{topic}")).Text.ShouldNotContain(marker);
        (await App.WithDbAsync(db => db.Topics.SingleAsync(t => t.Id == topic))).ReplyCount.ShouldBe(0);
        (await author.Client.GetAsync($"/t/{topic}")).Text.ShouldContain("only you and the moderators can see this post");
        var queue = await moderator.Client.GetAsync("/manage/moderation");
        queue.Text.ShouldContain("Hidden by members' flags");
        queue.Text.ShouldContain("Looks like a bot");

        // The moderator disagrees: the post is back, the flags are closed as not upheld.
        var back = await moderator.Client.FollowAsync(await moderator.Client.SubmitFormAsync("/manage/moderation",
            f => f.GetAttribute("action") == $"/manage/moderation/{reply}/review", new Dictionary<string, string> { ["action"] = "Approve" }));
        back.Text.ShouldContain("The post is published");
        (await App.CreateTribuClient().GetAsync($"/t/{topic}")).Text.ShouldContain(marker);
        (await App.WithDbAsync(db => db.Topics.SingleAsync(t => t.Id == topic))).ReplyCount.ShouldBe(1);
        (await App.WithDbAsync(db => db.Set<Tribu.Web.Features.Moderation.Flag>().Where(f => f.PostId == reply).Select(f => f.Upheld).ToListAsync()))
            .ShouldAllBe(u => u == false);
        foreach (var p in people) p.Dispose();
    }

    [Fact]
    public async Task AFlagOnAPublishedPost_PutsItInTheQueue_AndHidingItUpholdsTheFlags()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var asker = await TestPerson.CreateAsync(App);
        using var author = await TestPerson.CreateAsync(App);
        using var flagger = await TestPerson.CreateAsync(App);
        using var moderator = await TestPerson.CreateAsync(App, Roles.Moderator);
        var (topic, reply) = await TopicWithReplyAsync(asker, author, space, "You are all idiots");
        (await flagger.Client.Http.PostAsJsonAsync($"/api/v1/posts/{reply}/flags", new { reason = "Abuse" })).EnsureSuccessStatusCode();

        (await moderator.Client.GetAsync("/manage/moderation")).Document.QuerySelector($"form[action='/manage/moderation/{reply}/review']").ShouldNotBeNull();
        (await moderator.Client.SubmitFormAsync("/manage/moderation", f => f.GetAttribute("action") == $"/manage/moderation/{reply}/review",
            new Dictionary<string, string> { ["action"] = "Hide", ["message"] = "Please keep it civil." })).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        (await App.WithDbAsync(db => db.Posts.SingleAsync(p => p.Id == reply))).Status.ShouldBe(PostStatus.Hidden);
        (await App.WithDbAsync(db => db.Set<Tribu.Web.Features.Moderation.Flag>().SingleAsync(f => f.PostId == reply))).Upheld.ShouldBe(true);
        (await App.WithDbAsync(db => db.Topics.SingleAsync(t => t.Id == topic))).ReplyCount.ShouldBe(0);
        (await author.Client.GetAsync("/notifications")).Text.ShouldContain("Please keep it civil.");
        (await moderator.Client.GetAsync("/manage/moderation")).Document.QuerySelector($"form[action='/manage/moderation/{reply}/review']").ShouldBeNull();

        // The author appeals; the appeal lands in the queue; a moderator puts the post back, and a second decision is refused.
        var empty = await author.Client.SubmitAndFollowAsync($"/p/{reply}/appeal", "appeal", new Dictionary<string, string> { ["Input.Text"] = " " });
        empty.FieldError("Text").ShouldBe("Explain why, in a few words.");
        var sent = await author.Client.SubmitAndFollowAsync($"/p/{reply}/appeal", "appeal", new Dictionary<string, string> { ["Input.Text"] = "I was quoting someone else, sorry." });
        sent.Text.ShouldContain("Your appeal is with the moderators.");
        (await flagger.Client.GetAsync($"/p/{reply}/appeal")).Status.ShouldBe(HttpStatusCode.NotFound);
        var queue = await moderator.Client.GetAsync("/manage/moderation");
        queue.Text.ShouldContain("I was quoting someone else, sorry.");
        var appealForm = queue.Document.QuerySelector("form[action^='/manage/moderation/appeals/']")!.GetAttribute("action")!;
        var token = queue.Document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var granted = await moderator.Client.FollowAsync(await moderator.Client.Http.PostAsync(appealForm,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["decision"] = "grant", ["response"] = "Fair enough, thanks for explaining.", ["__RequestVerificationToken"] = token })));
        granted.Text.ShouldContain("The post is back and its author told.");
        (await App.WithDbAsync(db => db.Posts.SingleAsync(p => p.Id == reply))).Status.ShouldBe(PostStatus.Published);
        (await App.WithDbAsync(db => db.Topics.SingleAsync(t => t.Id == topic))).ReplyCount.ShouldBe(1);
        (await author.Client.GetAsync("/notifications")).Text.ShouldContain("Fair enough, thanks for explaining.");
        var again = await moderator.Client.FollowAsync(await moderator.Client.Http.PostAsync(appealForm,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["decision"] = "deny", ["__RequestVerificationToken"] = token })));
        again.Text.ShouldContain("This appeal was already decided.");
        (await App.WithDbAsync(db => db.Posts.SingleAsync(p => p.Id == reply))).Status.ShouldBe(PostStatus.Published);
    }
}

public sealed class FlagSqliteTests(SqliteAppFactory app) : FlagTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class FlagPostgresTests(PostgresAppFactory app) : FlagTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
