namespace BalcaoVirtual.Web.Features.Conversations;

/// <summary>
/// A citizen's address on one channel. <see cref="Raw"/> is exactly what the provider gave (answers go back to it);
/// <see cref="Normalized"/> identifies the person (Brazilian mobiles with and without the 9th digit are one contact),
/// and <see cref="ContactIds"/> turns it into the id used in keys and logs instead of the number itself.
/// </summary>
public sealed record ContactAddress(Channel Channel, string Raw, string Normalized)
{
    /// <summary>Reads a Twilio From/To: "whatsapp:+5591981234567" or "+5591981234567"; null when it is neither.</summary>
    public static ContactAddress? FromTwilio(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var channel = Channel.Sms;
        var number = value.Trim();
        if (number.StartsWith("whatsapp:", StringComparison.OrdinalIgnoreCase))
        {
            channel = Channel.WhatsApp;
            number = number["whatsapp:".Length..];
        }

        if (number.Length < 8 || number.Length > 16 || number[0] != '+' || !number[1..].All(char.IsAsciiDigit))
        {
            return null;
        }

        return new ContactAddress(channel, value.Trim(), NormalizeDigits(number[1..]));
    }

    /// <summary>What a stored conversation or contact record holds (a Twilio-style number or an e-mail address), read back.</summary>
    public static ContactAddress? FromStored(string? value) => FromTwilio(value) ?? FromEmail(value);

    /// <summary>An e-mail sender; the address compared without case. Null when it is not an address.</summary>
    public static ContactAddress? FromEmail(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 254
            || !System.Net.Mail.MailAddress.TryCreate(value.Trim(), out var parsed) || parsed.Address != value.Trim())
        {
            return null;
        }

        return new ContactAddress(Channel.Email, parsed.Address, parsed.Address.ToLowerInvariant());
    }

    /// <summary>A Brazilian number typed with its area code but without the country code (10 or 11 digits) gets "55"; others stay.</summary>
    public static string WithCountryCode(string digits) => digits.Length is 10 or 11 ? "55" + digits : digits;

    /// <summary>
    /// Digits of an E.164 number with the Brazilian mobile 9th digit restored: 55 + area code + 8 digits starting
    /// 6–9 becomes 55 + area code + 9 + those 8 digits. Landlines (starting 2–5) stay as they are.
    /// </summary>
    public static string NormalizeDigits(string digits) =>
        digits.Length == 12 && digits.StartsWith("55", StringComparison.Ordinal) && digits[4] >= '6'
            ? digits[..4] + "9" + digits[4..]
            : digits;
}
