using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace BalcaoVirtual.IntegrationTests.Support;

/// <summary>
/// The real service in a process of its own (the built BalcaoVirtual.Web.dll, Production environment), for the tests
/// that kill it with SIGKILL or run several nodes. It keeps what the service printed, to fail with it, and writes all
/// of it to <c>service.log</c> in its work folder (kept when the test fails), each start marked.
/// </summary>
internal sealed class ServiceProcess : IDisposable
{
    private readonly Process process;
    private readonly StreamWriter log;
    private readonly ConcurrentQueue<string> output = new();
    private readonly ConcurrentQueue<string> problems = new();
    private bool keepNext;

    private ServiceProcess(Process process, int httpPort, string logFile)
    {
        this.process = process;
        log = new StreamWriter(new FileStream(logFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        lock (log)
        {
            log.WriteLine($"--- {DateTimeOffset.UtcNow:O} started process {process.Id} on port {httpPort.ToString(CultureInfo.InvariantCulture)} ---");
        }

        Url = $"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>The node's own address (not the proxy's).</summary>
    public string Url { get; }

    public bool HasExited => process.HasExited;

    /// <summary>Every warning or error it printed (with the line after, where the exception is named), then its last lines.</summary>
    public string Output => string.Join(Environment.NewLine,
        problems.Append("--- last lines ---").Concat(output.TakeLast(40)).Prepend(process.HasExited ? $"exit code {process.ExitCode}" : "running")
            .Append($"--- whole log: {LogFile} ---"));

    /// <summary>Everything every run of the service in this work folder printed.</summary>
    public string LogFile { get; private init; } = "";

    /// <summary>
    /// Settings every test node needs: the sample catalogue, a bootstrap admin, Twilio's test account signed for
    /// <paramref name="publicUrl"/>. Callers add the store and what they test.
    /// </summary>
    public static Dictionary<string, string> BaseSettings(string publicUrl) => new(StringComparer.Ordinal)
    {
        ["Units:Catalog"] = TestServers.RepoFile("deploy/units/trt8.sample.json"),
        ["Auth:BootstrapAdmin:Password"] = "senha-de-teste-123",
        ["Twilio:AccountSid"] = TwilioSigner.AccountSid,
        ["Twilio:AuthToken"] = TwilioSigner.AuthToken,
        ["Twilio:PublicBaseUrl"] = publicUrl,
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>Starts it in <paramref name="workDir"/> and waits until /health/ready answers 200.</summary>
    public static Task<ServiceProcess> StartAsync(string workDir, int httpPort, IReadOnlyDictionary<string, string> settings)
    {
        var start = Command(Path.Combine(AppContext.BaseDirectory, "BalcaoVirtual.Web.dll"), workDir);
        start.ArgumentList.Add($"--contentRoot={Path.GetDirectoryName(TestServers.RepoFile("src/BalcaoVirtual.Web/appsettings.json"))}");
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        return StartAsync(start, workDir, httpPort);
    }

    /// <summary>
    /// Starts a published service as an operator would: its dll from <paramref name="workDir"/> (another folder), with
    /// only <paramref name="environment"/> and the port given, and waits until /health/ready answers 200. With
    /// <paramref name="portFromEnvironment"/> the port is not given on the command line: the environment must say it.
    /// </summary>
    public static Task<ServiceProcess> StartPublishedAsync(
        string dll, string workDir, int httpPort, IReadOnlyDictionary<string, string> environment, bool portFromEnvironment = false)
    {
        var start = Command(dll, workDir);
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return StartAsync(start, workDir, httpPort, portFromEnvironment);
    }

    /// <summary><c>dotnet <paramref name="dll"/></c> in <paramref name="workDir"/>, in Production, its output read by the caller.</summary>
    public static ProcessStartInfo Command(string dll, string workDir, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        Directory.CreateDirectory(workDir);
        return start;
    }

    private static async Task<ServiceProcess> StartAsync(ProcessStartInfo start, string workDir, int httpPort, bool portFromEnvironment = false)
    {
        if (!portFromEnvironment)
        {
            start.ArgumentList.Insert(1, $"--urls=http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}");
        }

        var process = Process.Start(start)!;
        var logFile = Path.Combine(workDir, "service.log");
        var service = new ServiceProcess(process, httpPort, logFile) { LogFile = logFile };
        process.OutputDataReceived += (_, e) => service.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => service.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await WaitUntilReadyAsync(service, process, http);
        }
        catch
        {
            service.Dispose(); // never ready: not left running for the next test to collide with
            throw;
        }

        return service;
    }

    private static Task WaitUntilReadyAsync(ServiceProcess service, Process process, HttpClient http) =>
        TestServers.WaitUntilAsync(async () =>
        {
            if (process.HasExited)
            {
                Assert.Fail($"the service exited with code {process.ExitCode} before it was ready:{Environment.NewLine}{service.Output}");
            }

            try
            {
                using var ready = await http.GetAsync(service.Url + "/health/ready");
                return ready.IsSuccessStatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(90), $"the service at {service.Url} to be ready");

    /// <summary>SIGKILL: no shutdown, no flush; whatever was not committed is gone.</summary>
    public void KillHard()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    /// <summary>Resident memory (VmRSS) of the process now, in MiB.</summary>
    public double ResidentMiB()
    {
        process.Refresh();
        return process.WorkingSet64 / 1024.0 / 1024.0;
    }

    public void Dispose()
    {
        KillHard();
        process.Dispose();
        lock (log)
        {
            log.Dispose();
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            if (log.BaseStream.CanWrite)
            {
                log.WriteLine(line);
            }
        }

        if (keepNext || line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal)
            || line.StartsWith("warn:", StringComparison.Ordinal) || line.Contains("Exception", StringComparison.Ordinal))
        {
            keepNext = line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal) || line.StartsWith("warn:", StringComparison.Ordinal);
            if (problems.Count < 60)
            {
                problems.Enqueue(line);
            }
        }

        output.Enqueue(line);
        while (output.Count > 200 && output.TryDequeue(out _))
        {
        }
    }
}
