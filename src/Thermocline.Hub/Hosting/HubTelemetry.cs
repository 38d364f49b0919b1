using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Thermocline.ColdStore;
using Thermocline.Hub.Configuration;
using Thermocline.Sync.Events;

namespace Thermocline.Hub.Hosting;

/// <summary>
/// The hub's OpenTelemetry: the state sync's meter served at <c>/metrics</c> by the Prometheus exporter, always; OTLP
/// export of those metrics and of the claim/transition/release/commit spans only when <see cref="HubOptions.OtlpEndpoint"/>
/// is set. Nothing else leaves the process.
/// </summary>
internal static class HubTelemetry
{
    /// <summary>The scraping route (behind the bearer token, like <c>/api</c>).</summary>
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddHubTelemetry(this IServiceCollection services, HubOptions options)
    {
        var telemetry = services.AddOpenTelemetry();
        telemetry.WithMetrics(metrics =>
        {
            ((IDeferredMeterProviderBuilder)metrics.AddMeter(SyncMetrics.MeterName)).Configure((provider, builder) =>
            {
                // Meters live process-wide by name: several hubs in one process (the tests) would each serve the
                // others' counts. Only instruments of this host's own meter factory are this hub's.
                var mine = provider.GetRequiredService<IMeterFactory>();
                builder.AddView(instrument => ReferenceEquals(instrument.Meter.Scope, mine) ? null : MetricStreamConfiguration.Drop);
            });

            // Answered fresh: a scrape right after a transition shows it (the exporter caches 300 ms by default).
            metrics.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
            if (options.OtlpEndpoint is not null)
            {
                metrics.AddOtlpExporter(o => Configure(o, options));
            }
        });

        if (options.OtlpEndpoint is not null)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(SyncTracing.SourceName, ColdStoreTracing.SourceName)
                .AddOtlpExporter(o => Configure(o, options)));
        }

        return services;
    }

    // From OTEL_EXPORTER_OTLP_ENDPOINT the exporter reads the endpoint itself (with the per-signal paths of
    // http/protobuf); from the file, it is set here. OTEL_EXPORTER_OTLP_PROTOCOL and _HEADERS apply either way.
    private static void Configure(OpenTelemetry.Exporter.OtlpExporterOptions exporter, HubOptions options)
    {
        if (options.Sources.GetValueOrDefault(nameof(HubOptions.OtlpEndpoint)) != HubOptions.OtlpEndpointVariable)
        {
            exporter.Endpoint = options.OtlpEndpoint!;
        }
    }
}
