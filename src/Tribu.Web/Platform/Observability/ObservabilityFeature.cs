using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Tribu.Web.Platform.Observability;

/// <summary>Bound to the <c>Telemetry</c> section. Off unless an OTLP endpoint is set.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>For example http://localhost:4317; empty switches exporting off.</summary>
    public string? OtlpEndpoint { get; set; }
}

public static class ObservabilityFeature
{
    public const string ServiceName = "tribu";

    public static WebApplicationBuilder AddTribuObservability(this WebApplicationBuilder builder)
    {
        // One JSON object per line: what log shippers read. Scopes carry the request id.
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });

        var telemetry = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (string.IsNullOrWhiteSpace(telemetry.OtlpEndpoint))
        {
            return builder;
        }
        var endpoint = new Uri(telemetry.OtlpEndpoint);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentationIfAvailable()
                .AddMeter(TribuMetrics.MeterName)
                .AddOtlpExporter(o => o.Endpoint = endpoint))
            .WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health"))
                .AddSource(TribuMetrics.MeterName)
                .AddOtlpExporter(o => o.Endpoint = endpoint));
        return builder;
    }

    private static MeterProviderBuilder AddRuntimeInstrumentationIfAvailable(this MeterProviderBuilder builder) =>
        // .NET 9+ publishes runtime metrics on this built-in meter.
        builder.AddMeter("System.Runtime");
}
