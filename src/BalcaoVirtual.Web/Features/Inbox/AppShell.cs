using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Resources;
using Microsoft.AspNetCore.Antiforgery;

namespace BalcaoVirtual.Web.Features.Inbox;

/// <summary>
/// What every page of the clerks' app shares, whether its script fills it (the inbox, the administration pages) or the
/// server writes it whole (the SLA report): the document, its security headers, and the header with the navigation.
/// </summary>
internal static class AppShell
{
    public const string ReportsPath = "/reports/sla";
    public const string AccountPath = "/conta";

    /// <summary>The unit's agenda of video calls.</summary>
    public const string AgendaPath = "/agenda";

    /// <summary>Escapes markup characters and keeps accented letters readable.</summary>
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    public static string H(string? text) => Html.Encode(text ?? "");

    /// <summary>Anyone with a unit (or an admin) may read the SLA reports of the units they see.</summary>
    public static bool CanSeeReports(ClaimsPrincipal user) => user.IsAdmin() || user.AccessibleUnits().Count > 0;

    /// <summary>The brand, the links this person may follow (the current one marked), who is signed in and the sign-out form.</summary>
    public static void AppendHeader(StringBuilder body, HttpContext http, AntiforgeryTokenSet tokens)
    {
        var user = http.User;
        var path = http.Request.Path.Value ?? "";
        body.Append("<header><a class=\"brand\" href=\"").Append(InboxPages.InboxPath).Append("\">Balcão Virtual</a>")
            .Append("<nav aria-label=\"").Append(H(Texts.Get("NavLabel"))).Append("\">");
        void Link(string href, string textKey)
        {
            body.Append("<a href=\"").Append(href).Append('"');
            if (path.StartsWith(href, StringComparison.Ordinal))
            {
                body.Append(" aria-current=\"page\"");
            }

            body.Append('>').Append(H(Texts.Get(textKey))).Append("</a>");
        }

        if (user.IsAdmin())
        {
            Link("/admin/users", "InboxAdminUsers");
            Link("/admin/units", "InboxAdminUnits");
            Link("/admin/audit", "InboxAdminAudit");
            Link("/admin/privacy", "InboxAdminPrivacy");
        }

        Link(AgendaPath, "InboxAgendaNav");
        Link("/admin/canned", "InboxCanned"); // managers keep the answers and labels; clerks read them and propose answers

        if (CanSeeReports(user))
        {
            Link(ReportsPath, "NavReports");
        }

        Link(AccountPath, "NavAccount");
        body.Append("</nav><span class=\"who\">").Append(H(user.FindFirstValue(ClaimTypes.Name))).Append("</span>")
            .Append("<form method=\"post\" action=\"/sair\"><input type=\"hidden\" name=\"").Append(H(tokens.FormFieldName)).Append("\" value=\"")
            .Append(H(tokens.RequestToken)).Append("\"><button type=\"submit\">").Append(H(Texts.Get("PageSignOut"))).Append("</button></form></header>");
    }

    /// <summary>A page the server writes whole, with the app's header and no script; <paramref name="main"/> is the main element.</summary>
    public static IResult ServerPage(HttpContext http, IAntiforgery antiforgery, string title, string main, int status = StatusCodes.Status200OK)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var body = new StringBuilder();
        AppendHeader(body, http, tokens);
        body.Append(main);
        return Document(http, title, body.ToString(), status);
    }

    /// <summary>The sign-in page for a visitor without a session, coming back here afterwards.</summary>
    public static IResult ToSignIn(HttpContext http) =>
        Results.Redirect($"{InboxPages.SignInPath}?volta={Uri.EscapeDataString(http.Request.Path + http.Request.QueryString)}");

    public static IResult Document(HttpContext http, string title, string body, int status, string? csrf = null)
    {
        SetSecurityHeaders(http);
        var html = new StringBuilder("<!doctype html><html lang=\"pt-BR\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        if (csrf is not null)
        {
            html.Append("<meta name=\"csrf\" content=\"").Append(H(csrf)).Append("\">");
        }

        html.Append("<title>").Append(H(title)).Append("</title><link rel=\"stylesheet\" href=\"/assets/inbox.css\"></head><body>")
            .Append("<a class=\"skip\" href=\"#main\">").Append(H(Texts.Get("PageSkipToContent"))).Append("</a>")
            .Append(body).Append("</body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    public static void SetSecurityHeaders(HttpContext http)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = InboxPages.ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
    }
}
