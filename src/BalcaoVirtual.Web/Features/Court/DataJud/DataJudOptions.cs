using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Court.DataJud;

public sealed class DataJudOptions
{
    public const string Section = "DataJud";

    public Uri BaseUrl { get; set; } = new("https://api-publica.datajud.cnj.jus.br");

    /// <summary>CNJ's public key (published on its wiki, changed at times): configuration, never code. Without it, status answers "unavailable".</summary>
    public string? ApiKey { get; set; }

    /// <summary>Index per court acronym (TRT8 → api_publica_trt8); the defaults cover every court, entries here override them.</summary>
    public Dictionary<string, string> Indexes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an answer (found or not found) is reused.</summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>First pause after a 429 or 5xx (doubling, at most <see cref="MaxBackoff"/>); a Retry-After header wins.</summary>
    public TimeSpan Backoff { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many of the latest movements a summary lists.</summary>
    public int Movements { get; set; } = 5;
}

internal sealed class DataJudOptionsValidator : IValidateOptions<DataJudOptions>
{
    public ValidateOptionsResult Validate(string? name, DataJudOptions options)
    {
        var failures = new List<string>();
        if (!options.BaseUrl.IsAbsoluteUri || options.BaseUrl.Scheme is not ("https" or "http"))
        {
            failures.Add("DataJud:BaseUrl must be an absolute http(s) URL, e.g. https://api-publica.datajud.cnj.jus.br.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(1))
        {
            failures.Add("DataJud:Timeout must be between 00:00:00.1 and 00:01:00 (a citizen is waiting).");
        }

        if (options.CacheFor < TimeSpan.Zero)
        {
            failures.Add("DataJud:CacheFor cannot be negative.");
        }

        if (options.Backoff <= TimeSpan.Zero || options.MaxBackoff < options.Backoff)
        {
            failures.Add("DataJud:Backoff must be positive and DataJud:MaxBackoff at least as long.");
        }

        if (options.Movements is < 1 or > 50)
        {
            failures.Add("DataJud:Movements must be from 1 to 50.");
        }

        foreach (var (court, index) in options.Indexes)
        {
            if (string.IsNullOrWhiteSpace(index) || index.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
            {
                failures.Add($"DataJud:Indexes:{court} must be an index name such as api_publica_trt8.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
