using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Sla;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.Options;
using MimeKit;
using StackExchange.Redis;

namespace BalcaoVirtual.IntegrationTests.Reliability;

/// <summary>
/// The crash harness. Signed webhooks stream into the real service (its own process) while it is killed with SIGKILL
/// twice: once in the middle of the stream, once while the first SLA alerts are going out. The webhooks that failed
/// are sent again with the same MessageSid, as Twilio retries. After the last restart, when everything has settled:
/// every acknowledged message is stored exactly once and had exactly one bot turn; every queued outbound message was
/// sent, and sent once but for those in flight at a kill (counted); every SLA event was written once and its alerts
/// went out once. For the embedded store and for redis-server with AOF (appendfsync always).
/// The size is BALCAO_CRASH_MESSAGES (2,000 here; bench/run-crash.sh runs more); the figures go to the test output,
/// and to BALCAO_CRASH_REPORT when set.
/// </summary>
[NonParallelizable]
[TestFixture("embedded")]
[TestFixture("redis")]
public sealed class CrashSafetyTests(string backend)
{
    private const string MacapaNumber = "whatsapp:+559621010210";
    private const string MenuMarker = "Como posso ajudar? Responda com o número";
    private const int Contacts = 200;
    private const int SlaContacts = 12;
    private const int Kills = 2;
    private static readonly string[] BulkNumbers = ["whatsapp:+559140080001", "whatsapp:+559140080002", "whatsapp:+559140080003", "whatsapp:+559140080120"];
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static int Messages =>
        int.TryParse(Environment.GetEnvironmentVariable("BALCAO_CRASH_MESSAGES"), Inv, out var n) && n > 0 ? n : 2000;

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
        settings["Units:Catalog"] = CatalogWithShortMacapaSla();
        settings["Twilio:ApiBaseUrl"] = twilio.BaseUrl.ToString();
        settings["Storage:WorkLease"] = "00:00:03";
        settings["Sla:SchedulePollingInterval"] = "00:00:01";
        settings["Sla:SweepCron"] = "*/2 * * * * *";
        settings["Sla:RedeliverAfter"] = "00:00:10";
        settings["Sla:DeliveryLease"] = "00:00:10";
        settings["Sla:InboxBaseUrl"] = "https://balcao.trt8.jus.br";
        settings["Smtp:PickupDirectory"] = pickup;
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

