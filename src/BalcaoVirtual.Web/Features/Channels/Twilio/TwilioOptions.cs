using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Channels.Twilio;

public sealed class TwilioAccount
{
    public string AccountSid { get; set; } = "";

    public string AuthToken { get; set; } = "";
}

public sealed class TwilioOptions
{
    public const string Section = "Twilio";

    /// <summary>The public origin Twilio calls (e.g. https://balcao.trt8.jus.br); signatures are checked against it.</summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>A single account; or use <see cref="Accounts"/> for several accounts or subaccounts.</summary>
    public string? AccountSid { get; set; }

    public string? AuthToken { get; set; }

    public List<TwilioAccount> Accounts { get; set; } = [];

    public Uri ApiBaseUrl { get; set; } = new("https://api.twilio.com");

    /// <summary>Send rate per WhatsApp sender number (Twilio's default is 80/s).</summary>
    public int WhatsAppMessagesPerSecond { get; set; } = 80;

    /// <summary>Send rate per SMS sender number (10/s for international long codes).</summary>
    public int SmsMessagesPerSecond { get; set; } = 10;

    /// <summary>Time-out of one request to Twilio's API.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Every account this service accepts webhooks for, by AccountSid.</summary>
    public IReadOnlyDictionary<string, string> TokensBySid()
    {
        var all = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(AccountSid) && !string.IsNullOrEmpty(AuthToken))
        {
            all[AccountSid] = AuthToken;
        }

        foreach (var account in Accounts)
        {
            all[account.AccountSid] = account.AuthToken;
        }

        return all;
    }

    public bool IsConfigured => TokensBySid().Count > 0;
}

internal sealed partial class TwilioOptionsValidator : IValidateOptions<TwilioOptions>
{
    public ValidateOptionsResult Validate(string? name, TwilioOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.AccountSid) != string.IsNullOrEmpty(options.AuthToken))
        {
            failures.Add("Twilio:AccountSid and Twilio:AuthToken go together: set both or neither.");
        }

        if (!string.IsNullOrEmpty(options.AccountSid) && !SidPattern().IsMatch(options.AccountSid))
        {
            failures.Add("Twilio:AccountSid must be 'AC' followed by 32 hex digits.");
        }

        for (var i = 0; i < options.Accounts.Count; i++)
        {
            if (!SidPattern().IsMatch(options.Accounts[i].AccountSid))
            {
                failures.Add($"Twilio:Accounts:{i}:AccountSid must be 'AC' followed by 32 hex digits.");
            }

            if (string.IsNullOrWhiteSpace(options.Accounts[i].AuthToken))
            {
                failures.Add($"Twilio:Accounts:{i}:AuthToken is required.");
            }
        }

        if (options.IsConfigured && options.PublicBaseUrl is not { IsAbsoluteUri: true } url)
        {
            failures.Add("Twilio:PublicBaseUrl is required with a Twilio account: the public origin Twilio calls, e.g. https://balcao.trt8.jus.br.");
        }
        else if (options.PublicBaseUrl is { } publicUrl && (!publicUrl.IsAbsoluteUri || publicUrl.Scheme is not ("https" or "http") || publicUrl.Query.Length > 0))
        {
            failures.Add("Twilio:PublicBaseUrl must be an absolute http(s) origin without a query, e.g. https://balcao.trt8.jus.br.");
        }

        if (options.WhatsAppMessagesPerSecond is < 1 or > 1000 || options.SmsMessagesPerSecond is < 1 or > 1000)
        {
            failures.Add("Twilio:WhatsAppMessagesPerSecond and Twilio:SmsMessagesPerSecond must be from 1 to 1000.");
        }

        if (options.RequestTimeout <= TimeSpan.Zero || options.RequestTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add("Twilio:RequestTimeout must be positive and at most 00:01:00.");
        }

        if (!options.ApiBaseUrl.IsAbsoluteUri)
        {
            failures.Add("Twilio:ApiBaseUrl must be an absolute URL.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^AC[0-9a-fA-F]{32}$")]
    private static partial Regex SidPattern();
}
