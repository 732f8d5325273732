using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Infrastructure.Storage;

namespace BalcaoVirtual.IntegrationTests.Reliability;

/// <summary>
/// The crash harness. Signed webhooks stream into the real service (its own process) while it is killed with SIGKILL
/// twice: once in the middle of the stream, once while the first SLA alerts are going out. The webhooks that failed
/// are sent again with the same MessageSid, as Twilio retries. After the last restart, when everything has settled:
/// every acknowledged message is stored exactly once and had exactly one bot turn; every queued outbound message was
/// sent, and sent once but for those in flight at a kill (counted); every SLA event was written once and its alerts
/// went out once. For the embedded store and for redis-server with AOF (appendfsync always).
/// The size is BALCAO_CRASH_MESSAGES (2,000 here; bench/run-crash.sh runs more), the kills in the stream
/// BALCAO_CRASH_KILLS (1), the embedded store's Storage:Durability BALCAO_CRASH_DURABILITY (its default); the figures
/// go to the test output, and to BALCAO_CRASH_REPORT when set.
/// </summary>
[NonParallelizable]
[TestFixture("embedded")]
[TestFixture("redis")]
public sealed class CrashSafetyTests(string backend)
{
    private const int Contacts = 200;
    private const int SlaContacts = 12;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static int Messages => Setting("BALCAO_CRASH_MESSAGES", 2000);

    private static int StreamKills => Setting("BALCAO_CRASH_KILLS", 1);

    private static int Kills => StreamKills + 1;

