using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BalcaoVirtual.IntegrationTests.Support;
using StackExchange.Redis;

namespace BalcaoVirtual.IntegrationTests.Storage;

/// <summary>The data-protection keys in the store: encrypted with the court's certificate when one is configured.</summary>
public sealed class KeyProtectionTests
{
    [Test]
    public async Task Keys_AreKeptEncrypted_WithTheConfiguredCertificate_AndStillProtectTheForms()
    {
        var pfx = Path.Combine(TestServers.TempDir("keys"), "balcao.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=balcao-data-protection", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            // Its validity does not matter to data protection; a long one keeps the file usable whatever the date.
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(50));
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "senha-do-certificado"));
        }

        await using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["DataProtection:CertificatePath"] = pfx,
            ["DataProtection:CertificatePassword"] = "senha-do-certificado",
        });
        using var browser = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        using var signIn = await SignInForm.PostAsync(browser, "/entrar", "/entrar", ApiFactory.AdminEmail, ApiFactory.AdminPassword);
        Assert.That(signIn.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Redirect), "the antiforgery token made with an encrypted key reads back");

        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        var stored = string.Join("\n", (await redis.GetDatabase().ListRangeAsync($"{factory.KeyPrefix}:dataprotection-keys")).Select(v => v.ToString()));
        Assert.That(stored, Does.Contain("encryptedSecret").And.Not.Contain("unencrypted form"));
    }
}
