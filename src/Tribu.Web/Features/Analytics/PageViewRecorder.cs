using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Analytics;

/// <summary>
/// Counts page views on the server, without cookies or scripts: each HTML page read by a person is queued in memory and
/// written every few seconds in one batch (a read must not wait for a write). Bots, staff console pages and readers whose
/// browser sends Do-Not-Track or Global Privacy Control are not counted. The visitor is a hash of address, browser and a
/// salt of the day (kept in the database so every instance hashes alike, and deleted when the day is over).
/// </summary>
public sealed partial class PageViewRecorder(IDbContextFactory<TribuDbContext> contexts, TimeProvider clock, ILogger<PageViewRecorder> logger) : BufferedWriter
{
    public static readonly TimeSpan FlushEvery = TimeSpan.FromSeconds(5);
    private const int MaxPending = 100_000;

    /// <summary>A view waiting to be written; <see cref="Reader"/> holds the parts to hash until the salt is known, then null.</summary>
    private sealed class Pending(PageView view, string reader)
    {
        public PageView View { get; } = view;
        public string? Reader { get; set; } = reader;
    }

    private readonly ConcurrentQueue<Pending> _pending = new();
    private (DateOnly Day, byte[] Salt)? _salt;
    private readonly SemaphoreSlim _saltLock = new(1, 1);

    protected override TimeSpan Interval => FlushEvery;

    /// <summary>Whether a request for a page is one to count (before the response: the method, the path, the reader).</summary>
    public static bool IsCountable(HttpRequest request)
    {
        if (!HttpMethods.IsGet(request.Method)) return false;
        var path = request.Path.Value ?? "";
        if (ExcludedPrefixes.Any(p => path.StartsWith(p, StringComparison.OrdinalIgnoreCase))) return false;
        var headers = request.Headers;
        if (headers["DNT"] == "1" || headers["Sec-GPC"] == "1") return false;
        if (headers.ContainsKey(Topics.ViewCounter.LiveHeader)) return false;
        return !IsBot(headers.UserAgent.ToString());
    }

    /// <summary>Crawlers, link previews, monitors, scripts and headless browsers; an empty user agent too.</summary>
    public static bool IsBot(string? userAgent) => string.IsNullOrWhiteSpace(userAgent) || BotPattern().IsMatch(userAgent);

    /// <summary>Queues a view of the page just served.</summary>
    public void Record(HttpContext http, string page)
    {
        if (_pending.Count >= MaxPending) return;
        var request = http.Request;
        var path = request.Path.Value ?? "/";
        if (path.Length > PageView.PathMaxLength) path = path[..PageView.PathMaxLength];
        if (page.Length > PageView.PathMaxLength) page = page[..PageView.PathMaxLength];
        var referrer = Uri.TryCreate(request.Headers.Referer.ToString(), UriKind.Absolute, out var from) && !string.Equals(from.Host, request.Host.Host, StringComparison.OrdinalIgnoreCase)
            ? from.Host.Length > 100 ? from.Host[..100] : from.Host
            : null;
        // The reader's parts stay in memory until they are hashed at flush time with the day's salt (which may need the database).
        _pending.Enqueue(new Pending(new PageView
        {
            At = clock.GetUtcNow().UtcDateTime,
            Path = path,
            Page = page,
            ReferrerHost = referrer,
            SignedIn = http.User.Identity?.IsAuthenticated == true,
        }, $"{http.Connection.RemoteIpAddress}|{request.Headers.UserAgent}|{request.Host.Host}"));
    }

    public override async Task FlushAsync(CancellationToken ct = default)
    {
        if (_pending.IsEmpty) return;
        var batch = new List<Pending>();
        while (batch.Count < 5000 && _pending.TryDequeue(out var pending)) batch.Add(pending);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            foreach (var pending in batch.Where(p => p.Reader is not null))
            {
                var salt = await SaltAsync(db, DateOnly.FromDateTime(pending.View.At), ct);
                pending.View.Visitor = Convert.ToHexStringLower(HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(pending.Reader!)).AsSpan(0, 8));
                pending.Reader = null;
            }
            db.PageViews.AddRange(batch.Select(p => p.View));
            await db.SaveChangesAsync(ct);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            // Kept for the next round (the reader's parts are only ever in memory).
            foreach (var pending in batch)
            {
                pending.View.Id = 0;
                _pending.Enqueue(pending);
            }
            LogFlushFailed(logger, ex);
        }
    }

    /// <summary>The day's salt: made by the first instance that needs it, read by the others; older salts are deleted then.</summary>
    private async Task<byte[]> SaltAsync(TribuDbContext db, DateOnly day, CancellationToken ct)
    {
        if (_salt is { } known && known.Day == day) return known.Salt;
        await _saltLock.WaitAsync(ct);
        try
        {
            if (_salt is { } again && again.Day == day) return again.Salt;
            var stored = await db.VisitorSalts.AsNoTracking().Where(s => s.Day == day).Select(s => s.Salt).FirstOrDefaultAsync(ct);
            if (stored is null)
            {
                db.VisitorSalts.Add(new VisitorSalt { Day = day, Salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) });
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException)
                {
                    // Another instance made it first: theirs is the day's salt.
                }
                db.ChangeTracker.Clear();
                stored = await db.VisitorSalts.AsNoTracking().Where(s => s.Day == day).Select(s => s.Salt).FirstAsync(ct);
                // Yesterday's salt goes: its hashes can no longer be matched to anyone.
                await db.VisitorSalts.Where(s => s.Day < day).ExecuteDeleteAsync(ct);
            }
            var salt = Convert.FromHexString(stored);
            if (_salt is null || _salt.Value.Day < day) _salt = (day, salt);
            return salt;
        }
        finally
        {
            _saltLock.Release();
        }
    }

    private static readonly string[] ExcludedPrefixes = ["/manage", "/api", "/account", "/_", "/uploads", "/css", "/js", "/lib", "/favicon", "/status", "/error", "/notifications/stream", "/health"];

    [GeneratedRegex(@"bot|crawl|spider|slurp|preview|facebookexternalhit|embedly|curl|wget|python|httpclient|http-client|okhttp|java/|go-http|libwww|headless|phantom|lighthouse|monitor|uptime|pingdom|scrapy|feedfetcher|mediapartners|ahrefs|semrush|yandex|baidu|bingpreview|petal|gptbot|ccbot|claude", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BotPattern();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Page views could not be saved; they are kept for the next attempt.")]
    private static partial void LogFlushFailed(ILogger logger, Exception ex);
}
