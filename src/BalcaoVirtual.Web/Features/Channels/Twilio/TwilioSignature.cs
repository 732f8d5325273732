using System.Security.Cryptography;
using System.Text;

namespace BalcaoVirtual.Web.Features.Channels.Twilio;

/// <summary>
/// X-Twilio-Signature, as Twilio computes it (protocols.md §1): HMAC-SHA1 with the auth token over the full URL
/// followed by every form parameter (names in ordinal order, each name's distinct values sorted), Base64.
/// </summary>
public static class TwilioSignature
{
    public const string Header = "X-Twilio-Signature";

    /// <summary>The signature Twilio would send for this URL and these form parameters.</summary>
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
    /// True when the signature matches the form parameters under the URL as given or with its port toggled.
    /// </summary>
    public static bool IsValidForm(string authToken, string url, IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> parameters, string? signature)
    {
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(authToken))
        {
            return false;
        }

        var materialized = parameters.ToList();
        return UrlVariants(url).Any(u => FixedTimeEquals(Compute(authToken, u, materialized), signature));
    }

    /// <summary>
    /// JSON bodies: the signature covers the URL alone (with its bodySHA256 query value), and the lowercase hex
    /// SHA-256 of the raw body must equal that value. Both must hold.
    /// </summary>
    public static bool IsValidJson(string authToken, string url, ReadOnlySpan<byte> body, string? signature)
    {
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(authToken) || BodyHashFromUrl(url) is not { } expected)
        {
            return false;
        }

        var actual = Convert.ToHexStringLower(SHA256.HashData(body));
        return FixedTimeEquals(actual, expected) &&
               UrlVariants(url).Any(u => FixedTimeEquals(Compute(authToken, u, []), signature));
    }

    /// <summary>The value of the bodySHA256 query parameter, or null.</summary>
    public static string? BodyHashFromUrl(string url)
    {
        var query = url.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
        {
            return null;
        }

        foreach (var pair in url[(query + 1)..].Split('#')[0].Split('&'))
        {
            if (pair.StartsWith("bodySHA256=", StringComparison.Ordinal))
            {
                return Uri.UnescapeDataString(pair["bodySHA256=".Length..]);
            }
        }

        return null;
    }

    /// <summary>
    /// The URL as given, and the same URL with its port toggled: ":443"/":80" added when absent, removed when present.
    /// Host and user-info keep their case (System.Uri would lower-case the host).
    /// </summary>
    public static IEnumerable<string> UrlVariants(string url)
    {
        yield return url;
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            yield break;
        }

        var scheme = url[..schemeEnd].ToLowerInvariant();
        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0)
        {
            authorityEnd = url.Length;
        }

        var authority = url[authorityStart..authorityEnd];
        var hostStart = authority.LastIndexOf('@') + 1;
        var hostPort = authority[hostStart..];
        var bracket = hostPort.LastIndexOf(']');
        var colon = hostPort.LastIndexOf(':');
        string toggled;
        if (colon > bracket)
        {
            toggled = authority[..hostStart] + hostPort[..colon];
        }
        else
        {
            var port = scheme switch
            {
                "https" => ":443",
                "http" => ":80",
                _ => null,
            };
            if (port is null)
            {
                yield break;
            }

            toggled = authority + port;
        }

        yield return url[..authorityStart] + toggled + url[authorityEnd..];
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
