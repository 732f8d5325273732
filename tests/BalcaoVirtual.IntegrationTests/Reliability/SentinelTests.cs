using System.Globalization;
using System.Net;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Conversations;
using StackExchange.Redis;

namespace BalcaoVirtual.IntegrationTests.Reliability;

/// <summary>
/// Redis with Sentinel, as the runbook sets it up: a master and a replica (AOF), three Sentinels, the service given the
/// Sentinels and the service name, and Storage:ReplicasToWait=1. The master is killed with SIGKILL in the middle of a
/// stream of webhooks: the Sentinels promote the replica, the service follows on its own, the webhooks refused meanwhile
/// (503) are stored when Twilio retries them, and every acknowledged message is on the new master exactly once.
/// </summary>
[NonParallelizable]
public sealed class SentinelTests
{
    private const string Service = "balcao";
    private const int Messages = 150;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    [Test]
    public async Task MasterKilled_SentinelsPromoteTheReplica_AndNothingAcknowledgedIsLost()
    {
        var work = TestServers.TempDir("sentinel");
        using var master = new RedisServerProcess(Path.Combine(work, "master"));
        await master.StartAsync();
        using var replica = new RedisServerProcess(Path.Combine(work, "replica"), "--replicaof", "127.0.0.1", master.Port.ToString(Inv));
        await replica.StartAsync();
        var sentinels = Enumerable.Range(0, 3).Select(i => RedisServerProcess.Sentinel(Path.Combine(work, $"sentinel{i}"), Service, master.Port)).ToList();
        try
        {
            foreach (var sentinel in sentinels)
            {
                await sentinel.StartAsync();
            }

            await WaitForSentinelsAsync(sentinels, master.Port);
            var connection = string.Join(',', sentinels.Select(s => s.ConnectionString)) + $",serviceName={Service}";
            await using var bot = await BotHarness.StartAsync(new Dictionary<string, string?>
            {
                ["Storage:Redis"] = connection,
                ["Storage:ReplicasToWait"] = "1",
                ["Storage:WorkLease"] = "00:00:04", // a bot turn cut by the failover is taken again after its lease
            }, realTime: true);
            await bot.SayAsync("Oi, bom dia", to: BotHarness.MacapaNumber);
            Assert.That(bot.Twilio.Requests, Is.Not.Empty, "the bot answers through the Sentinels' master");

            // The master dies a third of the way in; once the Sentinels promoted the replica, the old master is started
            // again (systemd would), and the Sentinels make it the new master's replica. Until then no replica can
            // confirm a write, so webhooks get 503.
            var (acked, refused) = await FailoverStream.SendAsync(bot, Messages, 5_000_000, () =>
            {
                master.Kill();
                return Task.Run(async () =>
                {
                    await TestServers.WaitUntilAsync(
                        async () => (await sentinels[0].CliAsync("SENTINEL", "GET-MASTER-ADDR-BY-NAME", Service)).ElementAtOrDefault(1) == replica.Port.ToString(Inv),
                        TimeSpan.FromSeconds(60), "the Sentinels to promote the replica");
                    await master.StartAsync();
                });
            });

            await using var promoted = await ConnectionMultiplexer.ConnectAsync(replica.ConnectionString);
            var role = (RedisResult[])(await promoted.GetDatabase().ExecuteAsync("ROLE"))!;
            TestContext.Out.WriteLine($"{acked.Count} webhooks acknowledged, {refused} refused with 503 during the failover; the replica is now {role[0]}.");
            Assert.Multiple(() =>
            {
                Assert.That(refused, Is.GreaterThan(0), "the master died in the middle of the stream");
                Assert.That((string?)role[0], Is.EqualTo("master"), "the Sentinels promoted the replica");
            });

            await FailoverStream.AssertEachStoredOnceAndAnsweredAsync(bot, acked);
        }
        finally
        {
            foreach (var sentinel in sentinels)
            {
                sentinel.Dispose();
            }
        }
    }

    [Test]
    public async Task ReplicasToWait_WithNoReplicaInTime_TheWebhookIs503_AndTheRetryIsStoredOnceWhenOneIsBack()
    {
        var work = TestServers.TempDir("replica-wait");
        using var master = new RedisServerProcess(Path.Combine(work, "master"));
        await master.StartAsync();
        await using var bot = await BotHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Storage:Redis"] = master.ConnectionString,
            ["Storage:ReplicasToWait"] = "1",
            ["Storage:ReplicaWaitTimeout"] = "00:00:00.200",
        });
        var sid = TwilioSigner.Sid(6_000_001);
        var form = TwilioSigner.Inbound(sid, "Preciso falar com a vara.", BotHarness.Citizen, BotHarness.MacapaNumber);

        using var alone = await TwilioSigner.PostAsync(bot.Service, "/webhooks/twilio", form);
        Assert.That(alone.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "no replica holds it: not acknowledged, Twilio retries");

        using var replica = new RedisServerProcess(Path.Combine(work, "replica"), "--replicaof", "127.0.0.1", master.Port.ToString(Inv));
        await replica.StartAsync();
        await TestServers.WaitUntilAsync(async () => (await replica.CliAsync("INFO", "replication")).Contains("master_link_status:up"),
            TimeSpan.FromSeconds(20), "the replica to follow the master");
        using var retried = await TwilioSigner.PostAsync(bot.Service, "/webhooks/twilio", form);
        Assert.That(retried.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var conversation = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        var messages = await bot.Conversations.GetMessagesAsync(conversation.Id);
        Assert.That(messages.Count(m => m.ProviderId == sid), Is.EqualTo(1), "stored once across the refusal and the retry");
    }

    /// <summary>Until every Sentinel sees the master, its replica and the two other Sentinels (needed to agree on a failover).</summary>
    private static Task WaitForSentinelsAsync(List<RedisServerProcess> sentinels, int masterPort)
    {
        var state = "";
        return TestServers.WaitUntilAsync(async () =>
        {
            foreach (var sentinel in sentinels)
            {
                var fields = await sentinel.CliAsync("SENTINEL", "MASTER", Service);
                var info = Enumerable.Range(0, fields.Length / 2).ToDictionary(i => fields[2 * i], i => fields[(2 * i) + 1], StringComparer.Ordinal);
                state = $"sentinel {sentinel.Port}: master port {info.GetValueOrDefault("port")}, replicas {info.GetValueOrDefault("num-slaves")}, other sentinels {info.GetValueOrDefault("num-other-sentinels")}";
                if (info.GetValueOrDefault("port") != masterPort.ToString(Inv) || info.GetValueOrDefault("num-slaves") != "1" || info.GetValueOrDefault("num-other-sentinels") != "2")
                {
                    return false;
                }
            }

            return true;
        }, TimeSpan.FromSeconds(30), "the Sentinels to find the master, its replica and each other", () => state);
    }
}
