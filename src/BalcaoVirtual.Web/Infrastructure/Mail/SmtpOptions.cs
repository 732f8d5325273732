using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BalcaoVirtual.Web.Infrastructure.Mail;

/// <summary>How the service sends e-mail (section "Smtp"). Without a host, messages are written as .eml files to a folder.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    /// <summary>The SMTP server; empty: no server, messages go to <see cref="PickupDirectory"/> (development).</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>None, StartTls, StartTlsWhenAvailable, SslOnConnect or Auto (MailKit's SecureSocketOptions).</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTls;

    /// <summary>Account for SMTP AUTH; none: no authentication. The password belongs in an environment variable (Smtp__Password).</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender of alerts and reports, e.g. "Balcão Virtual TRT8 &lt;balcao@trt8.jus.br&gt;".</summary>
    public string From { get; set; } = "Balcão Virtual <balcao@localhost>";

    /// <summary>Where messages are written when no host is set. Relative to the working directory.</summary>
    public string PickupDirectory { get; set; } = "./data/mail";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}

internal sealed class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        var failures = new List<string>();
        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"Smtp:Port {options.Port} must be from 1 to 65535 (usually 587 with StartTls, 465 with SslOnConnect, 25).");
        }

        if (!MailboxAddress.TryParse(options.From, out _))
        {
            failures.Add($"Smtp:From '{options.From}' is not an address such as \"Balcão Virtual <balcao@trt8.jus.br>\".");
        }

        if (string.IsNullOrEmpty(options.UserName) != string.IsNullOrEmpty(options.Password))
        {
            failures.Add("Smtp:UserName and Smtp:Password go together: set both for SMTP AUTH, or neither.");
        }

        if (!options.IsConfigured && string.IsNullOrWhiteSpace(options.PickupDirectory))
        {
            failures.Add("Smtp:PickupDirectory is required when Smtp:Host is not set (e-mails are written there).");
        }

        if (options.Timeout < TimeSpan.FromSeconds(1) || options.Timeout > TimeSpan.FromMinutes(5))
        {
            failures.Add("Smtp:Timeout must be between 00:00:01 and 00:05:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
