using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Tribu.Web.Features.Notifications;

/// <summary>
/// Live fan-out of "something new for member X". A boundary: in-process here; Redis pub/sub when several
/// instances run (scale-out issue), so a listener on instance B hears what instance A published.
/// </summary>
public interface INotificationBus
{
    ValueTask PublishAsync(Guid memberId, CancellationToken ct = default);

    /// <summary>Signals for one member until the token is cancelled.</summary>
    IAsyncEnumerable<Guid> ListenAsync(Guid memberId, CancellationToken ct);
}

internal sealed class InProcessNotificationBus : INotificationBus
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Channel<Guid>, byte>> _listeners = new();

    public ValueTask PublishAsync(Guid memberId, CancellationToken ct = default)
    {
        if (_listeners.TryGetValue(memberId, out var channels))
        {
            foreach (var channel in channels.Keys)
            {
                channel.Writer.TryWrite(memberId);
            }
        }
        return ValueTask.CompletedTask;
    }

    public async IAsyncEnumerable<Guid> ListenAsync(Guid memberId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        // A slow reader only needs to know "something changed": keep the latest signal, drop the rest.
        var channel = Channel.CreateBounded<Guid>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        var channels = _listeners.GetOrAdd(memberId, _ => new());
        channels.TryAdd(channel, 0);
        try
        {
            await foreach (var signal in channel.Reader.ReadAllAsync(ct))
            {
                yield return signal;
            }
        }
        finally
        {
            channels.TryRemove(channel, out _);
        }
    }
}
