using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Sla;

/// <summary>The SLA engine's settings (section "Sla"); each unit's policy itself lives in the units catalogue.</summary>
public sealed class SlaOptions
{
    public const string Section = "Sla";

    /// <summary>Whether this node runs background jobs (SLA checks, alerts, the sweep). Several nodes may; each alert goes out once.</summary>
    public bool RunJobs { get; set; } = true;

    /// <summary>Hangfire workers on this node.</summary>
    public int Workers { get; set; } = 4;

    /// <summary>How often a node looks for scheduled Hangfire jobs that are due (Hangfire's schedule polling).</summary>
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often a node takes the periods whose next point is due from the due index and checks them: the delay from
    /// a deadline to its alert. No job is stored per waiting period.
    /// </summary>
    public TimeSpan DuePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The recurring sweep over the due index (cron, Hangfire syntax; 6 fields for seconds).</summary>
    public string SweepCron { get; set; } = "* * * * *";

    /// <summary>An event whose alerts are still not all out after this long is delivered again by the sweep.</summary>
    public TimeSpan RedeliverAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long one delivery holds an event: longer than a delivery takes (SMTP timeouts included). If the node dies
    /// mid-delivery, the event is delivered again (only what is missing) once this has passed.
    /// </summary>
    public TimeSpan DeliveryLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// When a job taken by a node that died is run again by another (Hangfire's invisibility timeout; its default is
    /// 30 min). Every job here is safe to run twice, and none runs this long.
    /// </summary>
    public TimeSpan JobInvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The inbox's public address: alerts link to {InboxBaseUrl}/inbox/conversations/{id}.</summary>
    public Uri InboxBaseUrl { get; set; } = new("http://localhost:5080");
}

internal sealed class SlaOptionsValidator : IValidateOptions<SlaOptions>
{
    public ValidateOptionsResult Validate(string? name, SlaOptions options)
    {
        var failures = new List<string>();
        if (options.Workers is < 1 or > 64)
        {
            failures.Add("Sla:Workers must be from 1 to 64.");
        }

        if (options.SchedulePollingInterval < TimeSpan.FromSeconds(1) || options.SchedulePollingInterval > TimeSpan.FromMinutes(5))
        {
            failures.Add("Sla:SchedulePollingInterval must be between 00:00:01 and 00:05:00.");
        }

        if (options.DuePollInterval < TimeSpan.FromMilliseconds(100) || options.DuePollInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add("Sla:DuePollInterval must be between 00:00:00.100 and 00:01:00.");
        }

        if (!LooksLikeCron(options.SweepCron))
        {
            failures.Add($"Sla:SweepCron '{options.SweepCron}' is not a cron expression such as '* * * * *' (every minute) or '*/10 * * * * *' (every 10 s).");
        }

        if (options.RedeliverAfter < TimeSpan.FromSeconds(10) || options.RedeliverAfter > TimeSpan.FromHours(1))
        {
            failures.Add("Sla:RedeliverAfter must be between 00:00:10 and 01:00:00.");
        }

        if (options.DeliveryLease < TimeSpan.FromSeconds(10) || options.DeliveryLease > TimeSpan.FromHours(1))
        {
            failures.Add("Sla:DeliveryLease must be between 00:00:10 and 01:00:00.");
        }

        if (options.JobInvisibilityTimeout < TimeSpan.FromSeconds(10) || options.JobInvisibilityTimeout > TimeSpan.FromHours(2))
        {
            failures.Add("Sla:JobInvisibilityTimeout must be between 00:00:10 and 02:00:00.");
        }

        if (!options.InboxBaseUrl.IsAbsoluteUri || options.InboxBaseUrl.Scheme is not ("https" or "http"))
        {
            failures.Add("Sla:InboxBaseUrl must be an absolute http(s) URL, e.g. https://balcao.trt8.jus.br.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Five or six cron fields (Hangfire parses them fully when the job is registered).</summary>
    internal static bool LooksLikeCron(string? text)
    {
        var fields = text?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return fields.Length is 5 or 6 && fields.All(f => f.All(c => char.IsAsciiLetterOrDigit(c) || c is '*' or '/' or ',' or '-' or '?'));
    }
}
