using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using BalcaoVirtual.IntegrationTests.Support;
using StackExchange.Redis;

namespace BalcaoVirtual.IntegrationTests.Reliability;

/// <summary>
/// The scale-out benchmark, run by <c>bench/run-nodes.sh</c> (never by ./test.sh: it is explicit). One node, then
/// three, on one redis-server (AOF, fsync always, as deploy/redis ships it) behind nginx with the shipped site
/// configuration, the fake Twilio on loopback:
/// <list type="number">
/// <item>peak: signed "menu" webhooks from 200 citizens over 32 connections, closed loop; the webhook's rate and
/// latency, then how long until every bot reply reached the fake Twilio (the service's end-to-end capacity);</item>
/// <item>paced: an open loop at a fixed rate (half the one-node reply rate unless BALCAO_BENCH_RATE is set), each webhook
/// from a new citizen: the webhook's latency and the end-to-end time from sending it to the bot's first reply
/// arriving at the fake Twilio, both counted from the scheduled send time;</item>
/// <item>memory: every node's resident memory before, at its peak during the load, and after; Redis's.</item>
/// </list>
/// Afterwards the delivery audit proves that every acknowledged message was stored once, had one bot turn and one
/// reply sent once. BALCAO_BENCH_SECONDS (default 10) sets each run's length; the table goes to the test output and to
/// BALCAO_BENCH_REPORT when set.
/// </summary>
[Explicit("A benchmark: bench/run-nodes.sh runs it")]
[NonParallelizable]
public sealed class NodeBenchmarks
{
    private const int Connections = 32;
    private const int Contacts = 200;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly double TicksPerMs = Stopwatch.Frequency / 1000.0;

    /// <summary>
    /// The setups run one after the other, as nodes x Storage:Concurrency: BALCAO_BENCH_SETUPS="1x1,1x32,3x32" (the
    /// default) puts one node turning one message at a time beside one and three nodes at the default.
    /// </summary>
    private static IReadOnlyList<(int Nodes, int Concurrency)> Setups =>
        [.. (Environment.GetEnvironmentVariable("BALCAO_BENCH_SETUPS") is { Length: > 0 } setups ? setups : "1x1,1x32,3x32")
            .Split(',').Select(x => x.Split('x')).Select(x => (int.Parse(x[0], Inv), int.Parse(x[1], Inv)))];

    private static int Seconds => int.TryParse(Environment.GetEnvironmentVariable("BALCAO_BENCH_SECONDS"), Inv, out var s) && s > 0 ? s : 10;

    [Test]
    public async Task OneNodeAgainstThree_ThroughNginx_OnOneRedis()
    {
        var work = TestServers.TempDir("node-bench");
        using var redis = new RedisServerProcess(Path.Combine(work, "redis"));
        Directory.CreateDirectory(redis.DataDir);
        await redis.StartAsync();
        var results = new List<Result>();
        var rate = double.TryParse(Environment.GetEnvironmentVariable("BALCAO_BENCH_RATE"), Inv, out var r) && r > 0 ? r : (double?)null;
        var sid = 10_000_000;
        foreach (var (nodeCount, concurrency) in Setups)
        {
            var result = await RunAsync(nodeCount, concurrency, work, redis.ConnectionString, rate, () => Interlocked.Increment(ref sid));
            rate ??= Math.Round(result.RepliedPerSecond / 2);
            results.Add(result);
        }

        var report = Report(results);
        TestContext.Out.WriteLine(report);
        if (Environment.GetEnvironmentVariable("BALCAO_BENCH_REPORT") is { Length: > 0 } file)
        {
            await File.AppendAllTextAsync(file, report);
        }
    }

    private sealed record Load(double Rate, double[] LatencyMs, int Failed);

    private sealed record Result(int Nodes, int Concurrency, Load Peak, double RepliedPerSecond, double DrainSeconds, Load Paced, double[] EndToEndMs,
        double[] IdleMiB, double[] PeakMiB, double[] AfterMiB, double RedisMiB, int Acknowledged, DeliveryAudit.Result Audit);

