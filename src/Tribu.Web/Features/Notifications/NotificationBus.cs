using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Tribu.Web.Features.Notifications;

/// <summary>
/// Live fan-out of "something changed" on a named channel (<c>member:{id}</c>, <c>topic:{id}</c>): in-process with one
/// instance (<see cref="InProcessLiveBus"/>), over Redis pub/sub when Redis is configured (<see cref="RedisLiveBus"/>),
/// so a listener on instance B hears what instance A published.
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

public sealed class InProcessLiveBus : ILiveBus
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Channel<string>, byte>> _listeners = new();

    public ValueTask PublishAsync(string channel, CancellationToken ct = default)
    {
        Signal(channel);
        return ValueTask.CompletedTask;
    }

    /// <summary>Wakes this instance's listeners of one channel.</summary>
    public void Signal(string channel)
    {
        if (_listeners.TryGetValue(channel, out var readers))
        {
            foreach (var reader in readers.Keys)
            {
                reader.Writer.TryWrite(channel);
            }
        }
    }

    public async IAsyncEnumerable<string> ListenAsync(string channel, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        // A slow reader only needs to know "something changed": keep the latest signal, drop the rest.
        var queue = Channel.CreateBounded<string>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        var queues = _listeners.GetOrAdd(channel, _ => new());
        queues.TryAdd(queue, 0);
        try
        {
            await foreach (var signal in queue.Reader.ReadAllAsync(ct))
            {
                yield return signal;
            }
        }
        finally
        {
            queues.TryRemove(queue, out _);
        }
    }
}

/// <summary>
/// Every instance subscribes once to one Redis channel (<c>{prefix}:live</c>) whose messages are the names of the channels
/// that changed, and hands them to its own in-process listeners; publishing goes through Redis only, so the publishing
/// instance hears its own signals the same way as the others. Signals are hints ("fetch again"), so when Redis is
/// unreachable a publish is logged and delivered locally, and pages still work by reloading.
/// </summary>
public sealed partial class RedisLiveBus : ILiveBus
{
    private readonly InProcessLiveBus _local = new();
    private readonly StackExchange.Redis.IConnectionMultiplexer _redis;
    private readonly StackExchange.Redis.RedisChannel _channel;
    private readonly ILogger<RedisLiveBus> _logger;
    private readonly Lazy<Task> _subscribed;

    public RedisLiveBus(StackExchange.Redis.IConnectionMultiplexer redis, Microsoft.Extensions.Options.IOptions<Platform.Redis.RedisOptions> options, ILogger<RedisLiveBus> logger)
    {
        _redis = redis;
        _logger = logger;
        _channel = StackExchange.Redis.RedisChannel.Literal(options.Value.Prefix + ":live");
        _subscribed = new(() => _redis.GetSubscriber().SubscribeAsync(_channel, (_, message) => _local.Signal(message.ToString())));
    }

    public async ValueTask PublishAsync(string channel, CancellationToken ct = default)
    {
        try
        {
            await _subscribed.Value;
            await _redis.GetSubscriber().PublishAsync(_channel, channel);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            LogPublishFailed(_logger, ex);
            await _local.PublishAsync(channel, ct);
        }
    }

    public async IAsyncEnumerable<string> ListenAsync(string channel, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        try
        {
            await _subscribed.Value;
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            LogPublishFailed(_logger, ex);
        }
        await foreach (var signal in _local.ListenAsync(channel, ct))
        {
            yield return signal;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unreachable: live updates stay on this instance until it is back.")]
    private static partial void LogPublishFailed(ILogger logger, Exception ex);
}
