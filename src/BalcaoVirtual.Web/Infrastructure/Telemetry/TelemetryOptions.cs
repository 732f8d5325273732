using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Infrastructure.Telemetry;

/// <summary>Where traces go. Metrics are always on /metrics (Prometheus); traces only when a collector is named.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>
    /// An OpenTelemetry collector's OTLP/HTTP address (e.g. http://127.0.0.1:4318; the service posts to /v1/traces).
    /// Empty: no traces are exported.
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>service.name in every exported span (several deployments into one collector tell themselves apart).</summary>
    public string ServiceName { get; set; } = "balcao-virtual";

    /// <summary>The share of traces kept, from 0 to 1 (a trace started by a request is kept or dropped whole).</summary>
    public double SampleRatio { get; set; } = 1;
}

internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var failures = new List<string>();
        if (options.OtlpEndpoint is { } endpoint && (!endpoint.IsAbsoluteUri || endpoint.Scheme is not ("http" or "https")))
        {
            failures.Add("Telemetry:OtlpEndpoint must be an absolute http(s) URL of an OTLP/HTTP collector, e.g. http://127.0.0.1:4318.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceName))
        {
            failures.Add("Telemetry:ServiceName must not be empty.");
        }

        if (options.SampleRatio is < 0 or > 1 || double.IsNaN(options.SampleRatio))
        {
            failures.Add("Telemetry:SampleRatio must be between 0 and 1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
