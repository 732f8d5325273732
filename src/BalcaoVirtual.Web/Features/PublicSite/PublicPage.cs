using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using BalcaoVirtual.Web.Features.Chatbot;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Resources;

namespace BalcaoVirtual.Web.Features.PublicSite;

/// <summary>
/// The public Balcão Virtual page: server-rendered HTML with a few hundred bytes of CSS, no script, no font, no image,
/// so it opens fast on a cheap phone on poor data and works without JavaScript. The same list is the embeddable
/// fragment (its styles scoped under <c>.bv</c>). Everything from the catalogue is escaped.
/// </summary>
internal static class PublicPage
{
    /// <summary>No script at all, styles only from the page itself, forms only to this service.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>Scoped under .bv so that a portal's own styles and these do not meet. Contrast ≥ 4.5:1 on white.</summary>
    internal const string Css =
        ".bv{color:#1b1b1b;font:1rem/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}.bv a{color:#0b4f8a}" +
        ".bv :focus-visible{outline:3px solid #b35c00;outline-offset:2px}.bv label{display:block;font-weight:600;margin-bottom:.3rem}" +
        ".bv-row{display:flex;gap:.4rem}.bv input{flex:1;min-width:0;font:inherit;padding:.55rem;border:1px solid #6b6b6b;border-radius:.3rem}" +
        ".bv button{font:inherit;font-weight:600;padding:.55rem .9rem;border:0;border-radius:.3rem;background:#0b4f8a;color:#fff}" +
        ".bv-note{background:#fff4e0;border-left:4px solid #b35c00;padding:.5rem .7rem}.bv-count{color:#4a4a4a;margin:.8rem 0 .3rem}" +
        ".bv-units{list-style:none;margin:0;padding:0}.bv-unit{border:1px solid #c9c9c9;border-radius:.4rem;padding:.8rem;margin:.7rem 0}" +
        ".bv-unit h2{font-size:1.1rem;margin:0}.bv-town{margin:.1rem 0 .4rem;color:#4a4a4a}.bv-status{margin:.3rem 0;font-weight:600}" +
        ".bv-open{color:#1e6b2e}.bv-closed{color:#8a1c1c}.bv dl{margin:.4rem 0 0}.bv dt{font-weight:600}.bv dd{margin:0 0 .4rem;overflow-wrap:anywhere}" +
        "@media(min-width:30rem){.bv dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem .7rem}.bv dd{margin:0}}.bv-meet{display:inline-block;font-weight:600;padding:.35rem .6rem;" +
        "border:2px solid #1e6b2e;border-radius:.3rem;color:#1e6b2e!important}";

    internal const string PageCss =
        "body{margin:0;background:#fff}header,main,footer{max-width:44rem;margin:0 auto;padding:.8rem 1rem}header{border-bottom:4px solid #0b4f8a}" +
        "h1{font-size:1.5rem;margin:.2rem 0}header p{margin:.3rem 0}.bv-official{border-left:4px solid #8a1c1c;padding:.3rem .6rem;background:#fdf3f3}.bv-nowrap{white-space:nowrap}footer{color:#4a4a4a;font-size:.9rem}" +
        ".skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.4rem}";

    private static string H(string? text) => Html.Encode(text ?? "");

