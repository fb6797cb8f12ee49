using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Tribu.Web.Platform.Redis;

/// <summary>Bound to the <c>Redis</c> section. Empty <see cref="Configuration"/>: no Redis, everything stays in-process.</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>A StackExchange.Redis configuration string, such as <c>127.0.0.1:6379</c> or <c>redis:6379,password=…</c>.</summary>
    public string? Configuration { get; set; }

    /// <summary>Prefix of every key and channel, so several communities can share one Redis.</summary>
    public string Prefix { get; set; } = "tribu";

    public bool Enabled => !string.IsNullOrWhiteSpace(Configuration);
}

public static class RedisFeature
{
    /// <summary>Registers one shared connection when Redis is configured; callers check <see cref="RedisOptions.Enabled"/>.</summary>
    public static IServiceCollection AddTribuRedis(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RedisOptions>(configuration.GetSection(RedisOptions.Section));
        var options = configuration.GetSection(RedisOptions.Section).Get<RedisOptions>() ?? new();
        if (!options.Enabled) return services;
        services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var config = ConfigurationOptions.Parse(sp.GetRequiredService<IOptions<RedisOptions>>().Value.Configuration!);
            // Start even when Redis is not up yet, and keep reconnecting: live updates resume by themselves.
            config.AbortOnConnectFail = false;
            config.ClientName = "tribu-" + Environment.MachineName;
            return ConnectionMultiplexer.Connect(config);
        });
        return services;
    }
}
