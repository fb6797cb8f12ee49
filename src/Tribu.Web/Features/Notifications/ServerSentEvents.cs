namespace Tribu.Web.Features.Notifications;

/// <summary>
/// One server-sent-events loop for every live page: the current state at once, then again at each signal of the
/// channel, and a comment every 25 s so proxies keep the connection open.
/// </summary>
public static class ServerSentEvents
{
    public static async Task StreamAsync(HttpContext http, ILiveBus bus, string channel, string eventName, Func<Task<string>> state, CancellationToken ct)
    {
        http.Response.Headers.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        // nginx: do not buffer the stream.
        http.Response.Headers["X-Accel-Buffering"] = "no";
        async Task SendAsync()
        {
            await http.Response.WriteAsync($"event: {eventName}\ndata: {await state()}\n\n", ct);
            await http.Response.Body.FlushAsync(ct);
        }
        try
        {
            // Listen before the first send: a change between the two is not missed.
            await using var signals = bus.ListenAsync(channel, ct).GetAsyncEnumerator(ct);
            var next = signals.MoveNextAsync().AsTask();
            await SendAsync();
            using var heartbeat = new PeriodicTimer(TimeSpan.FromSeconds(25));
            var beat = heartbeat.WaitForNextTickAsync(ct).AsTask();
            while (!ct.IsCancellationRequested)
            {
                if (await Task.WhenAny(next, beat) == next)
                {
                    if (!await next) break;
                    await SendAsync();
                    next = signals.MoveNextAsync().AsTask();
                }
                else
                {
                    await http.Response.WriteAsync(": keep-alive\n\n", ct);
                    await http.Response.Body.FlushAsync(ct);
                    beat = heartbeat.WaitForNextTickAsync(ct).AsTask();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The reader left.
        }
    }
}