    private static async Task<Result> RunAsync(int nodeCount, int concurrency, string work, string redisAddress, double? pacedRate, Func<int> nextSid)
    {
        await using var twilio = await FakeTwilio.StartAsync(); // the audit counts every request it got as this run's
        var prefix = $"nb{nodeCount.ToString(Inv)}x" + Guid.NewGuid().ToString("N")[..8];
        var ports = Enumerable.Range(0, nodeCount).Select(_ => TestServers.FreePort()).ToList();
        using var proxy = await NginxProxy.StartAsync([.. ports.Select(p => $"http://127.0.0.1:{p.ToString(Inv)}")]);
        var nodes = new List<ServiceProcess>();
        try
        {
            foreach (var port in ports)
            {
                var settings = ServiceProcess.BaseSettings(proxy.Url);
                DeliveryAudit.AddSettings(settings, twilio, Path.Combine(work, "mail"));
                settings["Storage:Mode"] = "Redis";
                settings["Storage:Redis"] = redisAddress;
                settings["Storage:KeyPrefix"] = prefix;
                settings["Logging:LogLevel:BalcaoVirtual.Web.Features.Sla"] = "Warning";
                // Twilio's pace per sender number (80/s on WhatsApp) is the provider's, and per node: lifted here so the
                // replies measure the service, not four numbers' 320/s.
                settings["Twilio:WhatsAppMessagesPerSecond"] = "1000";
                settings["Storage:Concurrency"] = concurrency.ToString(Inv);
                if (Environment.GetEnvironmentVariable("BALCAO_BENCH_UNDER_INTAKE") is { Length: > 0 } underIntake)
                {
                    settings["Storage:ConcurrencyUnderIntake"] = underIntake;
                }

                nodes.Add(await ServiceProcess.StartAsync(Path.Combine(work, $"{nodeCount.ToString(Inv)}-{port.ToString(Inv)}"), port, settings));
            }

            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Connections, UseProxy = false })
            {
                BaseAddress = new Uri(proxy.Url),
                Timeout = TimeSpan.FromSeconds(30),
            };
            var acked = new ConcurrentDictionary<string, (string From, string To)>(StringComparer.Ordinal);
            var idle = nodes.Select(n => n.ResidentMiB()).ToArray();
            var peakMiB = (double[])idle.Clone();
            using var sampling = new CancellationTokenSource();
            var sampler = SampleMemoryAsync(nodes, peakMiB, sampling.Token);

            // Warm-up (JIT, connections, thread pool), then the peak. The bot's code runs mostly once a burst is over (turns
            // yield to webhooks), so each round waits for its replies: after one 2 s burst the tiered JIT still took a
            // quarter of the node's CPU while the peak's backlog drained, which a court's service, up for days, never pays.
            var seconds = TimeSpan.FromSeconds(Seconds);
            for (var round = 0; round < 3; round++)
            {
                await ClosedLoopAsync(http, proxy.Url, TimeSpan.FromSeconds(3), nextSid, acked);
                await WaitForRepliesAsync(twilio, acked, acked.Count, nodes);
            }

            var start = Stopwatch.GetTimestamp();
            var before = acked.Count;
            var peak = await ClosedLoopAsync(http, proxy.Url, seconds, nextSid, acked);
            var replies = acked.Count;
            await WaitForRepliesAsync(twilio, acked, replies, nodes);
            var allReplied = Stopwatch.GetElapsedTime(start);
            var drain = allReplied.TotalSeconds - seconds.TotalSeconds;

            var rate = pacedRate ?? Math.Round((replies - before) / allReplied.TotalSeconds / 2);
            var (paced, endToEnd) = await OpenLoopAsync(http, proxy.Url, twilio, rate, seconds, nextSid, acked, nodes);
            await sampling.CancelAsync();
            await sampler;
            var after = nodes.Select(n => n.ResidentMiB()).ToArray();

