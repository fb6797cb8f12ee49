namespace Tribu.Web.Platform.Data;

/// <summary>
/// Counts gathered in memory on the request path and written every <see cref="Interval"/> (views, visits, reads): a page
/// view stays a read and never queues behind writes. What is left is written when the app stops.
/// </summary>
public abstract class BufferedWriter : BackgroundService
{
    protected abstract TimeSpan Interval { get; }

    /// <summary>Writes what was gathered so far; keeps it for the next round if the database refuses.</summary>
    public abstract Task FlushAsync(CancellationToken ct = default);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: the last of it is written below.
        }
        await FlushAsync(CancellationToken.None);
    }
}
