using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Tribu.Web.Features.Listening.Sources;

namespace Tribu.Tests.Features.Listening.Sources;

/// <summary>The limits every source's requests are held to, against real servers on loopback that misbehave.</summary>
public sealed class SourceFetcherTests
{
    private sealed class Clients(ListeningHttpOptions options) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(SourceFetcher.CreateHandler(options)) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private static SourceFetcher Fetcher(Action<ListeningHttpOptions>? change = null)
    {
        var options = new ListeningHttpOptions { AllowPrivateNetworks = true, MaxResponseBytes = 1_000_000, Timeout = TimeSpan.FromSeconds(3), IdleTimeout = TimeSpan.FromSeconds(1), MaxRedirects = 3 };
        change?.Invoke(options);
        return new SourceFetcher(new Clients(options), Options.Create(options));
    }

    [Fact]
    public async Task A50MegabyteAnswer_IsCutOffAtTheLimit_NeverReadWhole()
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)'x');
            context.Response.ContentLength = 50L * 1024 * 1024;
            for (var sent = 0L; sent < 50L * 1024 * 1024 && !context.RequestAborted.IsCancellationRequested; sent += chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        });
        var result = await Fetcher().GetAsync(new FetchRequest(server.Url("/huge.xml")), TestContext.Current.CancellationToken);
        result.Truncated.ShouldBeTrue();
        result.Body.Length.ShouldBe(1_000_000);
    }

    [Fact]
    public async Task AServerThatStalls_IsGivenUpAfterTheIdleLimit_AndOneThatTrickles_AfterTheTimeLimit()
    {
        await using var stalling = await LoopbackServer.StartAsync(async context =>
        {
            await context.Response.WriteAsync("<rss>");
            await context.Response.Body.FlushAsync();
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
        });
        var watch = Stopwatch.StartNew();
        (await Should.ThrowAsync<SourceException>(() => Fetcher().GetAsync(new FetchRequest(stalling.Url("/")), TestContext.Current.CancellationToken))).Key.ShouldBe("Sources.Error.Idle");
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));

        await using var trickling = await LoopbackServer.StartAsync(async context =>
        {
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await context.Response.WriteAsync("x", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(200, context.RequestAborted);
            }
        });
        watch.Restart();
        (await Should.ThrowAsync<SourceException>(() => Fetcher().GetAsync(new FetchRequest(trickling.Url("/")), TestContext.Current.CancellationToken))).Key.ShouldBe("Sources.Error.Timeout");
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Redirects_AreFollowedAFewTimes_HttpOnly_AndALoopIsStopped()
    {
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            switch (context.Request.Path.Value)
            {
                case "/old": context.Response.Redirect("/new", permanent: true); break;
                case "/new": return context.Response.WriteAsync("here");
                case "/loop-a": context.Response.Redirect("/loop-b"); break;
                case "/loop-b": context.Response.Redirect("/loop-a"); break;
                case "/ftp": context.Response.Redirect("ftp://files.example/feed.xml"); break;
            }
            return Task.CompletedTask;
        });
        var fetcher = Fetcher();
        var ct = TestContext.Current.CancellationToken;
        var moved = await fetcher.GetAsync(new FetchRequest(server.Url("/old")), ct);
        moved.Status.ShouldBe(HttpStatusCode.OK);
        moved.FinalUrl.ShouldBe(server.Url("/new"));
        System.Text.Encoding.UTF8.GetString(moved.Body).ShouldBe("here");
        server.RequestHeaders.Last()["User-Agent"].ShouldStartWith("Tribu-Listening/");

        (await Should.ThrowAsync<SourceException>(() => fetcher.GetAsync(new FetchRequest(server.Url("/loop-a")), ct))).Key.ShouldBe("Sources.Error.TooManyRedirects");
        server.Requests.Count(r => r.StartsWith("/loop-", StringComparison.Ordinal)).ShouldBe(4, "the first request and three redirects");
        (await Should.ThrowAsync<SourceException>(() => fetcher.GetAsync(new FetchRequest(server.Url("/ftp")), ct))).Key.ShouldBe("Sources.Error.Scheme");
        (await Should.ThrowAsync<SourceException>(() => fetcher.GetAsync(new FetchRequest(new Uri("file:///etc/passwd")), ct))).Key.ShouldBe("Sources.Error.Scheme");
    }

    [Fact]
    public async Task PrivateAddresses_AreRefusedUnlessAllowed()
    {
        await using var server = await LoopbackServer.StartAsync(context => context.Response.WriteAsync("internal"));
        var refused = await Should.ThrowAsync<SourceException>(() => Fetcher(o => o.AllowPrivateNetworks = false).GetAsync(new FetchRequest(server.Url("/")), TestContext.Current.CancellationToken));
        refused.Key.ShouldBe("Sources.Error.PrivateAddress");
        server.Requests.ShouldBeEmpty();
        foreach (var address in new[] { "127.0.0.1", "10.1.2.3", "172.20.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1" })
        {
            Tribu.Web.Platform.Security.PrivateNetworks.IsPrivate(IPAddress.Parse(address)).ShouldBeTrue(address);
        }
        foreach (var address in new[] { "93.184.216.34", "1.1.1.1", "2606:4700:4700::1111" })
        {
            Tribu.Web.Platform.Security.PrivateNetworks.IsPrivate(IPAddress.Parse(address)).ShouldBeFalse(address);
        }
    }

    [Fact]
    public async Task ConditionalGet_SendsTheValidators_AndReportsNotModified()
    {
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            if (context.Request.Headers.IfNoneMatch == "\"abc\"" && context.Request.Headers.IfModifiedSince == "Mon, 23 Nov 2026 10:00:00 GMT")
            {
                context.Response.StatusCode = 304;
                return Task.CompletedTask;
            }
            context.Response.Headers.ETag = "\"abc\"";
            context.Response.Headers.LastModified = "Mon, 23 Nov 2026 10:00:00 GMT";
            return context.Response.WriteAsync("<rss/>");
        });
        var fetcher = Fetcher();
        var first = await fetcher.GetAsync(new FetchRequest(server.Url("/feed")), TestContext.Current.CancellationToken);
        first.ETag.ShouldBe("\"abc\"");
        first.LastModified.ShouldBe("Mon, 23 Nov 2026 10:00:00 GMT");
        var second = await fetcher.GetAsync(new FetchRequest(server.Url("/feed"), ETag: first.ETag, LastModified: first.LastModified), TestContext.Current.CancellationToken);
        second.NotModified.ShouldBeTrue();
    }
}
