using System.Security.Claims;
using System.Text.Encodings.Web;
using BalcaoVirtual.Web.Resources;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Auth;

/// <summary>
/// Authenticates "Authorization: Bearer &lt;token&gt;" (API clients) or, without that header, the session cookie the
/// sign-in page sets (the inbox in a browser), against the tokens kept in the store. A cookie session is marked so
/// that its unsafe requests must carry an antiforgery token (<see cref="SessionCookie.RequireAntiforgeryAsync"/>).
/// </summary>
internal sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SignInService signIn)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var fromCookie = false;
        if (TokenFrom(Request.Headers.Authorization) is not { } token)
        {
            if (!Request.Cookies.TryGetValue(SessionCookie.Name, out var cookie) || string.IsNullOrEmpty(cookie))
            {
                return AuthenticateResult.NoResult();
            }

            token = cookie;
            fromCookie = true;
        }

        if (token.Length is 0 or > 256)
        {
            return AuthenticateResult.Fail("Malformed token.");
        }

        var user = await signIn.ValidateTokenAsync(token).ConfigureAwait(false);
        if (user is null)
        {
            return AuthenticateResult.Fail("Unknown or expired token.");
        }

        var claims = UserClaims.From(user);
        if (fromCookie)
        {
            claims = claims.Append(new Claim(SessionCookie.ViaClaim, SessionCookie.Name));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <summary>The token of an "Authorization: Bearer &lt;token&gt;" header, or null when the header is not one.</summary>
    internal static string? TokenFrom(string? header) =>
        !string.IsNullOrEmpty(header) && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? header["Bearer ".Length..].Trim()
            : null;

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return WriteProblemAsync(StatusCodes.Status401Unauthorized, Texts.AuthRequired);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, Texts.AuthForbidden);

    private Task WriteProblemAsync(int status, string title)
    {
        Response.StatusCode = status;
        return Response.WriteAsJsonAsync(
            new { type = "about:blank", title, status },
            options: null,
            contentType: "application/problem+json");
    }
}

/// <summary>How a user's roles travel in the principal, and the per-unit access rule every endpoint uses.</summary>
public static class UserClaims
{
    public const string ManagerOf = "bv:manager_of";
    public const string ClerkOf = "bv:clerk_of";
    public const string AdminRole = "admin";

    public static IEnumerable<Claim> From(User user)
    {
        yield return new Claim(ClaimTypes.NameIdentifier, user.Id);
        yield return new Claim(ClaimTypes.Email, user.Email);
        yield return new Claim(ClaimTypes.Name, user.Name);
        if (user.IsAdmin)
        {
            yield return new Claim(ClaimTypes.Role, AdminRole);
        }

        foreach (var unit in user.ManagerOf)
        {
            yield return new Claim(ManagerOf, unit);
        }

        foreach (var unit in user.ClerkOf)
        {
            yield return new Claim(ClerkOf, unit);
        }
    }

    public static string UserId(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not signed in.");

    public static bool IsAdmin(this ClaimsPrincipal principal) => principal.IsInRole(AdminRole);

    /// <summary>Admins see every unit; managers and clerks only the units they were given.</summary>
    public static bool CanAccessUnit(this ClaimsPrincipal principal, string? unitId) =>
        principal.IsAdmin() ||
        (unitId is not null && (principal.HasClaim(ManagerOf, unitId) || principal.HasClaim(ClerkOf, unitId)));

    /// <summary>The units a non-admin may see.</summary>
    public static IReadOnlySet<string> AccessibleUnits(this ClaimsPrincipal principal) =>
        principal.Claims.Where(c => c.Type is ManagerOf or ClerkOf).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
}
