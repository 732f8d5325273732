using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using System.Text;
using BalcaoVirtual.Web.Features.Chatbot;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Resources;

namespace BalcaoVirtual.Web.Features.Sla;

/// <summary>A unit's month as a page: the numbers, a chart of the days, the periods, and the CSV link. No script.</summary>
internal static class SlaReportPage
{
    private static readonly CultureInfo PtBr = CultureInfo.GetCultureInfo("pt-BR");

    /// <summary>Escapes markup characters and keeps accented letters readable.</summary>
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>No script at all, styles only from this page, nothing loaded from elsewhere.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static string Render(SlaReport report, Unit unit, string csvUrl, string previousUrl, string nextUrl)
    {
        static string H(string? text) => Html.Encode(text ?? "");
        string Pct(double? rate) => rate is { } r ? r.ToString("P0", PtBr) : "—";
        string Minutes(double? minutes) => minutes is { } m ? SlaFormat.Duration(TimeSpan.FromMinutes(m)) : "—";
        var month = report.From.ToDateTime(TimeOnly.MinValue).ToString("MMMM 'de' yyyy", PtBr);
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"pt-BR\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.Append("<title>").Append(H(Texts.Format("ReportTitle", unit.Name, month))).Append("</title><style>");
        html.Append("body{font-family:system-ui,sans-serif;margin:1rem;max-width:60rem;color:#1b1b1b}h1{font-size:1.4rem}table{border-collapse:collapse;width:100%;margin:1rem 0}");
        html.Append("th,td{border-bottom:1px solid #ccc;padding:.3rem .5rem;text-align:left}td.n{text-align:right}.kpi{display:flex;flex-wrap:wrap;gap:1rem}");
        html.Append(".kpi div{border:1px solid #ccc;border-radius:.4rem;padding:.5rem 1rem}.kpi b{display:block;font-size:1.4rem}a:focus{outline:3px solid #1a5fb4}");
        html.Append(".met{fill:#2e7d32}.missed{fill:#c62828}svg text{font-size:10px}</style></head><body>");
        html.Append("<nav><a href=\"").Append(H(previousUrl)).Append("\">").Append(H(Texts.Get("ReportPrevious"))).Append("</a> · <a href=\"")
            .Append(H(nextUrl)).Append("\">").Append(H(Texts.Get("ReportNext"))).Append("</a></nav>");
        html.Append("<h1>").Append(H(Texts.Format("ReportTitle", unit.Name, month))).Append("</h1>");
        html.Append("<p>").Append(H(Texts.Format("ReportPolicy", unit.Sla.ResponseWindow is { } w ? SlaFormat.Duration(w) : Texts.Get("ReportNoDeadline"),
            Texts.Get(unit.Sla.Counting == SlaCounting.Calendar ? "ReportCountingCalendar" : "ReportCountingServiceHours")))).Append("</p>");
        html.Append("<section class=\"kpi\" aria-label=\"").Append(H(Texts.Get("ReportSummary"))).Append("\">");
        foreach (var (label, value) in new[]
                 {
                     (Texts.Get("ReportPeriods"), report.Periods.ToString(PtBr)),
                     (Texts.Get("ReportMet"), report.Met.ToString(PtBr)),
                     (Texts.Get("ReportBreached"), report.Breached.ToString(PtBr)),
                     (Texts.Get("ReportOverdue"), report.Overdue.ToString(PtBr)),
                     (Texts.Get("ReportHitRate"), Pct(report.HitRate)),
                     (Texts.Get("ReportMedian"), Minutes(report.MedianFirstAnswerMinutes)),
                     (Texts.Get("ReportP90"), Minutes(report.P90FirstAnswerMinutes)),
                 })
        {
            html.Append("<div>").Append(H(label)).Append("<b>").Append(H(value)).Append("</b></div>");
        }

        html.Append("</section>");
        html.Append("<p>").Append(H(Texts.Get("ReportByChannel"))).Append(' ')
            .Append(H(string.Join(" · ", report.ByChannel.Where(c => c.Value > 0).Select(c => $"{c.Key}: {c.Value}")))).Append("</p>");
        AppendChart(html, report);
        html.Append("<p><a href=\"").Append(H(csvUrl)).Append("\" download>").Append(H(Texts.Get("ReportCsv"))).Append("</a></p>");
        html.Append("<table><caption>").Append(H(Texts.Get("ReportPeriodsCaption"))).Append("</caption><thead><tr>");
        foreach (var column in Texts.Get("ReportColumns").Split('|'))
        {
            html.Append("<th scope=\"col\">").Append(H(column)).Append("</th>");
        }

        html.Append("</tr></thead><tbody>");
        foreach (var p in report.Items)
        {
            html.Append("<tr><td><a href=\"/inbox/conversations/").Append(H(Uri.EscapeDataString(p.ConversationId))).Append("\">")
                .Append(H(p.ConversationId[^Math.Min(8, p.ConversationId.Length)..])).Append("</a></td><td>")
                .Append(H(SlaFormat.ChannelName(p.Channel))).Append("</td><td>")
                .Append(H(BotFormat.Date(p.StartedAt, unit.TimeZone) + " " + BotFormat.Time(p.StartedAt, unit.TimeZone))).Append("</td><td>")
                .Append(H(p.DueAt is { } due ? BotFormat.Date(due, unit.TimeZone) + " " + BotFormat.Time(due, unit.TimeZone) : "—")).Append("</td><td>")
                .Append(H(Texts.Get("ReportOutcome" + p.Outcome))).Append("</td><td class=\"n\">")
                .Append(H(p.EndedAt is { } end && p.Outcome is PeriodOutcome.Met or PeriodOutcome.Breached ? SlaFormat.Duration(end - p.StartedAt) : "—"))
                .Append("</td></tr>");
        }

        html.Append("</tbody></table></body></html>");
        return html.ToString();
    }

