using System.Text;
using System.Text.RegularExpressions;
using MimeKit.Text;

namespace BalcaoVirtual.Web.Features.Channels.Email;

/// <summary>
/// The words of an HTML mail as plain text for the inbox: markup, scripts and styles dropped, entities decoded, a line
/// break at each block. The original HTML is never shown; what a citizen wrote reaches the page only as text.
/// </summary>
internal static partial class HtmlText
{
    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol", "hr",
    };

    public static string ToPlain(string html)
    {
        var text = new StringBuilder();
        var skipping = 0; // inside <script>, <style> or <head>
        using var reader = new StringReader(html);
        var tokenizer = new HtmlTokenizer(reader);
        while (tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlTagToken tag when tag.Name is "script" or "style" or "head" or "title":
                    skipping += tag.IsEndTag ? (skipping > 0 ? -1 : 0) : (tag.IsEmptyElement ? 0 : 1);
                    break;
                case HtmlTagToken tag when Blocks.Contains(tag.Name):
                    text.Append('\n');
                    break;
                case HtmlDataToken data when skipping == 0:
                    text.Append(data.Data);
                    break;
            }
        }

        var lines = text.ToString().Split('\n').Select(l => Spaces().Replace(l, " ").Trim());
        return BlankLines().Replace(string.Join('\n', lines), "\n\n").Trim();
    }

    [GeneratedRegex(@"[ \t\r\u00A0]+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex BlankLines();
}