    /// <summary>The whole page: the list (or one unit) with the search form, header and footer.</summary>
    public static string Render(PublicSearch search, IReadOnlyList<PublicUnit> units, IReadOnlyList<Units.Court> courts, DateTimeOffset now, Unit? single)
    {
        var html = new StringBuilder(16_384);
        var courtNames = string.Join(" · ", courts.Select(c => c.Name));
        var title = single is null ? Texts.Get("PublicTitle") : $"{single.Name} — {Texts.Get("PublicTitle")}";
        html.Append("<!doctype html><html lang=\"pt-BR\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.Append("<title>").Append(H(title)).Append("</title><meta name=\"description\" content=\"").Append(H(Texts.Format("PublicDescription", courtNames))).Append("\">");
        html.Append("<style>").Append(PageCss).Append(Css).Append("</style></head><body class=\"bv\">");
        html.Append("<a class=\"skip\" href=\"#conteudo\">").Append(H(Texts.Get("PublicSkip"))).Append("</a>");
        html.Append("<header><h1>").Append(H(Texts.Get("PublicTitle"))).Append("</h1><p>").Append(H(courtNames)).Append("</p><p>")
            .Append(H(Texts.Get("PublicIntro"))).Append("</p>");
        // The fake-lawyer scam writes from numbers that look official and asks for money: what the court never does.
        html.Append("<p class=\"bv-official\"><strong>").Append(H(Texts.Get("PublicOfficialHeading"))).Append("</strong> ")
            .Append(H(Texts.Get("PublicOfficial")));
        if (courts.FirstOrDefault(c => c.WhatsApp is not null)?.WhatsApp is { } central)
        {
            // The number kept on one line ("(91) 3000-" above "0000" on a phone reads as two numbers).
            var check = Texts.Get("PublicOfficialCheck").Split("{0}");
            html.Append(' ').Append(H(check[0])).Append("<span class=\"bv-nowrap\">").Append(H(BotFormat.Phone(central))).Append("</span>")
                .Append(H(check[^1]));
        }

        html.Append("</p></header><main id=\"conteudo\">");
        if (single is not null)
        {
            html.Append("<p><a href=\"/\">").Append(H(Texts.Get("PublicAllUnits"))).Append("</a></p>");
        }

        AppendList(html, search, units, "", single is not null);
        html.Append("</main><footer><p>").Append(H(Texts.Get("PublicNoPetitions"))).Append("</p><p>")
            .Append(H(Texts.Format("PublicAsOf", BotFormat.When(now, courts.Count > 0 ? TimeZoneInfo.FindSystemTimeZoneById(courts[0].TimeZone) : TimeZoneInfo.Utc))))
            .Append(" · <a href=\"/api/units\">").Append(H(Texts.Get("PublicJson"))).Append("</a> · <a href=\"/entrar\">")
            .Append(H(Texts.Get("PublicStaff"))).Append("</a></p></footer></body></html>");
        return html.ToString();
    }

    /// <summary>The list alone, for a court's portal to include: styles scoped under .bv, links absolute to <paramref name="origin"/>.</summary>
    public static string Fragment(PublicSearch search, IReadOnlyList<PublicUnit> units, string origin)
    {
        var html = new StringBuilder(16_384);
        html.Append("<section class=\"bv\" lang=\"pt-BR\" aria-label=\"").Append(H(Texts.Get("PublicTitle"))).Append("\"><style>").Append(Css).Append("</style>");
        AppendList(html, search, units, origin, single: false);
        html.Append("</section>");
        return html.ToString();
    }

    private static void AppendList(StringBuilder html, PublicSearch search, IReadOnlyList<PublicUnit> units, string origin, bool single)
    {
        html.Append("<form class=\"bv-search\" role=\"search\" action=\"").Append(H(origin)).Append("/\" method=\"get\"><label for=\"bv-q\">")
            .Append(H(Texts.Get("PublicSearchLabel"))).Append("</label><div class=\"bv-row\"><input id=\"bv-q\" name=\"q\" type=\"search\" maxlength=\"200\" value=\"")
            .Append(H(single ? "" : search.Query)).Append("\" placeholder=\"").Append(H(Texts.Get("PublicSearchExample"))).Append("\"><button type=\"submit\">")
            .Append(H(Texts.Get("PublicSearchButton"))).Append("</button></div></form>");
        if (search.CaseUnit is not null && search.CaseNumber is not null)
        {
            html.Append("<p class=\"bv-note\" role=\"status\">").Append(H(Texts.Format("PublicCaseHere", search.CaseNumber))).Append("</p>");
        }
        else if (search is { OtherCourt: { } court, CaseNumber: { } number })
        {
            html.Append("<p class=\"bv-note\" role=\"status\">").Append(H(Texts.Format("PublicCaseOtherCourt", number, court.Name, court.Acronym)))
                .Append(" <a href=\"").Append(H(court.Portal)).Append("\">").Append(H(court.Portal["https://".Length..])).Append("</a></p>");
        }
        else if (search.Note is not null)
        {
            html.Append("<p class=\"bv-note\" role=\"status\">").Append(H(search.Note)).Append("</p>");
        }

        if (!single)
        {
            html.Append("<p class=\"bv-count\">").Append(H(Texts.Format(units.Count == 1 ? "PublicCountOne" : "PublicCount", units.Count))).Append("</p>");
        }

        html.Append("<ul class=\"bv-units\">");
        foreach (var unit in units)
        {
            AppendUnit(html, unit, origin);
        }

        html.Append("</ul>");
    }

