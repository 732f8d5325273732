using System.Net.Mail;
using System.Security.Claims;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Resources;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Auth;

public sealed record CreateUserRequest(
    string? Email, string? Name, string? Password, bool? IsAdmin, IReadOnlyList<string>? ManagerOf, IReadOnlyList<string>? ClerkOf);

/// <summary>A partial change: absent fields stay as they are.</summary>
public sealed record UpdateUserRequest(
    string? Name, string? Password, bool? IsAdmin, IReadOnlyList<string>? ManagerOf, IReadOnlyList<string>? ClerkOf, bool? Disabled);

/// <summary>A user as the admin API shows it: never the password hash.</summary>
public sealed record UserView(
    string Id, string Email, string Name, bool IsAdmin, IReadOnlyList<string> ManagerOf, IReadOnlyList<string> ClerkOf, bool Disabled, DateTimeOffset CreatedAt)
{
    public static UserView From(User u) => new(u.Id, u.Email, u.Name, u.IsAdmin, u.ManagerOf, u.ClerkOf, u.Disabled, u.CreatedAt);
}

internal static class UserEndpoints
{
    public static async Task<Ok<IEnumerable<UserView>>> ListAsync(UserStore users) =>
        TypedResults.Ok((await users.ListAsync().ConfigureAwait(false)).Select(UserView.From));

    public static async Task<Results<Ok<UserView>, NotFoundProblem>> GetAsync(string id, UserStore users) =>
        await users.GetAsync(id).ConfigureAwait(false) is { } user
            ? TypedResults.Ok(UserView.From(user))
            : new NotFoundProblem(Texts.UserNotFound);

    public static async Task<Results<Created<UserView>, ValidationProblem, ConflictProblem>> CreateAsync(
        CreateUserRequest? request, UserStore users, UnitCatalog catalog, IPasswordHasher<User> hasher,
        IOptions<AuthOptions> options, Privacy.AuditTrail trail, TimeProvider time)
    {
        if (request is null)
        {
            return Problems.Validation(("email", Texts.UserEmailInvalid));
        }

        var errors = new List<(string, string)>();
        if (string.IsNullOrWhiteSpace(request.Email) || !MailAddress.TryCreate(request.Email.Trim(), out var parsed) ||
            parsed.Address != request.Email.Trim())
        {
            errors.Add(("email", Texts.UserEmailInvalid));
        }

        if (string.IsNullOrWhiteSpace(request.Name))
        {
            errors.Add(("name", Texts.UserNameRequired));
        }

        CheckPassword(request.Password, options.Value, errors, required: true);
        CheckUnits(request.ManagerOf, "managerOf", catalog, errors);
        CheckUnits(request.ClerkOf, "clerkOf", catalog, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation([.. errors]);
        }

        var user = new User
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()).ToString("N"),
            Email = User.NormalizeEmail(request.Email!),
            Name = request.Name!.Trim(),
            PasswordHash = "",
            IsAdmin = request.IsAdmin ?? false,
            ManagerOf = Distinct(request.ManagerOf),
            ClerkOf = Distinct(request.ClerkOf),
            CreatedAt = time.GetUtcNow(),
        };
        user = user with { PasswordHash = hasher.HashPassword(user, request.Password!) };
        if (!await users.TryCreateAsync(user).ConfigureAwait(false))
        {
            return new ConflictProblem(Texts.UserEmailTaken);
        }

        await trail.RecordAsync("user.create", user.Id, Roles(user)).ConfigureAwait(false);
        return TypedResults.Created($"/api/users/{user.Id}", UserView.From(user));
    }

    public static async Task<Results<Ok<UserView>, ValidationProblem, NotFoundProblem, ConflictProblem>> UpdateAsync(
        string id, UpdateUserRequest? request, ClaimsPrincipal caller, UserStore users, UnitCatalog catalog,
        IPasswordHasher<User> hasher, IOptions<AuthOptions> options, Privacy.AuditTrail trail)
    {
        var user = await users.GetAsync(id).ConfigureAwait(false);
        if (user is null)
        {
            return new NotFoundProblem(Texts.UserNotFound);
        }

        if (request is null)
        {
            return TypedResults.Ok(UserView.From(user));
        }

        var errors = new List<(string, string)>();
        if (request.Name is not null && string.IsNullOrWhiteSpace(request.Name))
        {
            errors.Add(("name", Texts.UserNameRequired));
        }

        CheckPassword(request.Password, options.Value, errors, required: false);
        CheckUnits(request.ManagerOf, "managerOf", catalog, errors);
        CheckUnits(request.ClerkOf, "clerkOf", catalog, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation([.. errors]);
        }

        // An admin who removes their own admin role or disables themselves could leave nobody to manage users.
        if (caller.UserId() == id && (request.IsAdmin == false || request.Disabled == true))
        {
            return new ConflictProblem(Texts.UserCannotDemoteSelf);
        }

        var hash = request.Password is null ? null : hasher.HashPassword(user, request.Password);
        var updated = await users.UpdateAsync(id, now =>
        {
            // Only what the request names changes: a field someone else changed meanwhile keeps their value.
            var changed = now with
            {
                Name = request.Name?.Trim() ?? now.Name,
                IsAdmin = request.IsAdmin ?? now.IsAdmin,
                ManagerOf = request.ManagerOf is null ? now.ManagerOf : Distinct(request.ManagerOf),
                ClerkOf = request.ClerkOf is null ? now.ClerkOf : Distinct(request.ClerkOf),
                Disabled = request.Disabled ?? now.Disabled,
                PasswordHash = hash ?? now.PasswordHash,
            };
            return hash is not null || (changed.Disabled && !now.Disabled) ? changed.WithSessionsEnded() : changed;
        }).ConfigureAwait(false);
        if (updated is null)
        {
            return new NotFoundProblem(Texts.UserNotFound);
        }

        await trail.RecordAsync("user.update", id, Roles(updated) + (request.Password is null ? "" : " password") + (updated.Disabled ? " disabled" : "")).ConfigureAwait(false);
        return TypedResults.Ok(UserView.From(updated));
    }

    /// <summary>The roles, as the audit trail records them: "admin manager:a clerk:b".</summary>
    private static string Roles(User user) =>
        string.Join(' ', (user.IsAdmin ? ["admin"] : Array.Empty<string>())
            .Concat(user.ManagerOf.Select(u => "manager:" + u)).Concat(user.ClerkOf.Select(u => "clerk:" + u)));

    /// <summary>The one password rule (<see cref="AuthOptions.IsLongEnough"/>), as a field error.</summary>
    internal static void CheckPassword(string? password, AuthOptions options, List<(string, string)> errors, bool required, string field = "password")
    {
        if ((required || password is not null) && !options.IsLongEnough(password))
        {
            errors.Add((field, Texts.Format(nameof(Texts.UserPasswordTooShort), options.MinPasswordLength)));
        }
    }

    private static void CheckUnits(IReadOnlyList<string>? units, string field, UnitCatalog catalog, List<(string, string)> errors)
    {
        foreach (var unit in units ?? [])
        {
            if (!catalog.Contains(unit))
            {
                errors.Add((field, Texts.Format(nameof(Texts.UserUnknownUnit), unit)));
            }
        }
    }

    private static string[] Distinct(IReadOnlyList<string>? units) => [.. (units ?? []).Distinct(StringComparer.Ordinal)];
}
