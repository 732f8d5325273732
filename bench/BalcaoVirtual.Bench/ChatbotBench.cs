using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using BalcaoVirtual.Web;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;
using static BalcaoVirtual.Bench.BenchReport;

namespace BalcaoVirtual.Bench;

/// <summary>
/// Bot turns per second and turn latency with the embedded store (durability Always), in process: citizens write a
/// script of messages one after another (each waits for its turn to be processed, closed loop); a turn is timed from
/// the stored message to its "processed" mark (dialog, replies queued, state written). DataJud is not involved.
/// Usage: bench/run-chatbot.sh [citizens] [seconds].
/// </summary>
internal static class ChatbotBench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly string[] Script = ["oi", "4", "santarem", "3", "menu", "2", "macapa", "Quando sai meu alvará?"];

    public static async Task<int> RunAsync(string[] args)
    {
        var citizens = int.Parse(Arg(args, "--citizens") ?? "16", Inv);
        var seconds = int.Parse(Arg(args, "--seconds") ?? "20", Inv);
        var dir = Path.Combine(Path.GetTempPath(), "balcao-chatbot-bench-" + Guid.NewGuid().ToString("N"));
        var app = ServiceHost.Build(
        [
            "--environment=Production", "--Logging:LogLevel:Default=Warning", "--urls=http://127.0.0.1:0",
            $"--contentRoot={Path.GetDirectoryName(Files.FindUpwards("src/BalcaoVirtual.Web/appsettings.json", AppContext.BaseDirectory))}",
            $"--Storage:DataDir={dir}", "--Auth:BootstrapAdmin:Password=bench-password-123",
        ]);
        await app.StartAsync();
        var inbound = app.Services.GetRequiredService<InboundStore>();
        var keys = app.Services.GetRequiredService<RedisKeys>();
        var db = app.Services.GetRequiredService<RedisConnections>().GetDatabase();
        var latencies = new ConcurrentBag<double>();
        var deadline = Stopwatch.StartNew();
        var runFor = TimeSpan.FromSeconds(seconds);
        var sid = 0;

        async Task CitizenAsync(int n)
        {
            var from = ContactAddress.FromTwilio($"whatsapp:+55919{n:D8}")!;
            for (var i = 0; deadline.Elapsed < runFor; i++)
            {
                var text = Script[i % Script.Length];
                if (i % Script.Length == 0 && i > 0)
                {
                    text = "sair"; // close, so the next round starts a new session
                }

                var watch = Stopwatch.StartNew();
                var id = "SM" + Interlocked.Increment(ref sid).ToString("x32", Inv);
                var stored = await inbound.AppendAsync(new InboundMessage(from, id, text, [], "Bench", null, "whatsapp:+559130000000"));
                while (!await db.KeyExistsAsync(keys.MessageProcessed(stored.ConversationId, stored.MessageId)))
                {
                    await Task.Delay(1);
                }

                latencies.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, citizens).Select(CitizenAsync));
        var elapsed = deadline.Elapsed.TotalSeconds;
        await app.StopAsync();
        await app.DisposeAsync();
        Directory.Delete(dir, recursive: true);

        var sorted = latencies.Order().ToArray();
        double P(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
        var report = Start("Chatbot benchmark", "; store, service and citizens share the machine.");
        report.AppendLine(Inv, $"Embedded Garnet (Durability=Always), {citizens} citizens in a closed loop for {seconds} s, script: {string.Join(" / ", Script)} (then \"sair\").");
        report.AppendLine();
        report.AppendLine("| turns | turns/s | p50 ms | p99 ms | p99.9 ms | max ms |");
        report.AppendLine("|---:|---:|---:|---:|---:|---:|");
        report.AppendLine(Inv, $"| {sorted.Length:N0} | {sorted.Length / elapsed:N0} | {P(50):F1} | {P(99):F1} | {P(99.9):F1} | {sorted[^1]:F1} |");
        Finish(report, args);
        return 0;
    }
}
