using System.Text.RegularExpressions;

namespace BalcaoVirtual.Web.Features.Channels.Email;

/// <summary>
/// Separates what a citizen wrote now from the history their mail program quoted under it: "Em … escreveu:",
/// "On … wrote:", Outlook's "De: … Enviado:" block, "-----Mensagem original-----" and trailing "&gt;" lines. The
/// history is kept apart (the inbox shows it folded), never thrown away.
/// </summary>
internal static partial class MailQuotes
{
    public static (string Text, string? Quoted) Split(string body)
    {
        var lines = body.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var cut = FirstMarker(lines);
        if (cut < 0)
        {
            cut = TrailingQuote(lines);
        }

        if (cut <= 0)
        {
            return (body.Trim(), null);
        }

        var text = string.Join('\n', lines[..cut]).Trim();
        var quoted = string.Join('\n', lines[cut..]).Trim();
        // Nothing new above the history (a forward, a top-quote): the whole mail is the message.
        return text.Length == 0 ? (body.Trim(), null) : (text, quoted.Length == 0 ? null : quoted);
    }

    private static int FirstMarker(string[] lines)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (Separator().IsMatch(line))
            {
                return i;
            }

            // "Em seg., 10 de nov. de 2025 às 10:00, Fulano <x@y> escreveu:", often wrapped over two lines.
            if (Attribution().IsMatch(line))
            {
                return i > 0 && AttributionStart().IsMatch(lines[i - 1].Trim()) && !AttributionStart().IsMatch(line) ? i - 1 : i;
            }

            // Outlook: "De: Fulano" followed within a few lines by "Enviado:"/"Sent:"/"Data:"/"Date:".
            if (HeaderFrom().IsMatch(line) && lines.Skip(i + 1).Take(4).Any(l => HeaderSent().IsMatch(l.Trim())))
            {
                return i > 0 && Underline().IsMatch(lines[i - 1].Trim()) ? i - 1 : i;
            }
        }

        return -1;
    }

    /// <summary>Where a final block of "&gt;" lines (blank lines allowed) starts; -1 without one.</summary>
    private static int TrailingQuote(string[] lines)
    {
        var start = -1;
        for (var i = lines.Length - 1; i >= 0; i--)
        {
            var line = lines[i].TrimStart();
            if (line.StartsWith('>'))
            {
                start = i;
            }
            else if (line.Length > 0)
            {
                break;
            }
        }

        return start;
    }

    [GeneratedRegex(@"^-{2,}\s*(Mensagem original|Original Message|Mensagem encaminhada|Forwarded message)\s*-{2,}$", RegexOptions.IgnoreCase)]
    private static partial Regex Separator();

    [GeneratedRegex(@"(escreveu|wrote)\s*:\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Attribution();

    [GeneratedRegex(@"^(Em|On)\s", RegexOptions.IgnoreCase)]
    private static partial Regex AttributionStart();

    [GeneratedRegex(@"^\*?(De|From)\s*:\*?\s", RegexOptions.IgnoreCase)]
    private static partial Regex HeaderFrom();

    [GeneratedRegex(@"^\*?(Enviado|Enviada|Sent|Data|Date)\s*(em)?\s*:\*?\s", RegexOptions.IgnoreCase)]
    private static partial Regex HeaderSent();

    [GeneratedRegex(@"^_{10,}$")]
    private static partial Regex Underline();
}
