using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web;

namespace BalcaoVirtual.IntegrationTests.Api;

/// <summary>A wrong setting stops the service with a message that names it, and no stack trace.</summary>
[NonParallelizable]
public sealed class StartupErrorTests
{
    [Test]
    public async Task RunAsync_Exits2_NamingFileUnitAndField_ForBadCatalogue()
    {
        var path = Path.Combine(TestServers.TempDir("catalog"), "bad.json");
        var sample = await File.ReadAllTextAsync(TestServers.RepoFile("deploy/units/trt8.sample.json"));
        await File.WriteAllTextAsync(path, sample.Replace("https://meet.google.com/bvt-mcpa-210", "http://meet.google.com/bvt-mcpa-210", StringComparison.Ordinal));

        var (code, error) = await RunAsync($"--Units:Catalog={path}");

        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain(path).And.Contain("unit 'trt8-vt-macapa-7' field 'videoDeskUrl'").And.Not.Contain("   at "));
    }

    [Test]
    public async Task RunAsync_Exits2_NamingFileAndField_ForBadCalendarFile()
    {
        var dir = TestServers.TempDir("calendar");
        await File.WriteAllTextAsync(Path.Combine(dir, "trt8-2027.closures.json"), """{"court":"TRT8","closures":[{"date":"2027-02-30","name":"x"}]}""");

        var (code, error) = await RunAsync($"--Calendar:Directory={dir}");

        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("trt8-2027.closures.json', closures[0]: 'date' must be yyyy-MM-dd").And.Not.Contain("   at "));
    }

    [TestCase("--Storage:Redis=", "Storage:Redis")]
    [TestCase("--Storage:Mode=Postgres", "Storage:Mode")]
    [TestCase("--Storage:KeyPrefix=has space", "KeyPrefix")]
    [TestCase("--Auth:MaxFailedAttempts=0", "MaxFailedAttempts")]
    [TestCase("--Auth:TokenLifetime=forever", "Auth:TokenLifetime")]
    [TestCase("--Storage:Colour=blue", "Colour")]
    [TestCase("--Auth:Oidc:Authority=sso.trt8.jus.br", "Auth:Oidc:Authority")]
    [TestCase("--Auth:Oidc:Authority=https://sso.trt8.jus.br/realms/trt8", "Auth:Oidc:ClientId")]
    [TestCase("--Auth:Oidc:Realm=trt8", "Realm")]
    [TestCase("--Meta:AppSecret=segredo", "Meta:AccessToken")]
    [TestCase("--Meta:GraphVersion=21", "Meta:GraphVersion")]
    [TestCase("--WhatsApp:AnswerWaiting:TwilioContentSid=HX1", "WhatsApp:AnswerWaiting:TwilioContentSid")]
    [TestCase("--Mail:AutoRepliesPerSenderPerDay=-1", "AutoRepliesPerSenderPerDay")]
    [TestCase("--PublicSite:BaseUrl=balcao.trt8.jus.br", "PublicSite:BaseUrl")]
    [TestCase("--DataProtection:CertificatePath=/nao/existe/balcao.pfx", "DataProtection:CertificatePath")]
    [TestCase("--PublicSite:BaseUrl=https://balcao.trt8.jus.br/?x=1", "PublicSite:BaseUrl")]
    public async Task RunAsync_Exits2_NamingTheKey_ForBadSetting(string setting, string key)
    {
        var (code, error) = await RunAsync(setting);

        Assert.That(code, Is.EqualTo(2), error);
        Assert.That(error, Does.Contain(key));
    }

    [Test]
    public async Task RunAsync_Exits2_NamingTheAddress_WhenAnotherProgramListensThere()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((System.Net.IPEndPoint)taken.LocalEndpoint).Port}";

        var (code, error) = await RunAsync($"--urls={url}");

        Assert.That(code, Is.EqualTo(2), error);
        Assert.That(error, Does.Contain(url).And.Contain("--urls").And.Not.Contain("   at "));
    }

    private static async Task<(int Code, string Error)> RunAsync(string setting)
    {
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            var code = await ServiceHost.RunAsync(
            [
                "--urls=http://127.0.0.1:0", "--Storage:Mode=Redis", $"--Storage:Redis={TestServers.Redis}",
                "--Auth:BootstrapAdmin:Password=senha-de-teste-123", setting,
            ]).WaitAsync(TimeSpan.FromSeconds(60));
            return (code, error.ToString());
        }
        finally
        {
            Console.SetError(previous);
        }
    }
}
