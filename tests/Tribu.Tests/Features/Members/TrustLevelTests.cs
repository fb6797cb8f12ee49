using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Moderation;
using Tribu.Web.Features.Spaces;

namespace Tribu.Tests.Features.Members;

/// <summary>The rules of trust levels, as a pure function: promotion, what is kept, what is lost and when.</summary>
public sealed class TrustLevelRulesTests
{
    private static readonly DateTime Now = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);
    private static readonly TrustLevelOptions Options = new();

    private static TrustActivity Activity(int days = 0, int topics = 0, int posts = 0, int replied = 0, int given = 0, int received = 0, int answers = 0, int flags = 0) =>
        new(days, topics, posts, replied, given, received, answers, flags);

    private static TrustStats Stats(TrustActivity all, TrustActivity? recent = null, bool sanctioned = false) => new(all, recent ?? all, sanctioned);

    [Fact]
    public void Decide_NoActivity_StaysNew_ReadingEnough_MakesBasic_TakingPart_MakesMember()
    {
        TrustLevels.Decide(TrustLevel.New, null, Stats(TrustActivity.None), Options, Now).ShouldBe(TrustLevel.New);
        TrustLevels.Decide(TrustLevel.New, null, Stats(Activity(topics: 5, posts: 29)), Options, Now).ShouldBe(TrustLevel.New);
        TrustLevels.Decide(TrustLevel.New, null, Stats(Activity(topics: 5, posts: 30)), Options, Now).ShouldBe(TrustLevel.Basic);
        var member = Activity(days: 15, topics: 20, posts: 100, replied: 3, given: 1, received: 1);
        TrustLevels.Decide(TrustLevel.New, null, Stats(member), Options, Now).ShouldBe(TrustLevel.Member);
        TrustLevels.Decide(TrustLevel.Basic, null, Stats(member with { ReactionsReceived = 0 }), Options, Now).ShouldBe(TrustLevel.Basic);
    }

    [Fact]
    public void Decide_RegularAndLeader_CountRecentActivity_AndARecentSanctionOrUpheldFlagsBarThem()
    {
        var member = Activity(days: 200, topics: 500, posts: 5000, replied: 100, given: 200, received: 300, answers: 20);
        var regularRecently = Activity(days: 50, topics: 50, posts: 500, replied: 10, given: 30, received: 20);
        TrustLevels.Decide(TrustLevel.Member, null, Stats(member, regularRecently), Options, Now).ShouldBe(TrustLevel.Regular);
        TrustLevels.Decide(TrustLevel.Member, null, Stats(member, regularRecently, sanctioned: true), Options, Now).ShouldBe(TrustLevel.Member);
        TrustLevels.Decide(TrustLevel.Member, null, Stats(member, regularRecently with { FlagsUpheld = 6 }), Options, Now).ShouldBe(TrustLevel.Member);
        // All the activity was long ago: the recent window is what counts.
        TrustLevels.Decide(TrustLevel.Member, null, Stats(member, TrustActivity.None), Options, Now).ShouldBe(TrustLevel.Member);

        var leaderRecently = Activity(days: 75, topics: 150, posts: 2000, replied: 40, given: 60, received: 100, answers: 5);
        TrustLevels.Decide(TrustLevel.Member, null, Stats(member, leaderRecently), Options, Now).ShouldBe(TrustLevel.Leader);
        TrustLevels.Decide(TrustLevel.Member, null, Stats(member, leaderRecently with { FlagsUpheld = 1 }), Options, Now).ShouldBe(TrustLevel.Regular);
    }

    [Fact]
    public void Decide_LevelsOneAndTwoAreKept_ThreeAndFourAreLostOneAtATime_AfterTheGracePeriod()
    {
        TrustLevels.Decide(TrustLevel.Member, Now.AddDays(-400), Stats(TrustActivity.None), Options, Now).ShouldBe(TrustLevel.Member);
        TrustLevels.Decide(TrustLevel.Basic, Now.AddDays(-400), Stats(TrustActivity.None), Options, Now).ShouldBe(TrustLevel.Basic);
        // Promoted five days ago: kept through the grace period even when the numbers dip.
        TrustLevels.Decide(TrustLevel.Leader, Now.AddDays(-5), Stats(TrustActivity.None), Options, Now).ShouldBe(TrustLevel.Leader);
        TrustLevels.Decide(TrustLevel.Leader, Now.AddDays(-15), Stats(TrustActivity.None), Options, Now).ShouldBe(TrustLevel.Regular);
        TrustLevels.Decide(TrustLevel.Regular, Now.AddDays(-15), Stats(TrustActivity.None), Options, Now).ShouldBe(TrustLevel.Member);
    }

    [Fact]
    public void FlagWeight_GrowsWithTrust_AndANewAccountsFlagHidesNothing()
    {
        TrustLevelOptions.FlagWeight(TrustLevel.New).ShouldBe(0);
        TrustLevelOptions.FlagWeight(TrustLevel.Basic).ShouldBe(1);
        TrustLevelOptions.FlagWeight(TrustLevel.Member).ShouldBe(1);
        TrustLevelOptions.FlagWeight(TrustLevel.Regular).ShouldBe(2);
        TrustLevelOptions.FlagWeight(TrustLevel.Leader).ShouldBe(3);
    }
}

