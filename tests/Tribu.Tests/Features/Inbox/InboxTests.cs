using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Tests.Features.Listening;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Inbox;
using Tribu.Web.Features.Listening;
using Tribu.Web.Features.Listening.Ingestion;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Notifications;

namespace Tribu.Tests.Features.Inbox;

/// <summary>
/// The unified inbox: what enters it (mentions by each query's rule, unanswered questions, flagged posts), once; priority,
/// rules and SLA targets; the item's life through the API and the pages, with its history; community replies and the
/// collision warning; SLA warnings and breaches told once; the records for analytics.
/// </summary>
public abstract class InboxTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : ListeningClockAppFactory
{
    private ManualClock Clock => App.Clock;
    private DateTime Now => Clock.GetUtcNow().UtcDateTime;

    private static string Word() => "brand" + new string([.. Guid.NewGuid().ToString("N")[..8].Select(c => (char)('a' + Convert.ToInt32(c.ToString(), 16)))]);

    private async Task<(int Source, int Watch)> ListeningAsync(string word, InboxWhen when)
    {
        var ids = await App.WithDbAsync(async db =>
        {
            var source = db.ListeningSources.Add(new ListeningSource { Kind = SourceKind.Webhook, Name = "Hook " + word, CreatedAt = Now }).Entity;
            var watch = db.Watches.Add(new Watch { Name = "Query " + word, Query = word, Kind = WatchKind.Brand, InboxWhen = when, CreatedAt = Now, UpdatedAt = Now }).Entity;
            await db.SaveChangesAsync();
            return (source.Id, watch.Id);
        });
        App.Services.GetRequiredService<WatchCatalog>().Invalidate();
        return ids;
    }

    private Task<IngestResult> IngestAsync(int source, params IncomingMention[] items) =>
        App.WithScopeAsync(sp => sp.GetRequiredService<MentionIngestor>().IngestAsync(source, items, null));

    private Task<List<InboxItem>> ItemsAsync(Func<IQueryable<InboxItem>, IQueryable<InboxItem>> where) =>
        App.WithDbAsync(db => where(db.InboxItems.AsNoTracking()).OrderBy(i => i.Id).ToListAsync());

    private Task<int> RunIntakeAsync() => App.WithScopeAsync(sp => ActivatorUtilities.CreateInstance<InboxIntakeJob>(sp).RunAsync());

    private Task<int> RunSlaAsync() => App.WithScopeAsync(sp => ActivatorUtilities.CreateInstance<InboxSlaJob>(sp).RunAsync());

    private Task<InboxItem> AddItemAsync(string subject, InboxChannel channel = InboxChannel.Mention, string language = "en") =>
        App.WithScopeAsync(async sp => (await sp.GetRequiredService<InboxIntake>().AddAsync(new InboxItem
        {
            Key = "test:" + Guid.NewGuid().ToString("N"), Channel = channel, Subject = subject, Excerpt = subject + " — text", Language = language,
        })).Item);

    private Task<Guid> IdOfAsync(string email) => App.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

