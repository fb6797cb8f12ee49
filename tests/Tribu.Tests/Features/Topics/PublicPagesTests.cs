using System.Net;
using System.Net.Http.Json;
using System.ServiceModel.Syndication;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Spaces;

namespace Tribu.Tests.Features.Topics;

/// <summary>What search engines, link previews and feed readers see; run on SQLite and on PostgreSQL.</summary>
public abstract class PublicPagesTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    private async Task<(string PublicSpace, long PublicTopic, string PrivateSpace, long PrivateTopic, string Tag)> SeedAsync()
    {
        var open = await TestSpaces.CreateAsync(App);
        var hidden = await TestSpaces.CreateAsync(App, SpaceVisibility.Members);
        var tag = "tag" + Guid.NewGuid().ToString("N")[..6];
        using var admin = await TestMembers.LoggedInAsync(App, Roles.Admin);
        async Task<long> Start(string space, string title, string kind) =>
            (await (await admin.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind, title, body = "Le **contenu** du sujet & ses détails.", tags = tag }))
                .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        return (open, await Start(open, $"Public question {tag}", "Question"), hidden, await Start(hidden, $"Members-only talk {tag}", "Discussion"), tag);
    }

    private async Task<SyndicationFeed> FeedAsync(string url)
    {
        var response = await App.CreateTribuClient().Http.GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, url);
        using var reader = XmlReader.Create(await response.Content.ReadAsStreamAsync());
        return SyndicationFeed.Load(reader);
    }

    [Theory]
    [InlineData("rss")]
    [InlineData("atom")]
    public async Task Feeds_ParseAndListOnlyWhatAnonymousVisitorsMaySee(string format)
    {
        var (open, publicTopic, hidden, _, tag) = await SeedAsync();

        foreach (var url in new[] { $"/feeds/latest.{format}", $"/s/{open}/feed.{format}", $"/tags/{tag}/feed.{format}" })
        {
            var feed = await FeedAsync(url);
            var items = feed.Items.Where(i => i.Title.Text.EndsWith(tag, StringComparison.Ordinal)).ToList();
            items.Select(i => i.Title.Text).ShouldBe([$"Public question {tag}"], url);
            var item = items[0];
            item.Links.Single(l => l.RelationshipType is null or "alternate").Uri.AbsolutePath.ShouldBe($"/t/{publicTopic}/public-question-{tag}");
            item.Categories.Select(c => c.Name).ShouldContain(tag);
            ((TextSyndicationContent)(item.Summary ?? (SyndicationContent)item.Content)).Text.ShouldContain("<strong>contenu</strong>");
        }
        (await App.CreateTribuClient().Http.GetAsync($"/s/{hidden}/feed.{format}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TagPage_ListsTheTaggedTopicsTheReaderMaySee()
    {
        var (_, _, _, _, tag) = await SeedAsync();
        (await App.CreateTribuClient().GetAsync($"/tags/{tag}")).Text.ShouldContain($"Public question {tag}");
        (await App.CreateTribuClient().GetAsync($"/tags/{tag}")).Text.ShouldNotContain($"Members-only talk {tag}");
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        (await member.GetAsync($"/tags/{tag}")).Text.ShouldContain($"Members-only talk {tag}");
    }

    [Fact]
    public async Task Sitemap_HasPublicSpacesAndTopicsOnly_AndRobotsPointsToIt()
    {
        var (open, publicTopic, hidden, privateTopic, _) = await SeedAsync();
        using var client = App.CreateTribuClient();

        var sitemap = XDocument.Parse(await client.Http.GetStringAsync("/sitemap.xml"));
        XNamespace ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
        sitemap.Root!.Name.ShouldBe(ns + "urlset");
        var locations = sitemap.Root.Elements(ns + "url").Select(u => new Uri(u.Element(ns + "loc")!.Value).AbsolutePath).ToList();
        locations.ShouldContain($"/s/{open}");
        locations.ShouldContain(l => l.StartsWith($"/t/{publicTopic}/", StringComparison.Ordinal));
        locations.ShouldNotContain($"/s/{hidden}");
        locations.ShouldNotContain(l => l.StartsWith($"/t/{privateTopic}/", StringComparison.Ordinal));

        var robots = await client.Http.GetStringAsync("/robots.txt");
        robots.ShouldContain("Disallow: /manage");
        robots.ShouldContain("Sitemap: http://localhost/sitemap.xml");
    }

    [Fact]
    public async Task TopicPage_HasCanonicalUrlOpenGraphAndQuestionStructuredData()
    {
        var (_, publicTopic, _, _, tag) = await SeedAsync();

        var page = await App.CreateTribuClient().GetAsync($"/t/{publicTopic}");

        page.Document.QuerySelector("link[rel=canonical]")!.GetAttribute("href").ShouldBe($"http://localhost/t/{publicTopic}/public-question-{tag}");
        page.Document.QuerySelector("meta[property='og:title']")!.GetAttribute("content").ShouldBe($"Public question {tag}");
        page.Document.QuerySelector("meta[property='og:description']")!.GetAttribute("content").ShouldBe("Le contenu du sujet & ses détails.");
        var jsonLd = JsonDocument.Parse(page.Document.QuerySelector("script[type='application/ld+json']")!.TextContent).RootElement;
        jsonLd.GetProperty("@type").GetString().ShouldBe("QAPage");
        jsonLd.GetProperty("mainEntity").GetProperty("name").GetString().ShouldBe($"Public question {tag}");
        page.Document.QuerySelector("a.tag")!.GetAttribute("href").ShouldBe($"/tags/{tag}");
    }
}

public sealed class PublicPagesSqliteTests(SqliteAppFactory app) : PublicPagesTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class PublicPagesPostgresTests(PostgresAppFactory app) : PublicPagesTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
