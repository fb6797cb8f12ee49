using System.Security.Claims;
using System.ServiceModel.Syndication;
using System.Text;
using System.Xml;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Tribu.Web.Features.Admin;
using Tribu.Web.Features.Spaces;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Web;
using Tribu.Web.Resources;

namespace Tribu.Web.Features.Topics;

/// <summary>
/// What feed readers and search engines read: RSS 2.0 and Atom 1.0 feeds (latest, per space, per tag),
/// sitemap.xml and robots.txt. Only what an anonymous visitor may see ever appears here.
/// </summary>
public static class FeedEndpoints
{
    public const int FeedSize = 30;
    public const int SitemapSize = 50_000;

    public static IEndpointRouteBuilder MapFeedEndpoints(this IEndpointRouteBuilder app)
    {
        var feeds = app.MapGroup("").ExcludeFromDescription();
        feeds.MapGet("/feeds/latest.{format:regex(^(rss|atom)$)}", (string format, HttpContext http, TribuDbContext db, SiteSettingsService site, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            FeedAsync(http, db, site, format, q => q, "/", async s => l["Feed.Latest", s.CommunityName], ct)).CacheOutput(PageCache.ListPolicy);
        feeds.MapGet("/s/{slug}/feed.{format:regex(^(rss|atom)$)}", async (string slug, string format, HttpContext http, TribuDbContext db, SiteSettingsService site, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
        {
            var space = await db.Spaces.AsNoTracking().FirstOrDefaultAsync(s => s.Slug == slug, ct);
            if (space is null || !space.IsOpenToAnonymous) return Results.NotFound();
            return await FeedAsync(http, db, site, format, q => q.Where(t => t.SpaceSlug == slug), $"/s/{slug}", s => Task.FromResult($"{space.Name} — {s.CommunityName}"), ct);
        }).CacheOutput(PageCache.ListPolicy);
        feeds.MapGet("/tags/{tag}/feed.{format:regex(^(rss|atom)$)}", (string tag, string format, HttpContext http, TribuDbContext db, SiteSettingsService site, IStringLocalizer<UiStrings> l, CancellationToken ct) =>
            FeedAsync(http, db, site, format, q => WithTag(q, tag), $"/tags/{Uri.EscapeDataString(tag)}", async s => l["Feed.Tag", tag, s.CommunityName], ct)).CacheOutput(PageCache.ListPolicy);
        feeds.MapGet("/sitemap.xml", SitemapAsync).CacheOutput(PageCache.ListPolicy);
        feeds.MapGet("/robots.txt", (HttpContext http) => Results.Text(
            $"User-agent: *\nDisallow: /manage\nDisallow: /account\nDisallow: /api/\nDisallow: /p/\nAllow: /\n\nSitemap: {BaseUrl(http)}/sitemap.xml\n",
            "text/plain; charset=utf-8"));
        return app;
    }

    /// <summary>Topics carrying a tag (tags are stored comma-separated, lowercase).</summary>
    public static IQueryable<TopicRow> WithTag(IQueryable<TopicRow> topics, string tag)
    {
        var needle = "," + tag.Trim().ToLowerInvariant() + ",";
        return topics.Where(t => ("," + t.Tags + ",").Contains(needle));
    }

    public static string BaseUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";

    private static async Task<IResult> FeedAsync(HttpContext http, TribuDbContext db, SiteSettingsService settings, string format,
        Func<IQueryable<TopicRow>, IQueryable<TopicRow>> filter, string pagePath, Func<SiteSettings, Task<string>> title, CancellationToken ct)
    {
        var site = await settings.GetAsync(ct);
        var anonymous = new ClaimsPrincipal(new ClaimsIdentity());
        var topics = await filter(TopicRow.Query(db, SpaceAccess.ReadableBy(anonymous))).OrderByDescending(t => t.CreatedAt).Take(FeedSize).ToListAsync(ct);
        var ids = topics.Select(t => t.Id).ToList();
        var openings = await db.Posts.AsNoTracking().Where(p => ids.Contains(p.TopicId) && p.Number == 1).ToDictionaryAsync(p => p.TopicId, p => p.BodyHtml, ct);
        var baseUrl = BaseUrl(http);
        var feedTitle = await title(site);
        var feed = new SyndicationFeed(feedTitle, site.Tagline(Platform.Localization.LocalizationFeature.CurrentLanguage) ?? feedTitle, new Uri(baseUrl + pagePath))
        {
            Id = baseUrl + pagePath,
            LastUpdatedTime = topics.Count == 0 ? site.UpdatedAt : topics.Max(t => t.CreatedAt),
            Language = site.DefaultLanguage,
            Generator = "Tribu",
        };
        feed.Links.Add(new SyndicationLink(new Uri($"{baseUrl}{http.Request.Path}"), "self", feedTitle, format == "atom" ? "application/atom+xml" : "application/rss+xml", 0));
        feed.Items = topics.Select(t =>
        {
            var url = $"{baseUrl}/t/{t.Id}/{t.Slug}";
            var item = new SyndicationItem(t.Title, new TextSyndicationContent(openings.GetValueOrDefault(t.Id, ""), TextSyndicationContentKind.Html), new Uri(url), url, t.LastPostAt)
            {
                PublishDate = t.CreatedAt,
            };
            item.Authors.Add(new SyndicationPerson { Name = t.AuthorName, Uri = $"{baseUrl}/u/{t.AuthorHandle}" });
            item.Categories.Add(new SyndicationCategory(t.SpaceName));
            foreach (var tag in (t.Tags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)) item.Categories.Add(new SyndicationCategory(tag));
            return item;
        }).ToList();

        await using var buffer = new MemoryStream();
        await using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, Async = true }))
        {
            SyndicationFeedFormatter formatter = format == "atom" ? new Atom10FeedFormatter(feed) : new Rss20FeedFormatter(feed, serializeExtensionsAsAtom: true);
            formatter.WriteTo(writer);
        }
        return Results.Bytes(buffer.ToArray(), format == "atom" ? "application/atom+xml; charset=utf-8" : "application/rss+xml; charset=utf-8");
    }

    private static async Task<IResult> SitemapAsync(HttpContext http, TribuDbContext db, CancellationToken ct)
    {
        var anonymous = new ClaimsPrincipal(new ClaimsIdentity());
        var readable = SpaceAccess.ReadableBy(anonymous);
        var baseUrl = BaseUrl(http);
        var spaces = await db.Spaces.AsNoTracking().ReadableBy(readable).Select(s => s.Slug).ToListAsync(ct);
        var topics = await TopicRow.Query(db, readable).OrderByDescending(t => t.LastPostAt).Take(SitemapSize)
            .Select(t => new { t.Id, t.Slug, t.LastPostAt }).ToListAsync(ct);
        XmlWriterSettings settings = new() { Encoding = new UTF8Encoding(false), Indent = false };
        await using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, settings))
        {
            const string ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
            xml.WriteStartElement("urlset", ns);
            void Url(string loc, DateTime? lastModified)
            {
                xml.WriteStartElement("url", ns);
                xml.WriteElementString("loc", ns, loc);
                if (lastModified is { } at) xml.WriteElementString("lastmod", ns, at.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
                xml.WriteEndElement();
            }
            Url(baseUrl + "/", topics.Count > 0 ? topics[0].LastPostAt : null);
            foreach (var slug in spaces) Url($"{baseUrl}/s/{slug}", null);
            foreach (var t in topics) Url($"{baseUrl}/t/{t.Id}/{t.Slug}", t.LastPostAt);
            xml.WriteEndElement();
        }
        return Results.Bytes(buffer.ToArray(), "application/xml; charset=utf-8");
    }
}
