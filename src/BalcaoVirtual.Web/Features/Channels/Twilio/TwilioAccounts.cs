using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Channels.Twilio;

/// <summary>
/// The accounts whose webhooks are accepted: the configured ones, or, when none is configured outside Production,
/// a development account known only to this process, which the /dev/phone page signs with.
/// </summary>
public sealed class TwilioAccounts
{
    public const string DevAccountSid = "AC00000000000000000000000000000000";

    public TwilioAccounts(IOptions<TwilioOptions> options, IHostEnvironment environment)
    {
        var o = options.Value;
        PublicBaseUrl = o.PublicBaseUrl;
        var tokens = new Dictionary<string, string>(o.TokensBySid(), StringComparer.Ordinal);
        // Only where a developer runs it: a Staging or test server reachable by others would serve anyone the clerks' replies.
        DevPhoneEnabled = tokens.Count == 0 && environment.IsDevelopment();
        if (DevPhoneEnabled)
        {
            DevToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            tokens[DevAccountSid] = DevToken;
        }

        Tokens = tokens;
    }

    public IReadOnlyDictionary<string, string> Tokens { get; }

    public Uri? PublicBaseUrl { get; }

    /// <summary>True when no Twilio account is configured and the environment is not Production.</summary>
    public bool DevPhoneEnabled { get; }

    public string? DevToken { get; }
}
