using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using BalcaoVirtual.Web.Features.Channels.Twilio;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using static BalcaoVirtual.Bench.BenchReport;

namespace BalcaoVirtual.Bench;

/// <summary>
/// Signed Twilio webhooks at the real service (its own process, embedded store, default durability) with N
/// concurrent connections, beside the same load at a bare ASP.NET Core endpoint that only answers 200.
/// Then an open-loop run at half the service's peak for its latency. Finally the store is checked: with one wrk thread
/// per connection, every acknowledged MessageSid stored exactly once; with fewer threads (the default -t2) a bound:
/// every request sent is looked up, none may be stored twice, and at most as many may be missing as were not answered
/// 200 (cut off when wrk stopped, or refused).
/// Usage: dotnet BalcaoVirtual.Bench.dll webhook [--connections 32] [--seconds 10] [--generator dotnet|wrk]
/// [--requests 400000] [--wrk-threads 2] [--out file]
/// </summary>
internal static class WebhookBench
{
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private const string AuthToken = "bench-auth-token";
    private const int Contacts = 200;

    /// <summary>The wrk runs' warm-up: long enough for the tiered JIT to reach its final code.</summary>
    private const int WrkWarmSeconds = 15;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        var connections = int.Parse(Arg(args, "--connections") ?? "32", Inv);
        var seconds = int.Parse(Arg(args, "--seconds") ?? "10", Inv);
        var externalRedis = Arg(args, "--redis");
        var keyPrefix = externalRedis is null ? "bv" : "bench" + Guid.NewGuid().ToString("N")[..12];

        var barePort = EmbeddedGarnet.FreeLoopbackPort();
        using var bare = StartProcess(Path.Combine(AppContext.BaseDirectory, "BalcaoVirtual.Bench.dll"), ["bare", "--port", barePort.ToString(Inv)], null);
        using var bareKilled = new KilledOnDispose(bare);
        var bareUrl = $"http://127.0.0.1:{barePort}";
        await WaitReadyAsync(bareUrl + "/health");

        var (twilio, twilioUrl) = await StartFakeTwilioAsync();
        using var twilioKilled = new KilledOnDispose(twilio);
        var servicePort = EmbeddedGarnet.FreeLoopbackPort();
        var storePort = EmbeddedGarnet.FreeLoopbackPort();
        var dataDir = Path.Combine(Path.GetTempPath(), "balcao-webhook-bench-" + Guid.NewGuid().ToString("N"));
        var serviceUrl = $"http://127.0.0.1:{servicePort}";
        using var service = StartProcess(Path.Combine(AppContext.BaseDirectory, "BalcaoVirtual.Web.dll"),
        [
            $"--urls={serviceUrl}", "--environment=Production", "--Logging:LogLevel:Default=Warning",
            .. (externalRedis is null
                ? new[] { $"--Storage:DataDir={dataDir}", $"--Storage:EmbeddedPort={storePort}" }
                : ["--Storage:Mode=Redis", $"--Storage:Redis={externalRedis}", $"--Storage:KeyPrefix={keyPrefix}"]),
            $"--Units:Catalog={Files.FindUpwards("deploy/units/trt8.sample.json", AppContext.BaseDirectory)}",
            "--Auth:BootstrapAdmin:Password=bench-password-123",
            $"--contentRoot={Path.GetDirectoryName(Files.FindUpwards("src/BalcaoVirtual.Web/appsettings.json", AppContext.BaseDirectory))}",
            .. TwilioArgs(serviceUrl, twilioUrl),
            .. args.Select((a, i) => (a, i)).Where(p => p.a == "--service-arg" && p.i + 1 < args.Length).Select(p => args[p.i + 1]),
        ], dataDir);
        using var serviceKilled = new KilledOnDispose(service); // also when the run fails part way (a thrown check)
        await WaitReadyAsync(serviceUrl + "/health/ready");