        async Task RestartAsync()
        {
            var down = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref nodeUp, down);
            node.KillHard();
            node.Dispose();
            node = await ServiceProcess.StartAsync(work, httpPort, settings);
            down.SetResult();
        }

        try
        {
            // The SLA's citizens write first, so their deadlines fall during the run.
            await Task.WhenAll(Enumerable.Range(0, SlaContacts).Select(i =>
                DeliverAsync(TwilioSigner.Sid(1_000_000 + i), SlaContact(i), MacapaNumber, "Minha audiência foi remarcada?")));

            var next = 0;
            var stream = Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
            {
                int n;
                while ((n = Interlocked.Increment(ref next)) <= Messages)
                {
                    var contact = n % Contacts;
                    await DeliverAsync(TwilioSigner.Sid(n), BulkContact(contact), BulkNumbers[contact % BulkNumbers.Length], "menu");
                }
            })));

            // Kill 1: in the middle of the stream.
            await TestServers.WaitUntilAsync(() => Task.FromResult(acked.Count >= SlaContacts + Messages * 2 / 5 || stream.IsCompleted), TimeSpan.FromSeconds(120), "40 % of the webhooks");
            var ackedAtFirstKill = acked.Count;
            await RestartAsync();

            // Kill 2: as soon as the first SLA alert is written out.
            await TestServers.WaitUntilAsync(() => Task.FromResult(Directory.Exists(pickup) && Directory.EnumerateFiles(pickup, "*.eml").Any()), TimeSpan.FromSeconds(120), "the first SLA alert");
            await RestartAsync();
            await stream.WaitAsync(TimeSpan.FromSeconds(240));

            // Settle: every queue empty, every SLA event written and delivered.
            await using var redis = await ConnectionMultiplexer.ConnectAsync(storeAddress);
            var keys = new RedisKeys(Options.Create(new StorageOptions { KeyPrefix = prefix }));
            var connections = new RedisConnections(redis);
            var store = new ConversationStore(connections, keys);
            var sla = new SlaStore(connections, keys);
            var slaConversations = await Task.WhenAll(Enumerable.Range(0, SlaContacts).Select(i => OpenConversationAsync(redis, keys, SlaContact(i), MacapaNumber)));
            await TestServers.WaitUntilAsync(async () =>
            {
                Assert.That(node.HasExited, Is.False, () => node.Output);
                var queued = 0L;
                foreach (var bucket in RedisKeys.Buckets)
                {
                    queued += await redis.GetDatabase().ListLengthAsync(keys.InboundQueue(bucket)) + await redis.GetDatabase().SortedSetLengthAsync(keys.InboundLeases(bucket))
                        + await redis.GetDatabase().ListLengthAsync(keys.OutboxQueue(bucket)) + await redis.GetDatabase().SortedSetLengthAsync(keys.OutboxLeases(bucket));
                }

                if (queued > 0)
                {
                    return false;
                }

                foreach (var id in slaConversations)
                {
                    var events = await sla.EventsAsync(id!);
                    if (events.Count < 3 || events.Any(e => e.DeliveredAt is null))
                    {
                        return false;
                    }
                }

                return true;
            }, TimeSpan.FromSeconds(180), "the queues to empty and every SLA event to be delivered");

            // 1. Every acknowledged webhook stored exactly once; 2. one bot turn for each.
            var storedTwice = new List<string>();
            var lost = new List<string>();
            var turnsOff = new List<string>();
            var outboundMessages = new List<(string Conversation, Message Message)>();
            var conversationIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var group in acked.GroupBy(a => a.Value))
            {
                var id = await OpenConversationAsync(redis, keys, group.Key.From, group.Key.To);
                Assert.That(id, Is.Not.Null, $"the conversation of {group.Key.From} with {group.Key.To} is gone");
                conversationIds.Add(id!);
                var messages = await store.GetMessagesAsync(id!);
                var inbound = messages.Where(m => m.Direction == MessageDirection.Inbound).ToList();
                var counts = inbound.GroupBy(m => m.ProviderId!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
                storedTwice.AddRange(counts.Where(c => c.Value > 1).Select(c => c.Key));
                lost.AddRange(group.Select(a => a.Key).Where(sid => !counts.ContainsKey(sid)));
                if (group.Key.To != MacapaNumber)
                {
                    var menus = messages.Count(m => m.Direction == MessageDirection.Outbound && m.Text.Contains(MenuMarker, StringComparison.Ordinal));
                    if (menus != inbound.Count)
                    {
                        turnsOff.Add($"{id}: {inbound.Count} messages, {menus} menus");
                    }
                }

                outboundMessages.AddRange(messages.Where(m => m.Direction == MessageDirection.Outbound).Select(m => (id!, m)));
            }

            // 3. Every outbound message sent; a provider id the fake gave out once, to one message.
            var staffId = await StaffConversationAsync(redis, keys, "whatsapp:+5596981230210");
            var staffMessages = staffId is null ? [] : (await store.GetMessagesAsync(staffId)).ToList();
            outboundMessages.AddRange(staffMessages.Select(m => (staffId!, m)));
            var requests = twilio.Requests.ToList();
            var fakeSids = requests.Select(r => r.Sid).ToHashSet(StringComparer.Ordinal);
            var notSent = outboundMessages.Where(o => o.Message.Status is Outbox.Pending or null || o.Message.ProviderId is null).Select(o => $"{o.Conversation}/{o.Message.Id} {o.Message.Status}").ToList();
            var unknownIds = outboundMessages.Where(o => o.Message.ProviderId is { } p && !fakeSids.Contains(p)).ToList();
            var reusedIds = outboundMessages.Where(o => o.Message.ProviderId is not null).GroupBy(o => o.Message.ProviderId).Where(g => g.Count() > 1).ToList();
            var recorded = outboundMessages.Select(o => o.Message.ProviderId).OfType<string>().ToHashSet(StringComparer.Ordinal);
            var ambiguousSends = requests.Count(r => !recorded.Contains(r.Sid));

            // 4. SLA: each event once, each alert e-mail once (one Message-ID per event and recipient), each phone alert once.
            var events = new List<SlaEvent>();
            foreach (var id in slaConversations)
            {
                events.AddRange(await sla.EventsAsync(id!));
            }

            var mails = Directory.EnumerateFiles(pickup, "*.eml").Select(f => MimeMessage.Load(f)).ToList();
            var byMessageId = mails.GroupBy(m => m.MessageId ?? "", StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var eventsWithoutMail = events.Where(e => !byMessageId.Keys.Any(k => k.StartsWith($"sla.{e.ConversationId}.{e.Seq}.{e.Key}.", StringComparison.Ordinal))).Select(e => $"{e.ConversationId}/{e.Key}").ToList();
            var mailWithoutEvent = byMessageId.Keys.Where(k => !events.Any(e => k.StartsWith($"sla.{e.ConversationId}.{e.Seq}.{e.Key}.", StringComparison.Ordinal))).ToList();
            var resentMail = byMessageId.Values.Sum(c => c - 1);
            var phoneAlerts = staffMessages.GroupBy(m => m.Text, StringComparer.Ordinal).ToList();

            var report = string.Create(Inv, $"""
                Crash harness, {backend} store: {Messages} bulk webhooks from {Contacts} citizens to {BulkNumbers.Length} numbers, {SlaContacts} SLA conversations, {Kills} SIGKILLs (after {ackedAtFirstKill} acknowledged; at the first SLA alert).
                acknowledged {acked.Count} (after {retried} failed attempts sent again); lost {lost.Count}; stored twice {storedTwice.Count}; bot turns off {turnsOff.Count}.
                outbound messages {outboundMessages.Count}; not sent {notSent.Count}; provider requests {requests.Count}; sent again after a kill (in flight, ambiguous) {ambiguousSends}.
                SLA events {events.Count} (expected {SlaContacts * 3}); alert e-mails {byMessageId.Count} distinct, {resentMail} sent again with the same Message-ID; phone alerts {staffMessages.Count}.
                """);
            TestContext.Out.WriteLine(report);
            if (Environment.GetEnvironmentVariable("BALCAO_CRASH_REPORT") is { Length: > 0 } reportFile)
            {
                await File.AppendAllTextAsync(reportFile, report + Environment.NewLine);
            }

            Assert.Multiple(() =>
            {
                Assert.That(acked, Has.Count.EqualTo(Messages + SlaContacts), "every webhook acknowledged in the end");
                Assert.That(lost, Is.Empty, "acknowledged but lost");
                Assert.That(storedTwice, Is.Empty, "stored twice");
                Assert.That(turnsOff, Is.Empty, "one bot turn (one menu) per message");
                Assert.That(notSent, Is.Empty, "queued but never sent");
                Assert.That(unknownIds, Is.Empty, "recorded as sent with an id the provider never gave");
                Assert.That(reusedIds, Is.Empty, "one provider message recorded for two messages");
                Assert.That(ambiguousSends, Is.LessThanOrEqualTo(Kills), "sent twice: at most the one send in flight at each kill");
                Assert.That(events.GroupBy(e => (e.ConversationId, e.Seq, e.Key)).Where(g => g.Count() > 1), Is.Empty, "an SLA event written twice");
                Assert.That(events.Select(e => (e.ConversationId, e.Key)).Distinct().Count(), Is.EqualTo(SlaContacts * 3), "warning, breach and escalation of each conversation");
                Assert.That(eventsWithoutMail, Is.Empty, "an SLA event whose e-mail alert was lost");
                Assert.That(mailWithoutEvent, Is.Empty, "an alert e-mail for no event");
                Assert.That(resentMail, Is.LessThanOrEqualTo(Kills * 4), "e-mail sent again: at most those in flight at a kill, with the same Message-ID");
                Assert.That(phoneAlerts.Where(g => g.Count() > 1).Select(g => g.Key), Is.Empty, "a phone alert queued twice");
                // Macapá has no clerks: its manager (who has a phone) gets the warning and the breach; the escalation contact has none.
                Assert.That(staffMessages, Has.Count.EqualTo(events.Count(e => e.Key != "escalation")), "one phone alert per warning and breach");
            });
        }
        finally
        {
            node.Dispose();
        }

        Directory.Delete(work, recursive: true);
    }

    private static string BulkContact(int i) => "whatsapp:+55919" + (70000000 + i).ToString(Inv);

    private static string SlaContact(int i) => "whatsapp:+55969" + (71000000 + i).ToString(Inv);

    private static async Task<string?> OpenConversationAsync(ConnectionMultiplexer redis, RedisKeys keys, string from, string to)
    {
        var contact = ContactAddress.FromTwilio(from)!;
        return await redis.GetDatabase().HashGetAsync(keys.Contact(contact.ContactId), InboundStore.OpenField(to));
    }

    /// <summary>The conversation the SLA's phone alerts to the manager went out on (from Macapá's number).</summary>
    private static async Task<string?> StaffConversationAsync(ConnectionMultiplexer redis, RedisKeys keys, string phone)
    {
        var contact = ContactAddress.FromTwilio(phone)!;
        var id = $"{contact.ContactId}-staff{RedisKeys.Digest(MacapaNumber)[..8]}";
        return await redis.GetDatabase().KeyExistsAsync(keys.Conversation(id)) ? id : null;
    }

    /// <summary>Macapá answers within 16 s (warning at 8 s before, escalation 4 s after): the SLA runs during the test.</summary>
    private static string CatalogWithShortMacapaSla() => TestServers.SampleCatalogWith("trt8-vt-macapa-7", unit =>
        unit["sla"] = new JsonObject
        {
            ["responseWindow"] = "00:00:16",
            ["counting"] = "calendar",
            ["warnBefore"] = new JsonArray("00:00:08"),
            ["escalateAfter"] = "00:00:04",
        });
}
