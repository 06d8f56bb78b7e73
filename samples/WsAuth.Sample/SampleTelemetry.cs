using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace WsAuth.Sample;

/// <summary>
/// <c>Sample:OpenTelemetry</c>: exports WsAuth's traces (<c>wsauth.handshake</c> spans under ASP.NET Core's request spans)
/// and metrics (the <c>WsAuth</c> meter) with the OpenTelemetry .NET SDK. <c>console</c> prints them, <c>otlp</c> sends
/// them to <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (default <c>http://localhost:4317</c>); unset or <c>none</c>: off.
/// </summary>
internal static class SampleTelemetry
{
    public const string ConfigurationKey = "Sample:OpenTelemetry";

    public static void AddSampleOpenTelemetry(this WebApplicationBuilder builder)
    {
        var exporter = builder.Configuration[ConfigurationKey]?.Trim().ToLowerInvariant();
        if (exporter is null or "" or "none")
        {
            return;
        }

        if (exporter is not ("console" or "otlp"))
        {
            throw new InvalidOperationException(
                $"{ConfigurationKey} is '{builder.Configuration[ConfigurationKey]}': use 'console', 'otlp' (with OTEL_EXPORTER_OTLP_ENDPOINT) or 'none'.");
        }

        var console = exporter == "console";
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("WsAuth.Sample"))
            .WithTracing(tracing =>
            {
                tracing.AddSource(WebSocketAuthDefaults.ActivitySourceName).AddAspNetCoreInstrumentation();
                _ = console ? tracing.AddConsoleExporter() : tracing.AddOtlpExporter();
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(WebSocketAuthDefaults.MeterName).AddAspNetCoreInstrumentation();
                _ = console
                    ? metrics.AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 10_000)
                    : metrics.AddOtlpExporter();
            });
    }
}
