using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Tribu.Web.Features.Notifications;

/// <summary>
/// Live fan-out of "something changed" on a named channel (<c>member:{id}</c>, <c>topic:{id}</c>). A boundary:
/// in-process here; Redis pub/sub when several instances run (scale-out issue), so a listener on instance B
/// hears what instance A published.
/// </summary>
public interface ILiveBus
{
    ValueTask PublishAsync(string channel, CancellationToken ct = default);

    /// <summary>Signals on one channel until the token is cancelled.</summary>
    IAsyncEnumerable<string> ListenAsync(string channel, CancellationToken ct);
}

/// <summary>The channel names, in one place.</summary>
public static class LiveChannels
{
    public static string Member(Guid memberId) => $"member:{memberId:N}";
    public static string Topic(long topicId) => $"topic:{topicId.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}

internal sealed class InProcessLiveBus : ILiveBus
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Channel<string>, byte>> _listeners = new();

    public ValueTask PublishAsync(string channel, CancellationToken ct = default)
    {
        if (_listeners.TryGetValue(channel, out var readers))
        {
            foreach (var reader in readers.Keys)
            {
                reader.Writer.TryWrite(channel);
            }
        }
        return ValueTask.CompletedTask;
    }

    public async IAsyncEnumerable<string> ListenAsync(string name, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        // A slow reader only needs to know "something changed": keep the latest signal, drop the rest.
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        var channels = _listeners.GetOrAdd(name, _ => new());
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
