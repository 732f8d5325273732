using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.CaseAlerts;

/// <summary>Case-movement alerts: "me avise quando meu processo andar".</summary>
public sealed class CaseAlertOptions
{
    public const string Section = "CaseAlerts";

    /// <summary>How many cases one contact (number or address) may follow at once.</summary>
    public int MaxPerContact { get; set; } = 5;

    /// <summary>How long a subscription lasts unless renewed (by asking again).</summary>
    public TimeSpan Lasts { get; set; } = TimeSpan.FromDays(365);

    /// <summary>The part of the day (court time) over which each case's daily check is spread.</summary>
    public TimeOnly ChecksFrom { get; set; } = new(7, 0);

    public TimeOnly ChecksUntil { get; set; } = new(19, 0);

    /// <summary>How often the job looks for cases due a check (cron).</summary>
    public string Cron { get; set; } = "*/5 * * * *";

    /// <summary>Cases asked of DataJud in one query.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Cases one run takes at most (the rest wait for the next run).</summary>
    public int MaxPerRun { get; set; } = 5000;

    /// <summary>After DataJud failed, when a case is tried again.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromMinutes(30);
}

internal sealed class CaseAlertOptionsValidator : IValidateOptions<CaseAlertOptions>
{
    public ValidateOptionsResult Validate(string? name, CaseAlertOptions options)
    {
        var failures = new List<string>();
        if (options.MaxPerContact is < 1 or > 50)
        {
            failures.Add("CaseAlerts:MaxPerContact must be from 1 to 50.");
        }

        if (options.Lasts < TimeSpan.FromDays(1) || options.Lasts > TimeSpan.FromDays(730))
        {
            failures.Add("CaseAlerts:Lasts must be between 1.00:00:00 and 730.00:00:00.");
        }

        if (options.ChecksUntil <= options.ChecksFrom)
        {
            failures.Add("CaseAlerts:ChecksUntil must be later in the day than CaseAlerts:ChecksFrom.");
        }

        if (!Sla.SlaOptionsValidator.LooksLikeCron(options.Cron))
        {
            failures.Add($"CaseAlerts:Cron '{options.Cron}' is not a cron expression such as '*/5 * * * *'.");
        }

        if (options.BatchSize is < 1 or > 1000)
        {
            failures.Add("CaseAlerts:BatchSize must be from 1 to 1000.");
        }

        if (options.MaxPerRun < options.BatchSize)
        {
            failures.Add("CaseAlerts:MaxPerRun must be at least CaseAlerts:BatchSize.");
        }

        if (options.RetryAfter < TimeSpan.FromMinutes(1) || options.RetryAfter > TimeSpan.FromDays(1))
        {
            failures.Add("CaseAlerts:RetryAfter must be between 00:01:00 and 1.00:00:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