    private static int Setting(string name, int otherwise) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), Inv, out var n) && n > 0 ? n : otherwise;

    [Test]
    public async Task KilledTwice_EveryAcknowledgedMessageStoredOnce_RepliedOnce_AndEveryAlertSentOnce()
    {
        var work = TestServers.TempDir("crash-" + backend);
        var pickup = Path.Combine(work, "mail");
        await using var twilio = await FakeTwilio.StartAsync();
        using var redisServer = backend == "redis" ? new RedisServerProcess(Path.Combine(work, "redis")) : null;
        var httpPort = TestServers.FreePort();
        var url = $"http://127.0.0.1:{httpPort.ToString(Inv)}";
        var settings = ServiceProcess.BaseSettings(url);
        DeliveryAudit.AddSettings(settings, twilio, pickup);
        string storeAddress;
        var prefix = "bv";
        if (redisServer is not null)
        {
            Directory.CreateDirectory(redisServer.DataDir);
            await redisServer.StartAsync();
            storeAddress = redisServer.ConnectionString;
            prefix = "crash";
            settings["Storage:Mode"] = "Redis";
            settings["Storage:Redis"] = storeAddress;
            settings["Storage:KeyPrefix"] = prefix;
        }
        else
        {
            var storePort = TestServers.FreePort();
            storeAddress = $"127.0.0.1:{storePort.ToString(Inv)}";
            settings["Storage:Mode"] = "Embedded";
            settings["Storage:DataDir"] = Path.Combine(work, "data");
            settings["Storage:EmbeddedPort"] = storePort.ToString(Inv);
            if (Environment.GetEnvironmentVariable("BALCAO_CRASH_DURABILITY") is { Length: > 0 } durability)
            {
                settings["Storage:Durability"] = durability;
            }
        }

        var node = await ServiceProcess.StartAsync(work, httpPort, settings);
        var nodeUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        nodeUp.SetResult();
        var acked = new ConcurrentDictionary<string, (string From, string To)>(StringComparer.Ordinal);
        var retried = 0;
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };

        // A webhook is sent until it is acknowledged, with the same MessageSid each time, as Twilio retries.
        async Task DeliverAsync(string sid, string from, string to, string body)
        {
            while (true)
            {
                var up = Volatile.Read(ref nodeUp).Task;
                await up;
                try
                {
                    using var response = await TwilioSigner.PostAsync(http, "/webhooks/twilio", TwilioSigner.Inbound(sid, body, from, to), signUrl: url + "/webhooks/twilio");
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        acked[sid] = (from, to);
                        return;
                    }

                    Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), $"{sid}: only 200, or 503 while the store is away");
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // the node died with this request in flight: not acknowledged
                }

                Interlocked.Increment(ref retried);
                if (Volatile.Read(ref nodeUp).Task == up)
                {
                    Assert.Fail($"{sid} failed while the node was up (it is only killed after it was marked down):{Environment.NewLine}{node.Output}");
                }
            }
        }

        var killedAt = new List<long>();
        async Task RestartAsync()
        {
            var down = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref nodeUp, down);
            node.KillHard();
            node.Dispose();
            killedAt.Add(System.Diagnostics.Stopwatch.GetTimestamp()); // once it is gone: nothing it sent arrives later
            node = await ServiceProcess.StartAsync(work, httpPort, settings);
            down.SetResult();
        }

        try
        {
            // The SLA's citizens write first, so their deadlines fall during the run.
            await Task.WhenAll(Enumerable.Range(0, SlaContacts).Select(i =>
                DeliverAsync(TwilioSigner.Sid(1_000_000 + i), DeliveryAudit.SlaContact(i), DeliveryAudit.MacapaNumber, DeliveryAudit.SlaQuestion)));

            var next = 0;
            var stream = Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
            {
                int n;
                while ((n = Interlocked.Increment(ref next)) <= Messages)
                {
                    var contact = n % Contacts;
                    await DeliverAsync(TwilioSigner.Sid(n), DeliveryAudit.BulkContact(contact), DeliveryAudit.BulkNumber(contact), "menu");
                }
            })));

            // In the stream: up to 40 % of the webhooks, in equal steps.
            var ackedAtKills = new List<int>();
            for (var kill = 1; kill <= StreamKills; kill++)
            {
                var share = Messages * 2 * kill / (5 * StreamKills);
                await TestServers.WaitUntilAsync(() => Task.FromResult(acked.Count >= SlaContacts + share || stream.IsCompleted), TimeSpan.FromSeconds(120), $"{share} webhooks", () => node.Output);
                ackedAtKills.Add(acked.Count);
                await RestartAsync();
            }

            // The last kill: as soon as the first SLA alert is written out.
            await TestServers.WaitUntilAsync(() => Task.FromResult(Directory.Exists(pickup) && Directory.EnumerateFiles(pickup, "*.eml").Any()), TimeSpan.FromSeconds(120), "the first SLA alert", () => node.Output);
            await RestartAsync();
            await stream.WaitAsync(TimeSpan.FromSeconds(240));

            // The embedded store takes its password from the data folder, as the service's own commands do.
            storeAddress = BalcaoVirtual.Web.Infrastructure.Storage.EmbeddedGarnet.RunningConnection(Path.Combine(work, "data")) ?? storeAddress;
            var audit = await DeliveryAudit.RunAsync(storeAddress, prefix, acked, twilio, pickup, () => node.HasExited ? node.Output : null, () => node.Output);
            var report = string.Create(Inv, $"""
                Crash harness, {backend} store: {Messages} bulk webhooks from {Contacts} citizens to {DeliveryAudit.BulkNumbers.Length} numbers, {SlaContacts} SLA conversations, {Kills} SIGKILLs (after {string.Join(", ", ackedAtKills)} acknowledged; at the first SLA alert), durability {settings.GetValueOrDefault("Storage:Durability", "default")}.
                acknowledged {acked.Count} (after {retried} failed attempts sent again); lost {audit.Lost.Count}; stored twice {audit.StoredTwice.Count}; bot turns off {audit.TurnsOff.Count}.
                outbound messages {audit.Outbound}; not sent {audit.NotSent.Count}; provider requests {audit.ProviderRequests}; sent again after a kill (in flight, ambiguous) {audit.AmbiguousSends}.
                SLA events {audit.Events.Count} (expected {SlaContacts * 3}; stale warnings not sent {audit.Events.Count(e => e.Suppressed)}); alert e-mails {audit.AlertMails} distinct, {audit.ResentMail} sent again with the same Message-ID; phone alerts {audit.PhoneAlerts.Count}.
                """);
            TestContext.Out.WriteLine(report);
            if (Environment.GetEnvironmentVariable("BALCAO_CRASH_REPORT") is { Length: > 0 } reportFile)
            {
                await File.AppendAllTextAsync(reportFile, report + Environment.NewLine);
            }

            Assert.That(acked, Has.Count.EqualTo(Messages + SlaContacts), "every webhook acknowledged in the end");
            // A node runs up to Storage:Concurrency sends at once: as many may be in flight at each kill, and each one
            // that was must have reached the provider just before a kill.
            audit.AssertExactlyOnce(SlaContacts, ambiguousAllowed: Kills * new StorageOptions().Concurrency, mailInFlightAllowed: Kills * 4, killedAt);
        }
        finally
        {
            node.Dispose();
        }

        Directory.Delete(work, recursive: true);
    }
}
