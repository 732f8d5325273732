using System.Diagnostics;
using System.Globalization;
using System.Text;
using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;
using static BalcaoVirtual.Bench.BenchReport;

namespace BalcaoVirtual.Bench;

/// <summary>
/// Store round-trip latency and throughput, embedded Garnet beside an external redis-server. Usage: bench/run.sh (it
/// starts the redis-servers and passes --redis). The service's memory is bench/run-memory.sh.
/// </summary>
internal static class BenchCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        var redis = Arg(args, "--redis");
        var redisAlways = Arg(args, "--redis-always");
        var seconds = int.Parse(Arg(args, "--seconds") ?? "5", Inv);
        var report = BenchReport.Start("Store benchmark", string.Empty);
        report.AppendLine(Inv, $"Workload: 200-byte values; latency = one SET then one GET awaited in turn (5,000 each); throughput = {seconds} s of SET/GET 50/50 with 64 requests in flight on one multiplexer.");
        report.AppendLine();
        report.AppendLine("| backend | durability | SET p50 µs | SET p99 µs | GET p50 µs | GET p99 µs | ops/s (64 in flight) |");
        report.AppendLine("|---|---|---:|---:|---:|---:|---:|");

        foreach (var durability in new[] { StorageDurability.Always, StorageDurability.Interval })
        {
            var dir = Path.Combine(Path.GetTempPath(), "balcao-bench-" + Guid.NewGuid().ToString("N"));
            using var garnet = EmbeddedGarnet.Start(new StorageOptions { DataDir = dir, Durability = durability, CheckpointIntervalSeconds = 0 });
            var label = durability == StorageDurability.Always ? "AOF commit per write, answer after commit" : "AOF commit every 100 ms";
            report.AppendLine(await MeasureAsync($"embedded Garnet {EmbeddedGarnet.GarnetVersion}", label, garnet.ConnectionString, seconds));
            garnet.Dispose();
            Directory.Delete(dir, recursive: true);
        }

        if (redis is not null)
        {
            report.AppendLine(await MeasureAsync("redis-server 7 (loopback)", "appendonly, fsync every second", redis, seconds));
        }

        if (redisAlways is not null)
        {
            report.AppendLine(await MeasureAsync("redis-server 7 (loopback)", "appendonly, fsync always", redisAlways, seconds));
        }

        BenchReport.Finish(report, args);
        return 0;
    }

    private static async Task<string> MeasureAsync(string backend, string durability, string connection, int seconds)
    {
        await using var mux = await ConnectionMultiplexer.ConnectAsync(connection);
        var db = mux.GetDatabase();
        var value = new string('x', 200);
        var prefix = "bench:" + Guid.NewGuid().ToString("N")[..8] + ":";

        // Warm-up, then sequential round trips.
        for (var i = 0; i < 500; i++)
        {
            await db.StringSetAsync(prefix + i, value);
            await db.StringGetAsync(prefix + i);
        }

        var set = new double[5000];
        var get = new double[5000];
        for (var i = 0; i < set.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await db.StringSetAsync(prefix + i, value);
            set[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            start = Stopwatch.GetTimestamp();
            await db.StringGetAsync(prefix + i);
            get[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        // Throughput: 64 workers each keep one request in flight.
        long ops = 0;
        var deadline = Stopwatch.StartNew();
        var duration = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, 64).Select(async w =>
        {
            var n = 0L;
            while (deadline.Elapsed < duration)
            {
                var key = prefix + ((w * 1000) + (n % 1000));
                if ((n & 1) == 0)
                {
                    await db.StringSetAsync(key, value);
                }
                else
                {
                    await db.StringGetAsync(key);
                }

                n++;
            }

            Interlocked.Add(ref ops, n);
        }));
        var rate = ops / deadline.Elapsed.TotalSeconds;

        await foreach (var key in mux.GetServers()[0].KeysAsync(pattern: prefix + "*"))
        {
            await db.KeyDeleteAsync(key);
        }

        return string.Create(Inv,
            $"| {backend} | {durability} | {Percentile(set, 50):F0} | {Percentile(set, 99):F0} | {Percentile(get, 50):F0} | {Percentile(get, 99):F0} | {rate:N0} |");
    }

    private static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
    }
}
