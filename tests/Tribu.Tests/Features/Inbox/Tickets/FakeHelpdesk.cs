using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tribu.Tests.Features.Inbox.Tickets;

/// <summary>
/// A helpdesk on loopback (a real Kestrel listener) that makes tickets from Tribu's calls the way a helpdesk's inbound
/// webhook does: <c>POST /api/tickets</c> answers <c>201 {"id": "HD-1", "url": ".../tickets/HD-1"}</c>; a call whose
/// <c>X-Tribu-Ticket-Key</c> it has seen gets the ticket it already made (it deduplicates, as the docs ask); a test call
/// gets <c>200 {"ok": true}</c>. <see cref="Answer"/> picks the status of each call by its number (1, 2, …): a 5xx is an
/// outage, and makes nothing. Every call is kept, headers and exact body.
/// </summary>
public sealed class FakeHelpdesk : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _tickets = new(StringComparer.Ordinal);
    private int _count;
    private int _next;

    public sealed record Call(int Number, IReadOnlyDictionary<string, string> Headers, byte[] Body)
    {
        public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null;
        public string Text => System.Text.Encoding.UTF8.GetString(Body);
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    }

    public ConcurrentQueue<Call> Calls { get; } = new();
    /// <summary>The status for call number n; 201 (or 200 for a test) unless told otherwise.</summary>
    public Func<int, int> Answer { get; set; } = _ => 201;
    public string BaseUrl { get; private set; } = "";
    public string Url => BaseUrl + "/api/tickets";
    /// <summary>The tickets it made, by Tribu's ticket key.</summary>
    public IReadOnlyDictionary<string, string> Tickets => _tickets;

    private FakeHelpdesk(WebApplication app) => _app = app;

    public static async Task<FakeHelpdesk> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var helpdesk = new FakeHelpdesk(app);
        app.MapPost("/api/tickets", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var number = Interlocked.Increment(ref helpdesk._count);
            var call = new Call(number, context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), body.ToArray());
            helpdesk.Calls.Enqueue(call);
            var status = helpdesk.Answer(number);
            context.Response.ContentType = "application/json";
            if (status >= 300)
            {
                context.Response.StatusCode = status;
                await context.Response.WriteAsync("{\"error\":\"the helpdesk is down\"}");
                return;
            }
            if (call.Header("X-Tribu-Event") == "inbox.ticket.test")
            {
                context.Response.StatusCode = 200;
                await context.Response.WriteAsync("{\"ok\":true}");
                return;
            }
            var key = call.Header("X-Tribu-Ticket-Key") ?? Guid.NewGuid().ToString();
            var id = helpdesk._tickets.GetOrAdd(key, _ => "HD-" + Interlocked.Increment(ref helpdesk._next).ToString(CultureInfo.InvariantCulture));
            context.Response.StatusCode = status;
            await context.Response.WriteAsync(JsonSerializer.Serialize(new { id, url = $"{helpdesk.BaseUrl}/tickets/{id}", status = "new" }));
        });
        await app.StartAsync();
        helpdesk.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return helpdesk;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