    /// <summary>One stacked bar per day: answered on time below, missed above; the title of each bar says it in words.</summary>
    private static void AppendChart(StringBuilder html, SlaReport report)
    {
        const int barWidth = 14, gap = 4, height = 120;
        var max = Math.Max(1, report.Days.Max(d => (int?)d.Periods) ?? 1);
        var width = report.Days.Count * (barWidth + gap);
        html.Append("<figure><svg role=\"img\" viewBox=\"0 0 ").Append(width.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append((height + 14).ToString(CultureInfo.InvariantCulture)).Append("\" width=\"100%\" aria-labelledby=\"chart-title\"><title id=\"chart-title\">")
            .Append(Html.Encode(Texts.Get("ReportChartTitle"))).Append("</title>");
        for (var i = 0; i < report.Days.Count; i++)
        {
            var d = report.Days[i];
            var x = i * (barWidth + gap);
            var metHeight = d.Met * height / max;
            var missedHeight = d.Breached * height / max;
            var label = Texts.Format("ReportChartBar", d.Date.ToString("dd/MM", CultureInfo.InvariantCulture), d.Periods, d.Met, d.Breached);
            html.Append(CultureInfo.InvariantCulture, $"<g><title>{Html.Encode(label)}</title>");
            html.Append(CultureInfo.InvariantCulture, $"<rect class=\"met\" x=\"{x}\" y=\"{height - metHeight}\" width=\"{barWidth}\" height=\"{metHeight}\"/>");
            html.Append(CultureInfo.InvariantCulture, $"<rect class=\"missed\" x=\"{x}\" y=\"{height - metHeight - missedHeight}\" width=\"{barWidth}\" height=\"{missedHeight}\"/>");
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"{x}\" y=\"{height + 12}\">{d.Date.Day}</text></g>");
        }

        html.Append("</svg><figcaption>").Append(Html.Encode(Texts.Get("ReportChartCaption"))).Append("</figcaption></figure>");
    }
}
