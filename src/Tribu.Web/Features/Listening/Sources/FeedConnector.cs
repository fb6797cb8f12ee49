using System.Globalization;
using System.Runtime.CompilerServices;

namespace Tribu.Web.Features.Listening.Sources;

/// <summary>
/// RSS and Atom feeds: one conditional GET per poll (the ETag and Last-Modified of the last answer are the cursor, so an
/// unchanged feed costs a 304 and nothing else); the feed is one page, its items stored once each.
/// </summary>
public sealed class FeedConnector(SourceFetcher fetcher) : ISourceConnector
{
    private const string Accept = "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5";

    public SourceKind Kind => SourceKind.Rss;

    internal sealed class Cursor
    {
        public string? ETag { get; set; }
        public string? LastModified { get; set; }
    }

    public async IAsyncEnumerable<SourcePage> PollAsync(SourcePoll poll, [EnumeratorCancellation] CancellationToken ct)
    {
        if (!Uri.TryCreate(poll.Url, UriKind.Absolute, out var url)) throw new SourceException("Sources.Error.BadUrl");
        var cursor = CursorJson.Read<Cursor>(poll.Cursor);
        var response = await fetcher.GetAsync(new FetchRequest(url, Accept, ETag: cursor.ETag, LastModified: cursor.LastModified), ct);
        if (response.NotModified) yield break;
        if (!response.IsSuccess) throw new SourceException("Sources.Error.Http", ((int)response.Status).ToString(CultureInfo.InvariantCulture));
        var feed = FeedParser.Parse(response.Body, response.FinalUrl, response.Charset);
        var warnings = feed.Warnings.ToList();
        if (response.Truncated)
        {
            warnings.Insert(0, SourceMessage.Encode("Sources.Warning.TooLarge", (fetcher.Options.MaxResponseBytes / (1024 * 1024)).ToString(CultureInfo.InvariantCulture)));
        }
        // A cut-off or broken feed is not remembered as read: the next poll asks for it whole again.
        var whole = !response.Truncated && !feed.Warnings.Any(w => w.StartsWith("Sources.Warning.Malformed", StringComparison.Ordinal) || w.StartsWith("Sources.Warning.Truncated", StringComparison.Ordinal));
        var next = whole ? CursorJson.Write(new Cursor { ETag = response.ETag, LastModified = response.LastModified }) : null;
        yield return new SourcePage(feed.Items, next, SourceMessage.Join(warnings));
    }
}
