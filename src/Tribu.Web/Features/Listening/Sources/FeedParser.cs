using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Tribu.Web.Features.Listening.Ingestion;

namespace Tribu.Web.Features.Listening.Sources;

/// <summary>What a feed gave: its items as mentions, and the faults met on the way (stored <see cref="SourceMessage"/>s).</summary>
public sealed record ParsedFeed(IReadOnlyList<IncomingMention> Items, IReadOnlyList<string> Warnings);

/// <summary>
/// Reads RSS 0.9x, RSS 1.0 (RDF), RSS 2.0 and Atom 1.0 the way they are found in the wild: the bytes decoded with the
/// encoding declared, unless they say otherwise; HTML entities (&amp;nbsp;, &amp;eacute;) and bare ampersands mended before
/// the XML parser sees them; a document cut off or broken read as far as it goes (the items read whole are kept, the
/// fault is reported); dates in any of the usual shapes; links resolved against xml:base and the feed's address; an
/// item without an id given its link, or a hash of its title and date.
/// </summary>
public static partial class FeedParser
{
    private const string ContentNs = "http://purl.org/rss/1.0/modules/content/";
    private const string DcNs = "http://purl.org/dc/elements/1.1/";
    private const string RdfNs = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    private static readonly XNamespace XmlNs = XNamespace.Xml;

    static FeedParser() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static ParsedFeed Parse(byte[] body, Uri feedUrl, string? httpCharset = null)
    {
        var warnings = new List<string>();
        var text = Decode(body, httpCharset, warnings);
        text = Mend(text);
        var (root, incomplete) = Load(text, warnings);
        if (root is null) throw new SourceException("Sources.Error.NotAFeed");
        var items = root.Name.LocalName switch
        {
            "rss" => ReadRss(root, feedUrl, incomplete, rdf: false),
            "RDF" => ReadRss(root, feedUrl, incomplete, rdf: true),
            "feed" => ReadAtom(root, feedUrl, incomplete),
            _ => throw new SourceException("Sources.Error.NotAFeed"),
        };
        var undated = items.Count(i => i.Dated == DateState.NotUnderstood);
        if (undated > 0) warnings.Add(SourceMessage.Encode("Sources.Warning.Dates", undated.ToString(CultureInfo.InvariantCulture)));
        return new ParsedFeed([.. items.Select(i => i.Mention)], warnings);
    }

    private enum DateState { Given, Missing, NotUnderstood }

    private sealed record Item(IncomingMention Mention, DateState Dated);

    // ---- Bytes to text -------------------------------------------------------------------------------------------

