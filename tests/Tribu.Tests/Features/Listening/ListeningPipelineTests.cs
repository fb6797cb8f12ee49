using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Listening;
using Tribu.Web.Features.Listening.Analysis;
using Tribu.Web.Features.Listening.Ingestion;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Features.Listening;

/// <summary>
/// The ingestion pipeline every source feeds, listening queries and what the console and the API read from them:
/// stored once, analysed, reposts grouped, authors linked, matched against queries (again when a query changes).
/// </summary>
public abstract class ListeningPipelineTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    private static DateTime Now => TimeProvider.System.GetUtcNow().UtcDateTime;

    private static string Marker() => "m" + Guid.NewGuid().ToString("N")[..10];

    private Task<int> SourceAsync(string name, SourceKind kind = SourceKind.Webhook) => App.WithDbAsync(async db =>
    {
        var source = db.ListeningSources.Add(new ListeningSource { Kind = kind, Name = name, CreatedAt = Now }).Entity;
        await db.SaveChangesAsync();
        return source.Id;
    });

    private Task<IngestResult> IngestAsync(int sourceId, IReadOnlyList<IncomingMention> items, Action<ListeningSource>? update = null) =>
        App.WithScopeAsync(sp => sp.GetRequiredService<MentionIngestor>().IngestAsync(sourceId, items, update));

    private async Task<int> WatchAsync(string name, string query, WatchKind kind = WatchKind.Brand, string? languages = null, string? sources = null)
    {
        var id = await App.WithDbAsync(async db =>
        {
            var watch = db.Watches.Add(new Watch { Name = name, Query = query, Kind = kind, Languages = languages, SourceIds = sources, CreatedAt = Now, UpdatedAt = Now }).Entity;
            await db.SaveChangesAsync();
            return watch.Id;
        });
        App.Services.GetRequiredService<WatchCatalog>().Invalidate();
        return id;
    }

    [Fact]
    public async Task EachMention_IsStoredOnce_Analysed_AndMatchedAgainstTheQueriesWhoseFiltersItPasses()
    {
        var m = Marker();
        var source = await SourceAsync($"Hook {m}");
        var other = await SourceAsync($"Other {m}");
        var all = await WatchAsync($"All {m}", $"{m} AND vélo");
        var frenchOnly = await WatchAsync($"Fr {m}", m, languages: "fr");
        var otherSourceOnly = await WatchAsync($"Src {m}", m, sources: other.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var first = await IngestAsync(source,
        [
            new($"{m}-1", $"<p>Mon <b>vélo</b> {m} est vraiment génial, je l&#39;adore !</p>", IsHtml: true, Url: "https://social.example/@ana/1", PublishedAt: Now.AddMinutes(-5),
                Author: new IncomingAuthor("Ana@Social.Example", "Ana", "https://social.example/@ana", 1200)),
            new($"{m}-2", $"This {m} bike is terrible, the worst purchase ever.", Language: "en"),
            new($"{m}-1", "the same id twice in one batch"),
            new("", "no id"),
            new($"{m}-3", "   "),
            new($"{m}-4", "<script>alert(1)</script>", IsHtml: true, Url: "javascript:alert(1)"),
        ]);
        first.Added.ShouldBe(3);
        first.Duplicates.ShouldBe(1);
        first.Rejected.Select(r => (r.Index, r.Key)).ShouldBe([(3, MentionIngestor.RejectKeys.NoId), (4, MentionIngestor.RejectKeys.NoText)]);

        // Sent again (a webhook retried, a feed polled twice): nothing is stored twice.
        var again = await IngestAsync(source, [new($"{m}-1", "changed text"), new($"{m}-2", "changed")]);
        (again.Added, again.Duplicates).ShouldBe((0, 2));

        var stored = await App.WithDbAsync(db => db.Mentions.AsNoTracking().Include(x => x.Matches).Where(x => x.SourceId == source).OrderBy(x => x.ExternalId).ToListAsync());
        stored.Count.ShouldBe(3);
        var french = stored[0];
        french.Text.ShouldBe($"Mon vélo {m} est vraiment génial, je l'adore !");
        (french.Language, french.Sentiment, french.SentimentOrigin).ShouldBe(("fr", SentimentLabel.Positive, SentimentOrigin.Engine));
        (french.AuthorHandle, french.AuthorName, french.AuthorFollowers).ShouldBe(("@ana@social.example", "Ana", 1200));
        french.Matches.Select(x => x.WatchId).Order().ShouldBe(new[] { all, frenchOnly }.Order());
        var english = stored[1];
        (english.Language, english.Sentiment).ShouldBe(("en", SentimentLabel.Negative));
        english.Matches.ShouldBeEmpty("no vélo, not French, not from the other source");
        var script = stored[2];
        script.Url.ShouldBeNull("only http(s) links are kept");
        script.Text.ShouldNotContain("<script>");

        var fromOther = await IngestAsync(other, [new($"{m}-1", $"Ailleurs on parle de {m}")]);
        fromOther.Added.ShouldBe(1, "the same id from another source is another mention");
        fromOther.Mentions[0].WatchIds.ShouldBe([otherSourceOnly]);
    }

    [Fact]
    public async Task Reposts_AreGroupedUnderTheFirstMentionWithTheSameWords_AndShortTextsNeverAre()
    {
        var m = Marker();
        var source = await SourceAsync($"Reposts {m}");
        var words = $"Incroyable, la nouvelle batterie {m} tient trois jours sans recharge";
        await IngestAsync(source, [new($"{m}-a", words), new($"{m}-b", "RT @someone: " + words.ToUpperInvariant() + " !!"), new($"{m}-s1", "lol"), new($"{m}-s2", "lol")]);
        await IngestAsync(source, [new($"{m}-c", $"<p>{words}</p>", IsHtml: true)]);
        var rows = await App.WithDbAsync(db => db.Mentions.AsNoTracking().Where(x => x.SourceId == source).OrderBy(x => x.ExternalId).ToListAsync());
        var original = rows.Single(r => r.ExternalId == $"{m}-a");
        original.OriginalId.ShouldBeNull();
        original.RepostCount.ShouldBe(2);
        rows.Single(r => r.ExternalId == $"{m}-b").OriginalId.ShouldBe(original.Id);
        rows.Single(r => r.ExternalId == $"{m}-c").OriginalId.ShouldBe(original.Id);
        rows.Where(r => r.ExternalId.Contains("-s", StringComparison.Ordinal)).ShouldAllBe(r => r.OriginalId == null && r.RepostCount == 0);

        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager);
        var page = await manager.Http.GetFromJsonAsync<JsonElement>($"/api/v1/listening/mentions?source={source}");
        page.GetProperty("items").GetArrayLength().ShouldBe(3, "reposts are hidden from the stream by default");
        var withReposts = await manager.Http.GetFromJsonAsync<JsonElement>($"/api/v1/listening/mentions?source={source}&reposts=true");
        withReposts.GetProperty("items").GetArrayLength().ShouldBe(5);
    }

    [Fact]
    public async Task TheSourcesCursor_IsSavedWithItsMentions_OrNotAtAll()
    {
        var m = Marker();
        var source = await SourceAsync($"Cursor {m}", SourceKind.Bluesky);
        await IngestAsync(source, [new($"{m}-1", "one"), new($"{m}-2", "two")], s => s.Cursor = "page-2");
        var state = await App.WithDbAsync(db => db.ListeningSources.AsNoTracking().SingleAsync(s => s.Id == source));
        (state.Cursor, state.ItemCount).ShouldBe(("page-2", 2));

        // A page of nothing new still moves the cursor on.
        await IngestAsync(source, [new($"{m}-2", "two")], s => s.Cursor = "page-3");
        (await App.WithDbAsync(db => db.ListeningSources.AsNoTracking().SingleAsync(s => s.Id == source))).Cursor.ShouldBe("page-3");

        // A failure while storing (the source callback throws here) leaves neither the cursor nor the mentions.
        await Should.ThrowAsync<InvalidOperationException>(() => IngestAsync(source, [new($"{m}-3", "three")], s =>
        {
            s.Cursor = "page-4";
            throw new InvalidOperationException("crash in the middle");
        }));
        var after = await App.WithDbAsync(db => db.ListeningSources.AsNoTracking().SingleAsync(s => s.Id == source));
        after.Cursor.ShouldBe("page-3");
        (await App.WithDbAsync(db => db.Mentions.CountAsync(x => x.SourceId == source))).ShouldBe(2);
    }

    [Fact]
    public async Task AuthorsAreLinkedToMembers_ByStaffFromAMention_AndByTheHandlesOnTheirProfile()
    {
        var m = Marker();
        var source = await SourceAsync($"Authors {m}");
        using var person = await TestPerson.CreateAsync(App);
        await IngestAsync(source, [new($"{m}-1", "hello", Author: new IncomingAuthor($"{m}@mastodon.example")), new($"{m}-2", "hi", Author: new IncomingAuthor($"https://bsky.app/profile/{m}.bsky.social"))]);

        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager, "fr");
        var mention = await App.WithDbAsync(db => db.Mentions.AsNoTracking().SingleAsync(x => x.ExternalId == $"{m}-1"));
        var detail = await manager.GetAsync($"/manage/listening/mentions/{mention.Id}");
        detail.Text.ShouldContain($"@{m}@mastodon.example");
        var bad = await manager.SubmitAndFollowAsync($"/manage/listening/mentions/{mention.Id}", "link-author", new Dictionary<string, string> { ["Link.Member"] = "nobody-" + m });
        bad.FieldError("Member").ShouldBe("Aucun membre n’a cet identifiant.");
        var linked = await manager.SubmitAndFollowAsync($"/manage/listening/mentions/{mention.Id}", "link-author", new Dictionary<string, string> { ["Link.Member"] = "@" + person.Handle });
        linked.Text.ShouldContain("Relié : 1 mentions");
        linked.Document.QuerySelector($"a[href='/u/{person.Handle}']").ShouldNotBeNull();
        // Later mentions by the handle are linked as they arrive.
        await IngestAsync(source, [new($"{m}-3", "again", Author: new IncomingAuthor($"@{m}@Mastodon.example"))]);
        // (Compared by value: the id written by the pipeline's own insert reads back equal to the one EF writes.)
        var memberId = await App.WithDbAsync(db => db.Users.Where(u => u.UserName != null && u.Handle == person.Handle).Select(u => u.Id).SingleAsync());
        (await App.WithDbAsync(db => db.Mentions.CountAsync(x => x.SourceId == source && x.MemberId == memberId))).ShouldBe(2);

        // The member names their Bluesky account on their profile: their mention there is linked too.
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, memberId.ToString())], "test"));
        var errors = await App.WithScopeAsync(sp => sp.GetRequiredService<AuthorLinks>().SetProfileHandlesAsync(principal, memberId, $"@{m}@mastodon.example, {m}.bsky.social"));
        errors.ShouldBeEmpty();
        (await App.WithDbAsync(db => db.Mentions.CountAsync(x => x.SourceId == source && x.MemberId == memberId))).ShouldBe(3);
        var stream = await manager.Http.GetFromJsonAsync<JsonElement>($"/api/v1/listening/mentions?source={source}");
        stream.GetProperty("items").EnumerateArray().ShouldAllBe(i => i.GetProperty("memberHandle").GetString() == person.Handle);
        // Another member cannot claim the same account on their profile.
        using var other = await TestPerson.CreateAsync(App);
        var otherId = await App.WithDbAsync(db => db.Users.Where(u => u.Handle == other.Handle).Select(u => u.Id).SingleAsync());
        var refused = await App.WithScopeAsync(sp => sp.GetRequiredService<AuthorLinks>().SetProfileHandlesAsync(principal, otherId, $"{m}.bsky.social"));
        refused.ShouldContainKey("SocialHandles");
    }

    [Fact]
    public async Task AQuery_IsValidatedInTheManagersLanguage_MatchesRecentMentionsWhenSaved_AndAgainWhenEdited()
    {
        var m = Marker();
        var source = await SourceAsync($"Queries {m}");
        await IngestAsync(source,
        [
            new($"{m}-1", $"La trottinette {m} est en panne encore une fois", PublishedAt: Now.AddDays(-2)),
            new($"{m}-2", $"Super sortie en vélo {m} ce matin", PublishedAt: Now.AddDays(-1)),
            new($"{m}-old", $"La trottinette {m} d'il y a longtemps", PublishedAt: Now.AddDays(-60)),
        ]);
        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager, "fr");

        // Bad input: explained in French, where it is, and nothing saved.
        var bad = await manager.SubmitAndFollowAsync("/manage/listening/queries/new", "watch", new Dictionary<string, string>
        {
            ["Input.Name"] = $"Trottinettes {m}", ["Input.Kind"] = "Brand", ["Input.Query"] = $"({m} AND trottinette", ["Input.AlertEmails"] = "pas-une-adresse",
        });
        bad.FieldError("Query").ShouldBe("La parenthèse ouverte au caractère 1 n’est jamais fermée.");
        bad.FieldError("AlertEmails").ShouldBe("« pas-une-adresse » n’est pas une adresse e-mail.");
        (await App.WithDbAsync(db => db.Watches.AnyAsync(w => w.Name == $"Trottinettes {m}"))).ShouldBeFalse();
        var api = await manager.Http.PostAsJsonAsync("/api/v1/listening/queries", new { name = $"X {m}", kind = "Brand", query = $"{m} OR" });
        api.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await api.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("Query")[0].GetString()!.ShouldContain("OR");

        // The preview tells what it would match before anything is saved.
        var preview = await (await manager.Http.PostAsJsonAsync("/api/v1/listening/queries/preview", new { query = $"{m} trottinette" })).Content.ReadFromJsonAsync<JsonElement>();
        preview.GetProperty("matched").GetInt32().ShouldBe(2);
        var previewError = await (await manager.Http.PostAsJsonAsync("/api/v1/listening/queries/preview", new { query = "\"unclosed" })).Content.ReadFromJsonAsync<JsonElement>();
        previewError.GetProperty("errors")[0].GetProperty("position").GetInt32().ShouldBe(0);

        var saved = await manager.SubmitAndFollowAsync("/manage/listening/queries/new", "watch", new Dictionary<string, string>
        {
            ["Input.Name"] = $"Trottinettes {m}", ["Input.Kind"] = "Competitor", ["Input.Query"] = $"{m} AND trottinette", ["Input.Languages[fr]"] = "true",
            ["Input.AlertOnSpike"] = "true", ["Input.SpikeFactor"] = "3", ["Input.SpikeMinimum"] = "10", ["Input.AlertOnNegativeSurge"] = "true",
            ["Input.NegativeSharePercent"] = "40", ["Input.NegativeMinimum"] = "8", ["Input.IsActive"] = "true", ["Input.AlertWebhookUrl"] = "https://hooks.example/tribu",
            ["Input.AlertWebhookSecret"] = "s3cret-" + m,
        });
        saved.Text.ShouldContain("Veille enregistrée");
        var watch = await App.WithDbAsync(db => db.Watches.AsNoTracking().SingleAsync(w => w.Name == $"Trottinettes {m}"));
        (watch.Kind, watch.Languages).ShouldBe((WatchKind.Competitor, "fr"));
        watch.ProtectedAlertWebhookSecret.ShouldNotBeNull();
        watch.ProtectedAlertWebhookSecret.ShouldNotContain(m, Case.Sensitive, "the secret is stored protected");
        async Task<List<string>> MatchedAsync() => await App.WithDbAsync(db => db.MentionMatches.Where(x => x.WatchId == watch.Id).Select(x => x.Mention!.ExternalId).OrderBy(x => x).ToListAsync());
        (await MatchedAsync()).ShouldBe([$"{m}-1"], "the recent mention matches; the one from 60 days ago is outside the window");

        // Editing what it matches re-evaluates the recent mentions: the old match goes, the new one comes.
        var edited = await manager.Http.PutAsJsonAsync($"/api/v1/listening/queries/{watch.Id}", new { name = $"Trottinettes {m}", kind = "Competitor", query = $"{m} AND vélo", languages = new[] { "fr" }, alertWebhookUrl = "https://hooks.example/tribu" });
        edited.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await edited.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("hasAlertWebhookSecret").GetBoolean().ShouldBeTrue("an edit without a secret keeps the one set");
        body.ToString().ShouldNotContain("s3cret");
        (await MatchedAsync()).ShouldBe([$"{m}-2"]);

        // New mentions are matched by the edited query at once.
        await IngestAsync(source, [new($"{m}-3", $"Mon vélo {m} a crevé")]);
        (await MatchedAsync()).ShouldBe([$"{m}-2", $"{m}-3"]);

        var list = await manager.GetAsync("/manage/listening/queries");
        list.Text.ShouldContain($"Trottinettes {m}");
        var editPage = await manager.GetAsync($"/manage/listening/queries/{watch.Id}");
        editPage.Document.QuerySelector("#watch-query")!.TextContent.ShouldBe($"{m} AND vélo");
        editPage.Document.QuerySelector("#lang-fr")!.HasAttribute("checked").ShouldBeTrue();

        // Deleting asks for confirmation, then the matches go and the mentions stay.
        var unconfirmed = await manager.SubmitAndFollowAsync($"/manage/listening/queries/{watch.Id}", "delete-watch", new Dictionary<string, string>());
        unconfirmed.FieldError("Sure").ShouldBe("Cochez la case pour confirmer.");
        var deleted = await manager.SubmitAndFollowAsync($"/manage/listening/queries/{watch.Id}", "delete-watch", new Dictionary<string, string> { ["Confirm.Sure"] = "true" });
        deleted.Text.ShouldContain("Veille supprimée.");
        (await MatchedAsync()).ShouldBeEmpty();
        (await App.WithDbAsync(db => db.Mentions.CountAsync(x => x.SourceId == source))).ShouldBe(4);
    }

    [Fact]
    public async Task TheStream_FiltersAndPages_AndTheChartsCountByDayHourSentimentAndShareOfVoice()
    {
        var m = Marker();
        var source = await SourceAsync($"Stream {m}");
        var brand = await WatchAsync($"Brand {m}", $"{m} AND veloria");
        var rival = await WatchAsync($"Rival {m}", $"{m} AND cyclix", WatchKind.Competitor);
        var now = Now;
        var items = new List<IncomingMention>();
        for (var i = 0; i < 6; i++) items.Add(new($"{m}-b{i}", $"J'adore mon Veloria {m}, numéro {i}, génial", PublishedAt: now.AddDays(-1).AddMinutes(i)));
        for (var i = 0; i < 2; i++) items.Add(new($"{m}-r{i}", $"Cyclix {m} est nul, horrible service {i}", PublishedAt: now.AddDays(-3).AddMinutes(i)));
        await IngestAsync(source, items);

        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager);
        var first = await manager.Http.GetFromJsonAsync<JsonElement>($"/api/v1/listening/mentions?source={source}&limit=5");
        first.GetProperty("items").GetArrayLength().ShouldBe(5);
        var next = first.GetProperty("nextBefore").GetInt64();
        var second = await manager.Http.GetFromJsonAsync<JsonElement>($"/api/v1/listening/mentions?source={source}&limit=5&before={next}");
        second.GetProperty("items").GetArrayLength().ShouldBe(3);
        second.GetProperty("nextBefore").ValueKind.ShouldBe(JsonValueKind.Null);
        var negative = await manager.Http.GetFromJsonAsync<JsonElement>($"/api/v1/listening/mentions?query={rival}&sentiment=negative");
        negative.GetProperty("items").GetArrayLength().ShouldBe(2);
        negative.GetProperty("items")[0].GetProperty("queries")[0].GetString().ShouldBe($"Rival {m}");
        (await manager.Http.GetAsync("/api/v1/listening/mentions?sentiment=furious")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var days = await manager.Http.GetFromJsonAsync<JsonElement>($"/api/v1/listening/stats/volume?query={brand}&from={now.AddDays(-6):yyyy-MM-dd}&to={now:yyyy-MM-dd}");
        days.GetArrayLength().ShouldBe(7, "empty days are filled in");
        days.EnumerateArray().Sum(d => d.GetProperty("positive").GetInt32()).ShouldBe(6);
        var hours = await manager.Http.GetFromJsonAsync<JsonElement>($"/api/v1/listening/stats/volume?query={rival}&bucket=hour&hours=96");
        hours.GetArrayLength().ShouldBe(96);
        hours.EnumerateArray().Sum(d => d.GetProperty("negative").GetInt32()).ShouldBe(2);
        var voices = await manager.Http.GetFromJsonAsync<JsonElement>("/api/v1/listening/stats/share-of-voice?from=" + now.AddDays(-7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        var mine = voices.EnumerateArray().Where(v => v.GetProperty("name").GetString()!.EndsWith(m, StringComparison.Ordinal)).ToDictionary(v => v.GetProperty("name").GetString()!);
        (mine[$"Brand {m}"].GetProperty("total").GetInt32(), mine[$"Rival {m}"].GetProperty("total").GetInt32()).ShouldBe((6, 2));
        mine[$"Brand {m}"].GetProperty("netSentiment").GetInt32().ShouldBe(100);
        mine[$"Rival {m}"].GetProperty("netSentiment").GetInt32().ShouldBe(-100);

        // The pages: the stream with its filters, the overview with the charts' numbers as tables.
        var stream = await manager.GetAsync($"/manage/listening/mentions?query={rival}");
        stream.Document.QuerySelectorAll("#mentions .mention").Length.ShouldBe(2);
        stream.Document.QuerySelector("#f-query option[selected]")!.TextContent.ShouldBe($"Rival {m}");
        var filteredOut = await manager.GetAsync($"/manage/listening/mentions?query={rival}&sentiment=positive&from=not-a-date");
        filteredOut.Document.QuerySelectorAll("#mentions .mention").Length.ShouldBe(0);
        filteredOut.Text.ShouldContain("“not-a-date” is not a date");
        var overview = await manager.GetAsync($"/manage/listening?query={brand}&days=7");
        overview.Document.QuerySelectorAll("#by-day-title").Length.ShouldBe(1);
        overview.Document.QuerySelectorAll("svg.chart rect.bar-positive").Length.ShouldBeGreaterThan(0);
        overview.Text.ShouldContain($"Rival {m}");
    }
}

public sealed class ListeningPipelineSqliteTests(SqliteAppFactory app) : ListeningPipelineTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class ListeningPipelinePostgresTests(PostgresAppFactory app) : ListeningPipelineTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
