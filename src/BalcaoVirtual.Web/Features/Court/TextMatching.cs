using System.Globalization;
using System.Text;

namespace BalcaoVirtual.Web.Features.Court;

/// <summary>Comparing what citizens type with names: no case, no accents, no punctuation, small typos forgiven.</summary>
public static class TextMatching
{
    /// <summary>Lower case, accents removed, every run of non-letters-or-digits one space ("Igarapé-Miri" → "igarape miri").</summary>
    public static string Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        var decomposed = Decompose(text);
        var builder = new StringBuilder(decomposed.Length);
        var space = false;
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (char.IsLetterOrDigit(c) || c is 'ª' or 'º')
            {
                if (space && builder.Length > 0)
                {
                    builder.Append(' ');
                }

                builder.Append(char.ToLowerInvariant(c));
                space = false;
            }
            else
            {
                space = true;
            }
        }

        return builder.ToString();
    }

    /// <summary>How many typos a name of this length forgives: none up to 3 letters, one up to 6, two beyond.</summary>
    public static int Tolerance(int length) => length <= 3 ? 0 : length <= 6 ? 1 : 2;

    /// <summary>Optimal string alignment distance (insertions, deletions, substitutions, adjacent swaps), capped.</summary>
    public static int Distance(string a, string b, int cap)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (Math.Abs(a.Length - b.Length) > cap)
        {
            return cap + 1;
        }

        // Three rows of the table; on the stack for the words and names compared here (no garbage per comparison: the
        // intent reader compares every word of a message with every keyword).
        var width = b.Length + 1;
        var rows = width <= 64 ? stackalloc int[3 * width] : new int[3 * width];
        var previous2 = rows[..width];
        var previous = rows.Slice(width, width);
        var current = rows.Slice(2 * width, width);
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, previous2[j - 2] + 1);
                }

                current[j] = value;
                rowMin = Math.Min(rowMin, value);
            }

            if (rowMin > cap)
            {
                return cap + 1;
            }

            var reused = previous2;
            previous2 = previous;
            previous = current;
            current = reused;
        }

        return previous[b.Length];
    }

    /// <summary>
    /// Canonical decomposition, for any text: what <see cref="string.Normalize(NormalizationForm)"/> refuses (half a
    /// surrogate pair from a broken emoji, the non-character U+FFFE) is read as U+FFFD first.
    /// </summary>
    internal static string Decompose(string text)
    {
        try
        {
            return text.Normalize(NormalizationForm.FormD);
        }
        catch (ArgumentException)
        {
            var cleaned = new StringBuilder(text.Length);
            for (var i = 0; i < text.Length; i++)
            {
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    cleaned.Append(text, i++, 2);
                }
                else
                {
                    cleaned.Append(char.IsSurrogate(text[i]) || text[i] is '\uFFFE' ? '\uFFFD' : text[i]);
                }
            }

            return cleaned.ToString().Normalize(NormalizationForm.FormD);
        }
    }
}
