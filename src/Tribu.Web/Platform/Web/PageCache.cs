using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Tribu.Web.Features.Notifications;

namespace Tribu.Web.Platform.Web;

/// <summary>Bound to the <c>PageCache</c> section.</summary>
public sealed class PageCacheOptions
{
    public const string Section = "PageCache";

    /// <summary>Keep anonymous visitors' community pages in memory (off: every request renders).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The longest a page is kept. Content changes evict their pages at once (<see cref="PageCacheEviction"/>); this
    /// bounds what changes without a signal: view counts, a member's new display name, an erased account.
    /// </summary>
    public TimeSpan Expiry { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// Anonymous community pages served from memory (ASP.NET Core output caching): the same HTML for every visitor
/// without an account, so rendering it once per change is enough. Pages opt in by policy name; a topic page is tagged
/// with its live channel (<c>topic:{id}</c>) and list pages with <see cref="ListsTag"/>, and the live bus evicts both
/// whenever a topic changes (<see cref="PageCacheEviction"/>), on every instance when the bus is Redis.
/// </summary>
public static class PageCache
{
    /// <summary>A topic's pages: varied by <c>page</c>, evicted by the topic's channel.</summary>
    public const string TopicPolicy = "topic-page";

    /// <summary>Lists of topics (home, space, tag pages, feeds): varied by <c>page</c> and <c>sort</c>, evicted by any topic change.</summary>
    public const string ListPolicy = "list-page";

    /// <summary>Every cached page: evicted when a space or the site's settings change.</summary>
    public const string AllTag = "pages";

    public const string ListsTag = "lists";

    private static readonly object CacheableKey = new();

    /// <summary>Whether this request's answer may be stored for every anonymous visitor (set by the policy).</summary>
    public static bool IsCacheable(HttpContext http) => http.Items.ContainsKey(CacheableKey);

    internal static void MarkCacheable(HttpContext http) => http.Items[CacheableKey] = true;

    public static IServiceCollection AddTribuPageCache(this IServiceCollection services)
    {
        services.AddOptions<PageCacheOptions>().BindConfiguration(PageCacheOptions.Section);
        services.AddSingleton<PageCacheEviction>();
        services.AddSingleton<ILiveObserver>(sp => sp.GetRequiredService<PageCacheEviction>());
        // Blazor keeps an antiforgery token in every page's persisted state (for interactive components), which stores a
        // cookie and marks the answer no-store: on a page the cache may keep, the token is made without the cookie.
        services.AddAntiforgery();
        var antiforgery = services.Last(d => d.ServiceType == typeof(IAntiforgery));
        services.Replace(ServiceDescriptor.Singleton<IAntiforgery>(sp => new CacheableRequestAntiforgery(
            (IAntiforgery)(antiforgery.ImplementationInstance ?? antiforgery.ImplementationFactory?.Invoke(sp) ?? ActivatorUtilities.CreateInstance(sp, antiforgery.ImplementationType!)))));
        services.AddOutputCache(o =>
        {
            o.AddPolicy(TopicPolicy, new AnonymousPagePolicy(["page"], topicTag: true));
            o.AddPolicy(ListPolicy, new AnonymousPagePolicy(["page", "sort"], topicTag: false));
        });
        return services;
    }
}

/// <summary>
/// Caches a page only for a request with no per-visitor state: a GET or HEAD from someone not signed in, without an
/// Authorization header or a one-shot status message; stores only a 200 that sets no cookie. The key is the path, the
/// listed query keys, the language and the kind of navigation; every other query key is dropped from the request
/// before the page renders, so the cached HTML holds nothing its key does not (a login link's return URL, say).
/// </summary>
internal sealed class AnonymousPagePolicy(string[] queryKeys, bool topicTag) : IOutputCachePolicy
{
    private const string GenerationItem = "tribu:page-cache-generation";

    ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var http = context.HttpContext;
        var options = http.RequestServices.GetRequiredService<IOptionsMonitor<PageCacheOptions>>().CurrentValue;
        var cacheable = options.Enabled && IsAnonymousRead(http.Request);
        context.EnableOutputCaching = true;
        context.AllowCacheLookup = cacheable;
        context.AllowCacheStorage = cacheable;
        context.AllowLocking = true;
        if (!cacheable) return ValueTask.CompletedTask;

        PageCache.MarkCacheable(http);
        KeepOnly(http.Request, queryKeys);
        context.CacheVaryByRules.QueryKeys = new StringValues(queryKeys);
        context.CacheVaryByRules.VaryByValues["lang"] = CultureInfo.CurrentUICulture.Name;
        // Blazor answers its enhanced navigation (a fetch) a little differently from a full page load.
        context.CacheVaryByRules.VaryByValues["nav"] = http.Request.Headers.Accept.ToString().Contains("blazor-enhanced-nav", StringComparison.Ordinal) ? "enhanced" : "page";
        context.ResponseExpirationTimeSpan = options.Expiry;
        context.Tags.Add(PageCache.AllTag);
        if (topicTag && long.TryParse(Convert.ToString(http.Request.RouteValues["Id"], CultureInfo.InvariantCulture), NumberStyles.None, CultureInfo.InvariantCulture, out var topicId))
        {
            context.Tags.Add(LiveChannels.Topic(topicId));
        }
        else
        {
            context.Tags.Add(PageCache.ListsTag);
        }
        http.Items[GenerationItem] = http.RequestServices.GetRequiredService<PageCacheEviction>().Generation;
        return ValueTask.CompletedTask;
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var http = context.HttpContext;
        var response = http.Response;
        if (response.StatusCode != StatusCodes.Status200OK
            || !StringValues.IsNullOrEmpty(response.Headers.SetCookie)
            || response.Headers.CacheControl.ToString().Contains("no-store", StringComparison.OrdinalIgnoreCase)
            // A change was signalled while this page rendered: it may hold what was there before; the next visitor renders it again.
            || http.Items[GenerationItem] is not long started || started != http.RequestServices.GetRequiredService<PageCacheEviction>().Generation)
        {
            context.AllowCacheStorage = false;
        }
        return ValueTask.CompletedTask;
    }

    private static bool IsAnonymousRead(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && request.HttpContext.User.Identity?.IsAuthenticated != true
        && StringValues.IsNullOrEmpty(request.Headers.Authorization)
        && !request.Cookies.ContainsKey(Features.Accounts.IdentityRedirectManager.StatusCookieName);

    private static void KeepOnly(HttpRequest request, string[] keys)
    {
        if (!request.QueryString.HasValue) return;
        var kept = QueryString.Empty;
        foreach (var key in keys)
        {
            if (request.Query.TryGetValue(key, out var value) && !StringValues.IsNullOrEmpty(value))
            {
                kept = kept.Add(key, value[0]!);
            }
        }
        request.QueryString = kept;
    }
}

/// <summary>
/// Leaves out the antiforgery cookie on a request whose page may be cached for everyone: the page holds no form that
/// posts (the reply form and every action are for members; the language switcher is a GET for visitors), and one
/// visitor's cookie must not be paired with a token that every visitor then receives.
/// </summary>
internal sealed class CacheableRequestAntiforgery(IAntiforgery inner) : IAntiforgery
{
    public AntiforgeryTokenSet GetAndStoreTokens(HttpContext httpContext) =>
        PageCache.IsCacheable(httpContext) ? inner.GetTokens(httpContext) : inner.GetAndStoreTokens(httpContext);

    public AntiforgeryTokenSet GetTokens(HttpContext httpContext) => inner.GetTokens(httpContext);

    public Task<bool> IsRequestValidAsync(HttpContext httpContext) => inner.IsRequestValidAsync(httpContext);

    public Task ValidateRequestAsync(HttpContext httpContext) => inner.ValidateRequestAsync(httpContext);

    public void SetCookieTokenAndHeader(HttpContext httpContext)
    {
        if (!PageCache.IsCacheable(httpContext)) inner.SetCookieTokenAndHeader(httpContext);
    }
}

/// <summary>
/// Evicts cached pages when the live bus says something changed: a topic's channel evicts that topic's pages and the
/// lists (its place, reply count and last activity show there); <see cref="LiveChannels.Site"/> evicts every page.
/// Writers publish their change anyway for open pages, so a new writer evicts without knowing about the cache.
/// </summary>
public sealed class PageCacheEviction(IOutputCacheStore store) : ILiveObserver
{
    private const string TopicPrefix = "topic:";
    private long _generation;

    /// <summary>Counts evictions; a page whose rendering saw it change is not stored (it may predate the change).</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public async ValueTask SignalledAsync(string channel, CancellationToken ct)
    {
        if (channel == LiveChannels.Site)
        {
            Interlocked.Increment(ref _generation);
            await store.EvictByTagAsync(PageCache.AllTag, ct);
        }
        else if (channel.StartsWith(TopicPrefix, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _generation);
            await store.EvictByTagAsync(channel, ct);
            await store.EvictByTagAsync(PageCache.ListsTag, ct);
        }
    }
}
