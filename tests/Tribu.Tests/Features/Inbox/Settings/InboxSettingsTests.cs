using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Inbox;
using Tribu.Web.Features.Listening;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Features.Inbox.Settings;

/// <summary>The inbox's intake and SLA settings, and which mentions of a listening query enter the inbox.</summary>
public abstract class InboxSettingsTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    private static Dictionary<string, string> Form(string hours = "24", string followers = "10000", string warn = "75", params (string Key, string Amount, string Unit)[] targets)
    {
        var fields = new Dictionary<string, string> { ["Input.QuestionUnansweredHours"] = hours, ["Input.InfluencerFollowers"] = followers, ["Input.WarnAtPercent"] = warn };
        foreach (var (key, amount, unit) in new[]
        {
            ("UrgentFirst", "30", "minutes"), ("UrgentResolution", "4", "hours"), ("HighFirst", "1", "hours"), ("HighResolution", "8", "hours"),
            ("NormalFirst", "4", "hours"), ("NormalResolution", "24", "hours"), ("LowFirst", "24", "hours"), ("LowResolution", "72", "hours"),
        }.Concat(targets))
        {
            fields[$"Input.Amount[{key}]"] = amount;
            fields[$"Input.Unit[{key}]"] = unit;
        }
        return fields;
    }

    [Fact]
    public async Task SettingsPage_ExplainsErrorsInFrench_SavesTargetsInMinutesOrHours_AndNewItemsGetThem()
    {
        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager, "fr");
        var page = await manager.GetAsync("/manage/inbox/settings");
        page.Text.ShouldContain("Les délais modifiés s’appliquent aux éléments qui arrivent à partir de maintenant");
        page.Document.QuerySelector("#sla-urgent-first")!.GetAttribute("value").ShouldBe("30");
        page.Document.QuerySelector("#sla-urgent-resolution")!.GetAttribute("value").ShouldBe("4");
        page.Document.QuerySelector("#sla-urgent-resolution-unit option[selected]")!.GetAttribute("value").ShouldBe("hours");
        page.Document.QuerySelector("label[for=sla-urgent-resolution-unit]")!.TextContent.ShouldBe("Unité de « Résolution sous » (Urgente)");

        var bad = await manager.SubmitAndFollowAsync("/manage/inbox/settings", "inbox-settings",
            Form(hours: "0", warn: "100", followers: "beaucoup", targets: [("HighFirst", "10", "hours"), ("HighResolution", "2", "hours"), ("LowFirst", "0", "minutes")]));
        bad.FieldError("QuestionUnansweredHours").ShouldBe("Indiquez un nombre entier de 1 à 720.");
        bad.FieldError("WarnAtPercent").ShouldBe("Indiquez un nombre entier de 10 à 99.");
        bad.FieldError("InfluencerFollowers").ShouldBe("Indiquez un nombre entier.");
        bad.FieldError("High.ResolutionMinutes").ShouldBe("Haute : le délai de résolution doit être au moins égal au délai de première réponse.");
        bad.FieldError("Low.FirstResponseMinutes").ShouldBe("Indiquez une durée de 1 minute à 90 jours.");
        bad.Document.QuerySelector("#sla-high-resolution")!.GetAttribute("aria-invalid").ShouldBe("true");
        (await App.WithDbAsync(db => db.InboxSettings.AsNoTracking().SingleAsync())).QuestionUnansweredHours.ShouldBe(24, "nothing is saved while something is wrong");

        var saved = await manager.SubmitAndFollowAsync("/manage/inbox/settings", "inbox-settings",
            Form(hours: "48", followers: "5000", warn: "80", targets: [("NormalFirst", "90", "minutes"), ("NormalResolution", "3", "hours")]));
        saved.Text.ShouldContain("Réglages de la boîte de réception enregistrés.");
        saved.Document.QuerySelector("#sla-normal-first")!.GetAttribute("value").ShouldBe("90");
        saved.Document.QuerySelector("#sla-normal-first-unit option[selected]")!.GetAttribute("value").ShouldBe("minutes");
        var settings = await App.WithDbAsync(db => db.InboxSettings.AsNoTracking().SingleAsync());
        (settings.QuestionUnansweredHours, settings.InfluencerFollowers, settings.WarnAtPercent, settings.NormalFirstResponseMinutes, settings.NormalResolutionMinutes, settings.UrgentResolutionMinutes)
            .ShouldBe((48, 5000, 80, 90, 180, 240));

        // An item that arrives now is due by the new targets (a neutral mention with no followers is normal priority).
        var item = await InboxTestData.AddAsync(App, $"Une question {InboxTestData.Marker()}", "fr", more: i => i.AuthorHandle = null);
        item.Priority.ShouldBe(InboxPriority.Normal);
        (item.FirstResponseDueAt - item.CreatedAt).ShouldBe(TimeSpan.FromMinutes(90));
        (item.ResolutionDueAt - item.CreatedAt).ShouldBe(TimeSpan.FromHours(3));
    }

    [Fact]
    public async Task SettingsApi_ReadsAndWrites_AndRefusesBadValuesWithProblemDetails()
    {
        using var admin = await TestMembers.LoggedInAsync(App, Roles.Admin);
        var before = await admin.Http.GetFromJsonAsync<JsonElement>("/api/v1/inbox/settings");
        before.GetProperty("urgent").GetProperty("firstResponseMinutes").GetInt32().ShouldBeGreaterThan(0);

        var bad = await admin.Http.PutAsJsonAsync("/api/v1/inbox/settings", new { questionUnansweredHours = 721, warnAtPercent = 9, urgent = new { firstResponseMinutes = 60, resolutionMinutes = 30 } });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        bad.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.EnumerateObject().Select(p => p.Name).ShouldBe(["QuestionUnansweredHours", "WarnAtPercent", "Urgent.ResolutionMinutes"], ignoreOrder: true);
        errors.GetProperty("Urgent.ResolutionMinutes")[0].GetString().ShouldBe("Urgent: the resolution target must be at least the first-response target.");

        var put = await admin.Http.PutAsJsonAsync("/api/v1/inbox/settings", new { influencerFollowers = 25_000, low = new { resolutionMinutes = 5 * 24 * 60 } });
        put.StatusCode.ShouldBe(HttpStatusCode.OK);
        var after = await put.Content.ReadFromJsonAsync<JsonElement>();
        after.GetProperty("influencerFollowers").GetInt32().ShouldBe(25_000);
        after.GetProperty("low").GetProperty("resolutionMinutes").GetInt32().ShouldBe(7200);
        after.GetProperty("low").GetProperty("firstResponseMinutes").GetInt32().ShouldBe(before.GetProperty("low").GetProperty("firstResponseMinutes").GetInt32(), "a missing value keeps the current one");
        after.GetProperty("questionUnansweredHours").GetInt32().ShouldBe(before.GetProperty("questionUnansweredHours").GetInt32());
    }

    [Fact]
    public async Task QueryPage_SavesWhichMentionsEnterTheInbox_ShowsThemBack_AndOnTheList()
    {
        var m = InboxTestData.Marker();
        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager, "fr");
        var saved = await manager.SubmitAndFollowAsync("/manage/listening/queries/new", "watch", new Dictionary<string, string>
        {
            ["Input.Name"] = $"Marque {m}", ["Input.Kind"] = "Brand", ["Input.Query"] = m, ["Input.IsActive"] = "true",
            ["Input.InboxWhen[Negative]"] = "true", ["Input.InboxWhen[Question]"] = "true",
        });
        saved.Text.ShouldContain("Veille enregistrée");
        var watch = await App.WithDbAsync(db => db.Watches.AsNoTracking().SingleAsync(w => w.Name == $"Marque {m}"));
        watch.InboxWhen.ShouldBe(InboxWhen.Negative | InboxWhen.Question);
        saved.Document.QuerySelector("#inbox-negative")!.HasAttribute("checked").ShouldBeTrue();
        saved.Document.QuerySelector("#inbox-question")!.HasAttribute("checked").ShouldBeTrue();
        saved.Document.QuerySelector("#inbox-all")!.HasAttribute("checked").ShouldBeFalse();
        saved.Document.QuerySelector("label[for=inbox-influencer]")!.TextContent.ShouldBe("Par un auteur influent");

        var list = await manager.GetAsync("/manage/listening/queries");
        var row = list.Document.QuerySelectorAll("tbody tr").Single(r => r.TextContent.Contains(m, StringComparison.Ordinal));
        row.Children[^1].TextContent.ShouldBe("Négatives, Questions");

        // Unticking everything on the page clears it.
        await manager.SubmitAndFollowAsync($"/manage/listening/queries/{watch.Id}", "watch", new Dictionary<string, string>
        {
            ["Input.Name"] = $"Marque {m}", ["Input.Kind"] = "Brand", ["Input.Query"] = m, ["Input.IsActive"] = "true",
        });
        (await App.WithDbAsync(db => db.Watches.Where(w => w.Id == watch.Id).Select(w => w.InboxWhen).SingleAsync())).ShouldBe(InboxWhen.Never);
        (await manager.GetAsync("/manage/listening/queries")).Document.QuerySelectorAll("tbody tr").Single(r => r.TextContent.Contains(m, StringComparison.Ordinal))
            .Children[^1].TextContent.ShouldBe("Aucune");

        // The API: names in, names out; a missing list keeps the choice; an unknown name is refused.
        var put = await manager.Http.PutAsJsonAsync($"/api/v1/listening/queries/{watch.Id}", new { name = $"Marque {m}", kind = "Brand", query = m, inboxWhen = new[] { "influencer", "All" } });
        put.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("inboxWhen").EnumerateArray().Select(e => e.GetString()).ShouldBe(["Influencer", "All"]);
        var kept = await manager.Http.PutAsJsonAsync($"/api/v1/listening/queries/{watch.Id}", new { name = $"Marque {m}", kind = "Brand", query = m });
        (await kept.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("inboxWhen").GetArrayLength().ShouldBe(2);
        var wrong = await manager.Http.PutAsJsonAsync($"/api/v1/listening/queries/{watch.Id}", new { name = $"Marque {m}", kind = "Brand", query = m, inboxWhen = new[] { "parfois" } });
        wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("InboxWhen")[0].GetString()
            .ShouldBe("« parfois » n’est pas un choix de boîte de réception (Negative, Question, Influencer, All).");
    }
}

public sealed class InboxSettingsSqliteTests(SqliteAppFactory app) : InboxSettingsTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class InboxSettingsPostgresTests(PostgresAppFactory app) : InboxSettingsTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
