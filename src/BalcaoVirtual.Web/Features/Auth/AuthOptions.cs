using System.ComponentModel.DataAnnotations;

namespace BalcaoVirtual.Web.Features.Auth;

public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>How long a sign-in token stays valid.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(10);

    /// <summary>Failed sign-ins for one e-mail from one client address, within <see cref="FailureWindow"/>, that lock that address out of it.</summary>
    [Range(1, 100)]
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>Failed sign-ins from one client address, whatever the e-mails, within <see cref="FailureWindow"/>, that lock the address out.</summary>
    /// <remarks>High enough for a court whose clerks all leave through one address (their typos add up there).</remarks>
    [Range(1, 10_000)]
    public int MaxFailedAttemptsPerAddress { get; set; } = 100;

    /// <summary>Failed sign-ins for one e-mail from anywhere, within <see cref="FailureWindow"/>, after which it takes one attempt per <see cref="AccountSlowdownInterval"/>.</summary>
    [Range(1, 10_000)]
    public int AccountSlowdownAfter { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AccountSlowdownInterval { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    [Range(8, 128)]
    public int MinPasswordLength { get; set; } = 10;

    /// <summary>The one password rule, for the users API and the shell's <c>admin reset-password</c>.</summary>
    public bool IsLongEnough(string? password) => password is not null && password.Length >= MinPasswordLength;

    public BootstrapAdminOptions BootstrapAdmin { get; set; } = new();

    public OidcOptions Oidc { get; set; } = new();
}

/// <summary>
/// Single sign-on with the court's OpenID Connect provider (Keycloak, say): off until <see cref="Authority"/> is set.
/// The provider's roles decide who is admin and of which units one is manager or clerk, at every sign-in.
/// </summary>
public sealed class OidcOptions
{
    /// <summary>The provider's issuer URL, e.g. https://sso.trt8.jus.br/realms/trt8; empty: no single sign-on.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>The client's secret (a confidential client); give it by environment variable, never in a file in the repository.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Only for a provider on a test machine: allows an http:// authority.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The ID-token claim with the user's roles (a Keycloak "User Realm Role" mapper, multivalued, in the ID token).</summary>
    [Required]
    public string RoleClaim { get; set; } = "roles";

    /// <summary>The role that makes an administrator.</summary>
    [Required]
    public string AdminRole { get; set; } = "balcao-admin";

    /// <summary>Prefix of the roles that make a manager of a unit: "balcao-gestor:trt8-vt-macapa-7".</summary>
    [Required]
    public string ManagerRolePrefix { get; set; } = "balcao-gestor:";

    /// <summary>Prefix of the roles that make a clerk of a unit: "balcao-servidor:trt8-vt-macapa-7".</summary>
    [Required]
    public string ClerkRolePrefix { get; set; } = "balcao-servidor:";

    /// <summary>
    /// Whether a first sign-in may take over an existing password account with the same e-mail, when the provider
    /// says the e-mail is verified. Off: such a sign-in is refused, and an admin links the accounts (or turns this on).
    /// </summary>
    public bool LinkVerifiedEmails { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}

public sealed class BootstrapAdminOptions
{
    /// <summary>E-mail of the first admin, created when the store has no user at all.</summary>
    public string? Email { get; set; }

    /// <summary>Password of the first admin; when absent one is generated and printed once on the console.</summary>
    public string? Password { get; set; }
}