/// <summary>Trust levels end to end, on SQLite and PostgreSQL, with thresholds small enough to reach in a test.</summary>
public abstract class TrustLevelTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    public static readonly Dictionary<string, string?> SmallThresholds = new()
    {
        ["TrustLevels:Basic:TopicsEntered"] = "2", ["TrustLevels:Basic:PostsRead"] = "3",
        ["TrustLevels:Member:DaysVisited"] = "1", ["TrustLevels:Member:TopicsEntered"] = "2", ["TrustLevels:Member:PostsRead"] = "3",
        ["TrustLevels:Member:TopicsRepliedTo"] = "1", ["TrustLevels:Member:ReactionsGiven"] = "1", ["TrustLevels:Member:ReactionsReceived"] = "1",
    };

    private static async Task<long> TopicAsync(TestPerson author, string space, string title, int replies = 0, TestPerson? replier = null)
    {
        var topic = (await (await author.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Discussion", title, body = "Opening words" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        for (var i = 0; i < replies; i++)
        {
            (await (replier ?? author).Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = $"Reply {i}" })).EnsureSuccessStatusCode();
        }
        return topic;
    }

    private Task<int> RecomputeAsync() => App.WithScopeAsync(sp => sp.GetRequiredService<TrustLevels>().RecomputeAsync());

    private Task<Member> MemberAsync(string handle) => App.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Handle == handle));

    [Fact]
    public async Task ANewMemberWhoReadsAndTakesPart_RisesToBasicThenMember_AndTheNewMemberLimitsLift()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var veteran = await TestPerson.CreateAsync(App);
        using var other = await TestPerson.CreateAsync(App);
        using var newcomer = await TestPerson.CreateAsync(App, language: "fr", newcomer: true);
        (await MemberAsync(newcomer.Handle)).TrustLevel.ShouldBe(TrustLevel.New);
        var first = await TopicAsync(veteran, space, "Winter range of the battery", replies: 2, replier: other);
        var second = await TopicAsync(veteran, space, "Which lock for a cargo bike");

        // As a new member, a post with three links waits for a moderator (two are allowed).
        var links = "See https://a.example/1 https://b.example/2 https://c.example/3";
        var held = await (await newcomer.Client.Http.PostAsJsonAsync($"/api/v1/topics/{second}/replies", new { body = links })).Content.ReadFromJsonAsync<JsonElement>();
        held.GetProperty("status").GetString().ShouldBe("Held");

        // Reading two topics (three posts in the first; in the second, the opening and their own held reply) is what
        // Basic asks here. Nothing is counted before the tracker writes, and nothing counted twice after.
        (await newcomer.Client.GetAsync($"/t/{first}")).Status.ShouldBe(HttpStatusCode.OK);
        (await newcomer.Client.GetAsync($"/t/{second}")).Status.ShouldBe(HttpStatusCode.OK);
        var me = (await MemberAsync(newcomer.Handle)).Id;
        await RecomputeAsync();
        (await MemberAsync(newcomer.Handle)).TrustLevel.ShouldBe(TrustLevel.New, "reads are written by the tracker every few seconds");
        await App.Service<ActivityTracker>().FlushAsync();
        (await newcomer.Client.GetAsync($"/t/{first}")).Status.ShouldBe(HttpStatusCode.OK);
        await App.Service<ActivityTracker>().FlushAsync();
        (await App.WithDbAsync(db => db.TopicReads.Where(r => r.MemberId == me).OrderBy(r => r.TopicId).Select(r => r.HighestNumber).ToListAsync())).ShouldBe([3, 2]);
        (await App.WithDbAsync(db => db.MemberVisits.CountAsync(v => v.MemberId == me))).ShouldBe(1);
        (await MemberAsync(newcomer.Handle)).LastSeenAt.ShouldNotBeNull();
        (await RecomputeAsync()).ShouldBeGreaterThanOrEqualTo(1);
        (await MemberAsync(newcomer.Handle)).TrustLevel.ShouldBe(TrustLevel.Basic);
        var audit = await App.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Action == AuditActions.TrustLevelChange && a.TargetId == me.ToString()).ToListAsync());
        audit.Count.ShouldBe(1);
        audit[0].ActorId.ShouldBeNull();
        audit[0].After!.ShouldContain("\"TrustLevel\":1");

        // The limits of new members are gone: the same three links are published at once.
        var published = await (await newcomer.Client.Http.PostAsJsonAsync($"/api/v1/topics/{first}/replies", new { body = links })).Content.ReadFromJsonAsync<JsonElement>();
        published.GetProperty("status").GetString().ShouldBe("Published");

        // Member asks a reply (done above), a reaction given and one received, and a day of visits.
        var veteranReply = await App.WithDbAsync(db => db.Posts.Where(p => p.TopicId == first && p.Number == 1).Select(p => p.Id).SingleAsync());
        (await newcomer.Client.Http.PostAsync($"/api/v1/posts/{veteranReply}/reactions/Like", null)).EnsureSuccessStatusCode();
        (await other.Client.Http.PostAsync($"/api/v1/posts/{published.GetProperty("id").GetInt64()}/reactions/Thanks", null)).EnsureSuccessStatusCode();
        await RecomputeAsync();
        (await MemberAsync(newcomer.Handle)).TrustLevel.ShouldBe(TrustLevel.Member);
        (await RecomputeAsync()).ShouldBe(0, "a second run changes nothing");

        // The member sees their level, what it gives, and the way to the next, in French.
        var page = await newcomer.Client.GetAsync("/account/manage/trust");
        page.Status.ShouldBe(HttpStatusCode.OK);
        page.Text.ShouldContain("Votre niveau de confiance : 2 · Membre.");
        page.Text.ShouldContain("Ce que demande le niveau « Habitué », sur les 100 derniers jours");
        page.Text.ShouldContain("Jours de visite");
        (await veteran.Client.GetAsync($"/u/{newcomer.Handle}")).Text.ShouldContain("Member");
    }

    [Fact]
    public async Task Staff_SetAndLockALevel_TheJobLeavesIt_MembersCannot_AndBadInputIsExplained()
    {
        using var member = await TestPerson.CreateAsync(App);
        using var other = await TestPerson.CreateAsync(App, language: "fr");
        using var staff = await TestPerson.CreateAsync(App, Roles.CommunityManager, language: "fr");
        var url = $"/api/v1/members/{member.Handle}/trust-level";

        (await other.Client.Http.PutAsJsonAsync(url, new { level = 3, reason = "me" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var bad = await staff.Client.Http.PutAsJsonAsync(url, new { level = 9 });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.GetProperty("Level")[0].GetString().ShouldBe("Choisissez un niveau de 0 (nouveau) à 4 (pilier).");
        errors.GetProperty("Reason")[0].GetString()!.ShouldStartWith("Indiquez pourquoi");
        (await MemberAsync(member.Handle)).TrustLevel.ShouldBe(TrustLevel.Basic);

        var set = await staff.Client.Http.PutAsJsonAsync(url, new { level = 3, reason = "Runs the Lyon meetups" });
        set.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await set.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("trustLevel").GetInt32().ShouldBe(3);
        await RecomputeAsync();
        var locked = await MemberAsync(member.Handle);
        locked.TrustLevel.ShouldBe(TrustLevel.Regular, "locked: no activity does not take it away");
        locked.TrustLevelLocked.ShouldBeTrue();
        var entry = await App.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Action == AuditActions.TrustLevelChange && a.TargetId == locked.Id.ToString()).SingleAsync());
        entry.ActorId.ShouldNotBeNull();
        entry.Reason.ShouldBe("Runs the Lyon meetups");

        // The moderation page shows it and sets it too: unlocked, the job takes over (no activity: back to Member at most).
        var page = await staff.Client.GetAsync($"/u/{member.Handle}/moderate");
        page.Text.ShouldContain("Niveau de confiance : 3 · Habitué.");
        var response = await staff.Client.SubmitAsync($"/u/{member.Handle}/moderate", "trust",
            new Dictionary<string, string> { ["Trust.Level"] = "Leader", ["Trust.Reason"] = "Trying without the lock" });
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var unlocked = await MemberAsync(member.Handle);
        unlocked.TrustLevel.ShouldBe(TrustLevel.Leader);
        unlocked.TrustLevelLocked.ShouldBeFalse("an unchecked box unlocks");
    }

    [Fact]
    public async Task FlagsWeighByTrustLevel_NewAccountsCannotHideAPost_ARegularWeighsTwo()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var author = await TestPerson.CreateAsync(App);
        using var staff = await TestPerson.CreateAsync(App, Roles.CommunityManager);
        var topic = await TopicAsync(author, space, "Flags and their weight", replies: 1);
        var reply = await App.WithDbAsync(db => db.Posts.Where(p => p.TopicId == topic && p.Number == 2).Select(p => p.Id).SingleAsync());
        for (var i = 0; i < 4; i++)
        {
            using var fresh = await TestPerson.CreateAsync(App, newcomer: true);
            (await fresh.Client.Http.PostAsJsonAsync($"/api/v1/posts/{reply}/flags", new { reason = "Spam" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        (await App.WithDbAsync(db => db.Posts.Where(p => p.Id == reply).Select(p => p.Status).SingleAsync())).ShouldBe(Tribu.Web.Features.Topics.PostStatus.Published);
        (await App.WithDbAsync(db => db.Set<Flag>().Where(f => f.PostId == reply).Select(f => f.Weight).ToListAsync())).ShouldAllBe(w => w == 0);

        using var regular = await TestPerson.CreateAsync(App);
        (await staff.Client.Http.PutAsJsonAsync($"/api/v1/members/{regular.Handle}/trust-level", new { level = 3, reason = "test" })).EnsureSuccessStatusCode();
        (await regular.Client.Http.PostAsJsonAsync($"/api/v1/posts/{reply}/flags", new { reason = "Spam" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await App.WithDbAsync(db => db.Posts.Where(p => p.Id == reply).Select(p => p.Status).SingleAsync())).ShouldBe(Tribu.Web.Features.Topics.PostStatus.Published);
        using var basic = await TestPerson.CreateAsync(App);
        (await basic.Client.Http.PostAsJsonAsync($"/api/v1/posts/{reply}/flags", new { reason = "Spam" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await App.WithDbAsync(db => db.Posts.Where(p => p.Id == reply).Select(p => p.Status).SingleAsync())).ShouldBe(Tribu.Web.Features.Topics.PostStatus.Hidden, "2 + 1 reaches the threshold of 3");
    }

    [Fact]
    public async Task WikiPosts_TrustedMembersEditThem_TheAuthorNeedsLevelTwoToMakeOne_AndNewMembersCannotEdit()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var author = await TestPerson.CreateAsync(App);
        using var editor = await TestPerson.CreateAsync(App);
        using var fresh = await TestPerson.CreateAsync(App, newcomer: true);
        using var staff = await TestPerson.CreateAsync(App, Roles.CommunityManager);
        var topic = await TopicAsync(author, space, "Winter checklist for e-bikes");
        var opening = await App.WithDbAsync(db => db.Posts.Where(p => p.TopicId == topic && p.Number == 1).Select(p => p.Id).SingleAsync());

        // At Basic, the author cannot make a wiki post yet, nor can anyone else edit theirs.
        (await author.Client.Http.PutAsJsonAsync($"/api/v1/posts/{opening}", new { body = "Checklist:\n- tyres", wiki = true })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await editor.Client.Http.PutAsJsonAsync($"/api/v1/posts/{opening}", new { body = "Mine now" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await staff.Client.Http.PutAsJsonAsync($"/api/v1/members/{author.Handle}/trust-level", new { level = 2, reason = "test" })).EnsureSuccessStatusCode();
        var made = await author.Client.Http.PutAsJsonAsync($"/api/v1/posts/{opening}", new { body = "Checklist:\n- tyres", wiki = true });
        made.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await made.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("isWiki").GetBoolean().ShouldBeTrue();

        // A Basic member improves it without a reason; the title stays the author's; the history says who.
        var edited = await editor.Client.Http.PutAsJsonAsync($"/api/v1/posts/{opening}", new { body = "Checklist:\n- tyres\n- lights", title = "Hijacked title" });
        edited.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await App.WithDbAsync(db => db.Topics.Where(t => t.Id == topic).Select(t => t.Title).SingleAsync())).ShouldBe("Winter checklist for e-bikes");
        var editorId = (await MemberAsync(editor.Handle)).Id;
        (await App.WithDbAsync(db => db.PostRevisions.CountAsync(r => r.PostId == opening && r.EditorId == editorId))).ShouldBe(1);
        (await author.Client.GetAsync($"/t/{topic}")).Text.ShouldContain("Wiki");
        // The editor may not switch it back: that is for the author and moderators.
        (await editor.Client.Http.PutAsJsonAsync($"/api/v1/posts/{opening}", new { body = "Checklist:\n- tyres\n- lights", wiki = false })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await fresh.Client.Http.PutAsJsonAsync($"/api/v1/posts/{opening}", new { body = "spam" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await editor.Client.GetAsync($"/p/{opening}/edit")).Status.ShouldBe(HttpStatusCode.OK);
        (await App.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == AuditActions.PostWiki && a.TargetId == opening.ToString()))).ShouldBe(1);
    }

    [Fact]
    public async Task Leaders_ModerateTheOpenSpaces_ButNotPrivateOnes()
    {
        var open = await TestSpaces.CreateAsync(App);
        var beta = await TestSpaces.CreateAsync(App, SpaceVisibility.Private);
        using var author = await TestPerson.CreateAsync(App);
        using var leader = await TestPerson.CreateAsync(App);
        using var staff = await TestPerson.CreateAsync(App, Roles.CommunityManager);
        var topic = await TopicAsync(author, open, "A thread that needs a lock");
        var hidden = await TopicAsync(staff, beta, "Beta programme notes");

        (await leader.Client.Http.PatchAsJsonAsync($"/api/v1/topics/{topic}", new { locked = true })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await leader.Client.GetAsync("/")).Document.QuerySelector("a[href='/manage/moderation']").ShouldBeNull();
        (await staff.Client.Http.PutAsJsonAsync($"/api/v1/members/{leader.Handle}/trust-level", new { level = 4, reason = "test" })).EnsureSuccessStatusCode();
        // The header now leads them to the queue, and the queue's menu shows only what they may open.
        (await leader.Client.GetAsync("/")).Document.QuerySelector("a[href='/manage/moderation']").ShouldNotBeNull();
        var queue = await leader.Client.GetAsync("/manage/moderation");
        queue.Document.QuerySelector("nav.console-nav a[href='/manage/audit']").ShouldBeNull();
        (await leader.Client.Http.PatchAsJsonAsync($"/api/v1/topics/{topic}", new { locked = true })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await App.WithDbAsync(db => db.Topics.Where(t => t.Id == topic).Select(t => t.IsLocked).SingleAsync())).ShouldBeTrue();
        (await leader.Client.Http.PatchAsJsonAsync($"/api/v1/topics/{hidden}", new { locked = true })).StatusCode.ShouldBeOneOf(HttpStatusCode.NotFound, HttpStatusCode.Forbidden);
        (await leader.Client.GetAsync("/manage/moderation")).Status.ShouldBe(HttpStatusCode.OK);
    }
}

public sealed class TrustLevelSqliteAppFactory() : TribuAppFactory(TestDatabase.Sqlite, TrustLevelTests<SqliteAppFactory>.SmallThresholds);

public sealed class TrustLevelPostgresAppFactory() : TribuAppFactory(TestDatabase.Postgres, TrustLevelTests<SqliteAppFactory>.SmallThresholds);

public sealed class TrustLevelSqliteTests(TrustLevelSqliteAppFactory app) : TrustLevelTests<TrustLevelSqliteAppFactory>(app), IClassFixture<TrustLevelSqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class TrustLevelPostgresTests(TrustLevelPostgresAppFactory app) : TrustLevelTests<TrustLevelPostgresAppFactory>(app), IClassFixture<TrustLevelPostgresAppFactory>;
