using System.Globalization;
using System.Security.Claims;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Resources;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Auth;

public sealed record TokenRequest(string? Email, string? Password);

public sealed record TokenResponse(string Token, DateTimeOffset ExpiresAt);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword, string? Confirmation);

/// <summary>Who a session belongs to; <see cref="PasswordManagedByProvider"/> when they have no password here (single sign-on only).</summary>
public sealed record MeResponse(
    string Id, string? Email, string? Name, bool IsAdmin, IEnumerable<string> ManagerOf, IEnumerable<string> ClerkOf, bool PasswordManagedByProvider,
    int MinPasswordLength);

internal static class AuthEndpoints
{
    public static async Task<Results<Ok<TokenResponse>, ValidationProblem, UnauthorizedProblem, TooManyRequestsProblem>> IssueTokenAsync(TokenRequest request, SignInService signIn, HttpContext http)
    {
        if (string.IsNullOrWhiteSpace(request.Email) || string.IsNullOrEmpty(request.Password))
        {
            return Problems.Validation(("email", Texts.SignInMissingFields));
        }

        var result = await signIn.SignInAsync(request.Email, request.Password, Infrastructure.Http.ClientAddress.Key(http.Connection.RemoteIpAddress)).ConfigureAwait(false);
        switch (result.Outcome)
        {
            case SignInOutcome.Success:
                return TypedResults.Ok(new TokenResponse(result.Token!, result.ExpiresAt!.Value));
            case SignInOutcome.LockedOut:
                return Locked(http, result.RetryAfter);
            default:
                return new UnauthorizedProblem(Texts.SignInInvalid);
        }
    }

    /// <summary>Ends the session used for this call, bearer token or the browser's cookie (shared computers at the counters).</summary>
    /// <summary>
    /// Ends this session (the bearer token, or the browser's cookie); with <c>?everywhere=true</c> every session of the
    /// user, on every device ("sair de todos os dispositivos", e.g. after a phone was lost).
    /// </summary>
    public static async Task<Results<NoContent, ValidationProblem>> LogoutAsync(HttpContext http, SignInService signIn, UserStore users, Privacy.AuditTrail trail, string? everywhere = null)
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

        return TypedResults.NoContent();
    }

    /// <summary>Who is signed in; <c>passwordManagedByProvider</c> when they have no password here (single sign-on only).</summary>
    public static async Task<Ok<MeResponse>> MeAsync(ClaimsPrincipal user, UserStore users, IOptions<AuthOptions> options)
    {
        var stored = await users.GetAsync(user.UserId()).ConfigureAwait(false);
        return TypedResults.Ok(new MeResponse(
            user.UserId(),
            user.FindFirstValue(ClaimTypes.Email),
            user.FindFirstValue(ClaimTypes.Name),
            user.IsAdmin(),
            user.FindAll(UserClaims.ManagerOf).Select(c => c.Value),
            user.FindAll(UserClaims.ClerkOf).Select(c => c.Value),
            stored?.PasswordHash.Length == 0,
            options.Value.MinPasswordLength));
    }

    /// <summary>
    /// POST /api/auth/password: the caller's own password, after the current one (counted like a sign-in). Every other
    /// session of theirs ends; the one used for this call stays. 204; 400 naming the field; 409 for someone who signs in
    /// only through the court's identity provider; 429 while locked out.
    /// </summary>
    public static async Task<Results<NoContent, ValidationProblem, NotFoundProblem, ConflictProblem, TooManyRequestsProblem>> ChangePasswordAsync(
        ChangePasswordRequest? request, HttpContext http, SignInService signIn, UserStore users, IPasswordHasher<User> hasher,
        IOptions<AuthOptions> options, Privacy.AuditTrail trail)
    {
        var user = await users.GetAsync(http.User.UserId()).ConfigureAwait(false);
        if (user is null)
        {
            return new NotFoundProblem(Texts.UserNotFound);
        }

        if (user.PasswordHash.Length == 0)
        {
            return new ConflictProblem(Texts.Get("InboxAccountSso"));
        }

        var errors = new List<(string, string)>();
        if (string.IsNullOrEmpty(request?.CurrentPassword))
        {
            errors.Add(("currentPassword", Texts.Get("PasswordCurrentRequired")));
        }

        UserEndpoints.CheckPassword(request?.NewPassword, options.Value, errors, required: true, field: "newPassword");
        if (request?.NewPassword is { Length: > 0 } chosen && chosen == request.CurrentPassword)
        {
            errors.Add(("newPassword", Texts.Get("PasswordSameAsCurrent")));
        }

        if (request?.Confirmation != request?.NewPassword)
        {
            errors.Add(("confirmation", Texts.Get("PasswordConfirmationMismatch")));
        }

        if (errors.Count > 0)
        {
            return Problems.Validation([.. errors]);
        }

        var check = await signIn.CheckPasswordAsync(user, request!.CurrentPassword!, ClientAddress.Key(http.Connection.RemoteIpAddress)).ConfigureAwait(false);
        if (check.Outcome == SignInOutcome.LockedOut)
        {
            return Locked(http, check.RetryAfter);
        }

        if (check.Outcome != SignInOutcome.Success)
        {
            return Problems.Validation(("currentPassword", Texts.Get("PasswordCurrentWrong")));
        }

        var hash = hasher.HashPassword(user, request.NewPassword!);
        // Only over the password just checked: a change made meanwhile (an admin's reset) is not undone.
        var updated = await users.UpdateAsync(user.Id, now => now.PasswordHash == user.PasswordHash && !now.Disabled
            ? (now with { PasswordHash = hash }).WithSessionsEnded()
            : null).ConfigureAwait(false);
        if (updated is null)
        {
            return Problems.Validation(("currentPassword", Texts.Get("PasswordCurrentWrong")));
        }

        if (CurrentToken(http) is { } token)
        {
            await signIn.KeepSessionAsync(token, updated).ConfigureAwait(false);
        }

        await trail.RecordAsync("user.password", user.Id, "other sessions ended", user.Id).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static string? CurrentToken(HttpContext http) =>
        BearerTokenHandler.TokenFrom(http.Request.Headers.Authorization)
        ?? (http.User.IsCookieSession() && http.Request.Cookies.TryGetValue(SessionCookie.Name, out var cookie) ? cookie : null);

    private static TooManyRequestsProblem Locked(HttpContext http, TimeSpan? retryAfter)
    {
        var retry = retryAfter ?? TimeSpan.FromMinutes(1);
        http.Response.Headers.RetryAfter = Math.Ceiling(retry.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return new TooManyRequestsProblem(Texts.Format(nameof(Texts.SignInLocked), SignInService.FormatMinutes(retry)));
    }
}
