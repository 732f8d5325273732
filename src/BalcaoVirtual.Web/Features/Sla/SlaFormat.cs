using System.Globalization;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Resources;

namespace BalcaoVirtual.Web.Features.Sla;

/// <summary>How alerts and reports write durations and contacts: "1 dia e 3 h", "(91) *****-4567".</summary>
public static class SlaFormat
{
    private static readonly CultureInfo PtBr = CultureInfo.GetCultureInfo("pt-BR");

    /// <summary>"2 dias e 4 h", "5 h 20 min", "40 min", "menos de 1 min".</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = span.Negate();
        }

        var days = (int)span.TotalDays;
        var hours = span.Hours;
        var minutes = span.Minutes;
        if (days > 0)
        {
            var d = days == 1 ? Texts.Get("SlaOneDay") : Texts.Format("SlaDays", days);
            return hours > 0 ? Texts.Format("SlaDaysAndHours", d, hours) : d;
        }

        if (hours > 0)
        {
            return minutes > 0 ? string.Create(PtBr, $"{hours} h {minutes} min") : string.Create(PtBr, $"{hours} h");
        }

        return minutes > 0 ? string.Create(PtBr, $"{minutes} min") : Texts.Get("SlaUnderAMinute");
    }

    /// <summary>
    /// A contact with most of it hidden, enough for a clerk to recognise it in the inbox and nothing more:
    /// "(91) *****-4567" for a phone, "j***@gmail.com" for an e-mail.
    /// </summary>
    public static string MaskedContact(Channel channel, string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (channel == Channel.Email)
        {
            var at = address.IndexOf('@', StringComparison.Ordinal);
            return at <= 0 ? "***" : address[0] + "***" + address[at..];
        }

        var digits = new string([.. address.Where(char.IsAsciiDigit)]);
        if (digits.Length < 6)
        {
            return "***";
        }

        var area = digits.StartsWith("55", StringComparison.Ordinal) && digits.Length >= 12 ? $"({digits[2..4]}) " : "";
        return $"{area}*****-{digits[^4..]}";
    }

    public static string ChannelName(Channel channel) => Texts.Get(channel switch
    {
        Channel.WhatsApp => "ChannelWhatsApp",
        Channel.Sms => "ChannelSms",
        _ => "ChannelEmail",
    });
}
