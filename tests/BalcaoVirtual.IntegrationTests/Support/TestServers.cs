using System.Diagnostics;
using StackExchange.Redis;

namespace BalcaoVirtual.IntegrationTests.Support;

/// <summary>The real servers these tests need, as ./test.sh provides them.</summary>
internal static class TestServers
{
    public const string RedisVariable = "BALCAO_TEST_REDIS";

    /// <summary>The redis-server that ./test.sh started; fails the test with a how-to when there is none.</summary>
    public static string Redis
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(RedisVariable);
            if (string.IsNullOrWhiteSpace(value))
            {
                Assert.Fail(
                    $"No Redis for the integration tests: {RedisVariable} is not set. Run ./test.sh, which starts one, or start " +
                    $"'redis-server --port 6390 --bind 127.0.0.1 --save \"\"' and set {RedisVariable}=127.0.0.1:6390.");
            }

            return value!;
        }
    }

    public const string SmtpVariable = "BALCAO_TEST_SMTP";
    public const string MaildirVariable = "BALCAO_TEST_MAILDIR";

    /// <summary>The SMTP server ./test.sh started (aiosmtpd on 127.0.0.1), as "host:port".</summary>
    public static string Smtp => Required(SmtpVariable, "an SMTP server", "python3 -m aiosmtpd -n -l 127.0.0.1:2525 -c aiosmtpd.handlers.Mailbox /tmp/maildir");

    /// <summary>The Maildir that SMTP server delivers every message to.</summary>
    public static string Maildir => Required(MaildirVariable, "the SMTP server's Maildir", "the folder given to aiosmtpd.handlers.Mailbox");

    /// <summary>Settings that send the service's e-mail to the test SMTP server.</summary>
    public static Dictionary<string, string?> SmtpSettings()
    {
        var (host, port) = (Smtp[..Smtp.LastIndexOf(':')], Smtp[(Smtp.LastIndexOf(':') + 1)..]);
        return new() { ["Smtp:Host"] = host, ["Smtp:Port"] = port, ["Smtp:Security"] = "None" };
    }

    public const string ImapVariable = "BALCAO_TEST_IMAP";
    public const string ImapPasswordVariable = "BALCAO_TEST_IMAP_PASSWORD";

    /// <summary>The IMAP server ./test.sh started (Dovecot on 127.0.0.1: any user name, one password), as "host:port".</summary>
    public static string Imap => Required(ImapVariable, "an IMAP server", "dovecot with a static passdb (see test.sh)");

    public static string ImapPassword => Required(ImapPasswordVariable, "the IMAP test password", "the static passdb password of that Dovecot");

    private static string Required(string variable, string what, string howTo)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            Assert.Fail($"Missing {what} for the integration tests: {variable} is not set. Run ./test.sh, which starts one, or start '{howTo}' and set {variable}.");
        }

        return value!;
    }

    /// <summary>A file of this repository, found upwards from the test binaries.</summary>
    public static string RepoFile(string relative) =>
        BalcaoVirtual.Web.Infrastructure.Files.FindUpwards(relative, AppContext.BaseDirectory) ?? throw new FileNotFoundException(relative);

    /// <summary>The TRT8 sample catalogue with one unit edited, written to a temporary file; its path.</summary>
    public static string SampleCatalogWith(string unitId, Action<System.Text.Json.Nodes.JsonNode> edit) =>
        SampleCatalog(doc => edit(doc["units"]!.AsArray().Single(u => (string?)u!["id"] == unitId)!));

    /// <summary>The TRT8 sample catalogue as edited by <paramref name="edit"/> (on the whole document), written to a new file.</summary>
    public static string SampleCatalog(Action<System.Text.Json.Nodes.JsonNode> edit)
    {
        var doc = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(RepoFile("deploy/units/trt8.sample.json")))!;
        edit(doc);
        var path = Path.Combine(TempDir("catalog"), "units.json");
        File.WriteAllText(path, doc.ToJsonString());
        return path;
    }

    public static int FreePort() => BalcaoVirtual.Web.Infrastructure.Storage.EmbeddedGarnet.FreeLoopbackPort();

    public static string TempDir(string purpose)
    {
        var dir = Path.Combine(Path.GetTempPath(), "balcao-tests", $"{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>
    /// Polls until the condition holds or the deadline passes; no fixed sleeps. On a timeout the failure adds what
    /// <paramref name="explain"/> says (what is still pending, a node's output).
    /// </summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string>? explain = null)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > timeout)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:F0} s waiting for {what}.{(explain is null ? "" : Environment.NewLine + explain())}");
            }

            await Task.Delay(20);
        }
    }
}

/// <summary>A redis-server of the test's own, with append-only persistence in a temporary folder, for restart tests.</summary>
internal sealed class RedisServerProcess : IDisposable
{
    private Process? process;

    public RedisServerProcess(string dataDir)
    {
        DataDir = dataDir;
        Port = TestServers.FreePort();
    }

    public string DataDir { get; }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("redis-server")
        {
            ArgumentList =
            {
                "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                "--dir", DataDir, "--appendonly", "yes", "--appendfsync", "always", "--save", "",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail("redis-server is not installed: run ./test.sh (it installs it), or 'apt-get install redis-server'.");
        }

        process!.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await TestServers.WaitUntilAsync(async () =>
        {
            try
            {
                await using var c = await ConnectionMultiplexer.ConnectAsync(ConnectionString);
                return c.IsConnected;
            }
            catch (RedisConnectionException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20), "redis-server to accept connections");
    }

    /// <summary>SIGKILL: no chance to flush anything it has not already written.</summary>
    public void Kill()
    {
        process?.Kill(entireProcessTree: true);
        process?.WaitForExit();
        process?.Dispose();
        process = null;
    }

    public void Dispose() => Kill();
}
