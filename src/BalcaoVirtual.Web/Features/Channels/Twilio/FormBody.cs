using System.Text;

namespace BalcaoVirtual.Web.Features.Channels.Twilio;

/// <summary>
/// application/x-www-form-urlencoded, parsed by hand so that every parameter (repeated names included) reaches
/// the signature check and invalid UTF-8 is refused instead of silently replaced.
/// </summary>
internal static class FormBody
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The parameters in arrival order per name, or null when the body is not valid form data or UTF-8.</summary>
    public static Dictionary<string, List<string>>? Parse(ReadOnlySpan<byte> body)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var range in body.Split((byte)'&'))
        {
            var pair = body[range];
            if (pair.IsEmpty)
            {
                continue;
            }

            var eq = pair.IndexOf((byte)'=');
            var name = Decode(eq < 0 ? pair : pair[..eq]);
            var value = Decode(eq < 0 ? [] : pair[(eq + 1)..]);
            if (name is null || value is null)
            {
                return null;
            }

            if (!result.TryGetValue(name, out var values))
            {
                result[name] = values = [];
            }

            values.Add(value);
        }

        return result;
    }

    private static string? Decode(ReadOnlySpan<byte> encoded)
    {
        var bytes = new byte[encoded.Length];
        var n = 0;
        for (var i = 0; i < encoded.Length; i++)
        {
            var b = encoded[i];
            if (b == '+')
            {
                bytes[n++] = (byte)' ';
            }
            else if (b == '%')
            {
                if (i + 2 >= encoded.Length || HexValue(encoded[i + 1]) is not { } hi || HexValue(encoded[i + 2]) is not { } lo)
                {
                    return null;
                }

                bytes[n++] = (byte)((hi << 4) | lo);
                i += 2;
            }
            else
            {
                bytes[n++] = b;
            }
        }

        try
        {
            return StrictUtf8.GetString(bytes, 0, n);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static int? HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => null,
    };
}
