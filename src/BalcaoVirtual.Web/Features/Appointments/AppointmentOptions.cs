using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Appointments;

/// <summary>Video-desk appointments: what is not per unit (the units' own rules are in the catalogue).</summary>
public sealed class AppointmentOptions
{
    public const string Section = "Appointments";

    /// <summary>How often the reminder job looks for calls due a reminder (cron); a reminder goes at most this late.</summary>
    public string ReminderCron { get; set; } = "*/5 * * * *";
}

internal sealed class AppointmentOptionsValidator : IValidateOptions<AppointmentOptions>
{
    public ValidateOptionsResult Validate(string? name, AppointmentOptions options) =>
        Sla.SlaOptionsValidator.LooksLikeCron(options.ReminderCron)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Appointments:ReminderCron '{options.ReminderCron}' is not a cron expression such as '*/5 * * * *'.");
}
