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
/// Checks passwords, throttles guessing and hands out opaque tokens. Each attempt is counted before its password is
/// checked, in one atomic step that also refuses it when a limit is reached, so parallel guesses cannot slip past the
/// count; a success takes its attempt back. Three limits, none of which lets a stranger lock a clerk out:
/// <list type="bullet">
/// <item>an e-mail from one client address: <see cref="AuthOptions.MaxFailedAttempts"/> within
/// <see cref="AuthOptions.FailureWindow"/>, then that address is locked out of that account for
/// <see cref="AuthOptions.LockoutDuration"/>;</item>
/// <item>one client address, whatever the e-mails: <see cref="AuthOptions.MaxFailedAttemptsPerAddress"/>, then the
/// address is locked out (password spraying);</item>
/// <item>one e-mail from everywhere: past <see cref="AuthOptions.AccountSlowdownAfter"/> failures, one attempt per
/// <see cref="AuthOptions.AccountSlowdownInterval"/>: a slower door, never a closed one.</item>
/// </list>
/// Failures are counted per e-mail whether or not the account exists, so the answers do not tell which e-mails have
/// accounts. Times come from <see cref="TimeProvider"/>; the store's TTLs only clean up.
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
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // A fixed hash to verify against when the e-mail is unknown, so both paths cost the same time.
    private static readonly Lazy<string> DummyHash = new(() =>
        new PasswordHasher<User>().HashPassword(null!, Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));

    // KEYS: 1 the e-mail from this address, 2 the address, 3 the e-mail from everywhere (one hash tag).
    // ARGV: now (ms), window (ms), lockout (ms), max per e-mail and address, max per address, slowdown after, slowdown
    // interval (ms), TTL (s). Each hash: n = attempts in the window, start = the window's start, until = locked until.
    // Returns {0, 0, lockedNow, n, a} when the attempt may go on (counted; n: attempts of this e-mail from this address in
    // the window, this one included; a: attempts from this address), {1, retry ms, 0, 0, 0} when refused (not counted).
    // lockedNow: 1 the e-mail from this address, 2 the address (password spraying).
    private const string AttemptScript = """
        local now, window, lockout = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
        local function read(key)
          local v = redis.call('HMGET', key, 'n', 'start', 'until')
          local n, start = tonumber(v[1]) or 0, tonumber(v[2]) or now
          if now - start >= window then n, start = 0, now end
          return n, start, tonumber(v[3]) or 0
        end
        local pn, ps, pu = read(KEYS[1])
        local an, as, au = read(KEYS[2])
        local un, us, uu = read(KEYS[3])
        local wait = math.max(pu, au, uu) - now
        if wait > 0 then return {1, wait, 0, 0, 0} end
        pn, an, un = pn + 1, an + 1, un + 1
        local lockedNow = 0
        if pn >= tonumber(ARGV[4]) then pu = now + lockout; lockedNow = 1 end
        if an >= tonumber(ARGV[5]) then au = now + lockout; lockedNow = 2 end
        if un >= tonumber(ARGV[6]) then uu = now + tonumber(ARGV[7]) end
        for i, entry in ipairs({{KEYS[1], pn, ps, pu}, {KEYS[2], an, as, au}, {KEYS[3], un, us, uu}}) do
          redis.call('HSET', entry[1], 'n', string.format('%.0f', entry[2]), 'start', string.format('%.0f', entry[3]), 'until', string.format('%.0f', entry[4]))
          redis.call('EXPIRE', entry[1], tonumber(ARGV[8]))
        end
        return {0, 0, lockedNow, pn, an}
        """;

    // A success takes its attempt back: the e-mail's counts from this address and from everywhere start again.
    // Returns how many attempts of this e-mail from this address came before it in the window.
    private const string SuccessScript = """
        local before = tonumber(redis.call('HGET', KEYS[1], 'n') or '1') - 1
        redis.call('DEL', KEYS[1], KEYS[3])
        local n = tonumber(redis.call('HGET', KEYS[2], 'n') or '0')
        if n > 0 then redis.call('HSET', KEYS[2], 'n', n - 1) end
        return before
        """;

    private IDatabase Db => redis.GetDatabase();

    /// <param name="clientAddress">Where the attempt comes from (the client's address as the proxy saw it); null when unknown.</param>
    public async Task<SignInResult> SignInAsync(string email, string password, string? clientAddress = null)
    {
        var normalized = User.NormalizeEmail(email);
        var attemptKeys = AttemptKeys(normalized, clientAddress);
        var attempt = await CountAttemptAsync(attemptKeys).ConfigureAwait(false);
        if (attempt[0] == 1)
        {
            // Refused before any password is read; not recorded one by one (a flood would fill the audit trail).
            return new SignInResult(SignInOutcome.LockedOut, RetryAfter: TimeSpan.FromMilliseconds(attempt[1]));
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
            // Who tried: the account when there is one; otherwise a digest, never the e-mail typed. Repeated failures are
            // one record: the first of the window, then the lockout or the sign-in that ends them, with their number.
            var who = user?.Id ?? "unknown:" + RedisKeys.Digest(normalized)[..12];
            await RecordFailureAsync(attempt, "signin.failed", null, user?.Disabled == true ? "disabled" : null, who).ConfigureAwait(false);
            return new SignInResult(SignInOutcome.InvalidCredentials);
        }

        if (verified == PasswordVerificationResult.SuccessRehashNeeded)
        {
            var rehashed = hasher.HashPassword(user, password);
            await users.UpdateAsync(user.Id, now => now.PasswordHash == user.PasswordHash ? now with { PasswordHash = rehashed } : null).ConfigureAwait(false);
        }

        var failedBefore = (long)(await Db.ScriptEvaluateAsync(SuccessScript, attemptKeys).ConfigureAwait(false));
        return await IssueSessionAsync(user, failedBefore > 0 ? FailedAttempts(failedBefore) : null).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks the password of someone already signed in (before they change it), counted against the same limits as a
    /// sign-in with their e-mail: a stolen session cannot be used to guess the password faster than the sign-in page.
    /// </summary>
    public async Task<SignInResult> CheckPasswordAsync(User user, string password, string? clientAddress)
    {
        ArgumentNullException.ThrowIfNull(user);
        var attemptKeys = AttemptKeys(User.NormalizeEmail(user.Email), clientAddress);
        var attempt = await CountAttemptAsync(attemptKeys).ConfigureAwait(false);
        if (attempt[0] == 1)
        {
            return new SignInResult(SignInOutcome.LockedOut, RetryAfter: TimeSpan.FromMilliseconds(attempt[1]));
        }

        if (user.PasswordHash.Length == 0 || hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed)
        {
            await RecordFailureAsync(attempt, "user.password.failed", user.Id, null, user.Id).ConfigureAwait(false);
            return new SignInResult(SignInOutcome.InvalidCredentials);
        }

        await Db.ScriptEvaluateAsync(SuccessScript, attemptKeys).ConfigureAwait(false);
        return new SignInResult(SignInOutcome.Success);
    }

    /// <summary>
    /// Keeps one session open across <see cref="User.WithSessionsEnded"/>: it moves to the user's current epoch, with the
    /// time it had left. The session that changed the password stays; the others end.
    /// </summary>
    public async Task KeepSessionAsync(string token, User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var value = await Db.StringGetAsync(keys.Token(token)).ConfigureAwait(false);
        if (!value.IsNullOrEmpty && JsonSerializer.Deserialize<TokenRecord>(value.ToString(), Json) is { } record && record.UserId == user.Id)
        {
            await Db.StringSetAsync(keys.Token(token), JsonSerializer.Serialize(record with { Epoch = user.SessionEpoch }, Json), expiry: null, keepTtl: true, when: When.Exists)
                .ConfigureAwait(false);
        }
    }

    /// <summary>Counts an attempt before its password is read (see <see cref="AttemptScript"/>); the script's answer.</summary>
    private async Task<long[]> CountAttemptAsync(RedisKey[] attemptKeys)
    {
        var o = options.Value;
        return (long[])(await Db.ScriptEvaluateAsync(AttemptScript, attemptKeys,
        [
            time.GetUtcNow().ToUnixTimeMilliseconds(), (long)o.FailureWindow.TotalMilliseconds, (long)o.LockoutDuration.TotalMilliseconds,
            o.MaxFailedAttempts, o.MaxFailedAttemptsPerAddress, o.AccountSlowdownAfter, (long)o.AccountSlowdownInterval.TotalMilliseconds,
            (long)(o.FailureWindow + o.LockoutDuration + o.AccountSlowdownInterval).TotalSeconds + 1,
        ]).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Repeated failures are one record: the first of the window, then the lockout that ends them, with their number.
    /// </summary>
    private async Task RecordFailureAsync(long[] attempt, string action, string? target, string? detail, string who)
    {
        if (attempt[3] == 1)
        {
            await trail.RecordAsync(action, target, detail, who).ConfigureAwait(false);
        }

        if (attempt[2] != 0)
        {
            // Which door closed: this e-mail from this address, or the address itself after trying many e-mails.
            var locked = attempt[2] == 2 ? "address, " + FailedAttempts(attempt[4]) : FailedAttempts(attempt[3]);
            await trail.RecordAsync("signin.locked", null, locked, who).ConfigureAwait(false);
        }
    }

    private static string FailedAttempts(long count) => "failed attempts: " + count.ToString(CultureInfo.InvariantCulture);

    private RedisKey[] AttemptKeys(string normalizedEmail, string? clientAddress)
    {
        var address = clientAddress ?? "unknown";
        return [keys.SignInAttempts(normalizedEmail + "|" + address), keys.SignInAttempts("address|" + address), keys.SignInAttempts(normalizedEmail)];
    }

    /// <summary>Forgets the e-mail's failed attempts from everywhere: its password was just set anew by an admin.</summary>
    public Task ClearFailuresAsync(string email) => Db.KeyDeleteAsync(keys.SignInAttempts(User.NormalizeEmail(email)));

    /// <summary>A new session token for a user already proven (by password, or by the court's identity provider).</summary>
    public async Task<SignInResult> IssueSessionAsync(User user, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        var lifetime = options.Value.TokenLifetime;
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var expiresAt = time.GetUtcNow() + lifetime;
        var record = new TokenRecord(user.Id, expiresAt, user.SessionEpoch);
        await Db.StringSetAsync(keys.Token(token), JsonSerializer.Serialize(record, Json), lifetime).ConfigureAwait(false);
        await trail.RecordAsync("signin", user.Id, detail, user.Id).ConfigureAwait(false);
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
        return user is { Disabled: false } && user.SessionEpoch == record.Epoch ? user : null;
    }

    /// <summary>Ends one session, and says so to the live connections that may hold it.</summary>
    public async Task RevokeAsync(string token)
    {
        var value = await Db.StringGetAsync(keys.Token(token)).ConfigureAwait(false);
        await Db.KeyDeleteAsync(keys.Token(token)).ConfigureAwait(false);
        if (!value.IsNullOrEmpty && JsonSerializer.Deserialize<TokenRecord>(value.ToString(), Json) is { } record)
        {
            await users.PublishChangedAsync(record.UserId).ConfigureAwait(false);
        }
    }

    internal static string FormatMinutes(TimeSpan span) =>
        Math.Max(1, (int)Math.Ceiling(span.TotalMinutes)).ToString(CultureInfo.InvariantCulture);

    private sealed record TokenRecord(string UserId, DateTimeOffset ExpiresAt, int Epoch = 0);
}
