using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Features.Privacy;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Api;

/// <summary>POST /api/auth/password: everyone changes their own password, after the current one.</summary>
public sealed class OwnPasswordTests
{
    private const string Email = "clara@trt8.jus.br";
    private const string Old = "senha-forte-do-servidor";
    private const string New = "outra-senha-bem-longa";

    private static async Task<JsonElement> ErrorsAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");

    [Test]
    public async Task WrongCurrentPassword_Is400_NamingTheField()
    {
        await using var factory = new ApiFactory();
        using var clerk = await factory.ClientForNewUserAsync(Email, clerkOf: ["trt8-vt-macapa-7"]);

        var response = await clerk.PostAsJsonAsync("/api/auth/password", new { currentPassword = "nao-e-esta-senha", newPassword = New, confirmation = New });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await ErrorsAsync(response)).GetProperty("currentPassword")[0].GetString(), Is.EqualTo("A senha atual não confere."));
    }

    [Test]
    public async Task WeakOrUnconfirmedNewPassword_Is400_NamingEachField()
    {
        await using var factory = new ApiFactory();
        using var clerk = await factory.ClientForNewUserAsync(Email, clerkOf: ["trt8-vt-macapa-7"]);

        var response = await clerk.PostAsJsonAsync("/api/auth/password", new { currentPassword = Old, newPassword = "curta", confirmation = "outra" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var errors = await ErrorsAsync(response);
        Assert.That(errors.GetProperty("newPassword")[0].GetString(), Is.EqualTo("A senha deve ter pelo menos 10 caracteres."));
        Assert.That(errors.GetProperty("confirmation")[0].GetString(), Is.EqualTo("A confirmação não é igual à nova senha."));
        using var again = await factory.ClientAsAsync(Email, Old);
        Assert.That((await again.GetAsync("/api/auth/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "nothing changed");
    }

    [Test]
    public async Task Success_NewPasswordWorks_OldFails_OtherSessionsEnd_ThisOneStays_AndItIsAudited()
    {
        await using var factory = new ApiFactory();
        using var clerk = await factory.ClientForNewUserAsync(Email, clerkOf: ["trt8-vt-macapa-7"]);
        using var otherDevice = await factory.ClientAsAsync(Email, Old);

        var response = await clerk.PostAsJsonAsync("/api/auth/password", new { currentPassword = Old, newPassword = New, confirmation = New });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await response.Content.ReadAsStringAsync());
        Assert.That((await clerk.GetAsync("/api/auth/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the session that changed it stays");
        Assert.That((await otherDevice.GetAsync("/api/auth/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the other sessions end");
        using var anonymous = factory.CreateClient();
        Assert.That((await anonymous.PostAsJsonAsync("/api/auth/token", new { email = Email, password = Old })).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await anonymous.PostAsJsonAsync("/api/auth/token", new { email = Email, password = New })).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var user = await factory.Services.GetRequiredService<UserStore>().FindByEmailAsync(Email);
        var today = DateOnly.FromDateTime(factory.Time.GetUtcNow().UtcDateTime);
        var (records, _) = await factory.Services.GetRequiredService<AuditTrail>().SearchAsync(today, today, new AuditFilter(null, "user.password", null), 10);
        Assert.That(records.Select(r => (r.Who, r.Action, r.Target)), Is.EqualTo(new[] { (user!.Id, "user.password", (string?)user.Id) }));
        Assert.That(records.Single().Detail, Does.Not.Contain(Old).And.Not.Contain(New));
    }

    [Test]
    public async Task RepeatedWrongCurrentPasswords_LockLikeASignIn()
    {
        await using var factory = new ApiFactory();
        using var clerk = await factory.ClientForNewUserAsync(Email, clerkOf: ["trt8-vt-macapa-7"]);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await clerk.PostAsJsonAsync("/api/auth/password", new { currentPassword = "errada-" + i + "-xxxxx", newPassword = New, confirmation = New })).StatusCode);
        }

        Assert.That(statuses[..5], Is.All.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(statuses[5], Is.EqualTo(HttpStatusCode.TooManyRequests), "five wrong passwords lock, as on the sign-in page");
    }

    [Test]
    public async Task SingleSignOnOnlyUser_IsToldTheCourtsProviderManagesThePassword()
    {
        await using var factory = new ApiFactory();
        using var clerk = await factory.ClientForNewUserAsync(Email, clerkOf: ["trt8-vt-macapa-7"]);
        var store = factory.Services.GetRequiredService<UserStore>();
        var user = await store.FindByEmailAsync(Email);
        await store.UpdateAsync(user!.Id, u => u with { PasswordHash = "", ExternalId = "https://sso.example|clara" });
        // Clearing the hash does not end sessions: the same token still works.
        var me = await clerk.GetFromJsonAsync<JsonElement>("/api/auth/me");

        var response = await clerk.PostAsJsonAsync("/api/auth/password", new { currentPassword = Old, newPassword = New, confirmation = New });

        Assert.That(me.GetProperty("passwordManagedByProvider").GetBoolean(), Is.True);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString(), Does.Contain("provedor de identidade do tribunal"));
    }
}
