using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Auth;

namespace BalcaoVirtual.IntegrationTests.Api;

[NonParallelizable]
public sealed partial class BootstrapAdminTests
{
    [Test]
    public async Task Bootstrap_CreatesAdminOnce_AndNotAgainOnLaterStarts()
    {
        string prefix;
        await using (var first = new ApiFactory())
        {
            prefix = first.KeyPrefix;
            using var admin = await first.AdminClientAsync();
            Assert.That(await admin.GetFromJsonAsync<UserView[]>("/api/users"), Has.Length.EqualTo(1));
        }

        // A later start with other bootstrap settings on the same store must not create a second admin.
        await using var second = new ApiFactory(
            new Dictionary<string, string?> { ["Auth:BootstrapAdmin:Email"] = "other@trt8.jus.br", ["Auth:BootstrapAdmin:Password"] = "outra-senha-12345" },
            keyPrefix: prefix);
        using var client = second.CreateClient();
        var otherSignIn = await client.PostAsJsonAsync("/api/auth/token", new { email = "other@trt8.jus.br", password = "outra-senha-12345" });
        using var original = await second.AdminClientAsync();
        var users = await original.GetFromJsonAsync<UserView[]>("/api/users");

        Assert.That(otherSignIn.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(users!.Select(u => u.Email), Is.EqualTo(new[] { ApiFactory.AdminEmail }));
    }

    [Test]
    public async Task Bootstrap_PrintsGeneratedPasswordOnce_WhenNoneConfigured()
    {
        var console = new StringWriter();
        var previous = BootstrapAdmin.Console;
        BootstrapAdmin.Console = console;
        try
        {
            await using var factory = new ApiFactory(new Dictionary<string, string?>
            {
                ["Auth:BootstrapAdmin:Email"] = null,
                ["Auth:BootstrapAdmin:Password"] = null,
            });
            _ = factory.Server; // start the host
            var match = PasswordLine().Match(console.ToString());
            Assert.That(match.Success, Is.True, "the generated password was not printed");

            var token = await factory.TokenAsync("admin@localhost", match.Groups[1].Value);
            Assert.That(token, Is.Not.Empty);
        }
        finally
        {
            BootstrapAdmin.Console = previous;
        }
    }

    [GeneratedRegex(@"password: (\S+)")]
    private static partial Regex PasswordLine();
}
