using System.Text;
using Tribu.Web.Features.Listening.Sources;

namespace Tribu.Tests.Features.Listening.Sources;

/// <summary>RSS 0.91, 1.0 (RDF), 2.0 and Atom as found in the wild, faults included.</summary>
public sealed class FeedParserTests
{
    private static readonly Uri FeedUrl = new("https://blog.example/feeds/main.xml");

    private static ParsedFeed Parse(string xml, string? charset = null) => FeedParser.Parse(Encoding.UTF8.GetBytes(xml), FeedUrl, charset);

    [Fact]
    public void Rss091_WithANetscapeDoctypeAndHtmlEntities_IsRead()
    {
        var feed = Parse("""
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
            <rss version="0.91"><channel><title>Old &amp; good</title><link>http://old.example/</link><language>fr</language>
            <item><title>Caf&eacute; &nbsp;V&eacute;loria &mdash; top</title><link>http://old.example/a</link><description>Un &laquo;&nbsp;super&nbsp;&raquo; v&eacute;lo &copy; R&D</description></item>
            </channel></rss>
            """);
        feed.Warnings.ShouldBeEmpty();
        var item = feed.Items.ShouldHaveSingleItem();
        item.ExternalId.ShouldBe("http://old.example/a");
        item.Url.ShouldBe("http://old.example/a");
        item.Language.ShouldBe("fr");
        item.Content.ShouldNotBeNull();
        item.Content.ShouldContain("Café");
        item.Content.ShouldContain("Véloria — top");
        item.Content.ShouldContain("«\u00a0super\u00a0» vélo © R&D");
    }

    [Fact]
    public void Rss10Rdf_ItemsBesideTheChannel_WithDublinCoreDatesAndCreators()
    {
        var feed = Parse("""
            <?xml version="1.0"?>
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
              <channel rdf:about="https://rdf.example/"><title>RDF</title><link>https://rdf.example/</link></channel>
              <item rdf:about="https://rdf.example/1"><title>First</title><link>https://rdf.example/1</link><description>Hello</description>
                <dc:date>2026-11-20T08:30:00+01:00</dc:date><dc:creator>Émile</dc:creator><dc:language>fr</dc:language></item>
            </rdf:RDF>
            """);
        var item = feed.Items.ShouldHaveSingleItem();
        item.ExternalId.ShouldBe("https://rdf.example/1");
        item.PublishedAt.ShouldBe(new DateTime(2026, 11, 20, 7, 30, 0, DateTimeKind.Utc));
        item.Author!.Name.ShouldBe("Émile");
        item.Language.ShouldBe("fr");
    }

    [Fact]
    public void Rss20_OddDates_RelativeLinks_MissingGuids_AndBareAmpersands()
    {
        var feed = Parse("""
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Blog</title><link>https://blog.example/</link>
            <item><title>Tom & Jerry</title><link>/posts/tom?a=1&b=2</link><pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate><author>tom@blog.example (Tom Cat)</author></item>
            <item><title>Wrong day name</title><link>../p2</link><pubDate>Sun, 23 Nov 2026 10:00:00 +0200</pubDate></item>
            <item><title>Zone name</title><guid isPermaLink="false">tag:blog,2026:3</guid><pubDate>23 Nov 26 10:00 EST</pubDate></item>
            <item><title>No link, no guid</title><description><![CDATA[<p>Body with &nbsp; & raw</p>]]></description><pubDate>le 23 novembre, vers midi</pubDate></item>
            <item><title>Full content</title><link>https://blog.example/5</link><description>short</description><content:encoded><![CDATA[<p>The <b>whole</b> text</p>]]></content:encoded><pubDate>2026-11-23 09:15:00</pubDate></item>
            </channel></rss>
            """);
        feed.Items.Count.ShouldBe(5);
        var (tom, wrongDay, zone, bare, full) = (feed.Items[0], feed.Items[1], feed.Items[2], feed.Items[3], feed.Items[4]);
        tom.Url.ShouldBe("https://blog.example/posts/tom?a=1&b=2");
        tom.ExternalId.ShouldBe(tom.Url);
        tom.Content!.ShouldContain("Tom &amp; Jerry");
        tom.PublishedAt.ShouldBe(new DateTime(2003, 6, 10, 4, 0, 0, DateTimeKind.Utc));
        tom.Author!.Name.ShouldBe("Tom Cat");
        wrongDay.Url.ShouldBe("https://blog.example/p2");
        wrongDay.PublishedAt.ShouldBe(new DateTime(2026, 11, 23, 8, 0, 0, DateTimeKind.Utc));
        zone.ExternalId.ShouldBe("tag:blog,2026:3");
        zone.Url.ShouldBeNull();
        zone.PublishedAt.ShouldBe(new DateTime(2026, 11, 23, 15, 0, 0, DateTimeKind.Utc));
        bare.ExternalId.ShouldStartWith("sha256:");
        bare.PublishedAt.ShouldBeNull();
        bare.Content!.ShouldContain("Body with &nbsp; & raw");
        full.Content!.ShouldContain("<b>whole</b>");
        full.PublishedAt.ShouldBe(new DateTime(2026, 11, 23, 9, 15, 0, DateTimeKind.Utc));
        feed.Warnings.ShouldBe([SourceMessageKey("Sources.Warning.Dates", "1")]);
        // The same item without an id gets the same hash every time: stored once.
        Parse("<rss version=\"2.0\"><channel><item><title>No link, no guid</title><pubDate>le 23 novembre, vers midi</pubDate></item></channel></rss>")
            .Items.Single().ExternalId.ShouldBe(bare.ExternalId);
    }

