using System.Text.RegularExpressions;
using BalcaoVirtual.Web.Features.Conversations;

namespace BalcaoVirtual.Web.Features.Chatbot;

/// <summary>
/// A citizen's answer to the satisfaction survey, as typed or chosen: "4", "5 - muito bom o atendimento", "nota 3",
/// "2 estrelas", "4️⃣", "⭐⭐⭐⭐", the Meta list's row id; the rest of the message is the comment.
/// </summary>
public static partial class SurveyRating
{
    public static bool TryRead(string? text, out int score, out string? comment)
    {
        (score, comment) = (0, null);
        var trimmed = (text ?? "").Replace("\uFE0F", "", StringComparison.Ordinal).Replace("\u20E3", "", StringComparison.Ordinal).Trim();
        if (trimmed.Length > 0 && trimmed.All(c => c is '⭐' or '★' || char.IsWhiteSpace(c)))
        {
            score = trimmed.Count(c => c is '⭐' or '★');
            return score is >= 1 and <= 5;
        }

        var match = Rating().Match(trimmed);
        if (!match.Success)
        {
            return false;
        }

        score = match.Groups[1].Value[0] - '0';
        var rest = match.Groups[2].Value.Trim();
        comment = rest.Length == 0 ? null : Cut(rest);
        return true;
    }

    /// <summary>A comment as kept: at most <see cref="SatisfactionSurvey.MaxComment"/> characters.</summary>
    public static string Cut(string comment) =>
        comment.Length <= SatisfactionSurvey.MaxComment ? comment : comment[..SatisfactionSurvey.MaxComment];

    // Not "4.500,00 caiu na conta?" nor "2,5": a score is a digit alone.
    [GeneratedRegex(@"^(?:(?:dou\s+)?nota\s*)?([1-5])(?![.,]?\d)(?:\s*(?:estrelas?|/\s*5|de\s+5))?(?:(?:\s*[-–.,:;)!]+\s*|\s+)(.*))?$",
        RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Rating();
}
