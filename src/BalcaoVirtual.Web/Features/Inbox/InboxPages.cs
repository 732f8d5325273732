using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Resources;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Inbox;

/// <summary>
/// The clerks' web pages: sign-in, the inbox and a conversation. Pages are a server-made shell; the data comes from the
/// same API as every client (authorized per unit there) and is written into the page as text, never as markup. No inline
/// script: the CSP allows only this service's own script file.
/// </summary>
public static class InboxPages
{
    public const string SignInPath = "/entrar";
    public const string InboxPath = "/inbox";

    /// <summary>Only this service's files; no inline script, no framing, no plugins.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    // An e-mail address is at most 254 characters; anything longer is not worth giving back.
    private const int MaxKeptEmailLength = 254;

    private static readonly JsonSerializerOptions TextsJson = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public static IEndpointRouteBuilder MapInbox(this IEndpointRouteBuilder app)
    {
        app.MapGet(SignInPath, (HttpContext http, IAntiforgery antiforgery, string? volta, string? erro) =>
            SignInPage(http, antiforgery, SsoError(erro), volta)).AllowAnonymous();
        app.MapPost(SignInPath, SignInAsync).AllowAnonymous().DisableAntiforgery().RequireRateLimiting(RateLimits.SignIn);
        app.MapPost("/sair", SignOutAsync).AllowAnonymous().DisableAntiforgery();
        app.MapGet(InboxPath, (HttpContext http, IAntiforgery antiforgery) => AppPage(http, antiforgery, "inbox", Texts.Get("PageInboxTitle"), null)).AllowAnonymous();
        app.MapGet(InboxPath + "/conversations/{id}", (string id, HttpContext http, IAntiforgery antiforgery) =>
            AppPage(http, antiforgery, "inbox", Texts.Get("PageInboxTitle"), id)).AllowAnonymous();
        app.MapGet(AppShell.AccountPath, (HttpContext http, IAntiforgery antiforgery) =>
            AppPage(http, antiforgery, "account", Texts.Get("InboxAccountTitle"), null)).AllowAnonymous();
        app.MapGet("/admin/users", (HttpContext http, IAntiforgery antiforgery) =>
            AdminPage(http, antiforgery, "users", "PageUsersTitle", http.User.IsAdmin(), "AdminOnly")).AllowAnonymous();
        app.MapGet("/admin/units", (HttpContext http, IAntiforgery antiforgery) =>
            AdminPage(http, antiforgery, "units", "PageUnitsTitle", http.User.IsAdmin(), "AdminOnly")).AllowAnonymous();
        app.MapGet("/admin/audit", (HttpContext http, IAntiforgery antiforgery) =>
            AdminPage(http, antiforgery, "audit", "PageAuditTitle", http.User.IsAdmin(), "AdminOnly")).AllowAnonymous();
        app.MapGet("/admin/privacy", (HttpContext http, IAntiforgery antiforgery) =>
            AdminPage(http, antiforgery, "privacy", "PagePrivacyTitle", http.User.IsAdmin(), "AdminOnly")).AllowAnonymous();
        app.MapGet(AppShell.AgendaPath, (HttpContext http, IAntiforgery antiforgery) =>
            AppPage(http, antiforgery, "agenda", Texts.Get("InboxAgendaHeading"), null)).AllowAnonymous();
        app.MapGet("/admin/canned", (HttpContext http, IAntiforgery antiforgery) =>
            AppPage(http, antiforgery, "canned", Texts.Get("PageCannedTitle"), null)).AllowAnonymous();
        app.MapGet("/assets/{file}", Asset).AllowAnonymous();
        app.MapHub<InboxHub>(InboxHub.Path).RequireAuthorization();
        app.MapGet("/api/inbox", InboxQueries.ListAsync).RequireAuthorization();
        app.MapGet("/api/conversations/{id}/presence", async Task<Results<Ok<IReadOnlyList<Presence>>, Refusal>> (
            string id, System.Security.Claims.ClaimsPrincipal user, InboxPresence presence, ConversationStore store) =>
        {
            var (conversation, refusal) = await ConversationsFeature.GuardAsync(id, user, store).ConfigureAwait(false);
            return refusal is not null ? refusal : TypedResults.Ok(await presence.ReadAsync(conversation!.Id).ConfigureAwait(false));
        }).RequireAuthorization();
        app.MapInboxTools();
        app.MapInboxLabels();
        app.MapInboxContact();
        return app;
    }