    [Fact]
    public async Task Mentions_EnterTheInbox_AsTheirQueryRuleSays_Once_WithPriorityRulesAndSlaTargets()
    {
        var word = Word();
        var (source, watch) = await ListeningAsync(word, InboxWhen.Negative | InboxWhen.Question);
        await App.WithDbAsync(async db =>
        {
            db.InboxRules.Add(new InboxRule { Name = "Battery " + word, Position = 1, WatchId = watch, Keywords = "batterie, battery", AddTags = "battery", CreatedAt = Now });
            return await db.SaveChangesAsync();
        });
        var angry = $"Ma batterie {word} est morte après 6 mois, je suis vraiment déçu, c'est nul.";
        await IngestAsync(source,
            new($"{word}-1", angry, PublishedAt: Now.AddMinutes(-3), Author: new IncomingAuthor("@star@social.example", "Star", null, 25_000)),
            new($"{word}-2", $"J'adore mon {word}, un vrai bonheur chaque matin !", PublishedAt: Now.AddMinutes(-2)),
            new($"{word}-3", $"Comment régler les freins de mon {word} ?", PublishedAt: Now.AddMinutes(-1), Author: new IncomingAuthor("@ana@social.example", "Ana", null, 40)),
            new($"{word}-4", angry, PublishedAt: Now, Author: new IncomingAuthor("@copy@social.example", "Copy", null, 10)));
        // The same batch again (a webhook retried): nothing new.
        await IngestAsync(source, new($"{word}-1", angry), new($"{word}-3", "again"));

        var items = await ItemsAsync(q => q.Where(i => i.WatchId == watch));
        items.Count.ShouldBe(2, "the negative mention and the question; not the praise, not the repost: " + string.Join(" | ", items.Select(i => i.AuthorHandle + " " + i.Excerpt)));
        var negative = items.Single(i => i.AuthorHandle == "@star@social.example");
        (negative.Channel, negative.Status, negative.Priority, negative.Language, negative.Tags).ShouldBe((InboxChannel.Mention, InboxStatus.Open, InboxPriority.Urgent, "fr", "battery"));
        negative.Key.ShouldBe(InboxMentionObserver.Key(negative.MentionId!.Value));
        negative.FirstResponseDueAt!.Value.ShouldBe(negative.CreatedAt.AddMinutes(30), TimeSpan.FromMilliseconds(1));
        negative.ResolutionDueAt!.Value.ShouldBe(negative.CreatedAt.AddHours(4), TimeSpan.FromMilliseconds(1));
        var question = items.Single(i => i.AuthorHandle == "@ana@social.example");
        (question.Priority, question.Tags).ShouldBe((InboxPriority.Normal, null));
        question.FirstResponseDueAt!.Value.ShouldBe(question.CreatedAt.AddHours(4), TimeSpan.FromMilliseconds(1));

        var history = await App.WithDbAsync(db => db.InboxEvents.Where(e => e.ItemId == negative.Id).OrderBy(e => e.Id).Select(e => e.Kind).ToListAsync());
        history.ShouldBe([InboxEventKind.Created, InboxEventKind.RuleApplied, InboxEventKind.TagsChanged]);
    }

