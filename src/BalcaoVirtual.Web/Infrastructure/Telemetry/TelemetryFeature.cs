using System.Net;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace BalcaoVirtual.Web.Infrastructure.Telemetry;

public static class TelemetryFeature
{
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStrictOptions<TelemetryOptions, TelemetryOptionsValidator>(configuration, TelemetryOptions.Section);
        services.AddSingleton<BalcaoMetrics>();
        services.AddHostedService<MetricsSampler>();
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                configuration[$"{TelemetryOptions.Section}:{nameof(TelemetryOptions.ServiceName)}"] is { Length: > 0 } name ? name : new TelemetryOptions().ServiceName,
                serviceInstanceId: Environment.MachineName))
            .WithMetrics(metrics => metrics
                .AddMeter(BalcaoMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddPrometheusExporter());
        if (!string.IsNullOrWhiteSpace(configuration[$"{TelemetryOptions.Section}:{nameof(TelemetryOptions.OtlpEndpoint)}"]))
        {
            // Traces: each webhook's request span, with the store, bot turn, send, DataJud, SLA and mail spans.
            telemetry.WithTracing(tracing => tracing
                .AddSource(BalcaoTracing.SourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments(MetricsPath) && !http.Request.Path.StartsWithSegments("/health"))
                .AddOtlpExporter());
            services.AddOptions<OtlpExporterOptions>().Configure<IOptions<TelemetryOptions>>((otlp, options) =>
            {
                otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
                otlp.Endpoint = new Uri(options.Value.OtlpEndpoint!, "v1/traces");
            });
            services.ConfigureOpenTelemetryTracerProvider((sp, tracing) =>
                tracing.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(sp.GetRequiredService<IOptions<TelemetryOptions>>().Value.SampleRatio))));
        }

        return services;
    }

    /// <summary>
    /// GET /metrics in Prometheus' text format (one route: any letter case, with or without a trailing slash), only to
    /// a scraper that connects directly from this machine or a private network. Everyone else gets 404, as if it did
    /// not exist, and so does anything that came through a proxy: behind the shipped nginx a visitor's own private
    /// address would otherwise pass (deploy/nginx blocks the prefix too).
    /// </summary>
    public static IEndpointRouteBuilder MapTelemetry(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath)
            .AddEndpointFilter(async (context, next) =>
                IsScraper(context.HttpContext) ? await next(context).ConfigureAwait(false) : Results.NotFound())
            .AllowAnonymous();
        return app;
    }

    // The forwarded-headers middleware keeps the proxy's own address in X-Original-For once it has applied X-Forwarded-For.
    private static bool IsScraper(HttpContext http) =>
        IsInternal(http.Connection.RemoteIpAddress)
        && !http.Request.Headers.ContainsKey("X-Forwarded-For") && !http.Request.Headers.ContainsKey("X-Original-For");

    private static readonly IPNetwork[] Internal =
    [
        IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("fc00::/7"),
    ];

    /// <summary>No address: an in-process test server.</summary>
    internal static bool IsInternal(IPAddress? address) =>
        address is null || Internal.Any(n => n.Contains(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address));
}
