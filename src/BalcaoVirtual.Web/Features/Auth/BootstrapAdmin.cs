using System.Security.Cryptography;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Auth;

/// <summary>
/// On the very first start (no user ever bootstrapped), creates the admin from Auth:BootstrapAdmin, or with a
/// generated password printed once on the console (never to the log). Later starts do nothing.
/// </summary>
internal sealed partial class BootstrapAdmin(
    UserStore users,
    IPasswordHasher<User> hasher,
    IOptions<AuthOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<BootstrapAdmin> logger) : IHostedService
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);
    private Task? retries;

    internal const string DefaultEmail = "admin@localhost";

    /// <summary>Where the generated password is written; the console unless a test says otherwise.</summary>
    internal static TextWriter Console { get; set; } = System.Console.Out;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await EnsureAdminAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (StoreAway(ex))
        {
            // The store is down at start-up: keep serving (readiness says 503) and try again until it answers.
            LogStoreDown(logger);
            retries = StoreRetry.UntilItAnswersAsync(EnsureAdminAsync, StoreAway, RetryInterval, time, lifetime.ApplicationStopping);
        }
    }

    // A timeout is a TimeoutException, not a RedisException.
    private static bool StoreAway(Exception ex) => ex is RedisException or TimeoutException;

    private async Task EnsureAdminAsync()
    {
        if (await users.CountAsync().ConfigureAwait(false) > 0)
        {
            return;
        }

        var configured = options.Value.BootstrapAdmin;
        var email = string.IsNullOrWhiteSpace(configured.Email) ? DefaultEmail : configured.Email.Trim();
        var generated = string.IsNullOrEmpty(configured.Password);
        var password = generated ? GeneratePassword() : configured.Password!;
        var admin = new User
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()).ToString("N"),
            Email = User.NormalizeEmail(email),
            Name = "Administrador",
            PasswordHash = "",
            IsAdmin = true,
            CreatedAt = time.GetUtcNow(),
        };
        admin = admin with { PasswordHash = hasher.HashPassword(admin, password) };

        if (!await users.TryCreateBootstrapAdminAsync(admin).ConfigureAwait(false))
        {
            return; // another node got there first, or an admin was bootstrapped before
        }

        LogCreated(logger, admin.Id);
        if (generated)
        {
            // After the start-up lines, so that it is the last thing on the console rather than scrolled away;
            // at once when the service is already up (the store came back later).
            var box = $"""

                 ==========================================================================
                  First start: an administrator was created.
                    e-mail:   {admin.Email}
                    password: {password}
                  This password is shown only this once. Sign in at /entrar and create named users.
                  Lost it? From the service's folder: dotnet BalcaoVirtual.Web.dll admin reset-password {admin.Email}
                 ==========================================================================

                 """;
            lifetime.ApplicationStarted.Register(() => Console.WriteLine(box));
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (retries is not null)
        {
            await retries.ConfigureAwait(false);
        }
    }

    private static string GeneratePassword() =>
        RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 20);

    [LoggerMessage(Level = LogLevel.Error, Message = "The store does not answer; the first administrator will be created when it does")]
    private static partial void LogStoreDown(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bootstrap administrator created (user {UserId})")]
    private static partial void LogCreated(ILogger logger, string userId);
}