    [Fact]
    public void Atom_XmlBaseAndXhtmlContent_LanguageAndAuthors()
    {
        var feed = Parse("""
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en" xml:base="https://atom.example/blog/">
              <title>Atom</title><author><name>Feed Author</name></author>
              <entry xml:base="2026/"><id>urn:uuid:1</id><title type="html">&lt;b&gt;Bold&lt;/b&gt; title</title>
                <link rel="alternate" href="post-1.html"/><link rel="edit" href="https://atom.example/edit/1"/>
                <published>2026-11-21T12:00:00Z</published><updated>2026-11-22T12:00:00Z</updated>
                <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hello <em>world</em></p></div></content></entry>
              <entry xml:lang="fr"><title>Sans id</title><link href="/abs"/><updated>2026-11-22T13:00:00+01:00</updated><summary>Résumé</summary>
                <author><name>Zoé</name><uri>/zoe</uri></author></entry>
            </feed>
            """);
        feed.Items.Count.ShouldBe(2);
        var first = feed.Items[0];
        first.ExternalId.ShouldBe("urn:uuid:1");
        first.Url.ShouldBe("https://atom.example/blog/2026/post-1.html");
        first.PublishedAt.ShouldBe(new DateTime(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc));
        first.Content!.ShouldContain("<em>world</em>");
        first.Language.ShouldBe("en");
        first.Author!.Name.ShouldBe("Feed Author");
        var second = feed.Items[1];
        second.ExternalId.ShouldBe("https://atom.example/abs");
        second.Language.ShouldBe("fr");
        second.Author!.Name.ShouldBe("Zoé");
        second.Author.Url.ShouldBe("https://atom.example/zoe");
    }

    [Fact]
    public void WrongDeclaredEncodings_AreReadAsWhatTheBytesAre()
    {
        var utf8AsLatin1 = Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><item><guid>1</guid><title>Déjà vu à Noël</title></item></channel></rss>");
        var read = FeedParser.Parse(utf8AsLatin1, FeedUrl);
        read.Items.Single().Content!.ShouldContain("Déjà vu à Noël");
        read.Warnings.ShouldBe([SourceMessageKey("Sources.Warning.Encoding", "ISO-8859-1", "UTF-8")]);

        var cp1252 = Encoding.GetEncoding(1252);
        var latinAsUtf8 = cp1252.GetBytes("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><item><guid>1</guid><title>Œuvre – “déjà”</title></item></channel></rss>");
        var fixedUp = FeedParser.Parse(latinAsUtf8, FeedUrl);
        fixedUp.Items.Single().Content!.ShouldContain("Œuvre – “déjà”");
        fixedUp.Warnings.ShouldBe([SourceMessageKey("Sources.Warning.Encoding", "utf-8", "Windows-1252")]);

        var realLatin1 = Encoding.Latin1.GetBytes("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><item><guid>1</guid><title>Crème brûlée</title></item></channel></rss>");
        var latin = FeedParser.Parse(realLatin1, FeedUrl);
        latin.Items.Single().Content!.ShouldContain("Crème brûlée");
        latin.Warnings.ShouldBeEmpty();
    }

    [Fact]
    public void TruncatedOrBrokenXml_KeepsTheItemsReadWhole_AndReportsWhereItBroke()
    {
        var cut = Parse("""
            <rss version="2.0"><channel><title>Cut</title>
            <item><guid>a</guid><title>Whole one</title></item>
            <item><guid>b</guid><title>Whole two</title></item>
            <item><guid>c</guid><title>Half th
            """);
        cut.Items.Select(i => i.ExternalId).ShouldBe(["a", "b"]);
        cut.Warnings.Single().ShouldStartWith("Sources.Warning.");

        var broken = Parse("<rss version=\"2.0\"><channel><item><guid>a</guid><title>Fine</title></item><item><guid>b</guid><title>Bad</item></channel></rss>");
        broken.Items.Select(i => i.ExternalId).ShouldBe(["a"]);
        broken.Warnings.Single().ShouldStartWith("Sources.Warning.Malformed");

        Should.Throw<SourceException>(() => Parse("<html><body>Not a feed</body></html>")).Key.ShouldBe("Sources.Error.NotAFeed");
        Should.Throw<SourceException>(() => Parse("")).Key.ShouldBe("Sources.Error.NotAFeed");
    }

    [Theory]
    [InlineData("Mon, 23 Nov 2026 10:00:00 GMT", "2026-11-23T10:00:00Z")]
    [InlineData("Mon, 23 Nov 2026 10:00:00 +0100", "2026-11-23T09:00:00Z")]
    [InlineData("23 Nov 2026 10:00 PDT", "2026-11-23T17:00:00Z")]
    [InlineData("Monday, 23 November 2026 10:00:00 CEST", "2026-11-23T08:00:00Z")]
    [InlineData("2026-11-23T10:00:00.123+02:00", "2026-11-23T08:00:00.123Z")]
    [InlineData("2026-11-23", "2026-11-23T00:00:00Z")]
    [InlineData("1795430400", "2026-11-23T10:40:00Z")]
    [InlineData("23 Sept 2026 10:00:00 UT", "2026-09-23T10:00:00Z")]
    public void Dates_InTheUsualShapes_AreUnderstood(string text, string expected) =>
        FeedDates.Parse(text).ShouldBe(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime);

    private static string SourceMessageKey(string key, params string[] args) => SourceMessage.Encode(key, args);
}
