using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Tribu.Tests.Infrastructure;

/// <summary>A clock tests move forward by hand: "a week later" without waiting a week.</summary>
public sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = TimeProvider.System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>The system's clock plus a shift: time keeps flowing (cookies, timers) and tests can jump ahead.</summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _shiftTicks;

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _shiftTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _shiftTicks, by.Ticks);
}

/// <summary>Tribu on SQLite with the manual clock in place of the system's.</summary>
public sealed class ManualClockAppFactory() : TribuAppFactory(TestDatabase.Sqlite)
{
    public ManualClock Clock { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}
