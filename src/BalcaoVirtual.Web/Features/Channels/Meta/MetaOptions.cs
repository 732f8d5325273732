using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Channels.Meta;

/// <summary>A unit's own WhatsApp number at Meta (its phone_number_id), and its token when it has one of its own.</summary>
public sealed class MetaNumber
{
    public string PhoneNumberId { get; set; } = "";

    public string? AccessToken { get; set; }
}

/// <summary>Meta's WhatsApp Cloud API (protocols.md §6), a second provider next to Twilio. Off until configured.</summary>
public sealed class MetaOptions
{
    public const string Section = "Meta";

    /// <summary>The app secret that signs webhooks (X-Hub-Signature-256). A secret: by environment variable.</summary>
    public string? AppSecret { get; set; }

    /// <summary>The token Meta's webhook verification must present (hub.verify_token).</summary>
    public string? VerifyToken { get; set; }

    /// <summary>The system user's token for the Graph API. A secret: by environment variable.</summary>
    public string? AccessToken { get; set; }

    /// <summary>The court's central number (its phone_number_id): the chatbot finds the unit.</summary>
    public string? PhoneNumberId { get; set; }

    /// <summary>Units with a number of their own, by unit id.</summary>
    public Dictionary<string, MetaNumber> Units { get; set; } = new(StringComparer.Ordinal);

    public Uri GraphBaseUrl { get; set; } = new("https://graph.facebook.com");

    public string GraphVersion { get; set; } = "v21.0";

    /// <summary>Send rate per phone number (Meta's default throughput is 80 messages/s).</summary>
    public int MessagesPerSecond { get; set; } = 80;

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsConfigured => !string.IsNullOrEmpty(AppSecret) && !string.IsNullOrEmpty(AccessToken) && !string.IsNullOrEmpty(PhoneNumberId);

    /// <summary>The unit a phone_number_id belongs to: (true, unit) for a unit's number, (true, null) for the central one, (false, null) when unknown.</summary>
    public (bool Known, string? UnitId) Number(string phoneNumberId)
    {
        foreach (var (unit, number) in Units)
        {
            if (number.PhoneNumberId == phoneNumberId)
            {
                return (true, unit);
            }
        }

        return (phoneNumberId == PhoneNumberId, null);
    }

    public string TokenFor(string phoneNumberId) =>
        Units.Values.FirstOrDefault(n => n.PhoneNumberId == phoneNumberId)?.AccessToken ?? AccessToken ?? "";
}

internal sealed partial class MetaOptionsValidator : IValidateOptions<MetaOptions>
{
    public ValidateOptionsResult Validate(string? name, MetaOptions options)
    {
        var failures = new List<string>();
        var any = !string.IsNullOrEmpty(options.AppSecret) || !string.IsNullOrEmpty(options.AccessToken)
            || !string.IsNullOrEmpty(options.PhoneNumberId) || options.Units.Count > 0;
        if (any)
        {
            foreach (var (key, value) in new[] { ("AppSecret", options.AppSecret), ("VerifyToken", options.VerifyToken), ("AccessToken", options.AccessToken), ("PhoneNumberId", options.PhoneNumberId) })
            {
                if (string.IsNullOrWhiteSpace(value))
                {
                    failures.Add($"Meta:{key} is required once Meta is configured (Meta:AppSecret, VerifyToken, AccessToken and PhoneNumberId go together).");
                }
            }
        }

        foreach (var id in new[] { options.PhoneNumberId }.Concat(options.Units.Values.Select(u => u.PhoneNumberId)).Where(i => !string.IsNullOrEmpty(i)))
        {
            if (!Digits().IsMatch(id!))
            {
                failures.Add($"Meta phone_number_id '{id}' must be digits only (WhatsApp Manager → API Setup).");
            }
        }

        if (!VersionPattern().IsMatch(options.GraphVersion))
        {
            failures.Add($"Meta:GraphVersion '{options.GraphVersion}' must look like 'v21.0'.");
        }

        if (options.MessagesPerSecond is < 1 or > 1000)
        {
            failures.Add("Meta:MessagesPerSecond must be from 1 to 1000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[0-9]{5,20}$")]
    private static partial Regex Digits();

    [GeneratedRegex(@"^v[0-9]{1,3}\.[0-9]{1,2}$")]
    private static partial Regex VersionPattern();
}