    private static void AppendUnit(StringBuilder html, PublicUnit view, string origin)
    {
        var u = view.Unit;
        var id = "u-" + u.Id;
        html.Append("<li class=\"bv-unit\" id=\"").Append(H(u.Id)).Append("\"><article aria-labelledby=\"").Append(H(id)).Append("\"><h2 id=\"").Append(H(id)).Append("\"><a href=\"")
            .Append(H(origin + "/unidades/" + Uri.EscapeDataString(u.Id))).Append("\">").Append(H(u.Name)).Append("</a></h2>");
        html.Append("<p class=\"bv-town\">").Append(H($"{u.City} – {u.State}")).Append("</p>");
        html.Append("<p class=\"bv-status ").Append(view.Availability.Open ? "bv-open" : "bv-closed").Append("\">").Append(H(view.StatusText)).Append("</p><dl>");
        Row(html, "PublicHours", H(BotFormat.Hours(u.ServiceHours)));
        if (u.VideoDeskUrl is not null)
        {
            Row(html, "PublicVideo", view.VideoDeskUrl is { } meet
                ? $"<a class=\"bv-meet\" href=\"{H(meet)}\" rel=\"noopener\">{H(Texts.Get("PublicVideoJoin"))}</a>"
                : H(Texts.Get("PublicVideoOnlyOpen")));
        }

        if (u.Appointments is not null)
        {
            Row(html, "PublicAppointments", $"<a href=\"{H(origin + "/unidades/" + Uri.EscapeDataString(u.Id) + "/agendar")}\">{H(Texts.Get("PublicBookLink"))}</a>");
        }

        if (view.WhatsApp is { } whatsApp)
        {
            Row(html, "PublicWhatsApp", $"<a href=\"{H(view.WhatsAppUrl)}\" rel=\"noopener\">{H(BotFormat.Phone(whatsApp))}</a>"
                + (view.WhatsAppIsCentral ? " " + H(Texts.Get("PublicWhatsAppCentral")) : ""));
        }

        if (view.Sms is { } sms)
        {
            Row(html, "PublicSms", $"<a href=\"sms:{H(sms)}\">{H(BotFormat.Phone(sms))}</a>");
        }

        if (u.Channels.Email is { } email)
        {
            Row(html, "PublicEmail", $"<a href=\"mailto:{H(email)}\">{H(email)}</a>");
        }

        if (view.WrittenAnswerHours is { } hours)
        {
            Row(html, "PublicWritten", H(Texts.Format("PublicWrittenWithin", hours.ToString("0.#", CultureInfo.GetCultureInfo("pt-BR")))));
        }

        html.Append("</dl></article></li>");
    }

    /// <summary>One term and its already-escaped markup.</summary>
    private static void Row(StringBuilder html, string term, string markup) =>
        html.Append("<dt>").Append(H(Texts.Get(term))).Append("</dt><dd>").Append(markup).Append("</dd>");
}