    internal static string Decode(byte[] bytes, string? httpCharset, List<string> warnings)
    {
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) return Utf8(bytes.AsSpan(3), warnings);
        if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE) return Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2);
        if (bytes.Length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF) return Encoding.BigEndianUnicode.GetString(bytes, 2, bytes.Length - 2);
        var head = Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 300));
        var declared = DeclaredEncodingRegex().Match(head) is { Success: true } m ? m.Groups[1].Value : httpCharset?.Trim('"', ' ');
        var isUtf8 = IsValidUtf8(bytes, out var hasNonAscii);
        if (declared is null || declared.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || declared.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            if (isUtf8) return Encoding.UTF8.GetString(bytes);
            warnings.Add(SourceMessage.Encode("Sources.Warning.Encoding", declared ?? "UTF-8", "Windows-1252"));
            return Encoding.GetEncoding(1252).GetString(bytes);
        }
        Encoding? encoding;
        try
        {
            encoding = Encoding.GetEncoding(declared);
        }
        catch (ArgumentException)
        {
            encoding = null;
        }
        if (encoding is null)
        {
            var fallback = isUtf8 ? "UTF-8" : "Windows-1252";
            warnings.Add(SourceMessage.Encode("Sources.Warning.Encoding", declared, fallback));
            return isUtf8 ? Encoding.UTF8.GetString(bytes) : Encoding.GetEncoding(1252).GetString(bytes);
        }
        if (encoding.IsSingleByte && isUtf8 && hasNonAscii)
        {
            // Declared Latin-1 or Windows-1252 but written in UTF-8 (a CMS template that says one thing and does another):
            // accented letters as multi-byte UTF-8 sequences are near impossible in genuine single-byte text.
            warnings.Add(SourceMessage.Encode("Sources.Warning.Encoding", declared, "UTF-8"));
            return Encoding.UTF8.GetString(bytes);
        }
        return encoding.GetString(bytes);
    }

    private static string Utf8(ReadOnlySpan<byte> bytes, List<string> warnings)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            warnings.Add(SourceMessage.Encode("Sources.Warning.Encoding", "UTF-8", "Windows-1252"));
            return Encoding.GetEncoding(1252).GetString(bytes);
        }
    }

    private static bool IsValidUtf8(byte[] bytes, out bool hasNonAscii)
    {
        hasNonAscii = Array.Exists(bytes, b => b >= 0x80);
        return !hasNonAscii || System.Text.Unicode.Utf8.IsValid(bytes);
    }

    [GeneratedRegex("""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")]
    private static partial Regex DeclaredEncodingRegex();

    // ---- Text the XML parser accepts -------------------------------------------------------------------------------

    /// <summary>Drops characters XML forbids and turns HTML entities and bare ampersands into XML, outside CDATA sections.</summary>
    internal static string Mend(string text)
    {
        var clean = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (XmlConvert.IsXmlChar(c) || char.IsSurrogate(c)) clean.Append(c);
        }
        text = clean.ToString();
        var result = new StringBuilder(text.Length + 64);
        var at = 0;
        foreach (Match cdata in CdataRegex().Matches(text))
        {
            result.Append(MendEntities(text[at..cdata.Index]));
            result.Append(cdata.Value);
            at = cdata.Index + cdata.Length;
        }
        result.Append(MendEntities(text[at..]));
        return result.ToString();
    }

    private static string MendEntities(string text) =>
        text.Contains('&') ? EntityRegex().Replace(text, m =>
        {
            if (!m.Groups[1].Success) return "&amp;";
            var name = m.Groups[1].Value;
            if (name[0] == '#' || name is "amp" or "lt" or "gt" or "quot" or "apos") return m.Value;
            var decoded = WebUtility.HtmlDecode(m.Value);
            if (decoded == m.Value) return "&amp;" + name + ";";
            return System.Security.SecurityElement.Escape(decoded);
        }) : text;

    [GeneratedRegex(@"<!\[CDATA\[.*?\]\]>", RegexOptions.Singleline)]
    private static partial Regex CdataRegex();

    [GeneratedRegex(@"&(?:(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});)?", RegexOptions.CultureInvariant)]
    private static partial Regex EntityRegex();

    // ---- XML to a tree, as far as it goes ---------------------------------------------------------------------------

    private static (XElement? Root, HashSet<XElement> Incomplete) Load(string text, List<string> warnings)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Ignore,
            XmlResolver = null,
            CheckCharacters = false,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            MaxCharactersFromEntities = 1024,
        };
        XElement? root = null;
        var open = new Stack<XElement>();
        var incomplete = new HashSet<XElement>();
        try
        {
            using var reader = XmlReader.Create(new StringReader(text), settings);
            while (reader.Read())
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                        var element = new XElement(XName.Get(reader.LocalName, reader.NamespaceURI));
                        var empty = reader.IsEmptyElement;
                        while (reader.MoveToNextAttribute())
                        {
                            if (reader.NamespaceURI == "http://www.w3.org/2000/xmlns/") continue;
                            element.SetAttributeValue(XName.Get(reader.LocalName, reader.NamespaceURI), reader.Value);
                        }
                        if (open.Count > 0) open.Peek().Add(element);
                        else root ??= element;
                        if (!empty) open.Push(element);
                        break;
                    case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                        if (open.Count > 0) open.Peek().Add(new XText(reader.Value));
                        break;
                    case XmlNodeType.EndElement:
                        if (open.Count > 0) open.Pop();
                        break;
                }
            }
            if (open.Count > 0) throw new XmlException("Unexpected end of file.", null, 0, 0);
        }
        catch (XmlException ex)
        {
            // Cut off or broken: what was read whole is kept; what was still open when it broke is not trusted.
            foreach (var element in open) incomplete.Add(element);
            warnings.Add(ex.LineNumber > 0
                ? SourceMessage.Encode("Sources.Warning.Malformed", ex.LineNumber.ToString(CultureInfo.InvariantCulture), ex.LinePosition.ToString(CultureInfo.InvariantCulture))
                : SourceMessage.Encode("Sources.Warning.Truncated"));
        }
        return (root, incomplete);
    }

    // ---- RSS 0.9x, 1.0 and 2.0 --------------------------------------------------------------------------------------

    private static List<Item> ReadRss(XElement root, Uri feedUrl, HashSet<XElement> incomplete, bool rdf)
    {
        var channel = Child(root, "channel");
        var language = Text(Child(channel, "language")) ?? Text(Child(channel, "language", DcNs)) ?? root.Attribute(XmlNs + "lang")?.Value;
        var elements = rdf ? root.Elements().Where(e => e.Name.LocalName == "item") : (channel?.Elements().Where(e => e.Name.LocalName == "item") ?? []);
        var items = new List<Item>();
        foreach (var item in elements)
        {
            if (incomplete.Contains(item)) continue;
            var title = Text(Child(item, "title"));
            var description = Text(Child(item, "encoded", ContentNs)) ?? Text(Child(item, "description"));
            var guidElement = Child(item, "guid");
            var guid = Text(guidElement);
            var link = Resolve(Text(Child(item, "link", "")) ?? Text(Child(item, "link")), feedUrl);
            if (link is null && guid is not null && guidElement?.Attribute("isPermaLink")?.Value != "false") link = Resolve(guid, feedUrl);
            var about = item.Attribute(XName.Get("about", RdfNs))?.Value;
            var dateText = Text(Child(item, "pubDate")) ?? Text(Child(item, "date", DcNs));
            var published = FeedDates.Parse(dateText);
            var author = Text(Child(item, "creator", DcNs)) ?? Text(Child(item, "author"));
            var id = guid ?? about ?? link ?? Hash(title, dateText, description);
            var content = Compose(title, description, html: true);
            if (content is null) continue;
            var itemLanguage = Text(Child(item, "language", DcNs)) ?? language;
            items.Add(new Item(new IncomingMention(id, content, IsHtml: true, Url: link, PublishedAt: published, Language: itemLanguage, Author: AuthorOf(author, null)),
                dateText is null ? DateState.Missing : published is null ? DateState.NotUnderstood : DateState.Given));
        }
        return items;
    }

    // ---- Atom 1.0 --------------------------------------------------------------------------------------------------

    private static List<Item> ReadAtom(XElement feed, Uri feedUrl, HashSet<XElement> incomplete)
    {
        var items = new List<Item>();
        foreach (var entry in feed.Elements().Where(e => e.Name.LocalName == "entry"))
        {
            if (incomplete.Contains(entry)) continue;
            var baseUrl = BaseOf(entry, feedUrl);
            var title = AtomText(Child(entry, "title"), out var titleIsHtml);
            var contentElement = Child(entry, "content");
            var body = AtomText(contentElement, out var bodyIsHtml);
            if (body is null) body = AtomText(Child(entry, "summary"), out bodyIsHtml);
            var links = entry.Elements().Where(e => e.Name.LocalName == "link").ToList();
            var alternate = links.FirstOrDefault(l => (l.Attribute("rel")?.Value ?? "alternate") == "alternate") ?? links.FirstOrDefault();
            var link = Resolve(alternate?.Attribute("href")?.Value, alternate is null ? baseUrl : BaseOf(alternate, feedUrl));
            var dateText = Text(Child(entry, "published")) ?? Text(Child(entry, "updated"));
            var published = FeedDates.Parse(dateText);
            var authorElement = Child(entry, "author") ?? Child(feed, "author");
            var authorName = Text(Child(authorElement, "name"));
            var authorUri = Resolve(Text(Child(authorElement, "uri")), baseUrl);
            var id = Text(Child(entry, "id")) ?? link ?? Hash(title, dateText, body);
            var content = Compose(title is null ? null : titleIsHtml ? title : Escape(title), body is null ? null : bodyIsHtml ? body : Escape(body), html: false);
            if (content is null) continue;
            var language = entry.AncestorsAndSelf().Select(e => e.Attribute(XmlNs + "lang")?.Value).FirstOrDefault(l => !string.IsNullOrEmpty(l));
            items.Add(new Item(new IncomingMention(id, content, IsHtml: true, Url: link, PublishedAt: published, Language: language, Author: AuthorOf(authorName, authorUri)),
                dateText is null ? DateState.Missing : published is null ? DateState.NotUnderstood : DateState.Given));
        }
        return items;
    }

    /// <summary>An Atom text construct: plain text, escaped HTML, or inline XHTML (kept as markup).</summary>
    private static string? AtomText(XElement? element, out bool isHtml)
    {
        isHtml = false;
        if (element is null) return null;
        var type = element.Attribute("type")?.Value ?? "text";
        if (type == "xhtml")
        {
            isHtml = true;
            var div = element.Elements().FirstOrDefault();
            var markup = div is null ? element.Value : string.Concat(div.Nodes().Select(n => n.ToString(SaveOptions.DisableFormatting)));
            return string.IsNullOrWhiteSpace(markup) ? null : markup.Trim();
        }
        isHtml = type is "html" or "text/html";
        return Text(element);
    }

    private static Uri BaseOf(XElement element, Uri feedUrl)
    {
        var chain = element.AncestorsAndSelf().Select(e => e.Attribute(XmlNs + "base")?.Value).Where(b => !string.IsNullOrWhiteSpace(b)).Reverse();
        var current = feedUrl;
        foreach (var b in chain)
        {
            if (Uri.TryCreate(current, b!.Trim(), out var next)) current = next;
        }
        return current;
    }

    // ---- Helpers ---------------------------------------------------------------------------------------------------

    private static XElement? Child(XElement? parent, string localName, string? ns = null) =>
        parent?.Elements().FirstOrDefault(e => e.Name.LocalName == localName && (ns is null || e.Name.NamespaceName == ns));

    private static string? Text(XElement? element)
    {
        var value = element?.Value.Trim();
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private static string? Resolve(string? link, Uri baseUrl)
    {
        if (string.IsNullOrWhiteSpace(link)) return null;
        return Uri.TryCreate(baseUrl, link.Trim(), out var uri) && uri.Scheme is "http" or "https" ? uri.AbsoluteUri : null;
    }

    /// <summary>Title and body as one HTML text: the title as a paragraph, unless the body already starts with it.</summary>
    private static string? Compose(string? title, string? body, bool html)
    {
        var heading = title is null ? null : html ? Escape(title) : title;
        if (body is null) return heading is null ? null : $"<p>{heading}</p>";
        if (heading is null) return body;
        var plainBody = WebUtility.HtmlDecode(TagRegex().Replace(body, " ")).Trim();
        var plainTitle = WebUtility.HtmlDecode(heading).Trim();
        return plainBody.StartsWith(plainTitle, StringComparison.OrdinalIgnoreCase) ? body : $"<p>{heading}</p>\n{body}";
    }

    /// <summary>Escapes markup characters only: accented letters stay as they are.</summary>
    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex TagRegex();

    private static IncomingAuthor? AuthorOf(string? author, string? url)
    {
        if (author is null && url is null) return null;
        // RSS authors are often "mail@example.com (Name)": the name is what readers know.
        if (author is not null && AuthorEmailRegex().Match(author) is { Success: true } m) author = m.Groups[1].Value.Trim();
        return new IncomingAuthor(null, author, url);
    }

    [GeneratedRegex(@"^\S+@\S+\s*\((.+)\)$")]
    private static partial Regex AuthorEmailRegex();

    /// <summary>An id for an item that has none: the same title, date and text always give the same one.</summary>
    internal static string Hash(string? title, string? date, string? body) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{title}\n{date}\n{(title is null && date is null ? body : null)}")));
}

/// <summary>Dates as feeds write them: RFC 822 with any time zone name, wrong or missing day names, two-digit years, ISO 8601, Unix seconds.</summary>
public static partial class FeedDates
{
    private static readonly Dictionary<string, string> Zones = new(StringComparer.OrdinalIgnoreCase)
    {
        ["GMT"] = "+00:00", ["UT"] = "+00:00", ["UTC"] = "+00:00", ["Z"] = "+00:00",
        ["EST"] = "-05:00", ["EDT"] = "-04:00", ["CST"] = "-06:00", ["CDT"] = "-05:00",
        ["MST"] = "-07:00", ["MDT"] = "-06:00", ["PST"] = "-08:00", ["PDT"] = "-07:00",
        ["CET"] = "+01:00", ["CEST"] = "+02:00", ["BST"] = "+01:00", ["MET"] = "+01:00", ["MEST"] = "+02:00",
    };

    private static readonly string[] Formats =
    [
        "d MMM yyyy HH:mm:ss zzz", "d MMM yyyy HH:mm zzz", "d MMM yy HH:mm:ss zzz", "d MMM yy HH:mm zzz",
        "d MMMM yyyy HH:mm:ss zzz", "d MMMM yyyy HH:mm zzz", "d MMM yyyy HH:mm:ss", "d MMM yyyy HH:mm", "d MMM yyyy",
        "d MMMM yyyy HH:mm:ss", "d MMMM yyyy", "MMM d, yyyy HH:mm:ss zzz", "MMM d, yyyy", "MMMM d, yyyy",
        "yyyy-MM-dd HH:mm:ss zzz", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd", "dd/MM/yyyy HH:mm:ss", "dd/MM/yyyy HH:mm", "dd/MM/yyyy",
    ];

    public static DateTime? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var s = SpacesRegex().Replace(value.Trim(), " ");
        if (s.Length == 10 && s.All(char.IsAsciiDigit)) return DateTimeOffset.FromUnixTimeSeconds(long.Parse(s, CultureInfo.InvariantCulture)).UtcDateTime;
        if (DateTimeOffset.TryParseExact(s, ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"], CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var iso))
        {
            return iso.UtcDateTime;
        }
        // "Tue, 10 Jun 2003 04:00:00 GMT": the day name is dropped (often wrong), the zone made numeric.
        s = DayNameRegex().Replace(s, "");
        s = s.Replace("Sept ", "Sep ", StringComparison.OrdinalIgnoreCase);
        s = ZoneRegex().Replace(s, m =>
        {
            var zone = m.Groups[1].Value;
            if (zone[0] is '+' or '-') return " " + zone[..3] + ":" + zone[^2..];
            return Zones.TryGetValue(zone, out var offset) ? " " + offset : zone.Length == 1 ? " +00:00" : m.Value;
        });
        foreach (var culture in new[] { CultureInfo.InvariantCulture, CultureInfo.GetCultureInfo("fr-FR") })
        {
            if (DateTimeOffset.TryParseExact(s, Formats, culture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var exact)) return exact.UtcDateTime;
        }
        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var loose) ? loose.UtcDateTime : null;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex SpacesRegex();

    [GeneratedRegex(@"^[A-Za-zéû]{2,9}\.?,?\s+(?=\d)")]
    private static partial Regex DayNameRegex();

    [GeneratedRegex(@"\s+([+-]\d{4}|[+-]\d{2}:?\d{2}|[A-Za-z]{1,4})$")]
    private static partial Regex ZoneRegex();
}
