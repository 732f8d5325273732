using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Auth;

public enum SignInOutcome
{
    Success,
    InvalidCredentials,
    LockedOut,
}

public sealed record SignInResult(SignInOutcome Outcome, string? Token = null, DateTimeOffset? ExpiresAt = null, TimeSpan? RetryAfter = null);

/// <summary>
/// Checks passwords, counts failures and hands out opaque tokens. Failures are counted per e-mail whether or not
/// the account exists, so the answers do not tell which e-mails have accounts.
/// </summary>
public sealed class SignInService(
    UserStore users,
    RedisConnections redis,
    RedisKeys keys,
    IPasswordHasher<User> hasher,
    IOptions<AuthOptions> options,
    Privacy.AuditTrail trail,
    TimeProvider time)
{
    private const string FailuresField = "failures";
    private const string LockedUntilField = "lockedUntil";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // A fixed hash to verify against when the e-mail is unknown, so both paths cost the same time.
    private static readonly Lazy<string> DummyHash = new(() =>
        new PasswordHasher<User>().HashPassword(null!, Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));

    private IDatabase Db => redis.GetDatabase();

    public async Task<SignInResult> SignInAsync(string email, string password)
    {
        var o = options.Value;
        var normalized = User.NormalizeEmail(email);
        var failureKey = keys.SignInFailures(normalized);
        var now = time.GetUtcNow();

        var lockedUntil = await Db.HashGetAsync(failureKey, LockedUntilField).ConfigureAwait(false);
        if (lockedUntil.TryParse(out long untilMs) && untilMs > now.ToUnixTimeMilliseconds())
        {
            await trail.RecordAsync("signin.locked", null, who: await WhoAsync(normalized).ConfigureAwait(false)).ConfigureAwait(false);
            return new SignInResult(SignInOutcome.LockedOut, RetryAfter: DateTimeOffset.FromUnixTimeMilliseconds(untilMs) - now);
        }

        var user = await users.FindByEmailAsync(normalized).ConfigureAwait(false);
        PasswordVerificationResult verified;
        if (user is not null)
        {
            verified = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        }
        else
        {
            _ = hasher.VerifyHashedPassword(null!, DummyHash.Value, password);
            verified = PasswordVerificationResult.Failed;
        }

        if (user is null || user.Disabled || verified == PasswordVerificationResult.Failed)
        {
            // Who tried: the account when there is one; otherwise a digest, never the e-mail typed.
            await trail.RecordAsync("signin.failed", null, user?.Disabled == true ? "disabled" : null,
                user?.Id ?? "unknown:" + RedisKeys.Digest(normalized)[..12]).ConfigureAwait(false);
            var failures = await Db.HashIncrementAsync(failureKey, FailuresField).ConfigureAwait(false);
            await Db.KeyExpireAsync(failureKey, o.FailureWindow + o.LockoutDuration).ConfigureAwait(false);
            if (failures >= o.MaxFailedAttempts)
            {
                var until = now + o.LockoutDuration;
                await Db.HashSetAsync(failureKey,
                [
                    new HashEntry(LockedUntilField, until.ToUnixTimeMilliseconds()),
                    new HashEntry(FailuresField, 0),
                ]).ConfigureAwait(false);
                return new SignInResult(SignInOutcome.LockedOut, RetryAfter: o.LockoutDuration);
            }

            return new SignInResult(SignInOutcome.InvalidCredentials);
        }

        if (verified == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await users.UpdateAsync(user with { PasswordHash = hasher.HashPassword(user, password) }).ConfigureAwait(false);
        }

        await Db.KeyDeleteAsync(failureKey).ConfigureAwait(false);
        return await IssueSessionAsync(user).ConfigureAwait(false);
    }

    private async Task<string> WhoAsync(string normalizedEmail) =>
        (await users.FindByEmailAsync(normalizedEmail).ConfigureAwait(false))?.Id ?? "unknown:" + RedisKeys.Digest(normalizedEmail)[..12];

    /// <summary>Forgets the failed attempts (and any lockout) of an e-mail: its password was just set anew.</summary>
    public Task ClearFailuresAsync(string email) => Db.KeyDeleteAsync(keys.SignInFailures(User.NormalizeEmail(email)));

    /// <summary>A new session token for a user already proven (by password, or by the court's identity provider).</summary>
    public async Task<SignInResult> IssueSessionAsync(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var lifetime = options.Value.TokenLifetime;
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var expiresAt = time.GetUtcNow() + lifetime;
        var record = new TokenRecord(user.Id, expiresAt);
        await Db.StringSetAsync(keys.Token(token), JsonSerializer.Serialize(record, Json), lifetime).ConfigureAwait(false);
        await trail.RecordAsync("signin", user.Id, who: user.Id).ConfigureAwait(false);
        return new SignInResult(SignInOutcome.Success, token, expiresAt);
    }

    /// <summary>The user a token belongs to, or null when it is unknown, expired or its user is disabled.</summary>
    public async Task<User?> ValidateTokenAsync(string token)
    {
        var value = await Db.StringGetAsync(keys.Token(token)).ConfigureAwait(false);
        if (value.IsNullOrEmpty)
        {
            return null;
        }

        var record = JsonSerializer.Deserialize<TokenRecord>(value.ToString(), Json);
        if (record is null || record.ExpiresAt <= time.GetUtcNow())
        {
            return null;
        }

        var user = await users.GetAsync(record.UserId).ConfigureAwait(false);
        return user is { Disabled: false } ? user : null;
    }

    public Task RevokeAsync(string token) => Db.KeyDeleteAsync(keys.Token(token));

    internal static string FormatMinutes(TimeSpan span) =>
        Math.Max(1, (int)Math.Ceiling(span.TotalMinutes)).ToString(CultureInfo.InvariantCulture);

    private sealed record TokenRecord(string UserId, DateTimeOffset ExpiresAt);
}
