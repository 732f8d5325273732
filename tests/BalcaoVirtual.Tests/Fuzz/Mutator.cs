using System.Text;

namespace BalcaoVirtual.Tests.Fuzz;

/// <summary>
/// Makes inputs from real ones, as a coverage-blind fuzzer does: bits flipped, bytes set, inserted, deleted, ranges
/// copied or repeated thousands of times (to find quadratic work), tokens of the format put anywhere, a cut, a splice
/// of two seeds. And text from the odd corners of Unicode a phone can send.
/// </summary>
internal static class Mutator
{
    private const int MaxLength = 256 * 1024;

    private static readonly string[] Oddities =
    [
        "\0", "\r\n", "\n", "\r", "\t", " ", "\u00a0", "\u200b", "\u200e", "\u202e", "\ufeff", "\ufffd", "😀", "👩🏽‍⚖️", "ç", "ã",
        "\u0301", "𝟙𝟚𝟛", "٣", "۴", "１２３", "%", "%%", "%0", "%zz", "%c3%28", "+", "=", "&", "&&", "==", "\"", "'", "\\", "\\u0000",
        "<", ">", "<script>", "&amp;", "{", "}", "[", "]", ":", ",", "null", "true", "-0", "1e309", "-1e309", "1.5", "9223372036854775808",
        "-", ".", "/", "_", "–", "—", "@", "=?utf-8?B?", "?=", "--", "boundary", "Content-Type:", "\r\n\r\n",
    ];

    /// <summary>A mutation of one of <paramref name="seeds"/>; <paramref name="tokens"/> are the format's own words.</summary>
    public static byte[] Bytes(Random r, IReadOnlyList<byte[]> seeds, IReadOnlyList<string> tokens)
    {
        var data = new List<byte>(seeds[r.Next(seeds.Count)]);
        var steps = 1 + r.Next(r.Next(2) == 0 ? 3 : 12);
        for (var s = 0; s < steps && data.Count < MaxLength; s++)
        {
            var at = data.Count == 0 ? 0 : r.Next(data.Count + 1);
            switch (r.Next(11))
            {
                case 0 when data.Count > 0:
                    data[Math.Min(at, data.Count - 1)] ^= (byte)(1 << r.Next(8));
                    break;
                case 1 when data.Count > 0:
                    data[Math.Min(at, data.Count - 1)] = (byte)r.Next(256);
                    break;
                case 2:
                    data.InsertRange(at, Enumerable.Range(0, 1 + r.Next(8)).Select(_ => (byte)r.Next(256)));
                    break;
                case 3 when data.Count > 0:
                    data.RemoveRange(Math.Min(at, data.Count - 1), Math.Min(1 + r.Next(64), data.Count - Math.Min(at, data.Count - 1)));
                    break;
                case 4 when data.Count > 0:
                    var from = r.Next(data.Count);
                    var copy = data.GetRange(from, Math.Min(1 + r.Next(128), data.Count - from));
                    data.InsertRange(at, copy);
                    break;
                case 5 when data.Count > 0:
                    // A short piece repeated many times: a parser that goes back over its input shows here.
                    var start = r.Next(data.Count);
                    var piece = data.GetRange(start, Math.Min(1 + r.Next(8), data.Count - start)).ToArray();
                    var times = r.Next(2) == 0 ? 2 + r.Next(30) : 500 + r.Next(5000);
                    data.InsertRange(at, Enumerable.Repeat(piece, times).SelectMany(p => p).Take(MaxLength - data.Count));
                    break;
                case 6:
                    data.InsertRange(at, Encoding.UTF8.GetBytes(tokens[r.Next(tokens.Count)]));
                    break;
                case 7:
                    data.InsertRange(at, Encoding.UTF8.GetBytes(Oddities[r.Next(Oddities.Length)]));
                    break;
                case 8:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 9:
                    var other = seeds[r.Next(seeds.Count)];
                    var cut = other.Length == 0 ? 0 : r.Next(other.Length);
                    data.RemoveRange(at, data.Count - at);
                    data.AddRange(other.AsSpan(cut).ToArray());
                    break;
                default:
                    // A token replaces the bytes where it lands (a value swapped for another of the format's words).
                    var token = Encoding.UTF8.GetBytes(tokens[r.Next(tokens.Count)]);
                    data.RemoveRange(at, Math.Min(token.Length, data.Count - at));
                    data.InsertRange(at, token);
                    break;
            }
        }

        return [.. data.Take(MaxLength)];
    }

    /// <summary>A mutation of a text seed, read back as text (invalid UTF-8 becomes U+FFFD, as a decoder would give).</summary>
    public static string Text(Random r, IReadOnlyList<string> seeds, IReadOnlyList<string> tokens) =>
        Encoding.UTF8.GetString(Bytes(r, [.. seeds.Select(Encoding.UTF8.GetBytes)], tokens));

    /// <summary>Text of any shape: short or long, ASCII, accents, digits of other scripts, emoji, controls, lone surrogates.</summary>
    public static string AnyText(Random r, int maxLength = 300)
    {
        var length = r.Next(4) == 0 ? r.Next(maxLength * 10) : r.Next(maxLength);
        var sb = new StringBuilder(length);
        while (sb.Length < length)
        {
            switch (r.Next(10))
            {
                case < 4:
                    sb.Append((char)(' ' + r.Next(95)));
                    break;
                case 4:
                    sb.Append((char)('0' + r.Next(10)));
                    break;
                case 5:
                    sb.Append("áàâãéêíóôõúüçÁÉÇ"[r.Next(16)]);
                    break;
                case 6:
                    sb.Append(Oddities[r.Next(Oddities.Length)]);
                    break;
                case 7:
                    sb.Append((char)r.Next(0x20));
                    break;
                case 8:
                    sb.Append((char)r.Next(0xD800, 0xE000)); // a lone surrogate half
                    break;
                default:
                    sb.Append((char)r.Next(0x80, 0xFFFF));
                    break;
            }
        }

        return sb.ToString();
    }
}
