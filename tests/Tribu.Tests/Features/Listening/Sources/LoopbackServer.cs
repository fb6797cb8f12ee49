using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tribu.Tests.Features.Listening.Sources;

/// <summary>A real HTTP server on a loopback port (Kestrel), answering with whatever <see cref="Handler"/> does; it records every request.</summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;
    public ConcurrentQueue<string> Requests { get; } = new();
    public ConcurrentQueue<Dictionary<string, string>> RequestHeaders { get; } = new();
    public Func<HttpContext, Task> Handler { get; set; } = c => { c.Response.StatusCode = 404; return Task.CompletedTask; };

    public Uri Url(string pathAndQuery) => new(BaseUrl, pathAndQuery);

    public static async Task<LoopbackServer> StartAsync(Func<HttpContext, Task>? handler = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new LoopbackServer(app);
        if (handler is not null) server.Handler = handler;
        app.Run(context =>
        {
            server.Requests.Enqueue(context.Request.Path + context.Request.QueryString);
            server.RequestHeaders.Enqueue(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase));
            return server.Handler(context);
        });
        await app.StartAsync();
        server.BaseUrl = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return server;
    }

    public void ClearRequests() => Requests.Clear();

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
