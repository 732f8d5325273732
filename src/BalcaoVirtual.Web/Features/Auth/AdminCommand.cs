using System.Globalization;
using BalcaoVirtual.Web.Features.Privacy;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Auth;

/// <summary>
/// The service's commands for the server's shell, with the service's own settings (appsettings.json, environment,
/// <c>--Key=value</c>): <c>dotnet BalcaoVirtual.Web.dll admin reset-password &lt;e-mail&gt;</c> sets a user's password,
/// read from standard input (typed twice, unseen, at a terminal). It works beside a running service: on the embedded
/// store it connects to the running one.
/// </summary>
internal static class AdminCommand
{
    public const string Verb = "admin";

    private const int UsageError = 64; // sysexits.h EX_USAGE

    private static readonly string Usage =
        """
        usage: dotnet BalcaoVirtual.Web.dll admin reset-password <e-mail> [--Setting=value ...]
          Sets the password of the user with that e-mail, read from standard input.
          Run it from the service's working directory, with its settings (the same environment file).
        """;

    public static bool Handles(string[] args) => args is [Verb, ..];

    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        if (args is not [Verb, "reset-password", var email, .. var settings] || email.StartsWith('-'))
        {
            await error.WriteLineAsync(Usage).ConfigureAwait(false);
            return UsageError;
        }

        var password = await ReadPasswordAsync(input, output).ConfigureAwait(false);
        if (password is null)
        {
            await error.WriteLineAsync("The two passwords typed differ; nothing was changed.").ConfigureAwait(false);
            return 1;
        }

        string[] store;
        string? problem;
        try
        {
            store = StoreSettings(settings, out problem);
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("The embedded store", StringComparison.Ordinal))
        {
            (store, problem) = ([], ex.Message);
        }

        if (problem is not null)
        {
            await error.WriteLineAsync(problem).ConfigureAwait(false);
            return 1;
        }

        await using var app = ServiceHost.Build([.. settings, .. store]);
        var auth = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        if (!auth.IsLongEnough(password))
        {
            await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"The password must have at least {auth.MinPasswordLength} characters (Auth:MinPasswordLength); nothing was changed.")).ConfigureAwait(false);
            return 1;
        }

        var users = app.Services.GetRequiredService<UserStore>();
        var user = await users.FindByEmailAsync(User.NormalizeEmail(email)).ConfigureAwait(false);
        if (user is null)
        {
            await error.WriteLineAsync($"No user has the e-mail '{email}'; nothing was changed. The users are listed at /admin/users.").ConfigureAwait(false);
            return 1;
        }

        var hash = app.Services.GetRequiredService<IPasswordHasher<User>>().HashPassword(user, password);
        if (await users.UpdateAsync(user.Id, now => (now with { PasswordHash = hash }).WithSessionsEnded()).ConfigureAwait(false) is null)
        {
            await error.WriteLineAsync($"The user '{email}' was removed meanwhile; nothing was changed.").ConfigureAwait(false);
            return 1;
        }

        await app.Services.GetRequiredService<SignInService>().ClearFailuresAsync(user.Email).ConfigureAwait(false);
        await app.Services.GetRequiredService<AuditTrail>().RecordAsync("user.update", user.Id, "password (server shell)", who: AuditWords.Shell).ConfigureAwait(false);
        await output.WriteLineAsync($"The password of {user.Email} was changed.{(user.Disabled ? " The account is disabled: an admin must enable it in Usuários." : "")}").ConfigureAwait(false);
        return 0;
    }

    /// <summary>
    /// On the embedded store, the settings that reach it: the running service's store when one runs on the data folder
    /// (two servers must never share it), else none (the command starts it itself). A data folder that does not exist
    /// is a problem: a command run from the wrong folder would otherwise find no users in a new, empty store.
    /// </summary>
    private static string[] StoreSettings(string[] settings, out string? problem)
    {
        problem = null;
        // Read from the configuration alone: building the service would already start the store.
        var storage = ServiceHost.CreateBuilder(settings).Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        if (storage.Mode != StorageMode.Embedded)
        {
            return [];
        }

        var dataDir = Path.GetFullPath(storage.DataDir);
        if (!Directory.Exists(dataDir))
        {
            problem = $"There is no data folder at '{dataDir}' (setting Storage:DataDir): run this from the service's working directory, or set Storage__DataDir.";
            return [];
        }

        return EmbeddedGarnet.RunningConnection(dataDir) is { } running ? ["--Storage:Mode=Redis", "--Storage:Redis=" + running] : [];
    }

    /// <summary>One line from a pipe; at a terminal, typed twice without echo (null when the two differ).</summary>
    private static async Task<string?> ReadPasswordAsync(TextReader input, TextWriter output)
    {
        if (!ReferenceEquals(input, Console.In) || Console.IsInputRedirected)
        {
            return (await input.ReadLineAsync().ConfigureAwait(false)) ?? "";
        }

        var first = Prompt(output, "New password: ");
        var second = Prompt(output, "Again: ");
        return first == second ? first : null;
    }

    private static string Prompt(TextWriter output, string label)
    {
        output.Write(label);
        var typed = new System.Text.StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                typed.Length = Math.Max(0, typed.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }

        output.WriteLine();
        return typed.ToString();
    }
}
