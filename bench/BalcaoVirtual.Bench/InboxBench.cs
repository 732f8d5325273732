using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.Web;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using static BalcaoVirtual.Bench.BenchReport;

namespace BalcaoVirtual.Bench;

/// <summary>
/// The inbox's server time with many waiting conversations in one unit, on the embedded store: the list API page 1
/// (by due time), each tab of the workspace (with its counts, each row's preview and unread mark), a filter that needs
/// the records, labels, searches by phone digits, words and names, and the page shell. Sequential requests over HTTP
/// on loopback, as a clerk's browser makes them. Usage: bench/run-inbox.sh [conversations] [requests].
/// </summary>
internal static class InboxBench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        var count = int.Parse(Arg(args, "--conversations") ?? "10000", Inv);
        var requests = int.Parse(Arg(args, "--requests") ?? "200", Inv);
        var dir = Path.Combine(Path.GetTempPath(), "balcao-inbox-bench-" + Guid.NewGuid().ToString("N"));
        var app = ServiceHost.Build(
        [
            "--environment=Production", "--Logging:LogLevel:Default=Warning", "--urls=http://127.0.0.1:0",
            $"--contentRoot={Path.GetDirectoryName(Files.FindUpwards("src/BalcaoVirtual.Web/appsettings.json", AppContext.BaseDirectory))}",
            $"--Storage:DataDir={dir}", "--Auth:BootstrapAdmin:Password=bench-password-123", "--Sla:RunJobs=false",
        ]);
        await app.StartAsync();
        var store = app.Services.GetRequiredService<ConversationStore>();
        var words = app.Services.GetRequiredService<ConversationWords>();
        string[] topics = ["alvará", "penhora", "perícia", "acordo", "recurso", "sentença", "depósito", "FGTS", "rescisão", "audiência de instrução"];
        string[] first = ["Ana", "Maria", "José", "João", "Francisca", "Antônio", "Raimunda", "Carlos", "Luzia", "Pedro"];
        string[] last = ["Souza", "Silva", "Santos", "Oliveira", "Pereira", "Costa", "Rodrigues", "Almeida", "Nascimento", "Lima",
            "Araújo", "Fernandes", "Carvalho", "Gomes", "Martins", "Rocha", "Ribeiro", "Alves", "Monteiro", "Mendes"];
        var users = app.Services.GetRequiredService<BalcaoVirtual.Web.Features.Auth.UserStore>();
        var admin = (await users.FindByEmailAsync("admin@localhost"))!.Id;
        var now = DateTimeOffset.UtcNow;
        var load = Stopwatch.StartNew();
        // One in ten held by the admin who asks, one in ten by a colleague; each with the citizen's question (the preview).
        for (var start = 0; start < count; start += 500)
        {
            await Task.WhenAll(Enumerable.Range(start, Math.Min(500, count - start)).Select(async n =>
            {
                var id = $"{n:x20}-{n:x21}";
                await store.AppendMessageAsync(id, new Message
                {
                    Id = $"m{n:x20}", Direction = MessageDirection.Inbound, Channel = Channel.WhatsApp, Author = MessageAuthor.Citizen,
                    Text = $"Bom dia, minha audiência do processo {n} foi remarcada? É sobre o {topics[n % topics.Length]}.\nObrigada", CreatedAt = now,
                });
                var conversation = new Conversation
                {
                    Id = id,
                    UnitId = "trt8-vt-macapa-7",
                    Channel = n % 5 == 0 ? Channel.Sms : Channel.WhatsApp,
                    ContactAddress = $"whatsapp:+55969{n:D8}",
                    ContactName = $"{first[n % first.Length]} {last[n / first.Length % last.Length]}",
                    State = ConversationState.Waiting,
                    CreatedAt = now,
                    LastActivityAt = now,
                    WaitingSince = now,
                    DueAt = now.AddMinutes(n % 5000 - 1000),
                    AssigneeId = (n % 10) switch { 0 => admin, 1 => "0123456789abcdef0123456789abcdef", _ => null },
                    CitizenMessages = 1,
                    Labels = n % 10 == 3 ? ["a1a1a1a1"] : n % 100 == 4 ? ["b2b2b2b2"] : [],
                };
                await store.SaveAsync(conversation);
                await words.IndexAllAsync(conversation);
            }));
        }

        var loadSeconds = load.Elapsed.TotalSeconds;
        var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        var token = (await (await http.PostAsJsonAsync("/api/auth/token", new { email = "admin@localhost", password = "bench-password-123" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var cases = new (string Name, string Path)[]
        {
            ("list, page 1 by due time (50)", "/api/inbox?unit=trt8-vt-macapa-7"),
            ("tab: mine", "/api/inbox?unit=trt8-vt-macapa-7&tab=mine"),
            ("tab: unassigned", "/api/inbox?unit=trt8-vt-macapa-7&tab=unassigned"),
            ("tab: breached", "/api/inbox?unit=trt8-vt-macapa-7&tab=breached"),
            ("a colleague's, on WhatsApp (reads that holder's records)", "/api/inbox?unit=trt8-vt-macapa-7&assignee=0123456789abcdef0123456789abcdef&state=waiting&channel=whatsapp"),
            ("list, page 100", "/api/inbox?unit=trt8-vt-macapa-7&page=100"),
            ("list, only breached", "/api/inbox?unit=trt8-vt-macapa-7&breached=true"),
            ("list, channel filter (SMS)", "/api/inbox?unit=trt8-vt-macapa-7&channel=sms"),
            ("label, one in ten", "/api/inbox?unit=trt8-vt-macapa-7&label=a1a1a1a1"),
            ("label, one in a hundred", "/api/inbox?unit=trt8-vt-macapa-7&label=b2b2b2b2"),
            ("search, last four digits", "/api/inbox?unit=trt8-vt-macapa-7&q=0042"),
            ("search, a word in every conversation (reads the 1,000 latest)", "/api/inbox?unit=trt8-vt-macapa-7&q=audiencia"),
            ("search, a word in one in ten", "/api/inbox?unit=trt8-vt-macapa-7&q=penhora"),
            ("search, a name (first and last, 1 in 200)", "/api/inbox?unit=trt8-vt-macapa-7&q=ana+souza"),
            ("search, name and word (3 words, 1 in 200)", "/api/inbox?unit=trt8-vt-macapa-7&q=maria+silva+penhora"),
            ("conversation view API", $"/api/conversations/{7:x20}-{7:x21}"),
            ("the inbox page shell", "/inbox"),
        };
        var report = Start("Inbox benchmark", "; store, service and client share the machine.");
        report.AppendLine(Inv, $"Embedded Garnet (Durability=Always), {count:N0} waiting conversations in one unit (loaded in {loadSeconds:F0} s); {requests} sequential requests per row after 20 warm-up requests, over HTTP on loopback.");
        report.AppendLine();
        report.AppendLine("| request | p50 ms | p95 ms | p99 ms | max ms |");
        report.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var (name, path) in cases)
        {
            var times = new List<double>();
            for (var i = 0; i < requests + 20; i++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await http.GetAsync(path);
                _ = await response.Content.ReadAsByteArrayAsync();
                response.EnsureSuccessStatusCode();
                if (i >= 20)
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            times.Sort();
            double P(double p) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(p / 100 * times.Count) - 1)];
            report.AppendLine(Inv, $"| {name} | {P(50):F1} | {P(95):F1} | {P(99):F1} | {times[^1]:F1} |");
        }

        await app.StopAsync();
        await app.DisposeAsync();
        Directory.Delete(dir, recursive: true);
        Finish(report, args);
        return 0;
    }
}