    [Fact]
    public async Task AnItem_IsWorkedThroughTheApi_EachChangeInItsHistory_AndBadInputIsExplained()
    {
        using var manager = await TestPerson.CreateAsync(App, Roles.CommunityManager, "fr");
        using var member = await TestPerson.CreateAsync(App);
        var managerId = await IdOfAsync(manager.Email);
        var memberId = await IdOfAsync(member.Email);
        var item = await AddItemAsync("Where is my order " + Word());
        var http = manager.Client.Http;
        var url = $"/api/v1/inbox/items/{item.Id}";

        (await member.Client.Http.GetAsync("/api/v1/inbox/items")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // Bad input: a member who is not staff cannot be assigned; an unknown status or priority is named.
        var notStaff = await http.PutAsJsonAsync(url + "/assignee", new { assigneeId = memberId });
        notStaff.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await notStaff.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("assigneeId")[0].GetString()
            .ShouldBe("Seuls les administrateurs et les community managers peuvent être responsables.");
        (await http.PutAsJsonAsync(url + "/status", new { status = "Done" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await http.PutAsJsonAsync(url + "/priority", new { priority = "Huge" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await http.PostAsJsonAsync(url + "/notes", new { text = "  " })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        (await http.PutAsJsonAsync(url + "/assignee", new { assigneeId = managerId })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var high = await (await http.PutAsJsonAsync(url + "/priority", new { priority = "High" })).Content.ReadFromJsonAsync<JsonElement>();
        (high.GetProperty("priority").GetString(), high.GetProperty("priorityIsManual").GetBoolean()).ShouldBe(("High", true));
        high.GetProperty("firstResponseDueAt").GetDateTime().ToUniversalTime().ShouldBe(item.CreatedAt.AddHours(1), TimeSpan.FromMilliseconds(1));
        (await http.PutAsJsonAsync(url + "/tags", new { tags = new[] { "Livraison", "urgent!", "livraison" } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await http.PostAsJsonAsync(url + "/notes", new { text = "Called the warehouse." })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var mine = await http.GetFromJsonAsync<JsonElement>("/api/v1/inbox/items?view=mine");
        mine.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ShouldContain(item.Id);
        var unassigned = await http.GetFromJsonAsync<JsonElement>("/api/v1/inbox/items?view=unassigned");
        unassigned.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ShouldNotContain(item.Id);
        (await http.PutAsJsonAsync(url + "/status", new { status = "Resolved" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var detail = await http.GetFromJsonAsync<JsonElement>(url);
        var it = detail.GetProperty("item");
        (it.GetProperty("status").GetString(), it.GetProperty("noteCount").GetInt32()).ShouldBe(("Resolved", 1));
        it.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldBe(["livraison", "urgent"]);
        it.GetProperty("resolvedAt").ValueKind.ShouldBe(JsonValueKind.String);
        detail.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("kind").GetString())
            .ShouldBe(["Created", "Assigned", "PriorityChanged", "TagsChanged", "Note", "StatusChanged"]);
        detail.GetProperty("history")[4].GetProperty("text").GetString().ShouldBe("Called the warehouse.");
        var done = await http.GetFromJsonAsync<JsonElement>("/api/v1/inbox/items?view=done&tag=livraison");
        done.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ShouldContain(item.Id);

        // Bulk: both items tagged at once, an unknown id reported.
        var other = await AddItemAsync("Second " + Word());
        var bulk = await (await http.PostAsJsonAsync("/api/v1/inbox/items/bulk", new { ids = new[] { item.Id, other.Id, 999_999_999L }, action = "tag", value = "bulk" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        (bulk.GetProperty("changed").GetInt32(), bulk.GetProperty("notFound")[0].GetInt64()).ShouldBe((2, 999_999_999L));
        (await ItemsAsync(q => q.Where(i => i.Id == other.Id))).Single().Tags.ShouldBe("bulk");
    }

    [Fact]
    public async Task AnUnansweredQuestion_EntersAfterTheDelay_IsAnsweredInTheCommunity_AndResolvedWhenAnAnswerIsAccepted()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var asker = await TestPerson.CreateAsync(App, language: "fr");
        using var helper = await TestPerson.CreateAsync(App);
        using var manager = await TestPerson.CreateAsync(App, Roles.CommunityManager);
        var title = "Comment changer la chaîne " + Word();
        var topic = (await (await asker.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Question", title, body = "Ma chaîne saute, que faire ?" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        await RunIntakeAsync();
        (await ItemsAsync(q => q.Where(i => i.TopicId == topic))).ShouldBeEmpty("not before the delay (24 h)");
        Clock.Advance(TimeSpan.FromHours(25));
        await RunIntakeAsync();
        await RunIntakeAsync();
        var item = (await ItemsAsync(q => q.Where(i => i.TopicId == topic))).ShouldHaveSingleItem();
        (item.Channel, item.Subject, item.Language, item.Key).ShouldBe((InboxChannel.Question, title, "fr", $"question:{topic}"));

        // The manager answers from the inbox: a reply in the topic, posted as them; the first response is recorded.
        var knownReplies = 0;
        var sent = await manager.Client.Http.PostAsJsonAsync($"/api/v1/inbox/items/{item.Id}/replies", new { body = "Bonjour, il faut vérifier la tension.", knownReplies });
        sent.StatusCode.ShouldBe(HttpStatusCode.Created);
        var reply = await sent.Content.ReadFromJsonAsync<JsonElement>();
        (reply.GetProperty("route").GetString(), reply.GetProperty("state").GetString()).ShouldBe(("Community", "Sent"));
        reply.GetProperty("url").GetString()!.ShouldStartWith($"/t/{topic}/");
        var posts = await App.CreateTribuClient().Http.GetFromJsonAsync<JsonElement>($"/api/v1/topics/{topic}");
        posts.GetProperty("posts").EnumerateArray().Last().GetProperty("author").GetString().ShouldBe(manager.Handle);
        (await ItemsAsync(q => q.Where(i => i.Id == item.Id))).Single().FirstResponseAt!.Value.ShouldBe(Now, TimeSpan.FromMilliseconds(1));

        // Someone else replied meanwhile (the helper's form was open): warned, and sent only when confirmed.
        using var colleague = await TestPerson.CreateAsync(App, Roles.CommunityManager);
        var second = await colleague.Client.Http.PostAsJsonAsync($"/api/v1/inbox/items/{item.Id}/replies", new { body = "Bonjour !", knownReplies });
        second.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("already replied");
        (await colleague.Client.Http.PostAsJsonAsync($"/api/v1/inbox/items/{item.Id}/replies", new { body = "Bonjour !", knownReplies, confirmed = true }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);

        // A member's answer is accepted: the item resolves itself, saying why.
        var answer = (await (await helper.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = "Change le dérailleur." }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        (await asker.Client.Http.PutAsJsonAsync($"/api/v1/topics/{topic}/accepted-answer", new { postId = answer })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await RunIntakeAsync();
        var resolved = (await ItemsAsync(q => q.Where(i => i.Id == item.Id))).Single();
        resolved.Status.ShouldBe(InboxStatus.Resolved);
        (await App.WithDbAsync(db => db.InboxEvents.Where(e => e.ItemId == item.Id && e.Kind == InboxEventKind.StatusChanged).Select(e => e.Text).SingleAsync())).ShouldBe("question.solved");
    }

    [Fact]
    public async Task AFlaggedPost_EntersTheInbox_AndIsResolvedWhenTheModeratorsDecide()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var author = await TestPerson.CreateAsync(App);
        using var flagger = await TestPerson.CreateAsync(App);
        var topic = (await (await author.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Discussion", title = "Avis " + Word(), body = "Ouvert" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var post = (await (await author.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = "This brand is a scam, avoid." })).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("id").GetInt64();
        (await flagger.Client.Http.PostAsJsonAsync($"/api/v1/posts/{post}/flags", new { reason = "Abuse" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        await RunIntakeAsync();
        var item = (await ItemsAsync(q => q.Where(i => i.PostId == post))).ShouldHaveSingleItem();
        (item.Channel, item.TopicId, item.Sentiment).ShouldBe((InboxChannel.Flag, topic, Tribu.Web.Features.Listening.Analysis.SentimentLabel.Negative));
        (await App.WithDbAsync(db => db.InboxEvents.Where(e => e.ItemId == item.Id && e.Kind == InboxEventKind.SourceChanged).Select(e => e.Text).SingleAsync())).ShouldBe("Abuse×1");

        await App.WithDbAsync(db => db.Set<Tribu.Web.Features.Moderation.Flag>().Where(f => f.PostId == post).ExecuteUpdateAsync(s => s.SetProperty(f => f.ResolvedAt, Now)));
        await RunIntakeAsync();
        (await ItemsAsync(q => q.Where(i => i.Id == item.Id))).Single().Status.ShouldBe(InboxStatus.Resolved);
    }

    [Fact]
    public async Task SlaWarningsAndBreaches_AreToldOnce_ToTheAssignee()
    {
        using var manager = await TestPerson.CreateAsync(App, Roles.CommunityManager);
        var managerId = await IdOfAsync(manager.Email);
        var item = await AddItemAsync("Slow " + Word());
        (await manager.Client.Http.PutAsJsonAsync($"/api/v1/inbox/items/{item.Id}/assignee", new { assigneeId = managerId })).StatusCode.ShouldBe(HttpStatusCode.OK);
        item.Priority.ShouldBe(InboxPriority.Normal);

        // Normal: first response within 4 h, warned at 75 % (3 h).
        Clock.Advance(TimeSpan.FromMinutes(179));
        await RunSlaAsync();
        Task<List<InboxEventKind>> SlaEventsAsync() => App.WithDbAsync(db => db.InboxEvents.Where(e => e.ItemId == item.Id && (e.Kind == InboxEventKind.SlaWarning || e.Kind == InboxEventKind.SlaBreached))
            .OrderBy(e => e.Id).Select(e => e.Kind).ToListAsync());
        (await SlaEventsAsync()).ShouldBeEmpty();
        Clock.Advance(TimeSpan.FromMinutes(2));
        await RunSlaAsync();
        await RunSlaAsync();
        (await SlaEventsAsync()).ShouldBe([InboxEventKind.SlaWarning]);
        Clock.Advance(TimeSpan.FromMinutes(60));
        await RunSlaAsync();
        await RunSlaAsync();
        (await SlaEventsAsync()).ShouldBe([InboxEventKind.SlaWarning, InboxEventKind.SlaBreached]);
        var notes = await App.WithDbAsync(db => db.Notifications.Where(n => n.RecipientId == managerId && n.Kind == NotificationKind.InboxSla && n.PostId == item.Id).OrderBy(n => n.Id).Select(n => n.Note).ToListAsync());
        notes.ShouldBe(["warning:first-response", "breached:first-response"]);
        var page = await manager.Client.GetAsync("/notifications");
        page.Text.ShouldContain("first response overdue");

        var breaching = await manager.Client.Http.GetFromJsonAsync<JsonElement>("/api/v1/inbox/items?view=breaching");
        breaching.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetInt64() == item.Id).GetProperty("sla").GetString().ShouldBe("Breached");
    }

    [Fact]
    public async Task Stats_GiveFirstResponseAndResolutionTimes_AndVolumes_Exactly()
    {
        // A day of its own, far from the other tests' items.
        Clock.Advance(TimeSpan.FromDays(1000));
        var day = DateOnly.FromDateTime(Now);
        using var manager = await TestPerson.CreateAsync(App, Roles.CommunityManager);
        var managerId = await IdOfAsync(manager.Email);
        var a = await AddItemAsync("A");
        var b = await AddItemAsync("B", InboxChannel.Question);
        var c = await AddItemAsync("C");
        await App.WithScopeAsync(async sp =>
        {
            var inbox = sp.GetRequiredService<InboxService>();
            await inbox.SetTagsAsync(a.Id, ["delivery"], managerId);
            await inbox.SetTagsAsync(b.Id, ["delivery", "battery"], managerId);
            Clock.Advance(TimeSpan.FromMinutes(30));
            await inbox.MarkRespondedAsync(a.Id, managerId, null);
            Clock.Advance(TimeSpan.FromMinutes(90));
            await inbox.SetStatusAsync(a.Id, InboxStatus.Resolved, managerId);
            Clock.Advance(TimeSpan.FromMinutes(180));
            return await inbox.MarkRespondedAsync(b.Id, managerId, null);
        });

        var stats = await manager.Client.Http.GetFromJsonAsync<JsonElement>($"/api/v1/inbox/stats?from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}");
        (stats.GetProperty("items").GetInt32(), stats.GetProperty("open").GetInt32(), stats.GetProperty("resolved").GetInt32()).ShouldBe((3, 2, 1));
        var first = stats.GetProperty("firstResponse");
        // a: 30 min (within 240), b: 300 min (over 240). Median 165, mean 165, p90 = 30 + 0.9 × 270 = 273.
        (first.GetProperty("count").GetInt32(), first.GetProperty("medianMinutes").GetDouble(), first.GetProperty("averageMinutes").GetDouble(),
            first.GetProperty("p90Minutes").GetDouble(), first.GetProperty("withinTargetPercent").GetDouble()).ShouldBe((2, 165.0, 165.0, 273.0, 50.0));
        var resolution = stats.GetProperty("resolution");
        (resolution.GetProperty("count").GetInt32(), resolution.GetProperty("medianMinutes").GetDouble(), resolution.GetProperty("withinTargetPercent").GetDouble()).ShouldBe((1, 120.0, 100.0));
        (stats.GetProperty("byChannel").GetProperty("Mention").GetInt32(), stats.GetProperty("byChannel").GetProperty("Question").GetInt32()).ShouldBe((2, 1));
        (stats.GetProperty("byTag").GetProperty("delivery").GetInt32(), stats.GetProperty("byTag").GetProperty("battery").GetInt32()).ShouldBe((2, 1));
        _ = c;

        // An empty period: zeros and nulls, never an error.
        var empty = await manager.Client.Http.GetFromJsonAsync<JsonElement>("/api/v1/inbox/stats?from=2001-01-01&to=2001-01-02");
        (empty.GetProperty("items").GetInt32(), empty.GetProperty("firstResponse").GetProperty("medianMinutes").ValueKind).ShouldBe((0, JsonValueKind.Null));
    }

    [Fact]
    public async Task ThePages_ShowTheQueueAndTheItem_InFrench_AndTheirFormsWork()
    {
        using var manager = await TestPerson.CreateAsync(App, Roles.CommunityManager, "fr");
        using var member = await TestPerson.CreateAsync(App);
        using var colleague = await TestPerson.CreateAsync(App, Roles.CommunityManager);
        var subject = "Colis perdu " + Word();
        var item = await AddItemAsync(subject, language: "fr");

        var queue = await manager.Client.GetAsync("/manage/inbox");
        queue.Status.ShouldBe(HttpStatusCode.OK);
        queue.Document.QuerySelector("h1")!.TextContent.ShouldBe("Boîte de réception");
        queue.Text.ShouldContain(subject);
        // PostgreSQL keeps microseconds: a hair under four hours.
        queue.Text.ShouldMatch("Répondre sous (4 h 00|3 h 59)");
        (await member.Client.Http.GetAsync("/manage/inbox")).Headers.Location!.OriginalString.ShouldContain("/account/access-denied");

        var url = $"/manage/inbox/items/{item.Id}";
        var page = await manager.Client.GetAsync(url);
        page.Text.ShouldContain(subject);
        page.Text.ShouldContain("Cet élément ne peut pas recevoir de réponse depuis Tribu");

        // Assign to me, then a note, then resolve, each from its form; the history says so in French.
        page = await manager.Client.FollowAsync(await manager.Client.SubmitFormAsync(url, f => f.Id == "assign-me-form", new Dictionary<string, string>()));
        page.Text.ShouldContain("Attribution enregistrée.");
        var empty = await manager.Client.SubmitAndFollowAsync(url, "note", new Dictionary<string, string> { ["Note.Text"] = "" });
        empty.FieldError("text").ShouldBe("Écrivez d’abord la note.");
        page = await manager.Client.SubmitAndFollowAsync(url, "note", new Dictionary<string, string> { ["Note.Text"] = "Vérifier avec le transporteur." });
        page.Text.ShouldContain("Note ajoutée.");
        page.Text.ShouldContain("Vérifier avec le transporteur.");
        page = await manager.Client.FollowAsync(await manager.Client.SubmitFormAsync(url, f => f.Id == "status-resolved-form", new Dictionary<string, string>()));
        page.Text.ShouldContain("Statut : Résolu.");
        page.Text.ShouldContain("a passé le statut à Résolu");

        // Two managers on the same item see each other.
        var managerSees = await manager.Client.Http.PutAsJsonAsync($"/api/v1/inbox/items/{item.Id}/presence", new { typing = false });
        var colleagueSees = await (await colleague.Client.Http.PutAsJsonAsync($"/api/v1/inbox/items/{item.Id}/presence", new { typing = true })).Content.ReadFromJsonAsync<JsonElement>();
        colleagueSees.EnumerateArray().Count().ShouldBe(2);
        managerSees.StatusCode.ShouldBe(HttpStatusCode.OK);
        var again = await manager.Client.GetAsync(url);
        again.Document.GetElementById("inbox-presence")!.TextContent.ShouldContain("écrit une réponse");
    }
}

public sealed class InboxSqliteTests(SqliteListeningClockAppFactory app) : InboxTests<SqliteListeningClockAppFactory>(app), IClassFixture<SqliteListeningClockAppFactory>;

[Trait("Category", "Postgres")]
public sealed class InboxPostgresTests(PostgresListeningClockAppFactory app) : InboxTests<PostgresListeningClockAppFactory>(app), IClassFixture<PostgresListeningClockAppFactory>;