    public static IServiceCollection AddInbox(this IServiceCollection services)
    {
        services.AddSignalR();
        services.AddSingleton<InboxQueries>();
        services.AddSingleton<InboxNotifier>();
        services.AddSingleton<InboxPresence>();
        services.AddSingleton<IConversationObserver>(sp => sp.GetRequiredService<InboxNotifier>());
        services.AddHostedService<InboxRelay>();
        services.AddSingleton<InboxSessions>();
        services.AddHostedService(sp => sp.GetRequiredService<InboxSessions>());
        return services;
    }

    /// <param name="email">What was typed in the e-mail field, kept after a refusal (never the password).</param>
    private static IResult SignInPage(HttpContext http, IAntiforgery antiforgery, string? error, string? returnTo, string? email = null)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var courts = http.RequestServices.GetRequiredService<UnitCatalog>().Courts;
        var body = new StringBuilder();
        body.Append("<main id=\"main\" class=\"signin\">");
        if (courts.Count > 0)
        {
            body.Append("<p class=\"court\">").Append(H(string.Join(" · ", courts.Select(c => c.Name)))).Append("</p>");
        }

        body.Append("<h1>").Append(H(Texts.Get("PageSignInTitle"))).Append("</h1>");
        if (error is not null)
        {
            body.Append("<p class=\"error\" role=\"alert\">").Append(H(error)).Append("</p>");
        }

        if (http.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.Oidc.Enabled)
        {
            body.Append("<p><a class=\"button\" id=\"sso\" href=\"").Append(H(OidcSignIn.StartPath + "?volta=" + Uri.EscapeDataString(SafeReturn(returnTo))))
                .Append("\">").Append(H(Texts.Get("PageSignInSso"))).Append("</a></p><p>").Append(H(Texts.Get("PageSignInSsoOr"))).Append("</p>");
        }

        body.Append("<form method=\"post\" action=\"").Append(SignInPath).Append("\">")
            .Append("<input type=\"hidden\" name=\"").Append(H(tokens.FormFieldName)).Append("\" value=\"").Append(H(tokens.RequestToken ?? "")).Append("\">")
            .Append("<input type=\"hidden\" name=\"volta\" value=\"").Append(H(SafeReturn(returnTo))).Append("\">")
            .Append("<label for=\"email\">").Append(H(Texts.Get("PageSignInEmail"))).Append("</label>")
            .Append("<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required")
            .Append(string.IsNullOrEmpty(email) ? " autofocus>" : " value=\"" + H(email) + "\">")
            .Append("<label for=\"password\">").Append(H(Texts.Get("PageSignInPassword"))).Append("</label>")
            .Append("<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required")
            .Append(string.IsNullOrEmpty(email) ? ">" : " autofocus>")
            .Append("<button type=\"submit\">").Append(H(Texts.Get("PageSignInButton"))).Append("</button></form></main>");
        return AppShell.Document(http, Texts.Get("PageSignInTitle"), body.ToString(), error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> SignInAsync(HttpContext http, IAntiforgery antiforgery, SignInService signIn)
    {
        if (!http.Request.HasFormContentType)
        {
            return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }

        var form = await http.Request.ReadFormAsync().ConfigureAwait(false);
        var returnTo = form["volta"].ToString();
        if (!await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false))
        {
            return SignInPage(http, antiforgery, Texts.Get("AntiforgeryInvalid"), returnTo);
        }

        var email = form["email"].ToString();
        var password = form["password"].ToString();
        var kept = email.Length <= MaxKeptEmailLength ? email.Trim() : null;
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            return SignInPage(http, antiforgery, Texts.Get("PageSignInMissing"), returnTo, kept);
        }

