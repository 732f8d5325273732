using System.Text.RegularExpressions;

namespace BalcaoVirtual.Web.Features.Privacy;

/// <summary>
/// The service never asks for a CPF, but citizens type it anyway. The inbox shows it masked, "***.982.247-**", unless a
/// clerk reveals it (audited). The usual form 529.982.247-25 is always masked; the other ways people write it
/// (52998224725, 529 982 247 25, 529.982.247/25, 529982247-25: groups of 3, 3, 3 and 2 digits with or without a dot,
/// space, hyphen or slash between them) only when its check digits hold, so that a phone number (91981234567) stays.
/// </summary>
public static partial class CpfMask
{
    public static string Mask(string text) =>
        string.IsNullOrEmpty(text) ? text : Spaced().Replace(Usual().Replace(text, m => Masked(m, always: m.Value.Length == 14)), m => Masked(m, always: false));

    private static string Masked(Match m, bool always)
    {
        var digits = new string(m.Value.Where(char.IsAsciiDigit).ToArray());
        return digits.Length == 11 && (always || IsValid(digits)) ? $"***.{digits[3..6]}.{digits[6..9]}-**" : m.Value;
    }

    /// <summary>
    /// Every field a citizen wrote that the API shows of a conversation, masked: one rule for all of them. Survey
    /// comments are left out (the unit's managers read them in the report; the citizen's message is in the thread).
    /// </summary>
    public static Conversations.Conversation Masked(Conversations.Conversation conversation) =>
        conversation with
        {
            Subject = MaskOrNull(conversation.Subject),
            ContactName = MaskOrNull(conversation.ContactName),
            Surveys = [.. conversation.Surveys.Select(s => s with { Comment = null })],
        };

    /// <summary>Every field a citizen wrote that the API shows of a message, masked.</summary>
    public static Conversations.Message Masked(Conversations.Message message) =>
        message with { Text = Mask(message.Text), Quoted = MaskOrNull(message.Quoted), From = MaskOrNull(message.From), ReplyTo = MaskOrNull(message.ReplyTo) };

    /// <summary>Whether masking changes anything the API shows of the message (the clerk may reveal it).</summary>
    public static bool Contains(Conversations.Message message) => Masked(message) != message;

    private static string? MaskOrNull(string? text) => text is null ? null : Mask(text);

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

    // ASCII digits only ([0-9], not \d, which takes any script's digits). The usual form 529.982.247-25 (always masked)
    // and a bare run of 11 digits, not inside a longer run of digits, dots and hyphens (a case number).
    [GeneratedRegex(@"(?<![0-9]|[0-9][.\-])([0-9]{3}\.[0-9]{3}\.[0-9]{3}-[0-9]{2}|[0-9]{11})(?![0-9]|[.\-][0-9])")]
    private static partial Regex Usual();

    // The other ways people write it, groups of 3, 3, 3 and 2 digits with a dot, space, hyphen or slash between some
    // of them (masked when the check digits hold), not inside a longer run of digits and such separators.
    [GeneratedRegex(@"(?<![0-9]|[0-9][. /\-])[0-9]{3}[. /\-]?[0-9]{3}[. /\-]?[0-9]{3}[. /\-]?[0-9]{2}(?![0-9]|[. /\-][0-9])")]
    private static partial Regex Spaced();
}