            var audit = await DeliveryAudit.RunAsync(redisAddress, prefix, acked, twilio, Path.Combine(work, "mail"),
                () => nodes.FirstOrDefault(n => n.HasExited)?.Output, () => string.Join(Environment.NewLine, nodes.Select(n => n.Output)));
            audit.AssertExactlyOnce(0, ambiguousAllowed: 0, mailInFlightAllowed: 0);
            await using var client = await ConnectionMultiplexer.ConnectAsync(redisAddress + ",allowAdmin=true");
            var info = (await client.GetServer(redisAddress).InfoAsync("memory")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            var redisMiB = double.Parse(info["used_memory_rss"], Inv) / 1024 / 1024;
            return new Result(nodeCount, concurrency, peak, (replies - before) / allReplied.TotalSeconds, drain, paced, endToEnd, idle, peakMiB, after, redisMiB, acked.Count, audit);
        }
        finally
        {
            foreach (var node in nodes)
            {
                node.Dispose();
            }
        }
    }

    private static async Task SampleMemoryAsync(List<ServiceProcess> nodes, double[] peak, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                for (var i = 0; i < nodes.Count; i++)
                {
                    peak[i] = Math.Max(peak[i], nodes[i].ResidentMiB());
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the load is over
        }
    }

    private static async Task<bool> PostAsync(HttpClient http, string publicUrl, int n, string from, string to)
    {
        var sid = TwilioSigner.Sid(n);
        try
        {
            using var response = await TwilioSigner.PostAsync(http, "/webhooks/twilio", TwilioSigner.Inbound(sid, "menu", from, to), signUrl: publicUrl + "/webhooks/twilio");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }

        return true;
    }

    /// <summary>Each connection sends the next webhook as soon as the last one is answered.</summary>
    private static async Task<Load> ClosedLoopAsync(HttpClient http, string publicUrl, TimeSpan duration, Func<int> nextSid, ConcurrentDictionary<string, (string From, string To)> acked)
    {
        var latencies = new ConcurrentBag<double>();
        var failed = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                var n = nextSid();
                var (from, to) = (DeliveryAudit.BulkContact(n % Contacts), DeliveryAudit.BulkNumber(n % Contacts));
                var sent = Stopwatch.GetTimestamp();
                if (await PostAsync(http, publicUrl, n, from, to))
                {
                    acked[TwilioSigner.Sid(n)] = (from, to);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                }

                latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            }
        })));
        return new Load(latencies.Count / clock.Elapsed.TotalSeconds, [.. latencies], failed);
    }

    /// <summary>
    /// Webhooks at a fixed rate, each from a citizen of its own; latencies count from the scheduled time, so a slow
    /// answer cannot hide the queueing behind it. End to end: until the first request to that citizen reached the fake.
    /// </summary>
    private static async Task<(Load Load, double[] EndToEndMs)> OpenLoopAsync(
        HttpClient http, string publicUrl, FakeTwilio twilio, double rate, TimeSpan duration, Func<int> nextSid,
        ConcurrentDictionary<string, (string From, string To)> acked, List<ServiceProcess> nodes)
    {
        var latencies = new ConcurrentBag<double>();
        var scheduled = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var failed = 0;
        var total = (int)(rate * duration.TotalSeconds);
        var interval = TimeSpan.FromSeconds(1 / rate);
        var firstContact = 60_000_000 + (nextSid() % 1_000_000 * 10);
        var start = Stopwatch.GetTimestamp();
        var inFlight = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var due = interval * i;
            var wait = due - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var n = nextSid();
            var from = "whatsapp:+55919" + (firstContact + i).ToString(Inv);
            var to = DeliveryAudit.BulkNumber(i);
            var dueTicks = start + (long)(due.TotalMilliseconds * TicksPerMs);
            inFlight.Add(Task.Run(async () =>
            {
                if (await PostAsync(http, publicUrl, n, from, to))
                {
                    acked[TwilioSigner.Sid(n)] = (from, to);
                    scheduled[from] = dueTicks;
                }
                else
                {
                    Interlocked.Increment(ref failed);
                }

                latencies.Add((Stopwatch.GetTimestamp() - dueTicks) / TicksPerMs);
            }));
        }

        await Task.WhenAll(inFlight);
        var firstReply = new Dictionary<string, long>(StringComparer.Ordinal);
        await TestServers.WaitUntilAsync(() =>
        {
            foreach (var request in twilio.Requests)
            {
                if (scheduled.ContainsKey(request.To) && !firstReply.ContainsKey(request.To))
                {
                    firstReply[request.To] = request.ArrivedAt;
                }
            }

            return Task.FromResult(firstReply.Count == scheduled.Count);
        }, TimeSpan.FromMinutes(5), "a reply to every paced citizen", () => string.Join(Environment.NewLine, nodes.Select(n => n.Output)));
        var endToEnd = scheduled.Select(p => (firstReply[p.Key] - p.Value) / TicksPerMs).ToArray();
        return (new Load(total / duration.TotalSeconds, [.. latencies], failed), endToEnd);
    }

    /// <summary>Until the fake Twilio holds as many replies to the peak's citizens as webhooks were acknowledged.</summary>
    private static Task WaitForRepliesAsync(FakeTwilio twilio, ConcurrentDictionary<string, (string From, string To)> acked, int expected, List<ServiceProcess> nodes)
    {
        var citizens = acked.Values.Select(a => a.From).ToHashSet(StringComparer.Ordinal);
        return TestServers.WaitUntilAsync(
            () => Task.FromResult(twilio.Requests.Count(r => citizens.Contains(r.To)) >= expected),
            TimeSpan.FromMinutes(10), $"{expected} replies at the fake Twilio", () => string.Join(Environment.NewLine, nodes.Select(n => n.Output)));
    }

    private static double Percentile(double[] values, double p)
    {
        if (values.Length == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    private static string Ms(double[] values) =>
        string.Create(Inv, $"{Percentile(values, 50):F1} / {Percentile(values, 99):F1} / {Percentile(values, 99.9):F1}");

    private static string Report(List<Result> results)
    {
        var text = new StringBuilder();
        text.AppendLine(Inv, $"{Environment.ProcessorCount} cores, .NET {Environment.Version}; {Seconds} s per run, {Connections} connections at the peak; paced rate: half the first setup's reply rate unless set.");
        text.AppendLine();
        text.AppendLine("| nodes x concurrency | peak webhooks/s | webhook p50 / p99 / p99.9 ms at peak | replies/s (peak load to last reply) | backlog drained after | paced rate /s | webhook p50 / p99 / p99.9 ms paced | end to end p50 / p99 / p99.9 ms paced | failed |");
        text.AppendLine("|---:|---:|---|---:|---:|---:|---|---|---:|");
        foreach (var r in results)
        {
            text.AppendLine(Inv, $"| {r.Nodes} x {r.Concurrency} | {r.Peak.Rate:N0} | {Ms(r.Peak.LatencyMs)} | {r.RepliedPerSecond:N0} | {r.DrainSeconds:F1} s | {r.Paced.Rate:N0} | {Ms(r.Paced.LatencyMs)} | {Ms(r.EndToEndMs)} | {r.Peak.Failed + r.Paced.Failed} |");
        }

        text.AppendLine();
        text.AppendLine("| nodes x concurrency | RSS per node before (MiB) | peak during load | after | redis-server RSS after (MiB) | delivery audit |");
        text.AppendLine("|---:|---|---|---|---:|---|");
        static string List(double[] values) => string.Join(" / ", values.Select(v => v.ToString("F0", Inv)));
        foreach (var r in results)
        {
            var a = r.Audit;
            text.AppendLine(Inv, $"| {r.Nodes} x {r.Concurrency} | {List(r.IdleMiB)} | {List(r.PeakMiB)} | {List(r.AfterMiB)} | {r.RedisMiB:F0} | {r.Acknowledged:N0} acknowledged: lost {a.Lost.Count}, stored twice {a.StoredTwice.Count}, bot turns off {a.TurnsOff.Count}; {a.Outbound:N0} replies, {a.ProviderRequests:N0} provider requests |");
        }

        return text.ToString();
    }
}
