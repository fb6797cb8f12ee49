using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Features.Uploads;

/// <summary>Image uploads: limits checked on the bytes, stored once under data/uploads, served with safe headers; on SQLite and PostgreSQL.</summary>
public abstract class UploadTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    /// <summary>A valid 1×1 PNG, made different per test by a trailing chunk so that tests do not share files.</summary>
    private static byte[] Png(string marker)
    {
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
        return [.. png, .. Encoding.ASCII.GetBytes(marker)];
    }

    private static MultipartFormDataContent File(byte[] bytes, string name, string type = "image/png")
    {
        var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(type);
        content.Add(file, "file", name);
        return content;
    }

    private static async Task<HttpResponseMessage> UploadAsync(TestPerson who, byte[] bytes, string name, string type = "image/png")
    {
        using var content = File(bytes, name, type);
        return await who.Client.Http.PostAsync("/api/v1/uploads", content);
    }

    /// <summary>The API from a page's script: cookie plus the form's antiforgery token, as js/composer.js sends it.</summary>
    private static async Task<HttpResponseMessage> UploadFromPageAsync(TestPerson who, byte[] bytes, string name, string type = "image/png")
    {
        var page = await who.Client.GetAsync("/s/" + (await who.Client.Http.GetFromJsonAsync<JsonElement>("/api/v1/spaces"))[0].GetProperty("slug").GetString() + "/new");
        var token = page.Document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using var content = File(bytes, name, type);
        content.Add(new StringContent(token), "__RequestVerificationToken");
        return await who.Client.Http.PostAsync("/api/v1/uploads", content);
    }

    [Fact]
    public async Task Upload_StoresTheImageOnce_AndServesItWithItsTypeAndSafeHeaders()
    {
        await TestSpaces.CreateAsync(App);
        using var member = await TestPerson.CreateAsync(App);
        var png = Png(Guid.NewGuid().ToString());

        var first = await UploadFromPageAsync(member, png, "Rear rack [v2].png");
        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await first.Content.ReadFromJsonAsync<JsonElement>();
        var url = body.GetProperty("url").GetString()!;
        url.ShouldMatch(@"^/uploads/\d{4}/\d{2}/[0-9a-f]{64}\.png$");
        body.GetProperty("markdown").GetString().ShouldBe($"![Rear rack  v2]({url})");
        System.IO.File.Exists(Path.Combine(App.DataPath, "uploads", url["/uploads/".Length..])).ShouldBeTrue();

        // The same bytes again, even under another name: the same address, one file, one record.
        var again = await UploadFromPageAsync(member, png, "copy.png");
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString().ShouldBe(url);
        (await App.WithDbAsync(db => db.Uploads.CountAsync(u => u.Path == url.Substring("/uploads/".Length)))).ShouldBe(1);

        var served = await App.CreateTribuClient().Http.GetAsync(url);
        served.StatusCode.ShouldBe(HttpStatusCode.OK);
        served.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        served.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        served.Headers.CacheControl!.ToString().ShouldContain("immutable");
        served.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("sandbox");
        (await served.Content.ReadAsByteArrayAsync()).ShouldBe(png);

        (await App.CreateTribuClient().Http.GetAsync("/uploads/2026/11/..%2F..%2Ftribu.db")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await App.CreateTribuClient().Http.GetAsync($"/uploads/2026/11/{new string('a', 64)}.png")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Upload_RefusesWhatIsTooLargeOrNotAnImage_WithTheReasonInTheReadersLanguage()
    {
        using var member = await TestPerson.CreateAsync(App, language: "fr");

        var tooLarge = await UploadAsync(member, [.. Png("x"), .. new byte[5 * 1024 * 1024]], "huge.png");
        // A cookie request without the page's token is refused before anything is read.
        tooLarge.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await tooLarge.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().ShouldBe("Le formulaire a expiré : rechargez la page et réessayez.");

        await TestSpaces.CreateAsync(App);
        var huge = await UploadFromPageAsync(member, [.. Png("x"), .. new byte[5 * 1024 * 1024]], "huge.png");
        huge.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await huge.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("File")[0].GetString()
            .ShouldBe("Cette image est trop lourde : la limite est de 5 Mo.");

        // Named and declared as a PNG, but a page with a script in it: refused on its bytes.
        var disguised = await UploadFromPageAsync(member, Encoding.UTF8.GetBytes("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"), "cat.png");
        disguised.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await disguised.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("File")[0].GetString()
            .ShouldBe("Seules les images PNG, JPEG, GIF et WebP peuvent être envoyées.");
        (await App.WithDbAsync(db => db.Uploads.CountAsync(u => u.OriginalName == "cat.png" || u.OriginalName == "huge.png"))).ShouldBe(0);

        (await App.CreateTribuClient().Http.PostAsync("/api/v1/uploads", File(Png("a"), "a.png"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Upload_WithAnApiToken_NeedsNoAntiforgeryToken()
    {
        using var member = await TestPerson.CreateAsync(App);
        var created = await member.Client.Http.PostAsJsonAsync("/api/v1/account/tokens", new { name = "uploader", write = true });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString();
        using var integration = App.CreateTribuClient();
        integration.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        (await integration.Http.PostAsync("/api/v1/uploads", File(Png(Guid.NewGuid().ToString()), "t.png"))).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task ReplyForm_WithoutJavaScript_AttachesTheChosenImage_OrKeepsTheDraftWithTheReason()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var member = await TestPerson.CreateAsync(App);
        var topic = (await (await member.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Discussion", title = "Show your rack", body = "Photos welcome" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        var refused = await member.Client.FollowAsync(await member.Client.SubmitWithFileAsync($"/t/{topic}", "reply",
            new Dictionary<string, string> { ["Reply.Body"] = "Here is mine" }, "image", "notes.txt", Encoding.UTF8.GetBytes("just text"), "text/plain"));
        refused.FieldError("File").ShouldBe("Only PNG, JPEG, GIF and WebP images can be uploaded.");
        refused.Document.QuerySelector("#reply-body")!.TextContent.ShouldBe("Here is mine");

        var posted = await member.Client.FollowAsync(await member.Client.SubmitWithFileAsync($"/t/{topic}", "reply",
            new Dictionary<string, string> { ["Reply.Body"] = "Here is mine" }, "image", "rack.png", Png(Guid.NewGuid().ToString()), "image/png"));
        var image = posted.Document.QuerySelector("#post-2 img")!;
        image.GetAttribute("src")!.ShouldStartWith("/uploads/");
        image.GetAttribute("alt").ShouldBe("rack");
    }
}

public sealed class UploadSqliteTests(SqliteAppFactory app) : UploadTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class UploadPostgresTests(PostgresAppFactory app) : UploadTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
