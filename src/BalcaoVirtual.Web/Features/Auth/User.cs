namespace BalcaoVirtual.Web.Features.Auth;

/// <summary>A person who signs in: an admin, or a manager or clerk of some units.</summary>
public sealed record User
{
    public required string Id { get; init; }

    public required string Email { get; init; }

    public required string Name { get; init; }

    public required string PasswordHash { get; init; }

    public bool IsAdmin { get; init; }

    public IReadOnlyList<string> ManagerOf { get; init; } = [];

    public IReadOnlyList<string> ClerkOf { get; init; } = [];

    public bool Disabled { get; init; }

    /// <summary>
    /// Sessions carry the epoch they were issued in and end when it moves on: a new password, or the account disabled
    /// (re-enabling it does not bring old sessions back).
    /// </summary>
    public int SessionEpoch { get; init; }

    /// <summary>The same user with every session ended.</summary>
    public User WithSessionsEnded() => this with { SessionEpoch = SessionEpoch + 1 };

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The court's identity provider's "issuer|subject" this user signs in as; null for a password-only user.</summary>
    public string? ExternalId { get; init; }

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();
}
