using System.Security.Cryptography;
using System.Text;

namespace BalcaoVirtual.Web.Features.Channels.Meta;

/// <summary>X-Hub-Signature-256: "sha256=" + lowercase hex HMAC-SHA256 of the raw body with the app secret.</summary>
public static class MetaSignature
{
    public const string Header = "X-Hub-Signature-256";

    public static string Compute(string appSecret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body));

    /// <summary>Checks the header against the raw bytes, in constant time; never on a re-serialised body.</summary>
    public static bool IsValid(string appSecret, ReadOnlySpan<byte> body, string? header)
    {
        if (header is null || !header.StartsWith("sha256=", StringComparison.Ordinal) || header.Length != 7 + 64)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(appSecret, body));
        var given = Encoding.ASCII.GetBytes(header.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
