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

    /// <summary>Something every page may show changed (a space, the site's settings).</summary>
    public const string Site = "site";

    /// <summary>New mentions were stored, or alerts changed: the listening console's live pages refresh.</summary>
    public const string Listening = "listening";

    /// <summary>A listening query was created, edited or deleted: every instance reloads the queries it matches.</summary>
    public const string ListeningQueries = "listening:queries";

    /// <summary>The inbox queue changed (an item arrived, moved, was assigned): its lists refresh.</summary>
    public const string Inbox = "inbox";

    /// <summary>One inbox item changed, or who has it open: its page refreshes and shows who else is there.</summary>
    public static string InboxItem(long itemId) => $"inbox:item:{itemId.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <summary>
/// Told of every signal an instance hears, whatever its channel, on every instance (the page cache evicts by it):
/// a writer that publishes its change never needs to know who else cares.
/// </summary>
public interface ILiveObserver
{
    ValueTask SignalledAsync(string channel, CancellationToken ct);
}

public sealed class InProcessLiveBus(IEnumerable<ILiveObserver> observers) : ILiveBus
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Channel<string>, byte>> _listeners = new();
    private readonly ILiveObserver[] _observers = [.. observers];

    public async ValueTask PublishAsync(string channel, CancellationToken ct = default)
    {
        // Observers first: when the publisher's request ends, what they keep (cached pages) is already fresh.
        foreach (var observer in _observers)
        {
            await observer.SignalledAsync(channel, ct);
        }
        Signal(channel);
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
    private readonly InProcessLiveBus _local = new([]);
    private readonly ILiveObserver[] _observers;
    private readonly StackExchange.Redis.IConnectionMultiplexer _redis;
    private readonly StackExchange.Redis.RedisChannel _channel;
    private readonly ILogger<RedisLiveBus> _logger;
    private readonly Lock _gate = new();
    private Task? _subscription;

    public RedisLiveBus(StackExchange.Redis.IConnectionMultiplexer redis, Microsoft.Extensions.Options.IOptions<Platform.Redis.RedisOptions> options, ILogger<RedisLiveBus> logger,
        IEnumerable<ILiveObserver> observers)
    {
        _redis = redis;
        _logger = logger;
        _observers = [.. observers];
        _channel = StackExchange.Redis.RedisChannel.Literal(options.Value.Prefix + ":live");
    }

    /// <summary>
    /// Subscribes now rather than at the first publish or listen: an instance that only serves cached pages must hear
    /// the changes made on the others from the start.
    /// </summary>
    public Task SubscribeAsync()
    {
        lock (_gate)
        {
            // A subscription that failed (Redis down at start) is tried again by the next caller, not kept failed for good.
            if (_subscription is null || _subscription.IsFaulted || _subscription.IsCanceled)
            {
                _subscription = _redis.GetSubscriber().SubscribeAsync(_channel, (_, message) => Deliver(message.ToString()));
            }
            return _subscription;
        }
    }

    public async ValueTask PublishAsync(string channel, CancellationToken ct = default)
    {
        // This instance's observers at once (its cached pages are fresh when the writer's request ends); they hear the
        // signal again from Redis, which costs a second eviction of nothing.
        await ObserveAsync(channel, ct);
        try
        {
            await SubscribeAsync();
            await _redis.GetSubscriber().PublishAsync(_channel, channel);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            LogPublishFailed(_logger, ex);
            _local.Signal(channel);
        }
    }

    private void Deliver(string channel)
    {
        _local.Signal(channel);
        _ = ObserveAsync(channel, CancellationToken.None).AsTask();
    }

    private async ValueTask ObserveAsync(string channel, CancellationToken ct)
    {
        foreach (var observer in _observers)
        {
            try
            {
                await observer.SignalledAsync(channel, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogObserverFailed(_logger, channel, ex);
            }
        }
    }

    public async IAsyncEnumerable<string> ListenAsync(string channel, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        try
        {
            await SubscribeAsync();
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

    [LoggerMessage(Level = LogLevel.Error, Message = "A live-signal observer failed on channel {Channel}.")]
    private static partial void LogObserverFailed(ILogger logger, string channel, Exception ex);
}

/// <summary>Subscribes this instance to the Redis live channel as it starts (see <see cref="RedisLiveBus.SubscribeAsync"/>).</summary>
internal sealed partial class RedisLiveSubscription(ILiveBus bus, ILogger<RedisLiveSubscription> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (bus is not RedisLiveBus redis) return;
        try
        {
            await redis.SubscribeAsync().WaitAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            LogSubscribeFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unreachable at start: this instance hears other instances' changes once it is back.")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception ex);
}
