using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BalcaoVirtual.Web;
using BalcaoVirtual.Web.Features.CaseAlerts;
using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Court.DataJud;
using BalcaoVirtual.Web.Infrastructure;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using static BalcaoVirtual.Bench.BenchReport;

namespace BalcaoVirtual.Bench;

/// <summary>
/// Case-movement alerts at 100,000 followed cases, on a redis-server (INFO memory gives exact bytes) and a fake DataJud
/// on loopback that answers <c>terms</c> queries in the real shape (one hit per case, 1 % of them with a movement newer
/// than the one seen): store memory per subscription, how fast the job checks every case when all are due at once,
/// DataJud queries per check, and what the day's spread asks of DataJud per hour. The fake's own ceiling is measured
/// first (the same queries straight from this process), so the job's rate is read against it.
/// Usage: bench/run-alerts.sh [cases] (the script starts the redis-server).
/// </summary>
internal static class CaseAlertBench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        var total = int.Parse(Arg(args, "--cases") ?? "100000", Inv);
        var redis = Arg(args, "--redis") ?? throw new ArgumentException("--redis host:port is required");
        var (fake, queries) = await StartFakeDataJudAsync(total);
        var root = Path.GetDirectoryName(Files.FindUpwards("src/BalcaoVirtual.Web/appsettings.json", AppContext.BaseDirectory))!;
        var app = ServiceHost.Build(
        [
            "--environment=Production", "--Logging:LogLevel:Default=Warning", "--urls=http://127.0.0.1:0", $"--contentRoot={root}",
            "--Storage:Mode=Redis", $"--Storage:Redis={redis}", "--Auth:BootstrapAdmin:Password=bench-password-123", "--Sla:RunJobs=false",
            $"--DataJud:BaseUrl={fake}", "--DataJud:ApiKey=bench", "--DataJud:Timeout=00:00:30", "--CaseAlerts:MaxPerRun=5000",
        ]);
        await app.StartAsync();
        var services = app.Services;
        var multiplexer = services.GetRequiredService<RedisConnections>().Primary;
        var db = multiplexer.GetDatabase();
        var keys = services.GetRequiredService<RedisKeys>();
        var server = multiplexer.GetServers()[0];
        var follows = services.GetRequiredService<CaseFollows>();
        var job = services.GetRequiredService<CaseAlertJob>();
        var dataJud = services.GetRequiredService<DataJudClient>();

        async Task<long> UsedMemory()
        {
            var info = await server.InfoAsync("memory");
            return long.Parse(info.SelectMany(g => g).First(kv => kv.Key == "used_memory").Value, Inv);
        }

        // The fake's ceiling: batches of 100 straight from here, one at a time, as the job asks them.
        var ceilingClock = Stopwatch.StartNew();
        var ceilingBatches = 0;
        foreach (var batch in Numbers(Math.Min(total, 20_000)).Chunk(100))
        {
            _ = await dataJud.GetManyAsync(batch);
            ceilingBatches++;
        }

        var ceiling = ceilingBatches * 100 / ceilingClock.Elapsed.TotalSeconds;

        // 100,000 subscriptions, each case followed by one conversation (the job reads a conversation only for an alert).
        var m0 = await UsedMemory();
        var loading = Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow;
        var numbers = Numbers(total).ToList();
        await Parallel.ForEachAsync(numbers.Select((n, i) => (n, i)), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (item, _) =>
            await follows.FollowAsync($"{item.i:x20}-bench", Summary(item.n, moved: false), now));
        var loadSeconds = loading.Elapsed.TotalSeconds;
        var m1 = await UsedMemory();

        // Every case due now: the job run by run until none is left, as a day's worth of checks at once.
        await db.ScriptEvaluateAsync("for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do redis.call('ZADD', KEYS[1], 0, m) end return 0", [keys.CasesDue()]);
        var before = queries.Count;
        var checking = Stopwatch.StartNew();
        var (checkedCases, runs) = (0, 0);
        while (true)
        {
            var run = await job.RunAsync();
            if (run.Checked == 0)
            {
                break;
            }

            (checkedCases, runs) = (checkedCases + run.Checked, runs + 1);
        }

        var checkSeconds = checking.Elapsed.TotalSeconds;
        var used = queries.Count - before;
        var spreadHours = (new TimeOnly(19, 0) - new TimeOnly(7, 0)).TotalHours;
        await app.StopAsync();
        await app.DisposeAsync();

        var report = Start("Case-movement alerts benchmark", "; redis-server 7, the fake DataJud and the service share the machine.");
        report.AppendLine(Inv, $"{total:N0} followed cases (one follower each) in one redis-server (no persistence); the job run in process, Hangfire off; the fake DataJud answers each `terms` query with one hit per case.");
        report.AppendLine();
        report.AppendLine("| measure | value |");
        report.AppendLine("|---|---:|");
        report.AppendLine(Inv, $"| store memory per subscription (follow record + followers set + due index) | {(m1 - m0) / (double)total:N0} B |");
        report.AppendLine(Inv, $"| subscribing (FollowAsync, 32 at once) | {total / loadSeconds:N0} /s |");
        report.AppendLine(Inv, $"| fake DataJud's ceiling: 100-case queries one after another from this process | {ceiling:N0} cases/s |");
        report.AppendLine(Inv, $"| the job checking every case due at once: {checkedCases:N0} cases in {runs:N0} runs | {checkSeconds:F1} s ({checkedCases / checkSeconds:N0} cases/s) |");
        report.AppendLine(Inv, $"| DataJud queries for those checks | {used:N0} ({checkedCases / Math.Max(1.0, used):N0} cases per query) |");
        report.AppendLine(Inv, $"| a day of checks spread over 07h–19h: cases per second needed / DataJud queries per hour | {total / (spreadHours * 3600):F1} /s / {used / spreadHours:N0} |");
        report.AppendLine();
        report.AppendLine(Inv, $"The day's checks need {total / (spreadHours * 3600):F1} cases/s; the job did {checkedCases / checkSeconds:N0} cases/s, so the day's window holds {checkedCases / checkSeconds * spreadHours * 3600:N0} cases at this rate.");
        Finish(report, args);
        return 0;
    }

    private static IEnumerable<CnjNumber> Numbers(int count) => Enumerable.Range(1, count).Select(i => CnjNumber.Create(i, 2024, 5, 8, 210));

    private static CaseSummary Summary(CnjNumber number, bool moved) => new(
        number.Canonical, "TRT8", "Ação Trabalhista", "7ª Vara do Trabalho de Macapá", ["G1"], null, null, [],
        [new CaseMovement(new DateTimeOffset(2026, 11, moved ? 24 : 20, 14, 0, 0, TimeSpan.Zero), moved ? "Conclusos para sentença" : "Audiência realizada", null)]);

    /// <summary>A DataJud on loopback: each `terms` query answered with one hit per number (a later movement for one case in 100).</summary>
    private static async Task<(string BaseUrl, List<int> Queries)> StartFakeDataJudAsync(int total)
    {
        var queries = new List<int>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var fake = builder.Build();
        fake.MapPost("/{index}/_search", async (HttpContext http) =>
        {
            using var query = await JsonDocument.ParseAsync(http.Request.Body);
            var numbers = query.RootElement.GetProperty("query").GetProperty("terms").GetProperty("numeroProcesso").EnumerateArray().Select(n => n.GetString()!).ToList();
            lock (queries)
            {
                queries.Add(numbers.Count);
            }

            var hits = string.Join(',', numbers.Select(n =>
            {
                var moved = long.Parse(n[..7], Inv) % 100 == 0;
                var at = moved ? "2026-11-24T14:00:00Z" : "2026-11-20T14:00:00Z";
                var name = moved ? "Conclusos para sentença" : "Audiência realizada";
                return $$$"""{"_source":{"numeroProcesso":"{{{n}}}","tribunal":"TRT8","grau":"G1","classe":{"nome":"Ação Trabalhista"},"movimentos":[{"nome":"{{{name}}}","dataHora":"{{{at}}}"}]}}""";
            }));
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync($$$"""{"hits":{"total":{"value":{{{numbers.Count}}}},"hits":[{{{hits}}}]}}""");
        });
        await fake.StartAsync();
        var address = fake.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (address + "/", queries);
    }
}
