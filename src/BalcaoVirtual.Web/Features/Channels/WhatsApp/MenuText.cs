using System.Text.RegularExpressions;

namespace BalcaoVirtual.Web.Features.Channels.WhatsApp;

/// <summary>One option of a chatbot menu: the number the citizen may type, and its label.</summary>
public sealed record MenuOption(string Number, string Label);

/// <summary>
/// Finds the chatbot's numbered menu in a reply ("1 - Consultar um processo" lines), so that a provider with
/// interactive messages (Meta) can offer it as a list or buttons. Choosing an option sends its number back, which the
/// chatbot reads exactly as if it had been typed; providers without them send the text as it is.
/// </summary>
public static partial class MenuText
{
    /// <summary>The text without the option lines, and the options; null when the reply holds no menu of 2 to 10 options.</summary>
    public static (string Body, IReadOnlyList<MenuOption> Options)? Find(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var options = new List<MenuOption>();
        var body = new List<string>();
        var start = -1;
        for (var i = 0; i < lines.Length; i++)
        {
            var match = OptionLine().Match(lines[i].Trim());
            var consecutive = start < 0 || start + options.Count == i;
            if (match.Success && consecutive && match.Groups[1].Value == (options.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                start = start < 0 ? i : start;
                options.Add(new MenuOption(match.Groups[1].Value, match.Groups[2].Value.Trim()));
            }
            else
            {
                body.Add(lines[i]);
            }
        }

        return options.Count is >= 2 and <= 10 ? (string.Join('\n', body).Trim(), options) : null;
    }

    [GeneratedRegex(@"^([0-9]{1,2})\s*[-–.)]\s+(\S.*)$")]
    private static partial Regex OptionLine();
}
