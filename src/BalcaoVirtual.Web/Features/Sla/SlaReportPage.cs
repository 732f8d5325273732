using System.Globalization;
using System.Text;
using BalcaoVirtual.Web.Features.Chatbot;
using BalcaoVirtual.Web.Features.Inbox;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Resources;

namespace BalcaoVirtual.Web.Features.Sla;

/// <summary>A unit's month as a page: the numbers, a chart of the days, the periods, and the CSV link. No script; styles in inbox.css.</summary>
internal static class SlaReportPage
{
    private static readonly CultureInfo PtBr = CultureInfo.GetCultureInfo("pt-BR");


    /// <summary>The main element of a unit's month: the picker, the way to the months beside it, the numbers and the periods.</summary>
    /// <param name="nextUrl">Null when the next month has not begun.</param>
    public static string Render(SlaReport report, Unit unit, IReadOnlyList<Unit> visible, DateOnly latest, string csvUrl, string previousUrl, string? nextUrl)
    {
        string Pct(double? rate) => rate is { } r ? r.ToString("P0", PtBr) : "—";
        string Minutes(double? minutes) => minutes is { } m ? SlaFormat.Duration(TimeSpan.FromMinutes(m)) : "—";
        var month = MonthName(report.From);
        var html = new StringBuilder("<main id=\"main\" class=\"report\">");
        html.Append("<h1>").Append(H(Texts.Format("ReportTitle", unit.Name, month))).Append("</h1>");
        AppendPicker(html, visible, unit.Id, report.From, latest);
        html.Append("<nav class=\"months\" aria-label=\"").Append(H(Texts.Get("ReportMonthsNav"))).Append("\"><a href=\"").Append(H(previousUrl)).Append("\">")
            .Append(H(Texts.Get("ReportPrevious"))).Append("</a>");
        if (nextUrl is not null)
        {
            html.Append("<a href=\"").Append(H(nextUrl)).Append("\">").Append(H(Texts.Get("ReportNext"))).Append("</a>");
        }

        html.Append("</nav>");
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
                     (Texts.Get("ReportPaymentWarnings"), report.PaymentWarnings.ToString(PtBr)),
                 })
        {
            html.Append("<div>").Append(H(label)).Append("<b>").Append(H(value)).Append("</b></div>");
        }

        html.Append("</section>");
        html.Append("<p>").Append(H(Texts.Get("ReportByChannel"))).Append(' ')
            .Append(H(string.Join(" · ", report.ByChannel.Where(c => c.Value > 0).Select(c => $"{c.Key}: {c.Value}")))).Append("</p>");
        if (report.ByLabel.Count > 0)
        {
            html.Append("<p id=\"by-label\">").Append(H(Texts.Get("ReportByLabel"))).Append(' ')
                .Append(H(string.Join(" · ", report.ByLabel.Select(l => $"{l.Name}: {l.Conversations.ToString(PtBr)}")))).Append("</p>");
        }

        AppendSatisfaction(html, report.Satisfaction, Pct);
        AppendAppointments(html, report.Appointments);
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

        html.Append("</tbody></table></main>");
        return html.ToString();
    }

    private static string H(string? text) => AppShell.H(text);

    public static string Title(Unit unit, DateOnly first) => Texts.Format("ReportTitle", unit.Name, MonthName(first));

    private static string MonthName(DateOnly first) => first.ToDateTime(TimeOnly.MinValue).ToString("MMMM 'de' yyyy", PtBr);

    /// <summary>
    /// Why a report could not be shown, in words that name the field, with the picker to choose again and a way back.
    /// </summary>
    public static string RenderError(string message, IReadOnlyList<Unit> visible, string? unitId, DateOnly? month, DateOnly latest)
    {
        var html = new StringBuilder("<main id=\"main\" class=\"report\"><h1>").Append(H(Texts.Get("ReportErrorHeading"))).Append("</h1>")
            .Append("<p class=\"error\" role=\"alert\">").Append(H(message)).Append("</p>");
        if (visible.Count > 0)
        {
            AppendPicker(html, visible, unitId, month ?? latest, latest);
        }

        html.Append("<p><a href=\"").Append(AppShell.ReportsPath).Append("\">").Append(H(Texts.Get("ReportErrorBack"))).Append("</a> · <a href=\"")
            .Append(InboxPages.InboxPath).Append("\">").Append(H(Texts.Get("ReportErrorInbox"))).Append("</a></p></main>");
        return html.ToString();
    }

    /// <summary>
    /// A GET form: the units this person may see (grouped by court when there are several) and a month, sent to the
    /// route that turns them into the report's address. Works without script; browsers without a month input get a text
    /// box that takes the same yyyy-MM.
    /// </summary>
    private static void AppendPicker(StringBuilder html, IReadOnlyList<Unit> visible, string? unitId, DateOnly month, DateOnly latest)
    {
        html.Append("<form class=\"report-picker\" method=\"get\" action=\"").Append(AppShell.ReportsPath).Append("\">")
            .Append("<div><label for=\"r-unit\">").Append(H(Texts.Get("ReportPickerUnit"))).Append("</label><select id=\"r-unit\" name=\"unit\">");
        var courts = visible.GroupBy(u => u.Court.Id).ToList();
        foreach (var court in courts)
        {
            if (courts.Count > 1)
            {
                html.Append("<optgroup label=\"").Append(H(court.First().Court.Name)).Append("\">");
            }

            foreach (var u in court.OrderBy(u => u.Name, StringComparer.Create(PtBr, CompareOptions.IgnoreCase)))
            {
                html.Append("<option value=\"").Append(H(u.Id)).Append('"').Append(u.Id == unitId ? " selected" : "").Append('>').Append(H(u.Name)).Append("</option>");
            }

            if (courts.Count > 1)
            {
                html.Append("</optgroup>");
            }
        }

        html.Append("</select></div><div><label for=\"r-month\">").Append(H(Texts.Get("ReportPickerMonth"))).Append("</label>")
            .Append("<input id=\"r-month\" name=\"month\" type=\"month\" required pattern=\"[0-9]{4}-[0-9]{2}\" placeholder=\"AAAA-MM\" min=\"")
            .Append(QueryDates.Earliest.ToString("yyyy-MM", CultureInfo.InvariantCulture)).Append("\" max=\"").Append(latest.ToString("yyyy-MM", CultureInfo.InvariantCulture))
            .Append("\" value=\"").Append(month.ToString("yyyy-MM", CultureInfo.InvariantCulture)).Append("\"></div>")
            .Append("<button type=\"submit\">").Append(H(Texts.Get("ReportPickerShow"))).Append("</button></form>");
    }

    /// <summary>
    /// The satisfaction surveys of the month: asked, answered (and the rate), the average, how many gave each rating, and
    /// the comments with their conversations (the citizens' words, escaped; for the unit's managers only).
    /// </summary>
    private static void AppendSatisfaction(StringBuilder html, SatisfactionFigures figures, Func<double?, string> pct)
    {
        html.Append("<section id=\"satisfaction\" aria-labelledby=\"satisfaction-title\"><h2 id=\"satisfaction-title\">")
            .Append(H(Texts.Get("ReportSatisfaction"))).Append("</h2>");
        if (figures.Asked == 0)
        {
            html.Append("<p>").Append(H(Texts.Get("ReportSatisfactionNone"))).Append("</p></section>");
            return;
        }

        html.Append("<div class=\"kpi\">");
        foreach (var (label, value) in new[]
                 {
                     (Texts.Get("ReportSurveysAsked"), figures.Asked.ToString(PtBr)),
                     (Texts.Get("ReportSurveysAnswered"), $"{figures.Answered.ToString(PtBr)} ({pct(figures.ResponseRate)})"),
                     (Texts.Get("ReportSatisfactionAverage"), figures.Average is { } a ? a.ToString("0.0", PtBr) : "—"),
                 })
        {
            html.Append("<div>").Append(H(label)).Append("<b>").Append(H(value)).Append("</b></div>");
        }

        html.Append("</div><p id=\"ratings\">").Append(H(Texts.Get("ReportRatings"))).Append(' ')
            .Append(H(string.Join(" · ", figures.Distribution.Select((n, i) => Texts.Format("ReportRating", i + 1, n))))).Append("</p>");
        if (figures.CommentsHidden)
        {
            html.Append("<p>").Append(H(Texts.Get("ReportCommentsForManagers"))).Append("</p>");
        }
        else if (figures.Comments.Count > 0)
        {
            html.Append("<ul class=\"comments\">");
            foreach (var c in figures.Comments)
            {
                html.Append("<li><b>").Append(H(Texts.Format("ReportCommentScore", c.Score))).Append("</b> ").Append(H(c.Comment))
                    .Append(" <a href=\"/inbox/conversations/").Append(H(Uri.EscapeDataString(c.ConversationId))).Append("\">")
                    .Append(H(Texts.Get("ReportCommentConversation"))).Append("</a></li>");
            }

            html.Append("</ul>");
        }

        html.Append("</section>");
    }

    /// <summary>The month's video calls: how many, attended, no-shows, cancelled, past without a record, still ahead.</summary>
    private static void AppendAppointments(StringBuilder html, AppointmentFigures figures)
    {
        html.Append("<section id=\"appointments\" aria-labelledby=\"appointments-title\"><h2 id=\"appointments-title\">")
            .Append(H(Texts.Get("ReportAppointments"))).Append("</h2>");
        if (figures.Total == 0)
        {
            html.Append("<p>").Append(H(Texts.Get("ReportAppointmentsNone"))).Append("</p></section>");
            return;
        }

        html.Append("<div class=\"kpi\">");
        foreach (var (label, value) in new[]
                 {
                     (Texts.Get("ReportAppointmentsTotal"), figures.Total), (Texts.Get("ReportAppointmentsAttended"), figures.Attended),
                     (Texts.Get("ReportAppointmentsNoShows"), figures.NoShows), (Texts.Get("ReportAppointmentsCancelled"), figures.Cancelled),
                     (Texts.Get("ReportAppointmentsNotRecorded"), figures.NotRecorded), (Texts.Get("ReportAppointmentsAhead"), figures.Ahead),
                 })
        {
            html.Append("<div>").Append(H(label)).Append("<b>").Append(H(value.ToString(PtBr))).Append("</b></div>");
        }

        html.Append("</div></section>");
    }

    /// <summary>One stacked bar per day: answered on time below, missed above; the title of each bar says it in words.</summary>
    private static void AppendChart(StringBuilder html, SlaReport report)
    {
        const int barWidth = 14, gap = 4, height = 120;
        var max = Math.Max(1, report.Days.Max(d => (int?)d.Periods) ?? 1);
        var width = report.Days.Count * (barWidth + gap);
        html.Append("<figure><svg role=\"img\" viewBox=\"0 0 ").Append(width.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append((height + 14).ToString(CultureInfo.InvariantCulture)).Append("\" width=\"100%\" aria-labelledby=\"chart-title\"><title id=\"chart-title\">")
            .Append(H(Texts.Get("ReportChartTitle"))).Append("</title>");
        for (var i = 0; i < report.Days.Count; i++)
        {
            var d = report.Days[i];
            var x = i * (barWidth + gap);
            var metHeight = d.Met * height / max;
            var missedHeight = d.Breached * height / max;
            var label = Texts.Format("ReportChartBar", d.Date.ToString("dd/MM", CultureInfo.InvariantCulture), d.Periods, d.Met, d.Breached);
            html.Append(CultureInfo.InvariantCulture, $"<g><title>{H(label)}</title>");
            html.Append(CultureInfo.InvariantCulture, $"<rect class=\"met\" x=\"{x}\" y=\"{height - metHeight}\" width=\"{barWidth}\" height=\"{metHeight}\"/>");
            html.Append(CultureInfo.InvariantCulture, $"<rect class=\"missed\" x=\"{x}\" y=\"{height - metHeight - missedHeight}\" width=\"{barWidth}\" height=\"{missedHeight}\"/>");
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"{x}\" y=\"{height + 12}\">{d.Date.Day}</text></g>");
        }

        html.Append("</svg><figcaption>").Append(H(Texts.Get("ReportChartCaption"))).Append("</figcaption></figure>");
    }
}