        var generator = Arg(args, "--generator") ?? "dotnet";
        var measured = generator == "wrk"
            ? await MeasureWithWrkAsync(bareUrl, serviceUrl, connections, WrkThreads(args, connections), seconds, int.Parse(Arg(args, "--requests") ?? "400000", Inv))
            : await MeasureWithDotnetAsync(bareUrl, serviceUrl, connections, seconds);
        if (service.HasExited)
        {
            Console.Error.WriteLine($"The service exited with code {service.ExitCode} during the run; its last output:");
            Console.Error.WriteLine(string.Join(Environment.NewLine, ProcessOutput));
            return 2;
        }

        var (stored, duplicates, missing) = await VerifyAsync(externalRedis ?? EmbeddedGarnet.RunningConnection(dataDir) ?? $"127.0.0.1:{storePort}", keyPrefix, measured.Acked);

        var report = BenchReport.Start("Webhook benchmark", "; load generator, service and store share the machine.");
        var by = generator == "wrk" ? $"wrk -t{WrkThreads(args, connections)} with bench/wrk/twilio.lua over pre-signed requests, the same at the bare endpoint and at the service" : "the bench's own .NET HttpClient";
        report.AppendLine(Inv, $"Load: signed Twilio inbound webhooks (form, ~600 bytes, unique MessageSid, {Contacts} citizens), {connections} concurrent connections, {seconds} s per run after a {(generator == "wrk" ? WrkWarmSeconds : 2)} s warm-up; generator: {by}. The bot's replies go to a fake Twilio on loopback.");
        report.AppendLine();
        report.AppendLine(generator == "wrk"
            ? "| target | mode | requests/s | p50 ms | p90 ms | p99 ms | non-200 |"
            : "| target | mode | requests/s | p50 ms | p99 ms | p99.9 ms | non-200 |");
        report.AppendLine("|---|---|---:|---:|---:|---:|---:|");
        var store = $"{(externalRedis is null ? "embedded Garnet" : "external Redis")}{ServiceArgs(args)}";
        report.AppendLine(Row("bare ASP.NET Core endpoint (reads the form, answers 200)", $"closed loop, {connections} conn.", measured.Bare));
        report.AppendLine(Row($"Balcão Virtual /webhooks/twilio (verify, store, queue; {store})", $"closed loop, {connections} conn.", measured.Peak));
        report.AppendLine(Row("Balcão Virtual /webhooks/twilio", measured.PacedMode, measured.Paced));
        report.AppendLine();
        report.AppendLine(Inv, $"Service / bare ratio: {measured.Peak.Rate / measured.Bare.Rate:P1}.");
        report.AppendLine(Inv, $"Verification: {measured.Acked.Count} MessageSids {measured.AckedMeaning}; stored {stored}; stored twice {duplicates}; missing {missing}{(measured.MayBeMissing > 0 ? $" (at most {measured.MayBeMissing} may be: the requests not answered 200)" : "")}.");
        BenchReport.Finish(report, args);

