using System.Globalization;
using System.Text.RegularExpressions;

namespace BalcaoVirtual.Web.Features.Court;

/// <summary>Why a typed case number is not a valid CNJ number.</summary>
public enum CnjNumberError
{
    None,

    /// <summary>Not 20 digits.</summary>
    WrongLength,

    /// <summary>20 digits whose check digits do not match (a typo).</summary>
    WrongCheckDigits,
}

/// <summary>
/// A unified case number (Resolução CNJ 65/2008): <c>NNNNNNN-DD.AAAA.J.TR.OOOO</c>, 20 digits. The check digits are
/// ISO 7064 mod 97-10 over <c>NNNNNNN‖AAAA‖J‖TR‖OOOO‖DD</c>, computed digit by digit so nothing overflows.
/// </summary>
public readonly partial record struct CnjNumber(string Sequence, string CheckDigits, string Year, int Segment, string CourtCode, string Origin)
{
    /// <summary>The 20 digits without punctuation, as DataJud wants them.</summary>
    public string Digits => Sequence + CheckDigits + Year + Segment.ToString(CultureInfo.InvariantCulture) + CourtCode + Origin;

    /// <summary><c>NNNNNNN-DD.AAAA.J.TR.OOOO</c>.</summary>
    public string Canonical => $"{Sequence}-{CheckDigits}.{Year}.{Segment.ToString(CultureInfo.InvariantCulture)}.{CourtCode}.{Origin}";

    /// <summary>"J.TR", the key of the court that owns the case (e.g. "5.08" = TRT8).</summary>
    public string CourtKey => $"{Segment.ToString(CultureInfo.InvariantCulture)}.{CourtCode}";

    public override string ToString() => Canonical;

    /// <summary>Reads one number typed in any shape (punctuation, spaces, wrong separators, words around it).</summary>
    public static CnjNumberError TryParse(string? text, out CnjNumber number)
    {
        number = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return CnjNumberError.WrongLength;
        }

        var match = Shape().Match(text);
        string digits;
        if (match.Success)
        {
            digits = DigitsOf(match);
        }
        else
        {
            digits = new string(text.Where(char.IsAsciiDigit).ToArray());
            if (digits.Length != 20)
            {
                return CnjNumberError.WrongLength;
            }
        }

        number = FromDigits(digits);
        return IsValid(digits) ? CnjNumberError.None : CnjNumberError.WrongCheckDigits;
    }

    /// <summary>Every number-shaped sequence in a message, in order, each with whether its check digits hold.</summary>
    public static IReadOnlyList<CnjCandidate> FindAll(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var found = new List<CnjCandidate>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in Shape().Matches(text))
        {
            var digits = DigitsOf(match);
            if (seen.Add(digits))
            {
                found.Add(new CnjCandidate(FromDigits(digits), IsValid(digits), match.Index, match.Length));
            }
        }

        return found;
    }

    /// <summary>The check digits for a base of 18 digits (NNNNNNN‖AAAA‖J‖TR‖OOOO).</summary>
    public static string ComputeCheckDigits(string baseDigits)
    {
        ArgumentNullException.ThrowIfNull(baseDigits);
        if (baseDigits.Length != 18 || !baseDigits.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("The base must be 18 digits.", nameof(baseDigits));
        }

        var remainder = Mod97(baseDigits + "00");
        return (98 - remainder).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>A number from its parts, with the check digits computed.</summary>
    public static CnjNumber Create(int sequence, int year, int segment, int courtCode, int origin)
    {
        var seq = sequence.ToString("0000000", CultureInfo.InvariantCulture);
        var y = year.ToString("0000", CultureInfo.InvariantCulture);
        var tr = courtCode.ToString("00", CultureInfo.InvariantCulture);
        var o = origin.ToString("0000", CultureInfo.InvariantCulture);
        var dd = ComputeCheckDigits(seq + y + segment.ToString(CultureInfo.InvariantCulture) + tr + o);
        return new CnjNumber(seq, dd, y, segment, tr, o);
    }

    private static bool IsValid(string digits) =>
        Mod97(string.Concat(digits.AsSpan(0, 7), digits.AsSpan(9, 11), digits.AsSpan(7, 2))) == 1;

    private static int Mod97(string digits)
    {
        var remainder = 0;
        foreach (var c in digits)
        {
            remainder = ((remainder * 10) + (c - '0')) % 97;
        }

        return remainder;
    }

    private static CnjNumber FromDigits(string digits) =>
        new(digits[..7], digits[7..9], digits[9..13], digits[13] - '0', digits[14..16], digits[16..20]);

    private static string DigitsOf(Match match)
    {
        var sequence = match.Groups["n"].Value.PadLeft(7, '0');
        return sequence + match.Groups["d"].Value + match.Groups["a"].Value + match.Groups["j"].Value + match.Groups["tr"].Value + match.Groups["o"].Value;
    }

    // Separators citizens use between the fields: none, or up to three of . - – — / _ , and blanks. A sequence typed
    // without its leading zeros (1 to 6 digits) is accepted only when a separator follows it.
    // Every quantifier is bounded, so a match attempt is bounded work whatever the text: no timeout (which would throw
    // under load).
    [GeneratedRegex(
        """
        (?<![0-9])(?:(?<n>[0-9]{7})[\s.\-–—/_,]{0,3}|(?<n>[0-9]{1,6})[\s.\-–—/_,]{1,3})(?<d>[0-9]{2})[\s.\-–—/_,]{0,3}(?<a>[0-9]{4})[\s.\-–—/_,]{0,3}(?<j>[0-9])[\s.\-–—/_,]{0,3}(?<tr>[0-9]{2})[\s.\-–—/_,]{0,3}(?<o>[0-9]{4})(?![0-9])
        """,
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex Shape();
}

/// <summary>A number found in text: the parts, whether its check digits hold, and where it was.</summary>
public sealed record CnjCandidate(CnjNumber Number, bool IsValid, int Index, int Length);
