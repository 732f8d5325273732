using System.Security.Claims;
using BalcaoVirtual.Web.Features.Auth;

namespace BalcaoVirtual.Tests.Features.Auth;

public sealed class UserClaimsTests
{
    [Test]
    public void CanAccessUnit_IsTrue_ForClerkOfThatUnit() =>
        Assert.That(Principal(clerkOf: ["a"]).CanAccessUnit("a"), Is.True);

    [Test]
    public void CanAccessUnit_IsFalse_ForClerkOfAnotherUnit() =>
        Assert.That(Principal(clerkOf: ["a"]).CanAccessUnit("b"), Is.False);

    [Test]
    public void CanAccessUnit_IsTrue_ForManagerOfThatUnit() =>
        Assert.That(Principal(managerOf: ["b"]).CanAccessUnit("b"), Is.True);

    [Test]
    public void CanAccessUnit_IsTrue_ForAdminOnAnyUnitAndOnUnroutedConversations()
    {
        var admin = Principal(isAdmin: true);
        Assert.That(admin.CanAccessUnit("z") && admin.CanAccessUnit(null), Is.True);
    }

    [Test]
    public void CanAccessUnit_IsFalse_ForClerkOnConversationWithoutUnit() =>
        Assert.That(Principal(clerkOf: ["a"]).CanAccessUnit(null), Is.False);

    private static ClaimsPrincipal Principal(bool isAdmin = false, string[]? managerOf = null, string[]? clerkOf = null) =>
        new(new ClaimsIdentity(UserClaims.From(new User
        {
            Id = "u1",
            Email = "x@trt8.jus.br",
            Name = "X",
            PasswordHash = "h",
            IsAdmin = isAdmin,
            ManagerOf = managerOf ?? [],
            ClerkOf = clerkOf ?? [],
        }), "test"));
}
