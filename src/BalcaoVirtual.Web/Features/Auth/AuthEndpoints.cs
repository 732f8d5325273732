using System.Globalization;
using System.Security.Claims;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Resources;

namespace BalcaoVirtual.Web.Features.Auth;

public sealed record TokenRequest(string? Email, string? Password);

public sealed record TokenResponse(string Token, DateTimeOffset ExpiresAt);

internal static class AuthEndpoints
{
    public static async Task<IResult> IssueTokenAsync(TokenRequest request, SignInService signIn, HttpContext http)
    {
        if (string.IsNullOrWhiteSpace(request.Email) || string.IsNullOrEmpty(request.Password))
        {
            return Problems.Validation(("email", Texts.SignInMissingFields));
        }

        var result = await signIn.SignInAsync(request.Email, request.Password, Infrastructure.Http.ClientAddress.Key(http.Connection.RemoteIpAddress)).ConfigureAwait(false);
        switch (result.Outcome)
        {
            case SignInOutcome.Success:
                return Results.Ok(new TokenResponse(result.Token!, result.ExpiresAt!.Value));
            case SignInOutcome.LockedOut:
                var retry = result.RetryAfter ?? TimeSpan.FromMinutes(1);
                http.Response.Headers.RetryAfter = Math.Ceiling(retry.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                return Results.Problem(
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: Texts.Format(nameof(Texts.SignInLocked), SignInService.FormatMinutes(retry)));
            default:
                return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: Texts.SignInInvalid);
        }
    }

    /// <summary>Ends the session used for this call, bearer token or the browser's cookie (shared computers at the counters).</summary>
    /// <summary>
    /// Ends this session (the bearer token, or the browser's cookie); with <c>?everywhere=true</c> every session of the
    /// user, on every device ("sair de todos os dispositivos", e.g. after a phone was lost).
    /// </summary>
    public static async Task<IResult> LogoutAsync(HttpContext http, SignInService signIn, UserStore users, Privacy.AuditTrail trail, string? everywhere = null)
    {
        if (everywhere is not (null or "" or "true" or "false"))
        {
            return Infrastructure.Http.Problems.Validation(("everywhere", Resources.Texts.Get("LogoutEverywhereInvalid")));
        }

        var token = BearerTokenHandler.TokenFrom(http.Request.Headers.Authorization);
        if (token is null && http.User.IsCookieSession() && http.Request.Cookies.TryGetValue(SessionCookie.Name, out var cookie))
        {
            token = cookie;
            SessionCookie.Clear(http);
        }

        if (everywhere == "true" && http.User.UserId() is { Length: > 0 } userId)
        {
            await users.UpdateAsync(userId, user => user.WithSessionsEnded()).ConfigureAwait(false);
            await trail.RecordAsync("signout.everywhere", userId).ConfigureAwait(false);
        }

        if (token is not null)
        {
            await signIn.RevokeAsync(token).ConfigureAwait(false);
        }

        return Results.NoContent();
    }

    public static IResult Me(ClaimsPrincipal user) => Results.Ok(new
    {
        id = user.UserId(),
        email = user.FindFirstValue(ClaimTypes.Email),
        name = user.FindFirstValue(ClaimTypes.Name),
        isAdmin = user.IsAdmin(),
        managerOf = user.FindAll(UserClaims.ManagerOf).Select(c => c.Value),
        clerkOf = user.FindAll(UserClaims.ClerkOf).Select(c => c.Value),
    });
}
