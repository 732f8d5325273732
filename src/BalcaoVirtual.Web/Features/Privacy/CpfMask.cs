using System.Text.RegularExpressions;

namespace BalcaoVirtual.Web.Features.Privacy;

/// <summary>
/// The service never asks for a CPF, but citizens type it anyway. The inbox shows it masked, "***.982.247-**", unless a
/// clerk reveals it (audited). Formatted CPFs are always masked; a bare run of 11 digits only when its check digits
/// hold, so that a phone number (91981234567) stays as it is.
/// </summary>
public static partial class CpfMask
{
    public static string Mask(string text) => string.IsNullOrEmpty(text) ? text : Pattern().Replace(text, m =>
    {
        var digits = new string(m.Value.Where(char.IsAsciiDigit).ToArray());
        var formatted = m.Value.Length == 14;
        return formatted || IsValid(digits) ? $"***.{digits[3..6]}.{digits[6..9]}-**" : m.Value;
    });

    public static bool Contains(string? text) => text is not null && Mask(text) != text;

    /// <summary>The CPF's two check digits (mod 11), and not all digits equal.</summary>
    public static bool IsValid(string digits)
    {
        if (digits.Length != 11 || !digits.All(char.IsAsciiDigit) || digits.All(c => c == digits[0]))
        {
            return false;
        }

        int Check(int length)
        {
            var sum = 0;
            for (var i = 0; i < length; i++)
            {
                sum += (digits[i] - '0') * (length + 1 - i);
            }

            var rest = sum * 10 % 11;
            return rest == 10 ? 0 : rest;
        }

        return Check(9) == digits[9] - '0' && Check(10) == digits[10] - '0';
    }

    [GeneratedRegex(@"(?<!\d|\d[.\-])(\d{3}\.\d{3}\.\d{3}-\d{2}|\d{11})(?!\d|[.\-]\d)")]
    private static partial Regex Pattern();
}
