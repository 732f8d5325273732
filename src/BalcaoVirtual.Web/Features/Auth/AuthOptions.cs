using System.ComponentModel.DataAnnotations;

namespace BalcaoVirtual.Web.Features.Auth;

public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>How long a sign-in token stays valid.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(10);

    /// <summary>Failed sign-ins for one e-mail, within <see cref="FailureWindow"/>, that lock it.</summary>
    [Range(1, 100)]
    public int MaxFailedAttempts { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    [Range(8, 128)]
    public int MinPasswordLength { get; set; } = 10;

    public BootstrapAdminOptions BootstrapAdmin { get; set; } = new();
}

public sealed class BootstrapAdminOptions
{
    /// <summary>E-mail of the first admin, created when the store has no user at all.</summary>
    public string? Email { get; set; }

    /// <summary>Password of the first admin; when absent one is generated and printed once on the console.</summary>
    public string? Password { get; set; }
}
