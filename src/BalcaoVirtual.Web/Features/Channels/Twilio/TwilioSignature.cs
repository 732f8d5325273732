using System.Security.Cryptography;
using System.Text;
using Twilio.Security;

namespace BalcaoVirtual.Web.Features.Channels.Twilio;

/// <summary>
/// X-Twilio-Signature (protocols.md §1): HMAC-SHA1 with the auth token over the full URL followed by every form
/// parameter (names in ordinal order, each name's distinct values sorted), Base64. Checked by Twilio's SDK; computed
/// here only to sign as Twilio does (the dev phone).
/// </summary>
public static class TwilioSignature
{
    public const string Header = "X-Twilio-Signature";

    /// <summary>The signature Twilio would send for this URL and these form parameters (the SDK only checks).</summary>
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> parameters)
    {
        var data = new StringBuilder(url);
        foreach (var (name, values) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            foreach (var value in values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                data.Append(name).Append(value);
            }
        }

#pragma warning disable CA5350 // Twilio's protocol fixes HMAC-SHA1; it is not our choice of algorithm.
        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString()));
#pragma warning restore CA5350
        return Convert.ToBase64String(mac);
    }

    /// <summary>
    /// True when the signature matches, checked by Twilio's SDK (<see cref="RequestValidator"/>: the URL as given and
    /// with its port toggled, host case kept). The SDK takes one value per name; Twilio signs a repeated name once per
    /// distinct value, sorted, so those values go in joined by the name itself, which is the same string signed.
    /// A URL the SDK cannot take apart (a forged Host header) is a mismatch, never an exception.
    /// </summary>
    public static bool IsValid(string authToken, string url, IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> parameters, string? signature)
    {
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(authToken) || string.IsNullOrEmpty(url))
        {
            return false;
        }

        var flattened = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in parameters)
        {
            flattened[name] = values.Count == 1 ? values[0] : string.Join(name, values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        }

        try
        {
            return new RequestValidator(authToken).Validate(url, flattened, signature);
        }
        catch (Exception ex) when (ex is UriFormatException or ArgumentException)
        {
            return false;
        }
    }
}
