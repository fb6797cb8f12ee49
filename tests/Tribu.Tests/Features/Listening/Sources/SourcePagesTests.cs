using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Listening;
using Tribu.Web.Features.Members;
using static Tribu.Tests.Features.Listening.Sources.SourceTestData;

namespace Tribu.Tests.Features.Listening.Sources;

/// <summary>The console's source pages, in French and English: forms and their messages, the secret shown once, poll now, delete, the CSV wizard.</summary>
public abstract class SourcePagesTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    [Fact]
    public async Task Forms_ExplainMistakesInTheManagersLanguage_ThenSave_AndTheListShowsTheStatus()
    {
        using var fr = await TestMembers.LoggedInAsync(App, Roles.CommunityManager, "fr");
        using var en = await TestMembers.LoggedInAsync(App, Roles.Admin, "en");
        var bad = await fr.SubmitAndFollowAsync("/manage/listening/sources/new/Rss", "source", new Dictionary<string, string> { ["Input.Name"] = "", ["Input.Url"] = "ftp://nope" });
        bad.FieldError("Url").ShouldBe("Indiquez l’adresse complète du flux, commençant par http:// ou https://.");
        bad.FieldError("Name").ShouldBe("Donnez un nom de 1 à 120 caractères.");
        var badEn = await en.SubmitAndFollowAsync("/manage/listening/sources/new/Mastodon", "source", new Dictionary<string, string>
        {
            ["Input.Name"] = "Masto", ["Input.Url"] = "mastodon.invalid", ["Input.Mode"] = "Hashtag", ["Input.Query"] = "",
        });
        badEn.FieldError("Query").ShouldBe("Give a hashtag.");
        var interval = await en.SubmitAndFollowAsync("/manage/listening/sources/new/Bluesky", "source", new Dictionary<string, string>
        {
            ["Input.Name"] = "Sky", ["Input.Query"] = "veloria", ["Input.PollIntervalMinutes"] = "0",
        });
        interval.FieldError("PollIntervalMinutes").ShouldBe("Poll every 1 to 1440 minutes.");

        var marker = Guid.NewGuid().ToString("N")[..8];
        await using var feed = await LoopbackServer.StartAsync(c =>
        {
            c.Response.ContentType = "application/rss+xml";
            return c.Response.WriteAsync($"<rss version=\"2.0\"><channel><item><guid>{marker}</guid><title>Véloria {marker}</title><pubDate>pas une date</pubDate></item></channel></rss>");
        });
        var saved = await fr.SubmitAndFollowAsync("/manage/listening/sources/new/Rss", "source", new Dictionary<string, string>
        {
            ["Input.Name"] = $"Blog {marker}", ["Input.Url"] = feed.Url("/feed.xml").ToString(), ["Input.PollIntervalMinutes"] = "30",
        });
        saved.Text.ShouldContain("Source enregistrée.");
        var id = int.Parse(saved.Response.RequestMessage!.RequestUri!.Segments[^1], System.Globalization.CultureInfo.InvariantCulture);
        (await GetAsync(App, id)).PollIntervalMinutes.ShouldBe(30);

        var polled = await fr.FollowAsync(await fr.SubmitFormAsync($"/manage/listening/sources/{id}", f => f.Action!.EndsWith("/poll", StringComparison.Ordinal), new Dictionary<string, string>()));
        polled.Text.ShouldContain("Interrogée : 1 nouvelles mentions, 0 déjà connues.");
        polled.Document.GetElementById("last-warning")!.TextContent.ShouldContain("1 dates n’ont pas été comprises");
        var list = await en.GetAsync("/manage/listening/sources");
        var row = list.Document.GetElementById($"source-{id}")!;
        row.TextContent.ShouldContain($"Blog {marker}");
        row.TextContent.ShouldContain("RSS/Atom feed");
        row.TextContent.ShouldContain("1 dates could not be understood");

        var disabled = await fr.FollowAsync(await fr.SubmitFormAsync($"/manage/listening/sources/{id}", f => f.Action!.EndsWith("/enabled", StringComparison.Ordinal), new Dictionary<string, string>()));
        disabled.Text.ShouldContain("Source désactivée.");
        (await GetAsync(App, id)).IsEnabled.ShouldBeFalse();

        var confirm = await fr.GetAsync($"/manage/listening/sources/{id}/delete");
        confirm.Text.ShouldContain("Ses 1 mentions sont supprimées avec elle.");
        var deleted = await fr.FollowAsync(await fr.SubmitFormAsync($"/manage/listening/sources/{id}/delete", f => f.Action!.EndsWith("/remove", StringComparison.Ordinal), new Dictionary<string, string>()));
        deleted.Text.ShouldContain("Source supprimée, avec ses mentions.");
        (await App.WithDbAsync(db => db.ListeningSources.AnyAsync(s => s.Id == id))).ShouldBeFalse();
    }

    [Fact]
    public async Task AWebhookSecret_IsShownOnceAfterCreation_AndAgainOnlyWhenANewOneIsMade()
    {
        using var manager = await TestMembers.LoggedInAsync(App, Roles.CommunityManager, "en");
        var created = await manager.SubmitAndFollowAsync("/manage/listening/sources/new/Webhook", "source", new Dictionary<string, string> { ["Input.Name"] = "Zapier flow" });
        created.Text.ShouldContain("Copy this secret now: it will not be shown again.");
        var secret = created.Document.GetElementById("secret-value")!.GetAttribute("value")!;
        secret.ShouldStartWith("whsec_");
        var url = created.Response.RequestMessage!.RequestUri!.AbsolutePath;
        created.Document.GetElementById("webhook-url")!.GetAttribute("value")!.ShouldEndWith($"/api/v1/listening/sources/{url.Split('/')[^1]}/webhook");
        var again = await manager.GetAsync(url);
        again.Document.GetElementById("secret-value").ShouldBeNull();
        again.Html.ShouldNotContain(secret);
        var renewed = await manager.SubmitAndFollowAsync(url, "secret", new Dictionary<string, string>());
        var second = renewed.Document.GetElementById("secret-value")!.GetAttribute("value")!;
        second.ShouldStartWith("whsec_");
        second.ShouldNotBe(secret);
    }

    [Fact]
    public async Task CsvWizard_DetectsTheFile_PreviewsIt_ImportsTheGoodRows_ReportsTheBadOnesByLine_AndNothingTwice()
    {
        using var fr = await TestMembers.LoggedInAsync(App, Roles.CommunityManager, "fr");
        var id = await CreateAsync(App, SourceKind.Csv, null, name: "Export Excel");
        var marker = Guid.NewGuid().ToString("N")[..8];
        // An Excel export: semicolons, Windows-1252, a quoted field over two lines, bad rows.
        var csv = string.Join("\r\n",
            "Texte;Date;Auteur;Abonnés;Lien",
            $"Véloria {marker} : très déçu du SAV;23/11/2026 10:00;@zoe@forum.example;1 200;https://forum.example/1",
            $"\"Deux lignes {marker}\r\nsuite\";2026-11-22T08:00:00Z;@max;;",
            ";2026-11-22;@vide;;",
            $"Date cassée {marker};xx;@bob;;",
            $"Lien cassé {marker};;@bob;;javascript:alert(1)",
            $"Super produit {marker} !;;;abc;");
        var bytes = Encoding.GetEncoding(1252).GetBytes(csv);
        var uploaded = await fr.FollowAsync(await fr.SubmitWithFileAsync($"/manage/listening/sources/{id}/import", "csv-upload", new Dictionary<string, string>(), "file", "export.csv", bytes, "text/csv"));
        uploaded.Status.ShouldBe(HttpStatusCode.OK);
        uploaded.Document.GetElementById("csv-detected")!.TextContent.ShouldBe("Lu en Windows-1252, séparé par des points-virgules : 6 lignes.");
        uploaded.Document.GetElementById("csv-preview")!.TextContent.ShouldContain($"Véloria {marker} : très déçu du SAV");
        var page = uploaded.Response.RequestMessage!.RequestUri!.PathAndQuery;
        var mapping = new Dictionary<string, string>
        {
            ["Map.Text"] = "0", ["Map.Date"] = "1", ["Map.Handle"] = "2", ["Map.Followers"] = "3", ["Map.Url"] = "4", ["Map.Id"] = "", ["Map.Name"] = "", ["Map.Language"] = "",
        };
        var imported = await fr.SubmitAndFollowAsync(page, "csv-import", mapping);
        imported.Document.GetElementById("import-result")!.TextContent.ShouldContain("6 lignes lues : 2 mentions ajoutées, 0 déjà présentes, 4 lignes non importées.");
        var bad = imported.Document.QuerySelectorAll(".bad-rows li").Select(li => li.TextContent).ToList();
        // Line numbers are the file's: the quoted field over two lines counts both.
        bad.ShouldBe(["ligne 5 : pas de texte", "ligne 6 : date « xx » non comprise", "ligne 7 : « javascript:alert(1) » n’est pas une adresse http ou https", "ligne 8 : abonnés « abc » n’est pas un nombre"]);
        var first = await App.WithDbAsync(db => db.Mentions.AsNoTracking().SingleAsync(m => m.SourceId == id && m.AuthorHandle == "@zoe@forum.example"));
        (first.AuthorFollowers, first.Url, first.PublishedAt).ShouldBe((1200, "https://forum.example/1", new DateTime(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc)));
        (await IdsAsync(App, id)).Count.ShouldBe(2);
        Directory.EnumerateFiles(Path.Combine(App.DataPath, "listening-imports")).ShouldBeEmpty("the upload is deleted once imported");

        // The same file again: nothing stored twice. An upload already imported cannot be imported again.
        (await fr.GetAsync(page)).Text.ShouldContain("Ce fichier n’est plus disponible");
        var second = await fr.FollowAsync(await fr.SubmitWithFileAsync($"/manage/listening/sources/{id}/import", "csv-upload", new Dictionary<string, string>(), "file", "export.csv", bytes, "text/csv"));
        var again = await fr.SubmitAndFollowAsync(second.Response.RequestMessage!.RequestUri!.PathAndQuery, "csv-import", mapping);
                again.Document.GetElementById("import-result")!.TextContent.ShouldContain("0 mentions ajoutées, 2 déjà présentes");
        (await IdsAsync(App, id)).Count.ShouldBe(2);

        // A file abandoned at the preview is discarded on cancel.
        var third = await fr.FollowAsync(await fr.SubmitWithFileAsync($"/manage/listening/sources/{id}/import", "csv-upload", new Dictionary<string, string>(), "file", "export.csv", Encoding.UTF8.GetBytes("text\nhello"), "text/csv"));
        Directory.EnumerateFiles(Path.Combine(App.DataPath, "listening-imports")).ShouldHaveSingleItem();
        await fr.SubmitAndFollowAsync(third.Response.RequestMessage!.RequestUri!.PathAndQuery, "csv-discard", new Dictionary<string, string>());
        Directory.EnumerateFiles(Path.Combine(App.DataPath, "listening-imports")).ShouldBeEmpty();
    }
}

public sealed class SourcePagesSqliteTests(SourcesSqliteAppFactory app) : SourcePagesTests<SourcesSqliteAppFactory>(app), IClassFixture<SourcesSqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class SourcePagesPostgresTests(SourcesPostgresAppFactory app) : SourcePagesTests<SourcesPostgresAppFactory>(app), IClassFixture<SourcesPostgresAppFactory>;
