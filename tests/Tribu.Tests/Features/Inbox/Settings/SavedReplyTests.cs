using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Inbox;
using Tribu.Web.Features.Inbox.Settings;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Features.Inbox.Settings;

/// <summary>Saved replies: refused when a variable is wrong, filled for an item in its language, managed from the console and the API.</summary>
public abstract class SavedReplyTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    [Fact]
    public async Task Save_UnknownOrUnclosedVariable_IsRefusedInFrench_NamingTheVariableAndWhereItIs()
    {
        var m = InboxTestData.Marker();
        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager, "fr");

        var bad = await manager.SubmitAndFollowAsync("/manage/inbox/replies/new", "saved-reply", new Dictionary<string, string>
        {
            ["Input.Name"] = $"Merci {m}", ["Input.BodyFr"] = "Bonjour {prenom}, merci !", ["Input.BodyEn"] = "Hello {first_name",
        });
        bad.FieldError("BodyFr").ShouldBe("Variable inconnue {prenom} au caractère 9 : utilisez l’une des variables listées à côté de l’éditeur.");
        bad.FieldError("BodyEn").ShouldBe("L’accolade ouverte au caractère 7 n’est jamais fermée : « {first_name ». Fermez la variable, ou doublez l’accolade pour en écrire une.");
        bad.Document.QuerySelector("#reply-body-fr")!.GetAttribute("aria-invalid").ShouldBe("true");
        bad.Document.QuerySelector("#reply-body-fr")!.TextContent.ShouldBe("Bonjour {prenom}, merci !", "what was typed is kept to be corrected");
        (await App.WithDbAsync(db => db.SavedReplies.AnyAsync(r => r.Name == $"Merci {m}"))).ShouldBeFalse();

        // The API says the same, as problem details, field by field.
        var api = await manager.Http.PostAsJsonAsync("/api/v1/inbox/saved-replies", new { name = $"Merci {m}", bodyFr = "Merci } à bientôt {Prénom}" });
        api.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        api.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problems = (await api.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("BodyFr").EnumerateArray().Select(e => e.GetString()).ToList();
        problems.ShouldBe([
            "L’accolade fermante au caractère 7 n’a pas d’accolade ouvrante. Pour écrire une accolade, doublez-la.",
            "{Prénom} au caractère 19 n’est pas une variable : un nom de variable s’écrit en minuscules et tirets bas. Pour écrire une accolade, doublez-la.",
        ]);

        // Corrected, it is saved; doubled braces are text.
        var saved = await manager.SubmitAndFollowAsync("/manage/inbox/replies/new", "saved-reply", new Dictionary<string, string>
        {
            ["Input.Name"] = $"Merci {m}", ["Input.BodyFr"] = "Bonjour {first_name}, merci {{vraiment}} !", ["Input.BodyEn"] = "",
        });
        saved.Text.ShouldContain("Réponse enregistrée.");
        saved.Document.QuerySelector("#reply-preview-fr .reply-text")!.TextContent.ShouldBe("Bonjour Camille, merci {vraiment} !");
        var reply = await App.WithDbAsync(db => db.SavedReplies.AsNoTracking().SingleAsync(r => r.Name == $"Merci {m}"));
        (reply.BodyFr, reply.BodyEn).ShouldBe(("Bonjour {first_name}, merci {{vraiment}} !", null));
    }

    [Fact]
    public async Task Render_UsesTheItemsLanguage_FallsBackToTheOther_AndFillsEveryVariable()
    {
        var m = InboxTestData.Marker();
        var agent = await InboxTestData.PersonAsync(App, Roles.CommunityManager, $"Marc{m} Lefèvre");
        using var client = App.CreateTribuClient("fr");
        await client.LogInAsync(agent.Email, TestMembers.Password);
        var author = await InboxTestData.PersonAsync(App, Roles.Member, $"Inès{m} Dupont");
        var space = await TestSpaces.CreateAsync(App);
        using var admin = await TestMembers.LoggedInAsync(App, Roles.Admin);
        var topic = await (await admin.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Question", title = $"Ma trottinette {m} ne démarre plus", body = "Aidez-moi" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var topicId = topic.GetProperty("id").GetInt64();
        var slug = await App.WithDbAsync(db => db.Topics.Where(t => t.Id == topicId).Select(t => t.Slug).SingleAsync());
        var community = (await admin.Http.GetFromJsonAsync<JsonElement>("/api/v1/site")).GetProperty("communityName").GetString();
        await App.WithDbAsync(async db =>
        {
            var settings = await InboxSettingsStore.GetAsync(db);
            settings.HelpdeskName = $"Zendesk {m}";
            return await db.SaveChangesAsync();
        });

        async Task<int> ReplyAsync(string? en, string? fr) =>
            (await (await client.Http.PostAsJsonAsync("/api/v1/inbox/saved-replies", new { name = $"R {Guid.NewGuid():N}", bodyEn = en, bodyFr = fr }))
                .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var both = await ReplyAsync("Hello {first_name}",
            "Bonjour {first_name} ({name}, {handle}) : {topic_title} {item_url} — {agent_name}/{agent_first_name}, {community_name}, ticket {ticket_id} {ticket_url} chez {helpdesk_name}. {{ok}}");
        var frenchOnly = await ReplyAsync(null, "Bonjour {first_name}");
        var englishOnly = await ReplyAsync("Hi {first_name}", null);

        var question = await InboxTestData.AddAsync(App, $"Ma trottinette {m} ne démarre plus", "fr", InboxChannel.Question, i =>
        {
            (i.AuthorHandle, i.AuthorMemberId, i.TopicId) = (null, author.Id, topicId);
            (i.TicketId, i.TicketUrl) = ($"T-{m}", $"https://desk.example/T-{m}");
        });
        var english = await InboxTestData.AddAsync(App, $"My scooter {m}", "en", more: i => i.AuthorName = "Jane Doe");
        var other = await InboxTestData.AddAsync(App, $"Mein Roller {m}", "other", more: i => i.AuthorName = "Jörg Müller");

        async Task<(string Language, string Text)> RenderAsync(int reply, long item)
        {
            var response = await client.Http.PostAsJsonAsync($"/api/v1/inbox/saved-replies/{reply}/render", new { itemId = item });
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return (body.GetProperty("language").GetString()!, body.GetProperty("text").GetString()!);
        }
        (await RenderAsync(both, question.Id)).ShouldBe(("fr",
            $"Bonjour Inès{m} (Inès{m} Dupont, @{author.Handle}) : Ma trottinette {m} ne démarre plus http://localhost/t/{topicId}/{slug} — Marc{m} Lefèvre/Marc{m}, {community}, ticket T-{m} https://desk.example/T-{m} chez Zendesk {m}. {{ok}}"));
        (await RenderAsync(both, english.Id)).ShouldBe(("en", "Hello Jane"));
        (await RenderAsync(both, other.Id)).ShouldBe(("en", "Hello Jörg"), "a language other than French gets the English body");
        (await RenderAsync(frenchOnly, english.Id)).ShouldBe(("fr", "Bonjour Jane"), "no English body: the French one");
        (await RenderAsync(englishOnly, question.Id)).ShouldBe(("en", $"Hi Inès{m}"), "no French body: the English one");

        // Without a name, the handle gives one; a variable with no value (no ticket yet) is empty.
        var direct = await InboxTestData.AddAsync(App, $"@brand help {m}", "en", InboxChannel.DirectMention, i => (i.AuthorHandle, i.Url) = ("@camille@social.example", "https://social.example/@camille/1"));
        var (language, text) = await App.WithScopeAsync(async sp =>
        {
            var reply = await sp.GetRequiredService<Tribu.Web.Platform.Data.TribuDbContext>().SavedReplies.AsNoTracking().SingleAsync(r => r.Id == englishOnly);
            reply.BodyEn = "Hi {first_name} ({handle}), see {item_url}. Ticket: [{ticket_id}]";
            return await sp.GetRequiredService<SavedReplyRenderer>().RenderAsync(reply, direct, agent.Id);
        });
        (language, text).ShouldBe(("en", "Hi camille (@camille@social.example), see https://social.example/@camille/1. Ticket: []"));

        // Unknown item or reply.
        var missingItem = await client.Http.PostAsJsonAsync($"/api/v1/inbox/saved-replies/{both}/render", new { itemId = 999_999_999 });
        missingItem.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await missingItem.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("ItemId")[0].GetString()
            .ShouldBe("Aucun élément de la boîte de réception ne porte ce numéro.");
        (await client.Http.PostAsJsonAsync("/api/v1/inbox/saved-replies/999999/render", new { itemId = question.Id })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task SavedReplies_CreateListUpdateDelete_OverTheApi_WithProblemDetails()
    {
        var m = InboxTestData.Marker();
        using var manager = await TestMembers.LoggedInAsync(App, Roles.Admin);
        var created = await manager.Http.PostAsJsonAsync("/api/v1/inbox/saved-replies", new { name = $"Délai {m}", bodyEn = "Sorry for the wait, {first_name}.", tags = new[] { "Delay", " delay ", "Wait Time" } });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var reply = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = reply.GetProperty("id").GetInt32();
        created.Headers.Location!.OriginalString.ShouldBe($"/api/v1/inbox/saved-replies/{id}");
        reply.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldBe(["delay", "wait-time"]);
        reply.GetProperty("languages").EnumerateArray().Select(t => t.GetString()).ShouldBe(["en"]);

        // Names are unique (capitals aside); a reply needs a body.
        var duplicate = await manager.Http.PostAsJsonAsync("/api/v1/inbox/saved-replies", new { name = $"DÉLAI {m.ToUpperInvariant()}", bodyEn = "x" });
        duplicate.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await duplicate.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("status").GetInt32().ShouldBe(400);
        problem.GetProperty("errors").GetProperty("Name")[0].GetString().ShouldBe("Another saved reply already has this name.");
        var empty = await (await manager.Http.PostAsJsonAsync("/api/v1/inbox/saved-replies", new { name = $"Empty {m}", bodyEn = " ", bodyFr = "" })).Content.ReadFromJsonAsync<JsonElement>();
        empty.GetProperty("errors").GetProperty("BodyEn")[0].GetString().ShouldBe("Write the reply in English, in French, or both.");

        // Search by name, accents and case aside.
        var found = await manager.Http.GetFromJsonAsync<JsonElement>($"/api/v1/inbox/saved-replies?q=delai%20{m.ToUpperInvariant()}");
        found.EnumerateArray().Select(r => r.GetProperty("id").GetInt32()).ShouldBe([id]);

        var updated = await manager.Http.PutAsJsonAsync($"/api/v1/inbox/saved-replies/{id}", new { name = $"Délai {m}", bodyEn = "Sorry, {first_name}.", bodyFr = "Désolés, {first_name}." });
        updated.StatusCode.ShouldBe(HttpStatusCode.OK);
        var after = await manager.Http.GetFromJsonAsync<JsonElement>($"/api/v1/inbox/saved-replies/{id}");
        after.GetProperty("languages").EnumerateArray().Select(t => t.GetString()).ShouldBe(["en", "fr"]);
        after.GetProperty("tags").GetArrayLength().ShouldBe(0);
        (await manager.Http.PutAsJsonAsync("/api/v1/inbox/saved-replies/999999", new { name = "x", bodyEn = "x" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // The preview fills the bodies with example values, in their language, and tells the faults.
        var preview = await (await manager.Http.PostAsJsonAsync("/api/v1/inbox/saved-replies/preview", new { bodyEn = "Hi {first_name} from {community_name}", bodyFr = "Sujet : {topic_title} {oops}" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        preview.GetProperty("en").GetProperty("text").GetString()!.ShouldStartWith("Hi Camille from ");
        preview.GetProperty("en").GetProperty("problems").GetArrayLength().ShouldBe(0);
        preview.GetProperty("fr").GetProperty("text").GetString().ShouldBe("Sujet : Ma batterie se vide pendant la nuit ");
        var fault = preview.GetProperty("fr").GetProperty("problems")[0];
        (fault.GetProperty("token").GetString(), fault.GetProperty("position").GetInt32()).ShouldBe(("{oops}", 22));

        (await manager.Http.DeleteAsync($"/api/v1/inbox/saved-replies/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await manager.Http.GetAsync($"/api/v1/inbox/saved-replies/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await manager.Http.DeleteAsync($"/api/v1/inbox/saved-replies/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Pages_ListWithLanguagesAndTags_SearchByName_ShowTheVariables_AndDelete()
    {
        var m = InboxTestData.Marker();
        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager);
        var saved = await manager.SubmitAndFollowAsync("/manage/inbox/replies/new", "saved-reply", new Dictionary<string, string>
        {
            ["Input.Name"] = $"Ticket {m}", ["Input.BodyEn"] = "Your case is now {ticket_id} at {helpdesk_name}.", ["Input.BodyFr"] = "Votre dossier porte le numéro {ticket_id}.",
            ["Input.Tags"] = "ticket, Support",
        });
        saved.Text.ShouldContain("Saved reply saved.");
        saved.Document.QuerySelector("nav.sub-nav a[aria-current=page]")!.TextContent.ShouldBe("Saved replies");
        saved.Document.QuerySelectorAll("nav.sub-nav a").Select(a => a.GetAttribute("href")).ShouldBe(
            ["/manage/inbox/replies", "/manage/inbox/rules", "/manage/inbox/teams", "/manage/inbox/settings", "/manage/inbox/helpdesk"]);
        var variables = saved.Document.QuerySelectorAll(".variable-list dt").Select(d => d.TextContent).ToList();
        variables.ShouldBe(ReplyTemplate.Variables.Select(v => "{" + v + "}").ToList());
        // The example helpdesk is the one set in the helpdesk settings, or a generic name.
        var helpdesk = await App.WithDbAsync(db => db.InboxSettings.Select(s => s.HelpdeskName).FirstOrDefaultAsync());
        saved.Document.QuerySelector("#reply-preview-en .reply-text")!.TextContent.ShouldBe($"Your case is now 48213 at {helpdesk ?? "the support desk"}.");
        saved.Document.QuerySelector("#reply-preview-fr .reply-text")!.GetAttribute("lang").ShouldBe("fr");

        var list = await manager.GetAsync($"/manage/inbox/replies?q={m}");
        var row = list.Document.QuerySelectorAll("tbody tr").Single();
        row.QuerySelector("a")!.TextContent.ShouldBe($"Ticket {m}");
        row.Children[1].TextContent.ShouldBe("English, French");
        row.QuerySelectorAll(".chip").Select(c => c.TextContent).ShouldBe(["support", "ticket"]);
        (await manager.GetAsync($"/manage/inbox/replies?q=nothing-{m}")).Text.ShouldContain($"No saved reply has “nothing-{m}” in its name.");

        var id = await App.WithDbAsync(db => db.SavedReplies.Where(r => r.Name == $"Ticket {m}").Select(r => r.Id).SingleAsync());
        var url = $"/manage/inbox/replies/{id}";
        (await manager.SubmitAndFollowAsync(url, "delete-reply", new Dictionary<string, string>())).FieldError("Sure").ShouldBe("Tick the box to confirm.");
        (await manager.SubmitAndFollowAsync(url, "delete-reply", new Dictionary<string, string> { ["Confirm.Sure"] = "true" })).Text.ShouldContain("Saved reply deleted.");
        (await manager.GetAsync(url)).Status.ShouldBe(HttpStatusCode.NotFound);
    }
}

public sealed class SavedReplySqliteTests(SqliteAppFactory app) : SavedReplyTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class SavedReplyPostgresTests(PostgresAppFactory app) : SavedReplyTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
