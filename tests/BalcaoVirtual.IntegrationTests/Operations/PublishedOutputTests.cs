using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.RegularExpressions;
using BalcaoVirtual.IntegrationTests.Support;

namespace BalcaoVirtual.IntegrationTests.Operations;

/// <summary>
/// The service as an operator installs it: <c>dotnet publish</c>, then the published dll started from another folder
/// with only its data folder set (as the systemd unit does), and the admin's password set anew from the shell.
/// </summary>
[NonParallelizable]
public sealed partial class PublishedOutputTests
{
    private const string NewPassword = "senha-nova-do-admin-42";

    private string work = null!;
    private string dll = null!;
    private string elsewhere = null!;
    private Dictionary<string, string> environment = null!;

    [OneTimeSetUp]
    public async Task PublishAsync()
    {
        work = TestServers.TempDir("published");
        var configuration = typeof(PublishedOutputTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        // --no-build: the same build the tests run against (test.sh builds the solution first).
        var publish = await Commands.RunAsync(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "publish", TestServers.RepoFile("src/BalcaoVirtual.Web/BalcaoVirtual.Web.csproj"), "-c", configuration, "--no-build", "-nologo", "-o", Path.Combine(work, "out") },
        });
        Assert.That(publish.ExitCode, Is.Zero, publish.Output);
        dll = Path.Combine(work, "out", "BalcaoVirtual.Web.dll");
        elsewhere = Path.Combine(work, "elsewhere");
        environment = new() { ["Storage__DataDir"] = Path.Combine(work, "data") };
    }

    [OneTimeTearDown]
    public void CleanUp() => Directory.Delete(work, recursive: true);

    [Test]
    public async Task PublishedService_RunsFromAnotherFolder_AndItsAdminPasswordCanBeSetFromTheShell()
    {
        var port = TestServers.FreePort();
        string firstPassword;
        using (var service = await ServiceProcess.StartPublishedAsync(dll, elsewhere, port, environment))
        {
            // The catalogue and the forensic calendars came with the published folder.
            using var http = new HttpClient { BaseAddress = new Uri(service.Url) };
            var units = await http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/units");
            Assert.That(units.GetArrayLength(), Is.EqualTo(8), "the sample catalogue's units");
            Assert.That(await http.GetStringAsync("/"), Does.Contain("Macapá"));

            // The generated password is printed after the start-up lines, not under them.
            var printed = await WaitForBoxAsync(service);
            firstPassword = PasswordLine().Match(printed).Groups[1].Value;
            var after = printed[printed.IndexOf("First start", StringComparison.Ordinal)..].Split('\n');
            Assert.That(after.Length, Is.LessThan(16), "what follows the first-start box (the box, then the host's three lines):" + Environment.NewLine + string.Join('\n', after));
            Assert.That(printed, Does.Not.Contain("Hangfire.BackgroundJobServer"), "Hangfire's start-up lines are kept at Warning");
            Assert.That(printed, Does.Contain("DataJud:ApiKey is not set"), "the missing DataJud key is named at start-up");
            Assert.That(await SignInAsync(http, firstPassword), Is.EqualTo(HttpStatusCode.OK));

            // Beside the running service (its embedded store is in use: the command talks to it).
            var refusedUnknown = await ResetAsync("ninguem@localhost", NewPassword);
            var refusedWeak = await ResetAsync("admin@localhost", "curta");
            Assert.That(refusedUnknown.ExitCode, Is.EqualTo(1), refusedUnknown.Output);
            Assert.That(refusedUnknown.Output, Does.Contain("No user has the e-mail 'ninguem@localhost'"));
            Assert.That(refusedWeak.ExitCode, Is.EqualTo(1), refusedWeak.Output);
            Assert.That(refusedWeak.Output, Does.Contain("at least 10 characters"));
            Assert.That(await SignInAsync(http, firstPassword), Is.EqualTo(HttpStatusCode.OK), "a refused command changes nothing");

            var before = await http.PostAsJsonAsync("/api/auth/token", new { email = "admin@localhost", password = firstPassword });
            var oldToken = (await before.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("token").GetString();
            var reset = await ResetAsync("ADMIN@localhost", NewPassword);
            Assert.That(reset.ExitCode, Is.Zero, reset.Output);
            using (var me = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me") { Headers = { Authorization = new("Bearer", oldToken) } })
            {
                Assert.That((await http.SendAsync(me)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a new password ends the sessions open before");
            }

            Assert.That(await SignInAsync(http, NewPassword), Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await SignInAsync(http, firstPassword), Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(service.HasExited, Is.False);
            service.KillHard();
        }

        // With the service stopped, the command opens the store itself; the service then starts on it as before.
        var offline = await ResetAsync("admin@localhost", NewPassword + "-2");
        Assert.That(offline.ExitCode, Is.Zero, offline.Output);
        using var restarted = await ServiceProcess.StartPublishedAsync(dll, elsewhere, port, environment);
        using var again = new HttpClient { BaseAddress = new Uri(restarted.Url) };
        Assert.That(await SignInAsync(again, NewPassword + "-2"), Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task TheImagesEnvironment_SetsWhereTheServiceListens_OverTheDefaultInAppsettings()
    {
        // The container listens where the Dockerfile's environment says (compose maps that port); appsettings.json has
        // its own Urls, and ASPNETCORE_URLS loses to it. Run with the Dockerfile's variables as they are, only the port
        // moved to a free one and "+" (any address) to loopback.
        var variables = DockerfileEnv().Matches(File.ReadAllText(TestServers.RepoFile("deploy/compose/Dockerfile")))
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim());
        var (key, url) = variables.Single(v => v.Value.StartsWith("http", StringComparison.Ordinal));
        Assert.That(url, Is.EqualTo("http://+:8080"), "compose.yaml maps the containers' port 8080");
        var port = TestServers.FreePort();
        var image = new Dictionary<string, string>(environment) { [key] = $"http://127.0.0.1:{port}" };

        using var service = await ServiceProcess.StartPublishedAsync(dll, elsewhere, port, image, portFromEnvironment: true);

        Assert.That(service.HasExited, Is.False);
        service.KillHard();
    }

    [Test]
    public void PublishedRuntimeConfig_CarriesTheMemoryAndThreadPoolSettings()
    {
        // docs/benchmarks.md, goal 4: one GC heap; full collections in the background (the embedded store's data is on it).
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(dll, ".runtimeconfig.json")));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.Multiple(() =>
        {
            Assert.That(properties.GetProperty("System.GC.Server").GetBoolean(), Is.False);
            Assert.That(properties.GetProperty("System.GC.Concurrent").GetBoolean(), Is.True);
            // Webhooks must not wait for the pool to grow while bot turns block threads on their transactions' conditions.
            Assert.That(properties.GetProperty("System.Threading.ThreadPool.MinThreads").GetInt32(), Is.EqualTo(64));
        });
    }

    [Test]
    public async Task AdminCommand_RefusesAFolderWithoutData_InsteadOfOpeningAnEmptyStore()
    {
        var result = await Commands.RunAsync(ServiceProcess.Command(dll, TestServers.TempDir("no-data"), "admin", "reset-password", "admin@localhost"), NewPassword);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.Output);
        Assert.That(result.Output, Does.Contain("There is no data folder at").And.Contain("Storage:DataDir"));
    }

    private static async Task<string> WaitForBoxAsync(ServiceProcess service)
    {
        var printed = "";
        await TestServers.WaitUntilAsync(() =>
        {
            printed = File.ReadAllText(service.LogFile);
            return Task.FromResult(printed.Contains("Lost it?", StringComparison.Ordinal) && printed.Contains("Content root path", StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(20), "the first-start box and the end of start-up on the console", () => printed);
        return printed;
    }

    private Task<(int ExitCode, string Output)> ResetAsync(string email, string password)
    {
        var start = ServiceProcess.Command(dll, elsewhere, "admin", "reset-password", email);
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return Commands.RunAsync(start, password);
    }

    private static async Task<HttpStatusCode> SignInAsync(HttpClient http, string password) =>
        (await http.PostAsJsonAsync("/api/auth/token", new { email = "admin@localhost", password })).StatusCode;

    [GeneratedRegex(@"^ENV\s+([A-Za-z_][A-Za-z0-9_]*)=(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex DockerfileEnv();

    [GeneratedRegex(@"password: (\S+)")]
    private static partial Regex PasswordLine();
}
