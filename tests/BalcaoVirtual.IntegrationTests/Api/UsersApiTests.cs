using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Auth;

namespace BalcaoVirtual.IntegrationTests.Api;

public sealed class UsersApiTests
{
    private ApiFactory factory = null!;

    [SetUp]
    public void SetUp() => factory = new ApiFactory();

    [TearDown]
    public async Task TearDown() => await factory.DisposeAsync();

    [Test]
    public async Task Create_ReturnsUserWithoutHash_AndTheUserCanSignIn()
    {
        using var admin = await factory.AdminClientAsync();

        var response = await admin.PostAsJsonAsync("/api/users", new
        {
            email = "Clerk.Macapa@trt8.jus.br", name = "Servidora", password = "senha-forte-123", clerkOf = new[] { "trt8-vt-macapa-7" },
        });
        var body = await response.Content.ReadAsStringAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(body, Does.Not.Contain("passwordHash").And.Not.Contain("senha-forte-123"));
            Assert.That(await factory.TokenAsync("clerk.macapa@trt8.jus.br", "senha-forte-123"), Is.Not.Empty);
        });
    }

    [Test]
    public async Task Create_Is409_ForAnEmailAlreadyUsed()
    {
        using var admin = await factory.AdminClientAsync();
        var user = new { email = "dup@trt8.jus.br", name = "A", password = "senha-forte-123" };

        await admin.PostAsJsonAsync("/api/users", user);
        var second = await admin.PostAsJsonAsync("/api/users", user);

        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
    }

    [Test]
    public async Task Create_Is400_NamingEachBadField()
    {
        using var admin = await factory.AdminClientAsync();

        var response = await admin.PostAsJsonAsync("/api/users", new { email = "not-an-email", name = "", password = "curta", clerkOf = new[] { "no-such-unit" } });
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(errors.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "email", "name", "password", "clerkOf" }));
    }

    [Test]
    public async Task UsersApi_Is403_ForClerk()
    {
        using var clerk = await factory.ClientForNewUserAsync("clerk@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);

        var list = await clerk.GetAsync("/api/users");
        var create = await clerk.PostAsJsonAsync("/api/users", new { email = "x@trt8.jus.br", name = "X", password = "senha-forte-123", isAdmin = true });

        Assert.That(list.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(create.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Patch_ChangesRoles_AndTheNewRolesApplyToTheNextRequest()
    {
        using var admin = await factory.AdminClientAsync();
        using var clerk = await factory.ClientForNewUserAsync("clerk@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);
        var id = (await clerk.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("id").GetString();

        var before = await clerk.GetAsync("/api/conversations?unit=trt8-vt-maraba-1");
        var patch = await admin.PatchAsJsonAsync($"/api/users/{id}", new { managerOf = new[] { "trt8-vt-maraba-1" } });
        var after = await clerk.GetAsync("/api/conversations?unit=trt8-vt-maraba-1");
        var view = await patch.Content.ReadFromJsonAsync<UserView>();

        Assert.Multiple(() =>
        {
            Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(patch.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(view!.ClerkOf, Is.EqualTo(new[] { "trt8-vt-macapa-7" }));
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task Patch_Disable_RevokesAccessImmediately_AndBlocksSignIn()
    {
        using var admin = await factory.AdminClientAsync();
        using var clerk = await factory.ClientForNewUserAsync("clerk@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);
        var id = (await clerk.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("id").GetString();

        await admin.PatchAsJsonAsync($"/api/users/{id}", new { disabled = true });
        var withOldToken = await clerk.GetAsync("/api/auth/me");
        using var anonymous = factory.CreateClient();
        var signIn = await anonymous.PostAsJsonAsync("/api/auth/token", new { email = "clerk@trt8.jus.br", password = "senha-forte-do-servidor" });

        Assert.That(withOldToken.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(signIn.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Patch_DisableThenEnable_DoesNotBringOldSessionsBack()
    {
        using var admin = await factory.AdminClientAsync();
        using var clerk = await factory.ClientForNewUserAsync("clerk@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);
        var id = (await clerk.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("id").GetString();

        await admin.PatchAsJsonAsync($"/api/users/{id}", new { disabled = true });
        await admin.PatchAsJsonAsync($"/api/users/{id}", new { disabled = false });

        Assert.That((await clerk.GetAsync("/api/auth/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        using var again = await factory.ClientAsAsync("clerk@trt8.jus.br", "senha-forte-do-servidor");
        Assert.That((await again.GetAsync("/api/auth/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "a new sign-in works");
    }

    [Test]
    public async Task Patch_NewPassword_EndsEverySessionOfThatUser_AndNoOneElses()
    {
        using var admin = await factory.AdminClientAsync();
        using var clerk = await factory.ClientForNewUserAsync("clerk@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);
        using var clerkElsewhere = await factory.ClientAsAsync("clerk@trt8.jus.br", "senha-forte-do-servidor");
        var id = (await clerk.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("id").GetString();

        var changed = await admin.PatchAsJsonAsync($"/api/users/{id}", new { password = "outra-senha-bem-longa" });

        Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await clerk.GetAsync("/api/auth/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await clerkElsewhere.GetAsync("/api/auth/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await admin.GetAsync("/api/auth/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Patch_Is409_WhenAdminDisablesThemselves()
    {
        using var admin = await factory.AdminClientAsync();
        var id = (await admin.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("id").GetString();

        var response = await admin.PatchAsJsonAsync($"/api/users/{id}", new { disabled = true });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
    }

    [Test]
    public async Task Patch_Is404_ForUnknownUser()
    {
        using var admin = await factory.AdminClientAsync();

        var response = await admin.PatchAsJsonAsync("/api/users/does-not-exist", new { disabled = true });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
