using System.Security.Claims;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Features.Units;

namespace BalcaoVirtual.Tests.Features.Auth;

public sealed class OidcSignInTests
{
    private static readonly UnitCatalog Trt8 = UnitCatalogLoader.LoadFile(RepoPaths.File("deploy", "units", "trt8.sample.json"));
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static ClaimsPrincipal Principal(string? email, params string[] roles) =>
        new(new ClaimsIdentity(
            (email is null ? [] : new[] { new Claim("email", email), new Claim("name", "Maria Souza") })
                .Concat(roles.Select(r => new Claim("roles", r))),
            "oidc"));

    [Test]
    public void Map_GivesRolesAndKnownUnits_FromTheProvidersRoles()
    {
        var (user, refusal) = OidcSignIn.Map(
            Principal("Maria@TRT8.jus.br", "balcao-admin", "balcao-gestor:trt8-vt-macapa-7", "balcao-servidor:trt8-vt-belem-1", "balcao-servidor:nao-existe", "uma_authorization"),
            null, new OidcOptions(), Trt8, Now);

        Assert.That(refusal, Is.Null);
        Assert.That((user!.Email, user.Name, user.IsAdmin, user.ManagerOf.Single(), user.ClerkOf.Single(), user.PasswordHash),
            Is.EqualTo(("maria@trt8.jus.br", "Maria Souza", true, "trt8-vt-macapa-7", "trt8-vt-belem-1", "")));
    }

    [Test]
    public void Map_ReplacesTheRolesOfAnExistingUser_KeepingWhoTheyAre()
    {
        var existing = new User
        {
            Id = "u1", Email = "maria@trt8.jus.br", Name = "Maria", PasswordHash = "hash", ClerkOf = ["trt8-vt-macapa-7"], IsAdmin = true, CreatedAt = Now.AddDays(-9),
        };

        var (user, _) = OidcSignIn.Map(Principal("maria@trt8.jus.br", "balcao-servidor:trt8-vt-belem-1"), existing, new OidcOptions(), Trt8, Now);

        Assert.That((user!.Id, user.PasswordHash, user.CreatedAt, user.IsAdmin, user.ClerkOf.Single()), Is.EqualTo(("u1", "hash", Now.AddDays(-9), false, "trt8-vt-belem-1")));
    }

    [TestCase(null, "balcao-admin", "PageSignInSsoNoEmail")]
    [TestCase("joao@trt8.jus.br", "offline_access", "PageSignInSsoNoRole")]
    [TestCase("joao@trt8.jus.br", "balcao-servidor:nao-existe", "PageSignInSsoNoRole")]
    public void Map_Refuses_WithoutEmailOrRole(string? email, string role, string reason)
    {
        var (user, refusal) = OidcSignIn.Map(Principal(email, role), null, new OidcOptions(), Trt8, Now);

        Assert.That((user, refusal), Is.EqualTo(((User?)null, reason)));
    }

    [Test]
    public void Map_Refuses_ADisabledUser()
    {
        var disabled = new User { Id = "u2", Email = "joao@trt8.jus.br", Name = "João", PasswordHash = "", Disabled = true };

        Assert.That(OidcSignIn.Map(Principal("joao@trt8.jus.br", "balcao-admin"), disabled, new OidcOptions(), Trt8, Now).Refusal, Is.EqualTo("PageSignInSsoDisabled"));
    }

    private static User Account(string id, string email, string passwordHash = "hash", string? externalId = null, bool isAdmin = false) =>
        new() { Id = id, Email = email, Name = "Nome " + id, PasswordHash = passwordHash, ExternalId = externalId, IsAdmin = isAdmin, CreatedAt = Now };

    [Test]
    public void Link_TheIdentityAlreadyLinked_SignsInAsItsUser_WhateverTheEmail()
    {
        var linked = Account("u1", "maria@trt8.jus.br", externalId: "https://sso|kc-1");

        Assert.That(OidcSignIn.Link(linked, Account("u2", "outra@trt8.jus.br"), emailVerified: "false", new OidcOptions()), Is.EqualTo((linked, (string?)null)));
    }

    [TestCase("false", false)]
    [TestCase(null, false)]
    [TestCase("true", false)]
    [TestCase("false", true)]
    [TestCase(null, true)]
    public void Link_NeverTakesOverAPasswordAccount_ByAnEmailAlone(string? verified, bool allowed)
    {
        var admin = Account("admin", "admin@tribunal.test", isAdmin: true);

        var (existing, refusal) = OidcSignIn.Link(null, admin, verified, new OidcOptions { LinkVerifiedEmails = allowed });

        Assert.That((existing, refusal), Is.EqualTo(((User?)null, "PageSignInSsoConflict")));
    }

    [Test]
    public void Link_TakesOverAnAccountWithTheSameEmail_OnlyVerified_AndWhenTheCourtAllowsIt()
    {
        var clerk = Account("u3", "joao@trt8.jus.br");

        Assert.That(OidcSignIn.Link(null, clerk, emailVerified: "true", new OidcOptions { LinkVerifiedEmails = true }).Existing, Is.SameAs(clerk));
        Assert.That(OidcSignIn.Link(null, clerk with { ExternalId = "https://sso|kc-9" }, emailVerified: "true", new OidcOptions { LinkVerifiedEmails = true }).Refusal,
            Is.EqualTo("PageSignInSsoConflict"), "linked to another identity already");
        Assert.That(OidcSignIn.Link(null, Account("u4", "ana@trt8.jus.br", passwordHash: ""), emailVerified: null, new OidcOptions()).Existing?.Id,
            Is.EqualTo("u4"), "an account the provider made before links were kept (Entra ID sends no email_verified)");
        Assert.That(OidcSignIn.Link(null, Account("u5", "rui@trt8.jus.br", passwordHash: ""), emailVerified: "false", new OidcOptions()).Refusal,
            Is.EqualTo("PageSignInSsoConflict"), "unless the provider says the e-mail is not verified");
        Assert.That(OidcSignIn.Link(null, null, emailVerified: "false", new OidcOptions()), Is.EqualTo(((User?)null, (string?)null)), "a new user");
    }

    [Test]
    public void KeepLastAdmin_ASignInNeverDemotesOrRenamesTheLastAdministrator()
    {
        var admin = Account("admin", "admin@tribunal.test", isAdmin: true);
        var demoted = admin with { IsAdmin = false, Name = "Outro Nome", ClerkOf = ["trt8-vt-macapa-7"] };

        Assert.That(OidcSignIn.KeepLastAdmin(admin, demoted, activeAdmins: 1), Is.EqualTo(demoted with { IsAdmin = true, Name = admin.Name }));
        Assert.That(OidcSignIn.KeepLastAdmin(admin, demoted, activeAdmins: 2), Is.EqualTo(demoted), "another admin remains");
    }
}
