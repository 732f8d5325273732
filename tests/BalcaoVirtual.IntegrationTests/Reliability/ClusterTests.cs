using System.Globalization;
using System.Net;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace BalcaoVirtual.IntegrationTests.Reliability;

/// <summary>
/// The service on a real Redis Cluster (three masters, a replica each). The store, inbound and SLA fixtures and the
/// multi-node test also run on the shared cluster, where any multi-key step whose keys hash to different slots fails
/// with CROSSSLOT; here, a master is killed in the middle of a stream of webhooks.
/// </summary>
[NonParallelizable]
public sealed class ClusterTests
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    [Test]
    public async Task TheClusterRefusesAMultiKeyStepAcrossSlots_SoTheTestsOnItWouldFailOnOne()
    {
        await using var store = await StoreBackend.StartAsync(Backend.Cluster);
        var db = store.Multiplexer.GetDatabase();
        // Two conversations of contacts in different buckets: different hash tags, different slots.
        RedisKey first = store.Keys.Conversation("0aaaaaaaaaaaaaaaaaaa-x"), second = store.Keys.Conversation("1bbbbbbbbbbbbbbbbbbb-x");
        Assert.That(store.Multiplexer.HashSlot(first), Is.Not.EqualTo(store.Multiplexer.HashSlot(second)));

        // The client refuses to send a script or transaction across slots; sent anyway, the server refuses it.
        const string Script = "redis.call('SET', KEYS[1], 'a'); redis.call('SET', KEYS[2], 'b')";
        var script = Assert.ThrowsAsync<RedisCommandException>(() => db.ScriptEvaluateAsync(Script, [first, second]));
        var transaction = db.CreateTransaction();
        _ = transaction.StringSetAsync(first, "a");
        _ = transaction.StringSetAsync(second, "b");
        var multi = Assert.ThrowsAsync<RedisCommandException>(() => transaction.ExecuteAsync());
        var server = Assert.ThrowsAsync<RedisServerException>(() => db.ExecuteAsync("EVAL", Script, 2, (string)first!, (string)second!));
        Assert.Multiple(() =>
        {
            Assert.That(script!.Message, Does.StartWith("Multi-key operations must involve a single slot"));
            Assert.That(multi!.Message, Does.StartWith("Multi-key operations must involve a single slot"));
            Assert.That(server!.Message, Does.StartWith("CROSSSLOT"));
        });
        Assert.That(await db.KeyExistsAsync(first) || await db.KeyExistsAsync(second), Is.False, "nothing was written");
    }

    [Test]
    public async Task AMasterKilledUnderWebhookLoad_ItsReplicaTakesOver_AndNothingAcknowledgedIsLost()
    {
        await using var cluster = await RedisCluster.StartAsync(TestServers.TempDir("cluster-failover"));
        await using var bot = await BotHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Storage:Redis"] = cluster.ConnectionString,
            ["Storage:ReplicasToWait"] = "1",
            ["Storage:WorkLease"] = "00:00:04", // a bot turn cut by the failover is taken again after its lease
        }, realTime: true);
        await bot.SayAsync("Oi, bom dia", to: BotHarness.MacapaNumber);
        Assert.That(bot.Twilio.Requests, Is.Not.Empty, "the bot answers on the cluster");

        // The master of bucket 0's slot dies a third of the way in: its replica is promoted (the other masters vote),
        // the old master is started again (systemd would) and joins as the new master's replica. Until then the
        // promoted master has no replica to confirm a write, so webhooks of its buckets get 503.
        var keys = bot.Factory.Services.GetRequiredService<RedisKeys>();
        var (master, replica) = await cluster.MasterAndReplicaOfAsync(keys.InboundQueue("0"));
        var (acked, refused) = await FailoverStream.SendAsync(bot, 150, 7_000_000, () =>
        {
            master.Kill();
            return Task.Run(async () =>
            {
                await TestServers.WaitUntilAsync(async () => (await replica.CliAsync("ROLE")).FirstOrDefault() == "master",
                    TimeSpan.FromSeconds(60), "the cluster to promote the replica");
                await master.StartAsync();
                await cluster.WaitHealthyAsync();
            });
        });

        TestContext.Out.WriteLine($"{acked.Count} webhooks acknowledged, {refused} refused with 503 during the failover.");
        Assert.Multiple(async () =>
        {
            Assert.That(refused, Is.GreaterThan(0), "the master died in the middle of the stream");
            Assert.That((await master.CliAsync("ROLE")).FirstOrDefault(), Is.EqualTo("slave"), "the old master came back as a replica");
            Assert.That((await cluster.MasterOfAsync(keys.InboundQueue("0"))).Port, Is.EqualTo(replica.Port), "the replica serves the slot");
        });

        await FailoverStream.AssertEachStoredOnceAndAnsweredAsync(bot, acked);
    }

    [Test]
    public async Task AMasterThatLostItsReplica_RefusesOnlyTheWebhooksOfItsOwnSlots()
    {
        await using var cluster = await RedisCluster.StartAsync(TestServers.TempDir("cluster-wait"));
        await using var bot = await BotHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Storage:Redis"] = cluster.ConnectionString,
            ["Storage:ReplicasToWait"] = "1",
            ["Storage:ReplicaWaitTimeout"] = "00:00:01", // ample for a live replica on a loaded machine
        });
        var keys = bot.Factory.Services.GetRequiredService<RedisKeys>();
        var contactIds = bot.Factory.Services.GetRequiredService<ContactIds>();
        var (master, replica) = await cluster.MasterAndReplicaOfAsync(keys.InboundQueue("0"));
        replica.Kill();

        // WAIT must go to the master that holds the contact's data: one that lost its replica cannot confirm a write
        // (503, Twilio retries), while the masters with a replica acknowledge theirs.
        var answers = new List<(bool OnThatMaster, HttpStatusCode Status)>();
        for (var n = 0; n < 24; n++)
        {
            var from = "whatsapp:+55919" + (73000000 + n).ToString(Inv);
            var contact = contactIds.Of(ContactAddress.FromTwilio(from)!);
            var onThatMaster = (await cluster.MasterOfAsync(keys.Contact(contact))).Port == master.Port;
            using var response = await TwilioSigner.PostAsync(bot.Service, "/webhooks/twilio",
                TwilioSigner.Inbound(TwilioSigner.Sid(7_500_000 + n), "Oi", from, BotHarness.MacapaNumber));
            answers.Add((onThatMaster, response.StatusCode));
        }

        Assert.Multiple(() =>
        {
            Assert.That(answers.Where(a => a.OnThatMaster).Select(a => a.Status), Is.Not.Empty.And.All.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(answers.Where(a => !a.OnThatMaster).Select(a => a.Status), Is.Not.Empty.And.All.EqualTo(HttpStatusCode.OK));
        });
    }
}