        service.Kill(entireProcessTree: true); // before its data folder goes; the helpers go with their KilledOnDispose
        await service.WaitForExitAsync();
        Directory.Delete(dataDir, recursive: true);
        return duplicates == 0 && missing <= measured.MayBeMissing ? 0 : 1;
    }

    /// <summary>
    /// wrk's threads (<c>--wrk-threads</c>): 2 by default, as the issue measured both endpoints. With one thread per
    /// connection each answer is known to belong to its request, but wrk then spends more of the same two cores per request.
    /// </summary>
    private static int WrkThreads(string[] args, int connections) => Math.Min(connections, int.Parse(Arg(args, "--wrk-threads") ?? "2", Inv));

    /// <summary>
    /// What one comparison measured: three runs as table rows, and the MessageSids that must be stored, of which at most
    /// <paramref name="MayBeMissing"/> may be missing (requests sent but not answered 200, when it is not known which).
    /// </summary>
    private sealed record Measured(Run Bare, Run Peak, string PacedMode, Run Paced, List<string> Acked, string AckedMeaning, int MayBeMissing = 0);

    private static async Task<Measured> MeasureWithDotnetAsync(string bareUrl, string serviceUrl, int connections, int seconds)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseProxy = false })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        var sequence = 0;

        // Warm-up both (JIT, connections), then closed-loop peak runs.
        await ClosedLoopAsync(http, bareUrl, connections, TimeSpan.FromSeconds(2), () => Interlocked.Increment(ref sequence), serviceUrl);
        var bareRun = await ClosedLoopAsync(http, bareUrl, connections, TimeSpan.FromSeconds(seconds), () => Interlocked.Increment(ref sequence), serviceUrl);
        await ClosedLoopAsync(http, serviceUrl, connections, TimeSpan.FromSeconds(2), () => Interlocked.Increment(ref sequence), serviceUrl);
        var serviceRun = await ClosedLoopAsync(http, serviceUrl, connections, TimeSpan.FromSeconds(seconds), () => Interlocked.Increment(ref sequence), serviceUrl);
        var halfRate = serviceRun.Rate / 2;
        var paced = await OpenLoopAsync(http, serviceUrl, halfRate, TimeSpan.FromSeconds(seconds), () => Interlocked.Increment(ref sequence), serviceUrl);
        return new Measured(bareRun, serviceRun, $"open loop at {halfRate:F0}/s (half the peak)", paced, [.. serviceRun.AckedSids, .. paced.AckedSids], "acknowledged");
    }

    /// <summary>
    /// The same comparison with wrk (a load generator in C, far faster than the .NET client): the bare endpoint and
    /// the service at their peak over one file of pre-signed webhooks, then the service paced at about half its peak
    /// (a pause per connection: wrk cannot hold an exact rate, and its latency excludes the pause). What must then be
    /// stored: see <see cref="Measured"/> (each acknowledged request with one thread per connection, else a bound).
    /// </summary>
    private static async Task<Measured> MeasureWithWrkAsync(string bareUrl, string serviceUrl, int connections, int threads, int seconds, int requests)
    {
        const int WarmFirst = 50_000_000, PeakFirst = 60_000_000, PacedFirst = 70_000_000;
        var dir = Directory.CreateTempSubdirectory("balcao-wrk-");
        try
        {
            async Task<string> FileAsync(string name, int first, int lines)
            {
                var path = Path.Combine(dir.FullName, name);
                await WrkRun.WriteRequestsAsync(path, lines, async i =>
                {
                    var form = Form(first + i);
                    return (Signature(form, serviceUrl), await new FormUrlEncodedContent(form).ReadAsStringAsync());
                });
                return path;
            }

            // Warmed long enough for the tiered JIT to reach its final code (at 2 s, a fifth of the service's CPU in the
            // measured run was still the JIT compiling): a court's service runs for days, so the steady state is measured.
            var warm = await FileAsync("warm.txt", WarmFirst, WrkWarmSeconds * 8_000);
            var peakFile = await FileAsync("peak.txt", PeakFirst, requests);
            // Both endpoints with the same generator: wrk's threads take the same two cores as the service, so a heavier
            // generator at the service alone (one thread per connection, ~a third of the CPU at its peak) would lower the
            // service's figure and not the bare one's.
            await WrkRun.RunAsync(bareUrl, warm, threads, connections, WrkWarmSeconds);
            var bare = await WrkRun.RunAsync(bareUrl, peakFile, threads, connections, seconds); // the bare endpoint stores nothing
            await WrkRun.RunAsync(serviceUrl, warm, threads, connections, WrkWarmSeconds);
            var peak = await WrkRun.RunAsync(serviceUrl, peakFile, threads, connections, seconds);
            if (peak.Wrapped)
            {
                throw new InvalidOperationException($"a wrk thread went through its part of the file ({requests} requests in all) at the service: raise --requests.");
            }

            var half = peak.Rate / 2;
            var pacedFile = await FileAsync("paced.txt", PacedFirst, Math.Max(1000, (int)(half * seconds * 2)));
            var paced = await WrkRun.RunAsync(serviceUrl, pacedFile, threads, connections, seconds, delayMs: connections * 1000 / half);
            if (paced.Wrapped)
            {
                throw new InvalidOperationException("a wrk thread went through its part of the paced run's file: the pause per connection was too short.");
            }

            var mode = $"paced to ~{half:F0}/s (half the peak): {paced.Rate:F0}/s";
            var sentCounts = $"{peak.SentLines.Count + paced.SentLines.Count} sent by wrk: {peak.Other + paced.Other} answered otherwise, {peak.InFlight + paced.InFlight} cut off in flight when wrk stopped";
            if (threads < connections)
            {
                // A thread's answers do not say which of its connections' requests they belong to: every request sent is
                // looked up, and only as many as were not answered 200 may be missing.
                return new Measured(AsRun(bare), AsRun(peak), mode, AsRun(paced),
                    [.. peak.SentLines.Select(i => Sid(PeakFirst + i)), .. paced.SentLines.Select(i => Sid(PacedFirst + i))], $"sent ({sentCounts})",
                    peak.Other + paced.Other + peak.InFlight + paced.InFlight);
            }

            List<string> acknowledged = [.. peak.Acknowledged.Select(i => Sid(PeakFirst + i)), .. paced.Acknowledged.Select(i => Sid(PacedFirst + i))];
            return new Measured(AsRun(bare), AsRun(peak), mode, AsRun(paced), acknowledged, $"acknowledged with 200 (of {sentCounts})");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>A wrk run as a row: wrk reports p50, p90 and p99 (the row's three latency columns).</summary>
    private static Run AsRun(WrkRun run) => new(run.Rate, [], run.Other, [], (run.P50, run.P90, run.P99));

    /// <summary>The comparison point: ASP.NET Core reading the same form and answering 200 with empty TwiML.</summary>
    public static async Task<int> RunBareServerAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Arg(args, "--port")}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/health", () => Results.Ok());
        app.MapPost("/webhooks/twilio", async (HttpRequest request) =>
        {
            _ = await request.ReadFormAsync();
            return Results.Text(TwilioWebhook.EmptyTwiml, "text/xml");
        });

        // The same process, started apart, is the service's Twilio: a send is answered as Twilio's Messages API does.
        var sent = 0L;
        app.MapPost("/2010-04-01/Accounts/{accountSid}/Messages.json", async (HttpRequest request, string accountSid) =>
        {
            var form = await request.ReadFormAsync();
            return Results.Json(new Dictionary<string, object?>
            {
                ["sid"] = "SM" + Interlocked.Increment(ref sent).ToString("x32", Inv),
                ["account_sid"] = accountSid,
                ["to"] = form["To"].ToString(),
                ["from"] = form["From"].ToString(),
                ["status"] = "queued",
                ["api_version"] = "2010-04-01",
            }, statusCode: 201);
        });
        await app.RunAsync();
        return 0;
    }

    /// <summary>A closed-loop burst of signed webhooks at a running service (no warm-up): requests/s and non-200 answers.</summary>
    internal static async Task<(double Rate, int Errors)> BurstAsync(string serviceUrl, int connections, TimeSpan duration)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseProxy = false })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        var sequence = 0;
        var run = await ClosedLoopAsync(http, serviceUrl, connections, duration, () => Interlocked.Increment(ref sequence), serviceUrl);
        return (run.Rate, run.Errors);
    }

    /// <summary>The service's Twilio settings for these webhooks; its replies go to <paramref name="apiBaseUrl"/>.</summary>
    internal static string[] TwilioArgs(string serviceUrl, string apiBaseUrl) =>
    [
        $"--Twilio:AccountSid={AccountSid}", $"--Twilio:AuthToken={AuthToken}", $"--Twilio:PublicBaseUrl={serviceUrl}",
        $"--Twilio:ApiBaseUrl={apiBaseUrl}",
    ];

    /// <summary>
    /// A fake Twilio on loopback (this program's bare server, which also answers the Messages API), so the bot's replies
    /// are sent as in production. Without one they fail and are retried: thousands of exceptions a second, which took
    /// the cores from the webhooks being measured.
    /// </summary>
    internal static async Task<(Process Process, string Url)> StartFakeTwilioAsync()
    {
        var port = EmbeddedGarnet.FreeLoopbackPort();
        var process = StartProcess(Path.Combine(AppContext.BaseDirectory, "BalcaoVirtual.Bench.dll"), ["bare", "--port", port.ToString(Inv)], null);
        var url = $"http://127.0.0.1:{port}";
        await WaitReadyAsync(url + "/health");
        return (process, url);
    }

    /// <summary>A run's rate and latencies: every latency measured, or three percentiles another tool reported.</summary>
    private sealed record Run(double Rate, double[] LatenciesMs, int Errors, List<string> AckedSids, (double, double, double)? Percentiles = null);

    private static async Task<Run> ClosedLoopAsync(HttpClient http, string baseUrl, int connections, TimeSpan duration, Func<int> next, string signBase)
    {
        var latencies = new ConcurrentBag<double>();
        var acked = new ConcurrentBag<string>();
        var errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                var (sid, request) = Build(baseUrl, next(), signBase);
                var start = Stopwatch.GetTimestamp();
                var ok = await SendAsync(http, request);
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (ok)
                {
                    acked.Add(sid);
                }
                else
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        return new Run(latencies.Count / clock.Elapsed.TotalSeconds, [.. latencies], errors, [.. acked]);
    }

    /// <summary>Requests at a fixed rate; latency counts from the scheduled time, so a slow answer cannot hide queueing.</summary>
    private static async Task<Run> OpenLoopAsync(HttpClient http, string baseUrl, double rate, TimeSpan duration, Func<int> next, string signBase)
    {
        var latencies = new ConcurrentBag<double>();
        var acked = new ConcurrentBag<string>();
        var errors = 0;
        var total = (int)(rate * duration.TotalSeconds);
        var interval = TimeSpan.FromSeconds(1 / rate);
        var clock = Stopwatch.StartNew();
        var inFlight = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var due = interval * i;
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var (sid, request) = Build(baseUrl, next(), signBase);
            inFlight.Add(Task.Run(async () =>
            {
                var ok = await SendAsync(http, request);
                latencies.Add((clock.Elapsed - due).TotalMilliseconds);
                if (ok)
                {
                    acked.Add(sid);
                }
                else
                {
                    Interlocked.Increment(ref errors);
                }
            }));
        }

        await Task.WhenAll(inFlight);
        return new Run(total / duration.TotalSeconds, [.. latencies], errors, [.. acked]);
    }

    private static async Task<bool> SendAsync(HttpClient http, HttpRequestMessage request)
    {
        try
        {
            using var response = await http.SendAsync(request);
            await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        finally
        {
            request.Dispose();
        }
    }

    private static (string Sid, HttpRequestMessage Request) Build(string baseUrl, int n, string signBase)
    {
        var form = Form(n);
        var request = new HttpRequestMessage(HttpMethod.Post, baseUrl + "/webhooks/twilio") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(TwilioSignature.Header, Signature(form, signBase));
        return (Sid(n), request);
    }

    private static string Sid(int n) => "SM" + n.ToString("x32", Inv);

    /// <summary>The n-th inbound webhook's form, as Twilio sends it.</summary>
    private static List<KeyValuePair<string, string>> Form(int n)
    {
        var sid = Sid(n);
        var from = Contact(n % Contacts);
        return
        [
            new("MessageSid", sid), new("SmsMessageSid", sid), new("SmsSid", sid), new("AccountSid", AccountSid),
            new("From", from), new("To", "whatsapp:+559140000000"),
            new("Body", "Bom dia! Gostaria de saber a situação do processo 0000001-04.2001.5.08.0001, por favor."),
            new("NumMedia", "0"), new("NumSegments", "1"), new("SmsStatus", "received"), new("ApiVersion", "2010-04-01"),
            new("ProfileName", "Cidadã de teste"), new("WaId", from["whatsapp:+".Length..]),
        ];
    }

    private static string Signature(List<KeyValuePair<string, string>> form, string signBase) =>
        TwilioSignature.Compute(AuthToken, signBase + "/webhooks/twilio", form.Select(p => new KeyValuePair<string, IReadOnlyList<string>>(p.Key, [p.Value])));

    private static string Contact(int i) => "whatsapp:+55919" + (80000000 + i).ToString(Inv);

    /// <summary>Reads every stored message of the bench's citizens back from the service's store.</summary>
    private static async Task<(int Stored, int Duplicates, int Missing)> VerifyAsync(string storeAddress, string keyPrefix, List<string> acked)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(storeAddress);
        var keys = new RedisKeys(Options.Create(new StorageOptions { KeyPrefix = keyPrefix }));
        var connections = new RedisConnections(redis);
        var store = new ConversationStore(connections, keys);
        var contactIds = await ContactIds.ReadAsync(redis.GetDatabase(), keys);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Contacts; i++)
        {
            var contact = ContactAddress.FromTwilio(Contact(i))!;
            var open = (string?)await redis.GetDatabase().HashGetAsync(keys.Contact(contactIds.Of(contact)), InboundStore.OpenField("whatsapp:+559140000000"));
            if (open is null)
            {
                continue;
            }

            // Inbound only: the bot's replies are never sent here, so they have no provider id.
            foreach (var message in (await store.GetMessagesAsync(open)).Where(m => m.Direction == MessageDirection.Inbound))
            {
                seen[message.ProviderId!] = seen.GetValueOrDefault(message.ProviderId!) + 1;
            }
        }

        var ackedSet = acked.ToHashSet(StringComparer.Ordinal);
        foreach (var sid in ackedSet.Where(s => !seen.ContainsKey(s)).Take(10))
        {
            Console.Error.WriteLine($"Acknowledged but not found in the store: {sid}");
        }

        return (ackedSet.Count(seen.ContainsKey), seen.Count(p => p.Value > 1), ackedSet.Count(s => !seen.ContainsKey(s)));
    }

    private static string Row(string target, string mode, Run run)
    {
        var sorted = run.LatenciesMs.Order().ToArray();
        double P(double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
        var (a, b, c) = run.Percentiles ?? (P(50), P(99), P(99.9));
        return string.Create(Inv, $"| {target} | {mode} | {run.Rate:N0} | {a:F2} | {b:F2} | {c:F2} | {run.Errors} |");
    }

    internal static Process StartProcess(string dll, string[] args, string? workingDir, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        if (workingDir is not null)
        {
            Directory.CreateDirectory(workingDir);
            start.WorkingDirectory = workingDir;
        }

        start.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static readonly ConcurrentQueue<string> ProcessOutput = new();

    /// <summary>Stops a helper process however the run ends (a run that throws must not leave it listening).</summary>
    internal sealed class KilledOnDispose(Process process) : IDisposable
    {
        public void Dispose()
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }

            process.Dispose();
        }
    }

    private static void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        ProcessOutput.Enqueue(line);
        if (Environment.GetEnvironmentVariable("BALCAO_BENCH_SERVICE_LOG") is { Length: > 0 } log)
        {
            lock (ProcessOutput)
            {
                File.AppendAllText(log, $"{DateTime.UtcNow:HH:mm:ss.fff} {line}{Environment.NewLine}");
            }
        }

        while (ProcessOutput.Count > 200 && ProcessOutput.TryDequeue(out _))
        {
        }
    }

    internal static async Task WaitReadyAsync(string url)
    {
        using var http = new HttpClient();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                if ((await http.GetAsync(new Uri(url))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not yet
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{url} did not become ready");
    }

    private static string ServiceArgs(string[] args)
    {
        var extra = args.Select((a, i) => (a, i)).Where(p => p.a == "--service-arg" && p.i + 1 < args.Length).Select(p => args[p.i + 1]).ToList();
        return extra.Count == 0 ? ", default settings" : ", " + string.Join(' ', extra);
    }
}
