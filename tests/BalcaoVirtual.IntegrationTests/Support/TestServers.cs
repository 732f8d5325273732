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

    /// <summary>
    /// A loopback port that refuses connections for as long as the result lives: bound, never listening, so no server of
    /// another fixture running beside this one can take it meanwhile (a port merely found free could be).
    /// </summary>
    public static ClosedPort RefusingPort() => new();

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

/// <summary>
/// A redis-server of the test's own, with append-only persistence in a temporary folder, for restart tests; with
/// <paramref name="extraArgs"/> a replica (--replicaof), or with a config file and --sentinel a Sentinel.
/// </summary>
internal sealed class RedisServerProcess : IDisposable
{
    private readonly string[] extraArgs;
    private readonly string? configFile;
    private Process? process;

    public RedisServerProcess(string dataDir, params string[] extraArgs)
    {
        DataDir = dataDir;
        Port = TestServers.FreePort();
        this.extraArgs = extraArgs;
    }

    private RedisServerProcess(string dataDir, string configFile)
        : this(dataDir, new[] { "--sentinel" }) => this.configFile = configFile;

    /// <summary>
    /// A Sentinel on a port of its own watching <paramref name="masterPort"/> as <paramref name="service"/>, quorum 2,
    /// the master judged down after 1 s (Sentinel rewrites its file, so each has one in its own folder).
    /// </summary>
    public static RedisServerProcess Sentinel(string dir, string service, int masterPort)
    {
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "sentinel.conf");
        var sentinel = new RedisServerProcess(dir, file);
        File.WriteAllText(file, string.Join('\n',
            $"port {sentinel.Port}", "bind 127.0.0.1", $"dir {dir}",
            $"sentinel monitor {service} 127.0.0.1 {masterPort} 2",
            $"sentinel down-after-milliseconds {service} 1000",
            $"sentinel failover-timeout {service} 5000",
            $"sentinel parallel-syncs {service} 1", ""));
        return sentinel;
    }

    public string DataDir { get; }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public async Task StartAsync()
    {
        Directory.CreateDirectory(DataDir);
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true };
        IEnumerable<string> args = configFile is null
            ? ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                "--dir", DataDir, "--appendonly", "yes", "--appendfsync", "always", "--save", "", .. extraArgs]
            : [configFile, .. extraArgs];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

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
            // A plain PING: a Sentinel answers it too (a multiplexer only counts as connected to a data server).
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                var answer = new byte[64];
                var read = await stream.ReadAsync(answer);
                return System.Text.Encoding.ASCII.GetString(answer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
            }
            catch (System.Net.Sockets.SocketException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20), "redis-server to accept connections", () => process.HasExited ? $"redis-server exited with code {process.ExitCode}" : "");
    }

    /// <summary>A command through redis-cli (a Sentinel takes no multiplexer): its reply, one line per element.</summary>
    public async Task<string[]> CliAsync(params string[] command)
    {
        var start = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Concat(command))
        {
            start.ArgumentList.Add(arg);
        }

        using var cli = Process.Start(start)!;
        var output = await cli.StandardOutput.ReadToEndAsync();
        await cli.WaitForExitAsync();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
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

/// <summary>See <see cref="TestServers.RefusingPort"/>.</summary>
internal sealed class ClosedPort : IDisposable
{
    private readonly System.Net.Sockets.Socket socket = new(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);

    public ClosedPort() => socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));

    public int Port => ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port;

    public void Dispose() => socket.Dispose();
}
