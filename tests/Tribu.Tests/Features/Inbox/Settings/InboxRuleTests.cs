using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Inbox;
using Tribu.Web.Features.Listening;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Features.Inbox.Settings;

/// <summary>Routing rules: applied in order to new items (tags add up, the first assignment wins, teams take turns), their conditions, their pages.</summary>
public abstract class InboxRuleTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    private static async Task<int> CreatedIdAsync(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    [Fact]
    public async Task Rules_ApplyInOrder_TagsAddUp_TheFirstAssignmentWins_AndATeamTakesTurns()
    {
        var m = InboxTestData.Marker();
        var a = await InboxTestData.PersonAsync(App, Roles.CommunityManager);
        var b = await InboxTestData.PersonAsync(App, Roles.Admin);
        var c = await InboxTestData.PersonAsync(App, Roles.CommunityManager);
        using var admin = await TestMembers.LoggedInAsync(App, Roles.Admin);
        var team = await CreatedIdAsync(await admin.Http.PostAsJsonAsync("/api/v1/inbox/teams", new { name = $"Support {m}" }));
        (await admin.Http.PostAsJsonAsync($"/api/v1/inbox/teams/{team}/members", new { member = a.Handle })).EnsureSuccessStatusCode();
        (await admin.Http.PostAsJsonAsync($"/api/v1/inbox/teams/{team}/members", new { member = "@" + b.Handle })).EnsureSuccessStatusCode();

        var toTeam = await CreatedIdAsync(await admin.Http.PostAsJsonAsync("/api/v1/inbox/rules",
            new { name = $"Team {m}", keywords = new[] { m }, assignToTeamId = team, addTags = new[] { "support" } }));
        var toPerson = await CreatedIdAsync(await admin.Http.PostAsJsonAsync("/api/v1/inbox/rules",
            new { name = $"Person {m}", keywords = new[] { m }, assignTo = c.Handle, addTags = new[] { "VIP" }, setPriority = "Urgent" }));

        var items = new List<InboxItem>();
        for (var i = 0; i < 3; i++) items.Add(await InboxTestData.AddAsync(App, $"Problème {m} numéro {i}"));
        items.ShouldAllBe(i => i.TeamId == team && i.Tags == "support,vip" && i.Priority == InboxPriority.Urgent);
        var assignees = items.Select(i => i.AssigneeId!.Value).ToList();
        assignees.Take(2).ToHashSet().ShouldBe(new HashSet<Guid> { a.Id, b.Id }, ignoreOrder: true);
        assignees[2].ShouldBe(assignees[0], "the team's members take turns: A, B, A");
        var applied = await App.WithDbAsync(db => db.InboxEvents.Where(e => e.ItemId == items[0].Id && e.Kind == InboxEventKind.RuleApplied).OrderBy(e => e.Id).Select(e => e.To).ToListAsync());
        applied.ShouldBe([$"Team {m}", $"Person {m}"]);

        // Moved first, the rule that assigns to a person wins; the team rule still adds its tag.
        var moved = await admin.Http.PostAsJsonAsync($"/api/v1/inbox/rules/{toPerson}/move", new { direction = "up" });
        moved.StatusCode.ShouldBe(HttpStatusCode.OK);
        var order = (await moved.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(r => r.GetProperty("id").GetInt32()).Where(id => id == toTeam || id == toPerson).ToList();
        order.ShouldBe([toPerson, toTeam]);
        var fourth = await InboxTestData.AddAsync(App, $"Encore {m}");
        (fourth.AssigneeId, fourth.TeamId, fourth.Tags).ShouldBe((c.Id, (int?)null, "support,vip"));

        // A disabled rule does nothing.
        (await admin.Http.PutAsJsonAsync($"/api/v1/inbox/rules/{toPerson}", new { name = $"Person {m}", keywords = new[] { m }, assignTo = c.Handle, isEnabled = false })).EnsureSuccessStatusCode();
        var fifth = await InboxTestData.AddAsync(App, $"Toujours {m}");
        (fifth.TeamId, fifth.Tags).ShouldBe((team, "support"));
        fifth.AssigneeId.ShouldBe(assignees[1], "the turn goes on where it was");
        (await admin.Http.PostAsJsonAsync($"/api/v1/inbox/rules/{toPerson}/move", new { direction = "sideways" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Conditions_KeywordsIgnoreAccentsAndCase_ButNotWordBoundaries_LanguageAndQuery()
    {
        var m = InboxTestData.Marker();
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var watchId = await App.WithDbAsync(async db =>
        {
            var watch = db.Watches.Add(new Watch { Name = $"Veille {m}", Query = m, CreatedAt = now, UpdatedAt = now }).Entity;
            await db.SaveChangesAsync();
            return watch.Id;
        });
        using var admin = await TestMembers.LoggedInAsync(App, Roles.Admin);
        await CreatedIdAsync(await admin.Http.PostAsJsonAsync("/api/v1/inbox/rules", new { name = $"Refund {m}", keywords = new[] { $"remboursé {m}", $"facture{m}" }, addTags = new[] { "refund" } }));
        await CreatedIdAsync(await admin.Http.PostAsJsonAsync("/api/v1/inbox/rules", new { name = $"French {m}", language = "fr", keywords = new[] { $"langue{m}" }, addTags = new[] { "french" } }));
        await CreatedIdAsync(await admin.Http.PostAsJsonAsync("/api/v1/inbox/rules", new { name = $"Query {m}", watchId, addTags = new[] { "watched" } }));

        async Task<string?> TagsAsync(string text, string language = "en", int? watch = null) =>
            (await InboxTestData.AddAsync(App, text, language, more: i => i.WatchId = watch)).Tags;
        (await TagsAsync($"Je veux être REMBOURSE {m} tout de suite", "fr")).ShouldBe("refund");
        (await TagsAsync($"Une Facture{m.ToUpperInvariant()} fausse")).ShouldBe("refund", "any one of the keywords is enough");
        (await TagsAsync($"Un remboursement {m} partiel", "fr")).ShouldBeNull("a keyword is a whole word, not the start of another");
        (await TagsAsync($"Texte en français langue{m}", "fr")).ShouldBe("french");
        (await TagsAsync($"Text in English langue{m}", "en")).ShouldBeNull("the language must match too");
        (await TagsAsync($"Dans la veille {m}", "fr", watchId)).ShouldBe("watched");
        (await TagsAsync($"Hors de la veille {m}", "fr")).ShouldBeNull();

        // "Test this rule" counts what its conditions would have matched among the latest items, and saves nothing.
        var rulesBefore = await App.WithDbAsync(db => db.InboxRules.CountAsync());
        var tested = await (await admin.Http.PostAsJsonAsync("/api/v1/inbox/rules/test", new { keywords = new[] { $"REMBOURSÉ {m}" } })).Content.ReadFromJsonAsync<JsonElement>();
        tested.GetProperty("matched").GetInt32().ShouldBe(1);
        tested.GetProperty("scanned").GetInt32().ShouldBe(Math.Min(200, await App.WithDbAsync(db => db.InboxItems.CountAsync())));
        tested.GetProperty("sample")[0].GetProperty("subject").GetString().ShouldBe($"Je veux être REMBOURSE {m} tout de suite");
        var byQuery = await (await admin.Http.PostAsJsonAsync("/api/v1/inbox/rules/test", new { watchId, language = "fr" })).Content.ReadFromJsonAsync<JsonElement>();
        byQuery.GetProperty("matched").GetInt32().ShouldBe(1);
        var nothing = await admin.Http.PostAsJsonAsync("/api/v1/inbox/rules/test", new { name = "x" });
        nothing.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await nothing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("Conditions")[0].GetString()
            .ShouldBe("Choose at least one condition: a query, a space, a language, a channel or keywords.");
        (await App.WithDbAsync(db => db.InboxRules.CountAsync())).ShouldBe(rulesBefore);
    }

    [Fact]
    public async Task RulePages_ExplainTheOrder_RefuseIncompleteRulesInFrench_AndMoveSwitchTestAndDelete()
    {
        var m = InboxTestData.Marker();
        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager, "fr");
        var list = await manager.GetAsync("/manage/inbox/rules");
        list.Text.ShouldContain("la première règle qui attribue l’emporte");
        list.Document.QuerySelector("nav.sub-nav a[aria-current=page]")!.TextContent.ShouldBe("Règles");

        var empty = await manager.SubmitAndFollowAsync("/manage/inbox/rules/new", "rule", new Dictionary<string, string> { ["Input.Name"] = $"Vide {m}" });
        empty.FieldError("Conditions").ShouldBe("Choisissez au moins une condition : une veille, un espace, une langue, un canal ou des mots-clés.");
        empty.FieldError("Actions").ShouldBe("Choisissez au moins une action : attribuer, ajouter des étiquettes ou fixer la priorité.");

        // Only admins and community managers can be assigned; a person or a team, not both.
        var member = await InboxTestData.PersonAsync(App, Roles.Member);
        var notStaff = await manager.Http.PostAsJsonAsync("/api/v1/inbox/rules", new { name = $"Membre {m}", channel = "Flag", assignTo = member.Handle });
        notStaff.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await notStaff.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("AssignTo")[0].GetString()
            .ShouldBe($"{member.DisplayName} (@{member.Handle}) n’est ni administrateur ni community manager : les éléments de la boîte de réception ne peuvent être attribués qu’à eux.");
        var team = await CreatedIdAsync(await manager.Http.PostAsJsonAsync("/api/v1/inbox/teams", new { name = $"Équipe {m}" }));
        var staff = await InboxTestData.PersonAsync(App, Roles.Admin);
        var both = await manager.Http.PostAsJsonAsync("/api/v1/inbox/rules", new { name = $"Les deux {m}", channel = "Flag", assignTo = staff.Handle, assignToTeamId = team });
        (await both.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("AssignTo")[0].GetString().ShouldBe("Attribuez à une personne ou à une équipe, pas aux deux.");

        // Two rules made on the page: the first made is first.
        var one = await manager.SubmitAndFollowAsync("/manage/inbox/rules/new", "rule", new Dictionary<string, string>
        {
            ["Input.Name"] = $"Un {m}", ["Input.IsEnabled"] = "true", ["Input.Keywords"] = $"{m}, autre{m}", ["Input.AddTags"] = "un", ["Input.Assign"] = $"team:{team}",
        });
        one.Text.ShouldContain("Règle enregistrée.");
        var two = await manager.SubmitAndFollowAsync("/manage/inbox/rules/new", "rule", new Dictionary<string, string>
        {
            ["Input.Name"] = $"Deux {m}", ["Input.IsEnabled"] = "true", ["Input.Channel"] = "DirectMention", ["Input.Language"] = "fr", ["Input.SetPriority"] = "High",
            ["Input.Assign"] = $"member:{staff.Handle}",
        });
        two.Text.ShouldContain("Règle enregistrée.");
        var ids = await App.WithDbAsync(db => db.InboxRules.Where(r => r.Name == $"Un {m}" || r.Name == $"Deux {m}").OrderBy(r => r.Position).Select(r => new { r.Id, r.Name, r.AssignToId, r.AssignToTeamId, r.Keywords }).ToListAsync());
        ids.Select(r => r.Name).ShouldBe([$"Un {m}", $"Deux {m}"]);
        (ids[0].AssignToTeamId, ids[0].Keywords, ids[1].AssignToId).ShouldBe((team, $"{m}, autre{m}", staff.Id));
        var edit = await manager.GetAsync($"/manage/inbox/rules/{ids[1].Id}");
        edit.Document.QuerySelector("#rule-channel option[selected]")!.GetAttribute("value").ShouldBe("DirectMention");
        edit.Document.QuerySelector("#rule-assign option[selected]")!.GetAttribute("value").ShouldBe($"member:{staff.Handle}");

        var rows = (await manager.GetAsync("/manage/inbox/rules")).Document.QuerySelectorAll("tbody tr");
        var mine = rows.Where(r => r.TextContent.Contains(m, StringComparison.Ordinal)).ToList();
        mine.Select(r => r.QuerySelector("a")!.TextContent).ShouldBe([$"Un {m}", $"Deux {m}"]);
        mine[1].Children[2].TextContent.ShouldBe("langue : Français · canal : Mention directe de la marque");
        mine[1].Children[3].TextContent.ShouldBe($"attribuer à {staff.DisplayName} · priorité : Haute");

        var up = await manager.SubmitAndFollowAsync("/manage/inbox/rules", "rule-order", new Dictionary<string, string> { ["Act.Do"] = $"up:{ids[1].Id}" });
        up.Text.ShouldContain($"« Deux {m} » est montée.");
        up.Document.QuerySelectorAll("tbody tr").Where(r => r.TextContent.Contains(m, StringComparison.Ordinal)).Select(r => r.QuerySelector("a")!.TextContent).ShouldBe([$"Deux {m}", $"Un {m}"]);
        var off = await manager.SubmitAndFollowAsync("/manage/inbox/rules", "rule-order", new Dictionary<string, string> { ["Act.Do"] = $"disable:{ids[0].Id}" });
        off.Text.ShouldContain($"« Un {m} » est désactivée.");
        (await App.WithDbAsync(db => db.InboxRules.Where(r => r.Id == ids[0].Id).Select(r => r.IsEnabled).SingleAsync())).ShouldBeFalse();

        // Testing a rule on its page shows the count and saves nothing.
        await InboxTestData.AddAsync(App, $"Premier {m}");
        await InboxTestData.AddAsync(App, $"Second autre{m}");
        var total = Math.Min(200, await App.WithDbAsync(db => db.InboxItems.CountAsync()));
        var tested = await manager.SubmitAndFollowAsync($"/manage/inbox/rules/{ids[0].Id}", "rule", new Dictionary<string, string>
        {
            ["Input.Name"] = $"Renommée {m}", ["Input.Keywords"] = $"{m}, autre{m}", ["Input.AddTags"] = "un", ["Input.Intent"] = "test",
        });
        tested.Document.QuerySelector("#rule-test-count")!.TextContent.ShouldBe($"Elle aurait retenu 2 des {total} derniers éléments.");
        tested.Document.QuerySelectorAll("#rule-test li a").Select(a => a.TextContent).ShouldBe([$"Second autre{m}", $"Premier {m}"], ignoreOrder: true);
        (await App.WithDbAsync(db => db.InboxRules.AnyAsync(r => r.Name == $"Renommée {m}"))).ShouldBeFalse();

        var deleted = await manager.SubmitAndFollowAsync($"/manage/inbox/rules/{ids[0].Id}", "delete-rule", new Dictionary<string, string> { ["Confirm.Sure"] = "true" });
        deleted.Text.ShouldContain("Règle supprimée.");
        (await App.WithDbAsync(db => db.InboxRules.AnyAsync(r => r.Id == ids[0].Id))).ShouldBeFalse();
        (await manager.GetAsync($"/manage/inbox/rules/{ids[0].Id}")).Status.ShouldBe(HttpStatusCode.NotFound);
    }
}

public sealed class InboxRuleSqliteTests(SqliteAppFactory app) : InboxRuleTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class InboxRulePostgresTests(PostgresAppFactory app) : InboxRuleTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
