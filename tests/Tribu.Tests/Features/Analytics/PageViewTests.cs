using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Tests.Features.Events;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Analytics;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Features.Analytics;

/// <summary>Page views counted on the server: people only, nothing that names them, a visitor hash that changes every day.</summary>
public abstract class PageViewTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : EventsClockAppFactory
{
    private const string Firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

    private async Task<List<PageView>> ViewsAsync(Func<Task> read)
    {
        var recorder = App.Services.GetRequiredService<PageViewRecorder>();
        await recorder.FlushAsync();
        var before = await App.WithDbAsync(db => db.PageViews.MaxAsync(v => (long?)v.Id)) ?? 0;
        await read();
        await recorder.FlushAsync();
        return await App.WithDbAsync(db => db.PageViews.AsNoTracking().Where(v => v.Id > before).OrderBy(v => v.Id).ToListAsync());
    }

    private TribuClient Reader(string userAgent, params (string Name, string Value)[] headers)
    {
        var client = App.CreateTribuClient();
        client.Http.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        foreach (var (name, value) in headers) client.Http.DefaultRequestHeaders.Add(name, value);
        return client;
    }

    [Fact]
    public async Task APersonReadingPages_CountsOneViewEach_UnderOneVisitorHash_ThatNamesNobody()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var reader = Reader(Firefox, ("Referer", "https://news.example/article"));
        using var other = Reader(Firefox.Replace("133", "134", StringComparison.Ordinal));
        var views = await ViewsAsync(async () =>
        {
            (await reader.Http.GetAsync("/")).EnsureSuccessStatusCode();
            (await reader.Http.GetAsync($"/s/{space}?page=1")).EnsureSuccessStatusCode();
            (await other.Http.GetAsync("/events")).EnsureSuccessStatusCode();
        });
        views.Select(v => v.Path).ShouldBe(["/", $"/s/{space}", "/events"]);
        views[1].Page.ShouldBe("/s/{Slug}");
        views.ShouldAllBe(v => v.Visitor.Length == 16 && v.Visitor.All(Uri.IsHexDigit));
        views[0].Visitor.ShouldBe(views[1].Visitor, "the same reader the same day");
        views[2].Visitor.ShouldNotBe(views[0].Visitor, "another browser is another visitor");
        views[0].ReferrerHost.ShouldBe("news.example");
        views.ShouldAllBe(v => !v.SignedIn);
        // Nothing stored names the reader: no address, no browser string.
        views.ShouldAllBe(v => !(v.Path + v.Page + v.Visitor + v.ReferrerHost).Contains("Mozilla", StringComparison.Ordinal));

        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        member.Http.DefaultRequestHeaders.UserAgent.ParseAdd(Firefox);
        (await ViewsAsync(async () => (await member.Http.GetAsync("/events")).EnsureSuccessStatusCode())).Single().SignedIn.ShouldBeTrue();
    }

    [Fact]
    public async Task BotsTrackingRefusalsConsoleApiAndErrors_AreNotCounted()
    {
        using var crawler = Reader("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
        using var script = Reader("curl/8.5.0");
        using var dnt = Reader(Firefox, ("DNT", "1"));
        using var gpc = Reader(Firefox, ("Sec-GPC", "1"));
        using var person = Reader(Firefox);
        using var admin = await TestMembers.LoggedInAsync(App, Roles.Admin);
        admin.Http.DefaultRequestHeaders.UserAgent.ParseAdd(Firefox);
        var views = await ViewsAsync(async () =>
        {
            foreach (var client in new[] { crawler, script, dnt, gpc }) await client.Http.GetAsync("/");
            await person.Http.GetAsync("/no-such-page");
            await person.Http.GetAsync("/api/v1/events");
            await admin.Http.GetAsync("/manage");
        });
        views.ShouldBeEmpty();
        PageViewRecorder.IsBot("").ShouldBeTrue();
        PageViewRecorder.IsBot("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15").ShouldBeFalse();
        PageViewRecorder.IsBot("Mozilla/5.0 HeadlessChrome/120.0").ShouldBeTrue();
    }

    [Fact]
    public async Task TheNextDay_TheSameReaderIsANewVisitor_AndYesterdaysSaltIsGone()
    {
        using var reader = Reader(Firefox + " day-test");
        var today = (await ViewsAsync(async () => (await reader.Http.GetAsync("/")).EnsureSuccessStatusCode())).Single();
        App.Clock.Advance(TimeSpan.FromDays(1));
        var tomorrow = (await ViewsAsync(async () => (await reader.Http.GetAsync("/")).EnsureSuccessStatusCode())).Single();
        tomorrow.Visitor.ShouldNotBe(today.Visitor);
        var days = await App.WithDbAsync(db => db.VisitorSalts.Select(s => s.Day).ToListAsync());
        days.ShouldBe([DateOnly.FromDateTime(App.Clock.GetUtcNow().UtcDateTime)]);
    }
}

public sealed class PageViewSqliteTests(SqliteEventsClockAppFactory factory) : PageViewTests<SqliteEventsClockAppFactory>(factory), IClassFixture<SqliteEventsClockAppFactory>;

[Trait("Category", "Postgres")]
public sealed class PageViewPostgresTests(PostgresEventsClockAppFactory factory) : PageViewTests<PostgresEventsClockAppFactory>(factory), IClassFixture<PostgresEventsClockAppFactory>;
