using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BalcaoVirtual.Web.Infrastructure;
using BalcaoVirtual.Web.Infrastructure.Storage;
using static BalcaoVirtual.Bench.BenchReport;

namespace BalcaoVirtual.Bench;

/// <summary>
/// The service's resident memory as a court runs it: the published folder, the Production environment, the
/// environment lines of deploy/systemd/balcao-virtual.service, data under its working directory. RSS once idle after
/// start-up, its peak (VmHWM) through a closed-loop burst of signed Twilio webhooks, and RSS once idle again.
/// Usage: dotnet BalcaoVirtual.Bench.dll memory --app published-folder [--redis host:port] [--idle 20] [--ingest 10]
/// [--connections 32] [--service-arg a]... [--service-env NAME=value]... [--out file]. bench/run-memory.sh publishes and runs both stores.
/// </summary>
internal static class MemoryBench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        var app = Path.GetFullPath(Arg(args, "--app") ?? AppContext.BaseDirectory);
        var idle = TimeSpan.FromSeconds(int.Parse(Arg(args, "--idle") ?? "20", Inv));
        var ingest = TimeSpan.FromSeconds(int.Parse(Arg(args, "--ingest") ?? "10", Inv));
        var connections = int.Parse(Arg(args, "--connections") ?? "32", Inv);
        var redis = Arg(args, "--redis");
        var extra = args.Select((a, i) => (a, i)).Where(p => p.a == "--service-arg" && p.i + 1 < args.Length).Select(p => args[p.i + 1]).ToArray();
        var environment = UnitEnvironment();
        foreach (var setting in args.Select((a, i) => (a, i)).Where(p => p.a == "--service-env" && p.i + 1 < args.Length).Select(p => args[p.i + 1].Split('=', 2)))
        {
            environment[setting[0]] = setting[1];
        }


        var report = BenchReport.Start("Service memory", $"; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the start.");
        report.AppendLine(Inv, $"Service: `{Path.Combine(app, "BalcaoVirtual.Web.dll")}`, Production; runtime settings {RuntimeSettings(app)}; environment (deploy/systemd, --service-env): {string.Join(' ', environment.Select(e => $"{e.Key}={e.Value}"))}{(extra.Length == 0 ? string.Empty : "; " + string.Join(' ', extra))}.");
        report.AppendLine(Inv, $"Idle = RSS {idle.TotalSeconds:F0} s after /health/ready; peak = VmHWM at the end of {ingest.TotalSeconds:F0} s of signed Twilio webhooks ({connections} connections, closed loop); after = RSS {idle.TotalSeconds:F0} s later, while the bot works off the queued turns (their replies go to a fake Twilio on loopback), and the highest RSS of the whole run.");
        report.AppendLine();
        report.AppendLine("| store | idle RSS MiB | of which anonymous / files / W^X shared | peak RSS MiB | webhooks/s (non-200) | after / highest MiB |");
        report.AppendLine("|---|---:|---|---:|---:|---:|");
        report.AppendLine(await MeasureAsync(app, null, idle, ingest, connections, environment, extra));
        if (redis is not null)
        {
            report.AppendLine(await MeasureAsync(app, redis, idle, ingest, connections, environment, extra));
        }

        BenchReport.Finish(report, args);
        return 0;
    }

    private static async Task<string> MeasureAsync(string app, string? redis, TimeSpan idle, TimeSpan ingest, int connections,
        Dictionary<string, string> environment, string[] extra)
    {
        var dir = Path.Combine(Path.GetTempPath(), "balcao-memory-" + Guid.NewGuid().ToString("N"));
        var port = EmbeddedGarnet.FreeLoopbackPort();
        var url = $"http://127.0.0.1:{port}";
        var (twilio, twilioUrl) = await WebhookBench.StartFakeTwilioAsync();
        using var twilioKilled = new WebhookBench.KilledOnDispose(twilio);
        using var service = WebhookBench.StartProcess(Path.Combine(app, "BalcaoVirtual.Web.dll"),
        [
            $"--urls={url}", "--environment=Production", "--Logging:LogLevel:Default=Warning",
            "--Auth:BootstrapAdmin:Password=bench-password-123",
            .. WebhookBench.TwilioArgs(url, twilioUrl),
            .. (redis is null ? [] : new[] { "--Storage:Mode=Redis", $"--Storage:Redis={redis}", "--Storage:KeyPrefix=bench" + Guid.NewGuid().ToString("N")[..12] }),
            .. extra,
        ], dir, environment);
        try
        {
            await WebhookBench.WaitReadyAsync(url + "/health/ready");
            await Task.Delay(idle);
            var (rss, anonymous, files, shared) = Resident(service.Id);
            var (rate, errors) = await WebhookBench.BurstAsync(url, connections, ingest);
            var peak = Status(service.Id, "VmHWM:");
            await Task.Delay(idle);
            var (after, highest) = (Status(service.Id, "VmRSS:"), Status(service.Id, "VmHWM:"));
            var store = redis is null ? $"embedded Garnet {EmbeddedGarnet.GarnetVersion}" : "redis-server (appendfsync always)";
            return string.Create(Inv, $"| {store} | {rss:F0} | {anonymous:F0} / {files:F0} / {shared:F0} | {peak:F0} | {rate:N0} ({errors}) | {after:F0} / {highest:F0} |");
        }
        catch (Exception) when (service.HasExited)
        {
            Console.Error.WriteLine($"The service exited with code {service.ExitCode}; its last output:");
            Console.Error.WriteLine(string.Join(Environment.NewLine, WebhookBench.ProcessOutput));
            throw;
        }
        finally
        {
            service.Kill(entireProcessTree: true);
            twilio.Kill(entireProcessTree: true);
            await service.WaitForExitAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>RSS and its parts in MiB: anonymous memory, mapped files (DLLs, native libraries), shared memory (the JIT's W^X double mapping).</summary>
    private static (double Rss, double Anonymous, double Files, double Shared) Resident(int pid)
    {
        var kib = File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("Rss", StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf(':', StringComparison.Ordinal)], Kib);
        return (Status(pid, "VmRSS:"), kib["RssAnon"] / 1024, kib["RssFile"] / 1024, kib["RssShmem"] / 1024);
    }

    private static double Status(int pid, string field) => Kib(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field, StringComparison.Ordinal))) / 1024;

    private static double Kib(string statusLine) => double.Parse(statusLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], Inv);

    /// <summary>The DOTNET_ and ASPNETCORE_ settings the shipped unit gives the service.</summary>
    private static Dictionary<string, string> UnitEnvironment() =>
        File.ReadLines(Files.FindUpwards("deploy/systemd/balcao-virtual.service", AppContext.BaseDirectory)
                ?? throw new FileNotFoundException("deploy/systemd/balcao-virtual.service not found above the bench"))
            .Where(l => l.StartsWith("Environment=", StringComparison.Ordinal))
            .Select(l => l["Environment=".Length..].Split('=', 2))
            .Where(p => p[0].StartsWith("DOTNET_", StringComparison.Ordinal) || p[0].StartsWith("ASPNETCORE_", StringComparison.Ordinal))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    /// <summary>The GC and runtime settings the published runtimeconfig.json carries.</summary>
    private static string RuntimeSettings(string app)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(app, "BalcaoVirtual.Web.runtimeconfig.json")));
        return string.Join(", ", config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").EnumerateObject()
            .Where(p => p.Name.StartsWith("System.GC.", StringComparison.Ordinal) || p.Name.StartsWith("System.Runtime.TieredPGO", StringComparison.Ordinal)
                || p.Name.StartsWith("System.Runtime.EnableWriteXorExecute", StringComparison.Ordinal))
            .Select(p => $"{p.Name}={p.Value}"));
    }
}