        var result = await signIn.SignInAsync(email, password, ClientAddress.Key(http.Connection.RemoteIpAddress)).ConfigureAwait(false);
        switch (result.Outcome)
        {
            case SignInOutcome.Success:
                SessionCookie.Set(http, result.Token!);
                return Results.Redirect(SafeReturn(returnTo));
            case SignInOutcome.LockedOut:
                return SignInPage(http, antiforgery, Texts.Format("PageSignInLocked", SignInService.FormatMinutes(result.RetryAfter ?? TimeSpan.FromMinutes(1))), returnTo, kept);
            default:
                return SignInPage(http, antiforgery, Texts.Get("PageSignInInvalid"), returnTo, kept);
        }
    }

    /// <summary>Why single sign-on sent the browser back here (the codes <see cref="OidcSignIn"/> uses), in Portuguese.</summary>
    private static string? SsoError(string? code) => code switch
    {
        null or "" => null,
        "sso-email" => Texts.Get("PageSignInSsoNoEmail"),
        "sso-papel" => Texts.Get("PageSignInSsoNoRole"),
        "sso-inativo" => Texts.Get("PageSignInSsoDisabled"),
        "sso-conta" => Texts.Get("PageSignInSsoConflict"),
        _ => Texts.Get("PageSignInSsoFailed"),
    };

    /// <summary>Ends the browser session (shared computers at the counters) and returns to the sign-in page.</summary>
    private static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery, SignInService signIn)
    {
        if (!await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false))
        {
            return Results.Redirect(SignInPath);
        }

        if (http.Request.Cookies.TryGetValue(SessionCookie.Name, out var token) && !string.IsNullOrEmpty(token))
        {
            await signIn.RevokeAsync(token).ConfigureAwait(false);
        }

        SessionCookie.Clear(http);
        return Results.Redirect(SignInPath);
    }

    /// <summary>The shell of an app page: who is signed in, a sign-out button, and the texts and token its script needs.</summary>
    private static IResult AppPage(HttpContext http, IAntiforgery antiforgery, string view, string title, string? conversationId)
    {
        if (http.User.Identity?.IsAuthenticated != true)
        {
            return AppShell.ToSignIn(http);
        }

        var tokens = antiforgery.GetAndStoreTokens(http);
        var texts = JsonSerializer.Serialize(Texts.WithPrefix("Inbox"), TextsJson)
            .Replace("<", "\\u003c", StringComparison.Ordinal);
        var body = new StringBuilder();
        AppShell.AppendHeader(body, http, tokens);
        body.Append("<main id=\"main\" data-view=\"").Append(H(view)).Append('"');
        if (conversationId is not null)
        {
            body.Append(" data-conversation=\"").Append(H(conversationId)).Append('"');
        }

        body.Append("><p class=\"status\" role=\"status\">").Append(H(Texts.Get("InboxLoading"))).Append("</p></main>")
            .Append("<script type=\"application/json\" id=\"texts\">").Append(texts).Append("</script>")
            .Append("<script src=\"/assets/signalr.min.js\" defer></script>")
            .Append("<script type=\"module\" src=\"/assets/main.js\"></script>");
        return AppShell.Document(http, title, body.ToString(), StatusCodes.Status200OK, tokens.RequestToken);
    }

    /// <summary>An administration page: to sign-in without a session, a plain 403 for someone signed in without the role.</summary>
    private static IResult AdminPage(HttpContext http, IAntiforgery antiforgery, string view, string titleKey, bool allowed, string refusalKey) =>
        http.User.Identity?.IsAuthenticated == true && !allowed
            ? Results.Content(Texts.Get(refusalKey), "text/plain; charset=utf-8", Encoding.UTF8, StatusCodes.Status403Forbidden)
            : AppPage(http, antiforgery, view, Texts.Get(titleKey), null);

    private static IResult Asset(string file, HttpContext http)
    {
        var type = Path.GetExtension(file) switch
        {
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            _ => null,
        };
        var stream = type is null ? null : typeof(InboxPages).Assembly.GetManifestResourceStream($"BalcaoVirtual.Web.Features.Inbox.Assets.{file}");
        if (stream is null)
        {
            return Results.NotFound();
        }

        AppShell.SetSecurityHeaders(http);
        http.Response.Headers.CacheControl = "no-cache";
        return Results.Stream(stream, type);
    }

    /// <summary>
    /// Only a local path of this service after sign-in (never another site: no open redirect). Browsers drop tabs and
    /// line breaks from a URL and read a backslash as a slash, so "/\t/evil.example" or "/\\evil.example" would leave:
    /// one leading slash, no "//" or backslash, no control character or space, and it must resolve to this origin.
    /// </summary>
    internal static string SafeReturn(string? returnTo)
    {
        if (string.IsNullOrEmpty(returnTo) || returnTo.Length > 2048 || returnTo[0] != '/'
            || returnTo.Contains("//", StringComparison.Ordinal) || returnTo.Contains('\\', StringComparison.Ordinal)
            || returnTo.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || !char.IsAscii(c)))
        {
            return InboxPath;
        }

        return Uri.TryCreate(SameOrigin, returnTo, out var resolved) && resolved.Scheme == SameOrigin.Scheme && resolved.Authority == SameOrigin.Authority
            ? returnTo
            : InboxPath;
    }

    private static readonly Uri SameOrigin = new("https://balcao.invalid/");

    private static string H(string? text) => AppShell.H(text);
}
