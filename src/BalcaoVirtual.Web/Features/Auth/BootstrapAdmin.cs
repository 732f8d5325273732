using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

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
    ILogger<BootstrapAdmin> logger) : IHostedService
{
    internal const string DefaultEmail = "admin@localhost";

    /// <summary>Where the generated password is written; the console unless a test says otherwise.</summary>
    internal static TextWriter Console { get; set; } = System.Console.Out;

    public async Task StartAsync(CancellationToken cancellationToken)
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
            await Console.WriteLineAsync(
                $"""

                 ==========================================================================
                  First start: an administrator was created.
                    e-mail:   {admin.Email}
                    password: {password}
                  This password is shown only this once. Sign in and create named users.
                 ==========================================================================

                 """).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string GeneratePassword() =>
        RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 20);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bootstrap administrator created (user {UserId})")]
    private static partial void LogCreated(ILogger logger, string userId);
}
