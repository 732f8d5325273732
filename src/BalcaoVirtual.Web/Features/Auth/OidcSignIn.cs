using System.Security.Claims;
using BalcaoVirtual.Web.Features.Inbox;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Resources;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace BalcaoVirtual.Web.Features.Auth;

/// <summary>
/// Single sign-on with the court's OpenID Connect provider: authorization code with PKCE, the ID token's roles mapped to
/// admin / manager / clerk of units at every sign-in, and then this service's own session, exactly as after a password
/// sign-in. The provider's session is not kept here: "Sair" ends this service's session only.
/// </summary>
internal static partial class OidcSignIn
{
    public const string Scheme = "oidc";
    public const string StartPath = "/entrar/sso";
    public const string CallbackPath = "/entrar/sso/retorno";
    private const string BackchannelClient = "oidc";
    private static readonly TimeSpan BackchannelTimeout = TimeSpan.FromSeconds(10);

    public static void Add(AuthenticationBuilder authentication, OidcOptions settings)
    {
        if (!settings.Enabled)
        {
            return;
        }

        // Discovery, keys and the code exchange through the service's own HttpClient: a timeout per attempt (a person
        // waits at the sign-in), reads retried when transient, the service's telemetry.
        authentication.Services.AddHttpClient(BackchannelClient).AddOutboundResilience(_ => BackchannelTimeout);
        authentication.Services.AddOptions<OpenIdConnectOptions>(Scheme)
            .Configure<IHttpClientFactory>((o, clients) => o.Backchannel = clients.CreateClient(BackchannelClient));
        authentication.AddOpenIdConnect(Scheme, o =>
        {
            o.Authority = settings.Authority;
            o.ClientId = settings.ClientId;
            o.ClientSecret = settings.ClientSecret;
            o.RequireHttpsMetadata = settings.RequireHttpsMetadata;
            o.ResponseType = OpenIdConnectResponseType.Code;
            o.ResponseMode = OpenIdConnectResponseMode.Query;
            o.UsePkce = true;
            o.CallbackPath = CallbackPath;
            o.MapInboundClaims = false;
            o.SaveTokens = false;
            o.GetClaimsFromUserInfoEndpoint = false;
            o.Scope.Add("email"); // openid and profile are there already

            // The provider's answer comes back as a top-level GET (query mode), which carries Lax cookies; behind a
            // TLS-terminating proxy the request may look like http, hence SameAsRequest.
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;

            // Nonce cookies, state and token lifetimes are about the real clock the browser and the provider share.
            o.TimeProvider = TimeProvider.System;
            o.Events.OnTicketReceived = CompleteAsync;
            o.Events.OnRemoteFailure = context =>
            {
                var error = context.Failure?.GetType().Name ?? "unknown";
                LogFailed(Logger(context.HttpContext), error);
                context.Response.Redirect(InboxPages.SignInPath + "?erro=sso");
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });
    }

    /// <summary>The "Entrar com a conta do tribunal" button: off to the provider, back to <paramref name="volta"/>.</summary>
    public static IResult Start(HttpContext http, string? volta)
    {
        var enabled = http.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.Oidc.Enabled;
        return enabled
            ? Results.Challenge(new AuthenticationProperties { RedirectUri = InboxPages.SafeReturn(volta) }, [Scheme])
            : Results.Redirect(InboxPages.SignInPath);
    }

    /// <summary>
    /// Which user a provider identity signs in as: the one linked to it (issuer and subject); else, for a first sign-in,
    /// an existing account with the same e-mail only when the provider verified the e-mail and the court allows such
    /// links (Auth:Oidc:LinkVerifiedEmails); else a new user. An e-mail alone never makes a provider's user an
    /// existing one: anyone can put any e-mail in an account of some providers.
    /// </summary>
    /// <param name="emailVerified">The provider's email_verified: "true", "false", or null when it says nothing (Entra ID, ADFS).</param>
    internal static (User? Existing, string? Refusal) Link(User? linked, User? sameEmail, string? emailVerified, OidcOptions settings)
    {
        if (linked is not null)
        {
            return (linked, null);
        }

        if (sameEmail is null)
        {
            return (null, null);
        }

        // An account the provider made before links were recorded (no password) is linked on its next sign-in, unless
        // the provider says the e-mail is not verified; a password account only with a verified e-mail, if allowed.
        var linkable = sameEmail.ExternalId is null && (sameEmail.PasswordHash.Length == 0
            ? emailVerified != "false"
            : emailVerified == "true" && settings.LinkVerifiedEmails);
        return linkable ? (sameEmail, null) : (null, "PageSignInSsoConflict");
    }

    /// <summary>
    /// The provider decides roles at every sign-in, but no sign-in may leave the service without an administrator:
    /// the last one keeps the role and the name they have.
    /// </summary>
    internal static User KeepLastAdmin(User before, User after, int activeAdmins) =>
        before.IsAdmin && !before.Disabled && activeAdmins <= 1 ? after with { IsAdmin = true, Name = before.Name } : after;

    /// <summary>Who the provider says this is, as a user of this service; null with the reason when they may not come in.</summary>
    internal static (User? User, string? Refusal) Map(ClaimsPrincipal principal, User? existing, OidcOptions settings, UnitCatalog catalog, DateTimeOffset now)
    {
        var email = principal.FindFirstValue("email");
        if (string.IsNullOrWhiteSpace(email) || principal.FindFirstValue("email_verified") == "false")
        {
            return (null, "PageSignInSsoNoEmail");
        }

        var roles = principal.FindAll(settings.RoleClaim).Select(c => c.Value).ToList();
        List<string> UnitsWith(string prefix) => roles
            .Where(r => r.StartsWith(prefix, StringComparison.Ordinal))
            .Select(r => r[prefix.Length..])
            .Where(catalog.Contains)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var isAdmin = roles.Contains(settings.AdminRole, StringComparer.Ordinal);
        var managerOf = UnitsWith(settings.ManagerRolePrefix);
        var clerkOf = UnitsWith(settings.ClerkRolePrefix);
        if (!isAdmin && managerOf.Count == 0 && clerkOf.Count == 0)
        {
            return (null, "PageSignInSsoNoRole");
        }

        if (existing is { Disabled: true })
        {
            return (null, "PageSignInSsoDisabled");
        }

        var name = principal.FindFirstValue("name") ?? principal.FindFirstValue("preferred_username") ?? email;
        var user = (existing ?? new User
        {
            Id = Guid.CreateVersion7(now).ToString("N"),
            Email = User.NormalizeEmail(email),
            Name = name,
            PasswordHash = "", // no password here: only the provider lets this person in
            CreatedAt = now,
        }) with
        {
            Name = name.Trim(),
            IsAdmin = isAdmin,
            ManagerOf = managerOf,
            ClerkOf = clerkOf,
        };
        return (user, null);
    }

    private static async Task CompleteAsync(TicketReceivedContext context)
    {
        var services = context.HttpContext.RequestServices;
        var logger = Logger(context.HttpContext);
        var settings = services.GetRequiredService<IOptions<AuthOptions>>().Value.Oidc;
        var users = services.GetRequiredService<UserStore>();
        var principal = context.Principal ?? new ClaimsPrincipal();
        var email = principal.FindFirstValue("email");
        // The handler drops the "iss" claim; every claim of the ID token carries its issuer.
        var subject = principal.FindFirst("sub");
        var externalId = $"{subject?.Issuer}|{subject?.Value}";
        var (existing, refusal) = Link(
            await users.FindByExternalIdAsync(externalId).ConfigureAwait(false),
            string.IsNullOrWhiteSpace(email) ? null : await users.FindByEmailAsync(User.NormalizeEmail(email)).ConfigureAwait(false),
            principal.FindFirstValue("email_verified"),
            settings);
        User? user = null;
        if (refusal is null)
        {
            (user, refusal) = Map(principal, existing, settings, services.GetRequiredService<UnitCatalog>(), services.GetRequiredService<TimeProvider>().GetUtcNow());
        }

        if (user is not null && existing is not null)
        {
            // Applied to the record as it is when written: an account disabled meanwhile stays disabled and is refused.
            var admins = (await users.ListAsync().ConfigureAwait(false)).Count(u => u.IsAdmin && !u.Disabled);
            var mapped = user;
            user = await users.UpdateAsync(existing.Id, now => now.Disabled ? null
                : KeepLastAdmin(now, now with { Name = mapped.Name, IsAdmin = mapped.IsAdmin, ManagerOf = mapped.ManagerOf, ClerkOf = mapped.ClerkOf }, admins)
                    with { ExternalId = externalId }).ConfigureAwait(false);
            refusal = user is null ? "PageSignInSsoDisabled" : null;
        }
        else if (user is not null)
        {
            user = user with { ExternalId = externalId };
        }

        context.HandleResponse();
        if (user is null)
        {
            LogRefused(logger, refusal!);
            context.Response.Redirect(InboxPages.SignInPath + "?erro=" + refusal switch
            {
                "PageSignInSsoNoEmail" => "sso-email",
                "PageSignInSsoDisabled" => "sso-inativo",
                "PageSignInSsoConflict" => "sso-conta",
                _ => "sso-papel",
            });
            return;
        }

        var saved = (existing is not null || await users.TryCreateAsync(user).ConfigureAwait(false))
            && await users.LinkExternalIdAsync(user).ConfigureAwait(false);
        if (!saved)
        {
            // Two first sign-ins of the same person at once: the other one created the user; this one asks again.
            context.Response.Redirect(InboxPages.SignInPath + "?erro=sso");
            return;
        }

        var session = await services.GetRequiredService<SignInService>().IssueSessionAsync(user).ConfigureAwait(false);
        SessionCookie.Set(context.HttpContext, session.Token!);
        var created = existing is null;
        LogSignedIn(logger, user.Id, created);

        // The session cookie is SameSite=Strict, and this request comes from the provider's site: a redirect from here
        // would not carry it. A page of ours that moves on by itself makes the next request a same-site one.
        var next = InboxPages.SafeReturn(context.ReturnUri);
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.ContentSecurityPolicy = InboxPages.ContentSecurityPolicy;
        var href = System.Net.WebUtility.HtmlEncode(next);
        await context.Response.WriteAsync(
            $"<!doctype html><html lang=\"pt-BR\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url={href}\">" +
            $"<title>{Texts.Get("PageSignInSsoDone")}</title></head><body><p><a href=\"{href}\">{Texts.Get("PageSignInSsoDone")}</a></p></body></html>")
            .ConfigureAwait(false);
    }

    private static ILogger Logger(HttpContext http) => http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcSignIn).FullName!);

    [LoggerMessage(Level = LogLevel.Information, Message = "Single sign-on: user {UserId} signed in (first time: {Created})")]
    private static partial void LogSignedIn(ILogger logger, string userId, bool created);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Single sign-on refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Single sign-on failed at the provider's answer ({Error})")]
    private static partial void LogFailed(ILogger logger, string error);
}
