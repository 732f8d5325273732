using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BalcaoVirtual.Web;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Sla;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using static BalcaoVirtual.Bench.BenchReport;

namespace BalcaoVirtual.Bench;

/// <summary>
/// The SLA engine under a million waiting conversations, on a redis-server (its INFO memory gives exact bytes):
/// memory per pending deadline (period + due index + report index), the extra cost of Hangfire's scheduled checks,
/// how long a sweep takes with nothing due and with many due, and the delay between a deadline and its event and
/// alert while that load sits in the store (the Hangfire server running, schedule polling 1 s).
/// Usage: bench/run-sla.sh [conversations] (the script starts the redis-server).
/// </summary>
internal static class SlaBench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private const string Unit = "trt8-vt-macapa-7";
    private const string FastUnit = "trt8-vt-santarem-1";

    public static async Task<int> RunAsync(string[] args)
    {
        var total = int.Parse(Arg(args, "--conversations") ?? "1000000", Inv);
        var redis = Arg(args, "--redis") ?? throw new ArgumentException("--redis host:port is required");
        var withJobs = int.Parse(Arg(args, "--with-jobs") ?? "10000", Inv);
        var timed = int.Parse(Arg(args, "--timed") ?? "1000", Inv);
        var root = Path.GetDirectoryName(Files.FindUpwards("src/BalcaoVirtual.Web/appsettings.json", AppContext.BaseDirectory))!;
        var mail = Path.Combine(Path.GetTempPath(), "balcao-sla-bench-mail-" + Guid.NewGuid().ToString("N"));
        var app = ServiceHost.Build(
        [
            "--environment=Production", "--Logging:LogLevel:Default=Warning", "--urls=http://127.0.0.1:0", $"--contentRoot={root}",
            "--Storage:Mode=Redis", $"--Storage:Redis={redis}", "--Auth:BootstrapAdmin:Password=bench-password-123",
            $"--Units:Catalog={FastCatalog(root)}", "--Sla:SchedulePollingInterval=00:00:01", $"--Smtp:PickupDirectory={mail}",
        ]);
        await app.StartAsync();
        var services = app.Services;
        var multiplexer = services.GetRequiredService<RedisConnections>().Primary;
        var db = multiplexer.GetDatabase();
        var server = multiplexer.GetServers()[0];
        var store = services.GetRequiredService<SlaStore>();
        var conversations = services.GetRequiredService<ConversationStore>();
        var clock = services.GetRequiredService<SlaClock>();
        var catalog = services.GetRequiredService<UnitCatalog>();
        var periods = services.GetRequiredService<SlaPeriods>();
        var jobs = services.GetRequiredService<SlaJobs>();
        var unit = catalog.Find(Unit)!;
        var now = DateTimeOffset.UtcNow;

        async Task<long> UsedMemory()
        {
            var info = await server.InfoAsync("memory");
            return long.Parse(info.SelectMany(g => g).First(kv => kv.Key == "used_memory").Value, Inv);
        }

        Conversation Waiting(int n) => new()
        {
            Id = $"{n:x20}-{n:x21}",
            Channel = Channel.WhatsApp,
            ContactAddress = $"whatsapp:+55969{n:D8}",
            ChannelAddress = "whatsapp:+559621010210",
            UnitId = Unit,
            State = ConversationState.Waiting,
            CreatedAt = now,
            LastActivityAt = now,
            WaitingSince = now,
            DueAt = clock.DueAt(unit, now),
        };

        WaitingPeriod PeriodOf(Conversation c) => new()
        {
            ConversationId = c.Id,
            Seq = 1,
            UnitId = Unit,
            Channel = c.Channel,
            StartedAt = now,
            DueAt = clock.DueAt(unit, now),
            Points = clock.Points(unit, now),
        };

        // Hangfire's client is synchronous: a few at a time, or the thread pool starves.
        Task Few(int from, int count, Func<int, Task> one) =>
            Parallel.ForEachAsync(Enumerable.Range(from, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (n, _) => await one(n));

        async Task InBatches(int count, Func<int, Task> one)
        {
            const int batch = 2000;
            for (var start = 0; start < count; start += batch)
            {
                await Task.WhenAll(Enumerable.Range(start, Math.Min(batch, count - start)).Select(one));
            }
        }

        var m0 = await UsedMemory();
        var watch = Stopwatch.StartNew();
        await InBatches(total, n => conversations.SaveAsync(Waiting(n)));
        var m1 = await UsedMemory();
        var conversationsSeconds = watch.Elapsed.TotalSeconds;
        watch.Restart();
        await InBatches(total, async n =>
        {
            var period = PeriodOf(Waiting(n));
            var tran = db.CreateTransaction();
            store.AddStart(tran, RedisValue.Null, period);
            await tran.ExecuteAsync();
            await store.IndexForReportsAsync(period);
        });
        var periodsSeconds = watch.Elapsed.TotalSeconds;
        var m2 = await UsedMemory();
        watch.Restart();
        await Few(0, withJobs, async n => await periods.AfterStartAsync((await store.GetAsync(Waiting(n).Id, 1))!.Period));
        var jobsSeconds = watch.Elapsed.TotalSeconds;
        var m3 = await UsedMemory();

        // Sweeps: nothing due (the common case), then 10,000 due at once (a restart after an outage).
        var idle = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            watch.Restart();
            await jobs.SweepAsync();
            idle.Add(watch.Elapsed.TotalMilliseconds);
        }

        var dueCount = Math.Min(10_000, total);
        await InBatches(dueCount, n => db.SortedSetAddAsync(services.GetRequiredService<RedisKeys>().SlaDue(RedisKeys.BucketOf(Waiting(n).Id)), Waiting(n).Id, 0));
        watch.Restart();
        var swept = await jobs.SweepAsync();
        var busySeconds = watch.Elapsed.TotalSeconds;

        // Deadline to event and alert, under that load: conversations handed to a unit with a 20 s window (warning at 10 s).
        var observers = services.GetRequiredService<ConversationObservers>();
        var fast = catalog.Find(FastUnit)!;
        var timedIds = new List<string>();
        await Few(0, timed, async n =>
        {
            var start = DateTimeOffset.UtcNow;
            var before = Waiting(total + n) with { UnitId = null, State = ConversationState.Bot, WaitingSince = null, DueAt = null };
            var after = before with { UnitId = FastUnit, State = ConversationState.Waiting, WaitingSince = start, DueAt = clock.DueAt(fast, start) };
            await conversations.SaveAsync(before);
            var observed = await observers.PrepareAsync(before, after, ChangeContext.None);
            var tran = db.CreateTransaction();
            conversations.AddSave(tran, after);
            ConversationObservers.AddWrites(tran, observed);
            await tran.ExecuteAsync();
            await ConversationObservers.AfterCommitAsync(observed);
            lock (timedIds)
            {
                timedIds.Add(after.Id);
            }
        });
        var waitFor = Stopwatch.StartNew();
        List<SlaEvent> events = [];
        while (waitFor.Elapsed < TimeSpan.FromMinutes(5))
        {
            events = [.. (await Task.WhenAll(timedIds.Select(store.EventsAsync))).SelectMany(e => e)];
            if (events.Count == 2 * timed && events.All(e => e.Suppressed || e.DeliveredAt is not null))
            {
                break;
            }

            await Task.Delay(500);
        }

        await app.StopAsync();
        await app.DisposeAsync();
        if (Directory.Exists(mail))
        {
            Directory.Delete(mail, recursive: true);
        }

        static double P(IReadOnlyList<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100 * sorted.Count) - 1)];
        var written = events.Select(e => (e.WrittenAt - e.At).TotalMilliseconds).Order().ToList();
        var suppressed = events.Count(e => e.Suppressed);
        var delivered = events.Where(e => e.DeliveredAt is not null).Select(e => (e.DeliveredAt!.Value - e.At).TotalMilliseconds).Order().ToList();
        var report = Start("SLA benchmark", "; redis-server 7 and the service share the machine.");
        report.AppendLine(Inv, $"{total:N0} waiting conversations in one redis-server (no persistence); the service in process, Hangfire server on, schedule polling 1 s.");
        report.AppendLine();
        report.AppendLine("| measure | value |");
        report.AppendLine("|---|---:|");
        report.AppendLine(Inv, $"| store memory per waiting conversation record (not SLA) | {(m1 - m0) / (double)total:N0} B |");
        report.AppendLine(Inv, $"| store memory per pending deadline: period + due index + report index | {(m2 - m1) / (double)total:N0} B |");
        report.AppendLine(Inv, $"| store memory a period's checks add beyond the due index (one scheduled Hangfire job before issue 25), measured on {withJobs:N0} | {(m3 - m2) / (double)withJobs:N0} B |");
        report.AppendLine(Inv, $"| writing the periods | {total / periodsSeconds:N0} /s |");
        report.AppendLine(Inv, $"| starting the checks (AfterStartAsync) | {withJobs / jobsSeconds:N0} periods/s |");
        report.AppendLine(Inv, $"| sweep, nothing due (16 buckets), median of 5 | {idle.Order().ElementAt(2):F1} ms |");
        report.AppendLine(Inv, $"| sweep with {swept:N0} periods due at once | {busySeconds:F2} s ({swept / busySeconds:N0} checks/s) |");
        report.AppendLine(Inv, $"| deadline → event written, {written.Count:N0} events: p50 / p99 / max | {P(written, 50) / 1000:F2} / {P(written, 99) / 1000:F2} / {(written.Count > 0 ? written[^1] / 1000 : double.NaN):F2} s |");
        report.AppendLine(Inv, $"| events recorded but not sent (a later one was already due) | {suppressed:N0} |");
        report.AppendLine(Inv, $"| deadline → alert delivered (e-mail to pickup folder, inbox): p50 / p99 / max | {P(delivered, 50) / 1000:F2} / {P(delivered, 99) / 1000:F2} / {(delivered.Count > 0 ? delivered[^1] / 1000 : double.NaN):F2} s |");
        report.AppendLine();
        report.AppendLine(Inv, $"Loading took {conversationsSeconds:F0} s for the conversations and {periodsSeconds:F0} s for the periods.");
        Finish(report, args);
        return 0;
    }

    /// <summary>The sample catalogue with one unit on a 20-second window (warning 10 s before), for timing alerts.</summary>
    private static string FastCatalog(string contentRoot)
    {
        var doc = JsonNode.Parse(File.ReadAllText(Files.FindUpwards("deploy/units/trt8.sample.json", contentRoot)!))!;
        var unit = doc["units"]!.AsArray().Single(u => (string?)u!["id"] == FastUnit)!;
        unit["sla"] = new JsonObject { ["responseWindow"] = "00:00:20", ["counting"] = "calendar", ["warnBefore"] = new JsonArray("00:00:10") };
        var path = Path.Combine(Path.GetTempPath(), $"balcao-sla-bench-units-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, doc.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
        return path;
    }
}
