using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Globalization;
using BalcaoVirtual.IntegrationTests.Api;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BalcaoVirtual.IntegrationTests.Storage;

/// <summary>
/// The documented guarantee of the default (Storage:Durability=Always): signed webhooks stream into the service, it
/// is killed with SIGKILL while requests are in flight, and after a restart every webhook it answered 200 is stored
/// exactly once, in the citizen's one open conversation (concurrent first messages must not open several).
/// </summary>
[NonParallelizable]
public sealed class HardKillTests
{
    [Test]
    public async Task EmbeddedStore_LosesNoAcknowledgedWebhook_WhenServiceIsKilledHard()
    {
        var dataDir = TestServers.TempDir("hardkill");
        var storePort = TestServers.FreePort();
        var httpPort = TestServers.FreePort();
        var baseUrl = $"http://127.0.0.1:{httpPort}";
        const int killAfter = 400;
        var acked = new ConcurrentBag<string>();

        using (var first = await ServiceProcess.StartAsync(dataDir, storePort, httpPort))
        {
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
            var next = 0;
            var killed = 0;
            string? stuck = null;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
            {
                while (Volatile.Read(ref killed) == 0)
                {
                    if (first.HasExited || watch.Elapsed > TimeSpan.FromSeconds(90))
                    {
                        // Never spin on a dead service: fail with what it printed.
                        stuck = $"{acked.Count} of {killAfter} acknowledged when the service {(first.HasExited ? "exited by itself" : "stopped answering")}:{Environment.NewLine}{first.Output}";
                        Interlocked.Exchange(ref killed, 1);
                        break;
                    }

                    var sid = TwilioSigner.Sid(Interlocked.Increment(ref next));
                    try
                    {
                        using var response = await TwilioSigner.PostAsync(http, "/webhooks/twilio",
                            TwilioSigner.Inbound(sid, "Olá, mensagem " + sid), signUrl: baseUrl + "/webhooks/twilio");
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            acked.Add(sid);
                        }
                    }
                    catch (HttpRequestException)
                    {
                        // the service is gone: this request was never acknowledged
                    }

                    if (acked.Count >= killAfter && Interlocked.Exchange(ref killed, 1) == 0)
                    {
                        first.KillHard();
                    }
                }
            })));
            Assert.That(stuck, Is.Null, stuck);
        }

        using var second = await ServiceProcess.StartAsync(dataDir, storePort, httpPort);
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{storePort}");
        var keys = new RedisKeys(Options.Create(new StorageOptions()));
        var contact = ContactAddress.FromTwilio("whatsapp:+5591981234567")!;
        var open = (string?)await redis.GetDatabase().HashGetAsync(keys.Contact(contact.ContactId), InboundStore.OpenField("whatsapp:+559621010210"));
        Assert.That(open, Is.Not.Null, "the citizen's conversation is gone");
        var stored = (await new ConversationStore(new RedisConnections(redis), keys).GetMessagesAsync(open!)).Where(m => m.Direction == MessageDirection.Inbound)
            .GroupBy(m => m.ProviderId!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

        Assert.That(acked, Has.Count.GreaterThanOrEqualTo(killAfter));
        Assert.That(acked.Where(sid => !stored.ContainsKey(sid)), Is.Empty, "acknowledged but lost");
        Assert.That(stored.Where(p => p.Value > 1).Select(p => p.Key), Is.Empty, "stored twice");
        second.KillHard();
        Directory.Delete(dataDir, recursive: true);
    }

    private sealed class ServiceProcess : IDisposable
    {
        private readonly Process process;
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> output = new();

        private ServiceProcess(Process process) => this.process = process;

        /// <summary>Every warning or error it printed (with the line after, where the exception is named), then its last lines.</summary>
        public string Output => string.Join(Environment.NewLine,
            problems.Append("--- last lines ---").Concat(output.TakeLast(40)).Prepend(process.HasExited ? $"exit code {process.ExitCode}" : "running"));

        private readonly System.Collections.Concurrent.ConcurrentQueue<string> problems = new();
        private bool keepNext;

        public static async Task<ServiceProcess> StartAsync(string dataDir, int storePort, int httpPort)
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "BalcaoVirtual.Web.dll");
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = dataDir,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                ArgumentList =
                {
                    dll, $"--urls=http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}", "--Storage:Mode=Embedded",
                    $"--Storage:DataDir={Path.Combine(dataDir, "data")}",
                    $"--Storage:EmbeddedPort={storePort.ToString(CultureInfo.InvariantCulture)}",
                    $"--Units:Catalog={TestServers.RepoFile("deploy/units/trt8.sample.json")}",
                    "--Auth:BootstrapAdmin:Password=senha-de-teste-123",
                    $"--contentRoot={Path.GetDirectoryName(TestServers.RepoFile("src/BalcaoVirtual.Web/appsettings.json"))}",
                    $"--Twilio:AccountSid={TwilioSigner.AccountSid}", $"--Twilio:AuthToken={TwilioSigner.AuthToken}",
                    $"--Twilio:PublicBaseUrl=http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}",
                },
            };
            var process = Process.Start(start)!;
            var service = new ServiceProcess(process);
            process.OutputDataReceived += (_, e) => service.Keep(e.Data);
            process.ErrorDataReceived += (_, e) => service.Keep(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await TestServers.WaitUntilAsync(async () =>
            {
                if (process.HasExited)
                {
                    Assert.Fail($"the service exited with code {process.ExitCode} before its store answered:{Environment.NewLine}{service.Output}");
                }

                try
                {
                    await using var c = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{storePort},connectTimeout=500");
                    return c.IsConnected;
                }
                catch (RedisConnectionException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60), "the service's embedded store to answer");
            using var http = new HttpClient();
            await TestServers.WaitUntilAsync(async () =>
            {
                try
                {
                    using var live = await http.GetAsync($"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}/health/live");
                    return live.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60), "the service to answer HTTP");
            return service;
        }

        private void Keep(string? line)
        {
            if (line is not null)
            {
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

        public bool HasExited => process.HasExited;

        public void KillHard()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true); // SIGKILL on Linux
                process.WaitForExit();
            }
        }

        public void Dispose()
        {
            KillHard();
            process.Dispose();
        }
    }
}
