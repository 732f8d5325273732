using BalcaoVirtual.Web.Features.Court.DataJud;
using BalcaoVirtual.Web.Resources;

namespace BalcaoVirtual.Web.Features.Chatbot;

/// <summary>A case's DataJud summary as a citizen reads it (the chatbot's answer, and the inbox's one-click "case status").</summary>
public static class CaseSummaryText
{
    /// <summary>Class, body, filing date, the latest movements with dates, last update, and the caveat that public data can lag.</summary>
    public static string Format(CaseSummary summary, TimeZoneInfo zone, Uri pjeUrl)
    {
        var lines = new List<string> { Texts.Format("BotCaseHeader", summary.Number) };
        if (summary.Class is { } cls)
        {
            lines.Add(Texts.Format("BotCaseClass", cls));
        }

        if (summary.Body is { } body)
        {
            lines.Add(Texts.Format("BotCaseBody", body));
        }

        if (summary.FiledAt is { } filed)
        {
            lines.Add(Texts.Format("BotCaseFiled", BotFormat.Date(filed, zone)));
        }

        if (summary.LatestMovements.Count == 0)
        {
            lines.Add(Texts.Get("BotCaseNoMovements"));
        }
        else
        {
            lines.Add(Texts.Get("BotCaseMovementsTitle"));
            lines.AddRange(summary.LatestMovements.Select(m => Texts.Format(
                "BotCaseMovement",
                m.At is { } at ? BotFormat.Date(at, zone) : "-",
                m.Complement is { Length: > 0 } c ? $"{m.Name} ({c})" : m.Name)));
        }

        if (summary.LastUpdatedAt is { } updated)
        {
            lines.Add(Texts.Format("BotCaseUpdated", BotFormat.Date(updated, zone)));
        }

        lines.Add(Texts.Format("BotCaseCaveat", pjeUrl.OriginalString));
        return string.Join('\n', lines);
    }
}
