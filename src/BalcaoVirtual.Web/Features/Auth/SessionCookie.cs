using System.Security.Claims;
using BalcaoVirtual.Web.Resources;
using Microsoft.AspNetCore.Antiforgery;

namespace BalcaoVirtual.Web.Features.Auth;

/// <summary>
/// The browser session: the same opaque token as the API's, in an HttpOnly, SameSite=Strict cookie (Secure over
/// HTTPS). Unsafe requests made with it must carry the antiforgery token the page was given.
/// It is a browser-session cookie: no Expires or Max-Age. The token's lifetime is kept on the server
/// (Auth:TokenLifetime), so nothing depends on the browser's clock agreeing with the server's, and closing the
/// browser of a shared counter PC ends the session there.
/// </summary>
public static class SessionCookie
{
    public const string Name = "bv_session";
    public const string ViaClaim = "bv:via";
    public const string AntiforgeryHeader = "X-CSRF-Token";

    public static void Set(HttpContext http, string token)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Cookies.Append(Name, token, Options(http));
    }

    public static void Clear(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Cookies.Delete(Name, Options(http));
    }

    public static bool IsCookieSession(this ClaimsPrincipal user) => user.HasClaim(ViaClaim, Name);

    private static CookieOptions Options(HttpContext http) => new()
    {
        HttpOnly = true,
        Secure = http.Request.IsHttps,
        SameSite = SameSiteMode.Strict,
        Path = "/",
        IsEssential = true,
    };

    /// <summary>
    /// Middleware: a POST, PUT, PATCH or DELETE authenticated by the session cookie must carry a valid antiforgery token
    /// (header <see cref="AntiforgeryHeader"/> or the form field); otherwise 400, and nothing is done.
    /// </summary>
    public static IApplicationBuilder RequireAntiforgeryForCookieSessions(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && !HttpMethods.IsOptions(http.Request.Method)
                && http.User.IsCookieSession())
            {
                var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
                if (!await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false))
                {
                    http.Response.StatusCode = StatusCodes.Status400BadRequest;
                    await http.Response.WriteAsJsonAsync(
                        new { type = "about:blank", title = Texts.Get("AntiforgeryInvalid"), status = 400 },
                        options: null, contentType: "application/problem+json").ConfigureAwait(false);
                    return;
                }
            }

            await next(http).ConfigureAwait(false);
        });
}
