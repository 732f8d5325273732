using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Sla;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.Options;
using MimeKit;
using StackExchange.Redis;

namespace BalcaoVirtual.IntegrationTests.Support;

/// <summary>
/// The workload of the crash and multi-node checks, and the audit of what the service did with it: citizens who
/// write "menu" to four units' numbers (each message must get exactly one menu back), and citizens who write a
/// question to Macapá, whose short SLA (16 s, warning 8 s before, escalation 4 s after) runs during the test.
/// </summary>
internal static class DeliveryAudit
{
    public const string MacapaNumber = "whatsapp:+559621010210";
    public const string ManagerPhone = "whatsapp:+5596981230210";
    public const string MenuMarker = "Como posso ajudar? Responda com o número";
    public const string SlaQuestion = "Minha audiência foi remarcada?";
    public static readonly string[] BulkNumbers = ["whatsapp:+559140080001", "whatsapp:+559140080002", "whatsapp:+559140080003", "whatsapp:+559140080120"];
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string BulkContact(int i) => "whatsapp:+55919" + (70000000 + i).ToString(Inv);

    public static string BulkNumber(int contact) => BulkNumbers[contact % BulkNumbers.Length];

    public static string SlaContact(int i) => "whatsapp:+55969" + (71000000 + i).ToString(Inv);

    /// <summary>Settings for a node that runs this workload: short SLA, quick sweeps and leases, alerts to a folder.</summary>
    public static void AddSettings(Dictionary<string, string> settings, FakeTwilio twilio, string pickup)
    {
        settings["Units:Catalog"] = TestServers.SampleCatalogWith("trt8-vt-macapa-7", unit =>
            unit["sla"] = new JsonObject
            {
                ["responseWindow"] = "00:00:16",
                ["counting"] = "calendar",
                ["warnBefore"] = new JsonArray("00:00:08"),
                ["escalateAfter"] = "00:00:04",
            });
        settings["Twilio:ApiBaseUrl"] = twilio.BaseUrl.ToString();
        settings["Storage:WorkLease"] = "00:00:03";
        settings["Sla:SchedulePollingInterval"] = "00:00:01";
        settings["Sla:SweepCron"] = "*/2 * * * * *";
        settings["Sla:RedeliverAfter"] = "00:00:10";
        settings["Sla:DeliveryLease"] = "00:00:10";
        settings["Sla:JobInvisibilityTimeout"] = "00:00:15";
        settings["Sla:InboxBaseUrl"] = "https://balcao.trt8.jus.br";
        settings["Smtp:PickupDirectory"] = pickup;
        settings["Logging:LogLevel:BalcaoVirtual.Web.Features.Sla"] = "Information"; // in service.log, to follow an alert
    }

    /// <summary>
    /// Waits until every queue is empty and every SLA conversation has its three events delivered, then reads back
    /// everything the service stored and the fakes received. <paramref name="dead"/> returns a node's output when one
    /// died; <paramref name="nodes"/> what the nodes printed, for a failure.
    /// </summary>
    public static async Task<Result> RunAsync(
        string storeAddress, string prefix, ConcurrentDictionary<string, (string From, string To)> acked, FakeTwilio twilio, string pickup, Func<string?> dead, Func<string> nodes)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(storeAddress);
        var db = redis.GetDatabase();
        var keys = new RedisKeys(Options.Create(new StorageOptions { KeyPrefix = prefix }));
        var connections = new RedisConnections(redis);
        var store = new ConversationStore(connections, keys);
        var contactIds = await ContactIds.ReadAsync(db, keys);
        var sla = new SlaStore(connections, keys);
        var slaConversations = new List<string>();
        foreach (var contact in acked.Values.Where(a => a.To == MacapaNumber).Select(a => a.From).Distinct())
        {
            slaConversations.Add(await OpenConversationAsync(db, keys, contactIds, contact, MacapaNumber) ?? throw new AssertionException($"no conversation of {contact} with Macapá"));
        }

        var pending = "";
        await TestServers.WaitUntilAsync(async () =>
        {
            if (dead() is { } output)
            {
                Assert.Fail("a node died:" + Environment.NewLine + output);
            }

            foreach (var bucket in RedisKeys.Buckets)
            {
                var (inbound, outboundItems) = (await db.ListLengthAsync(keys.InboundQueue(bucket)) + await db.SortedSetLengthAsync(keys.InboundLeases(bucket)),
                    await db.ListLengthAsync(keys.OutboxQueue(bucket)) + await db.SortedSetLengthAsync(keys.OutboxLeases(bucket)));
                if (inbound + outboundItems > 0)
                {
                    pending = $"bucket {bucket}: {inbound} bot turn(s) and {outboundItems} send(s) queued";
                    return false;
                }
            }

            foreach (var id in slaConversations)
            {
                var events = await sla.EventsAsync(id);
                if (events.Count < 3 || events.Any(e => e.DeliveredAt is null && !e.Suppressed))
                {
                    pending = $"conversation {id}: events {string.Join(", ", events.Select(e => e.Key + (e.Suppressed ? " (suppressed)" : e.DeliveredAt is null ? " (not delivered)" : "")))}";
                    return false;
                }
            }

            return true;
        }, TimeSpan.FromSeconds(180), "the queues to empty and every SLA event to be delivered", () => $"Still pending: {pending}{Environment.NewLine}{nodes()}");

        var result = new Result();
        var outbound = new List<(string Conversation, Message Message)>();
        foreach (var group in acked.GroupBy(a => a.Value))
        {
            var id = await OpenConversationAsync(db, keys, contactIds, group.Key.From, group.Key.To);
            Assert.That(id, Is.Not.Null, $"the conversation of {group.Key.From} with {group.Key.To} is gone");
            var messages = await store.GetMessagesAsync(id!);
            var inbound = messages.Where(m => m.Direction == MessageDirection.Inbound).ToList();
            var counts = inbound.GroupBy(m => m.ProviderId!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            result.StoredTwice.AddRange(counts.Where(c => c.Value > 1).Select(c => c.Key));
            result.Lost.AddRange(group.Select(a => a.Key).Where(sid => !counts.ContainsKey(sid)));
            if (group.Key.To != MacapaNumber)
            {
                var menus = messages.Count(m => m.Direction == MessageDirection.Outbound && m.Text.Contains(MenuMarker, StringComparison.Ordinal));
                if (menus != inbound.Count)
                {
                    result.TurnsOff.Add($"{id}: {inbound.Count} messages, {menus} menus");
                }
            }

            outbound.AddRange(messages.Where(m => m.Direction == MessageDirection.Outbound).Select(m => (id!, m)));
        }

        // The SLA's phone alerts go out from Macapá's number on a staff conversation of the manager's.
        var staffId = $"{contactIds.Of(ContactAddress.FromTwilio(ManagerPhone)!)}-staff{RedisKeys.Digest(MacapaNumber)[..8]}";
        if (await db.KeyExistsAsync(keys.Conversation(staffId)))
        {
            result.PhoneAlerts.AddRange(await store.GetMessagesAsync(staffId));
            outbound.AddRange(result.PhoneAlerts.Select(m => (staffId, m)));
        }

        // Only what went to this workload's citizens and to the manager (other tests may share the fake).
        var audited = acked.Values.Select(a => a.From).Append(ManagerPhone).ToHashSet(StringComparer.Ordinal);
        var requests = twilio.Requests.Where(r => audited.Contains(r.To)).ToList();
        var given = requests.Select(r => r.Sid).ToHashSet(StringComparer.Ordinal);
        var recorded = outbound.Select(o => o.Message.ProviderId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        result.Outbound = outbound.Count;
        result.ProviderRequests = requests.Count;
        result.NotSent.AddRange(outbound.Where(o => o.Message.Status is Outbox.Pending or null || o.Message.ProviderId is null).Select(o => $"{o.Conversation}/{o.Message.Id} {o.Message.Status}"));
        result.UnknownIds.AddRange(outbound.Where(o => o.Message.ProviderId is { } p && !given.Contains(p)).Select(o => o.Message.ProviderId!));
        result.ReusedIds.AddRange(outbound.Where(o => o.Message.ProviderId is not null).GroupBy(o => o.Message.ProviderId!).Where(g => g.Count() > 1).Select(g => g.Key));
        result.AmbiguousRequests.AddRange(requests.Where(r => !recorded.Contains(r.Sid)));
        result.AmbiguousSends = result.AmbiguousRequests.Count;

        foreach (var id in slaConversations)
        {
            result.Events.AddRange(await sla.EventsAsync(id));
        }

        var byMessageId = Directory.Exists(pickup)
            ? Directory.EnumerateFiles(pickup, "*.eml").Select(f => MimeMessage.Load(f)).GroupBy(m => m.MessageId ?? "", StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal)
            : [];
        // A warning made stale by a later point due at the same check (the node was down) is recorded and not sent.
        static string Prefix(SlaEvent e) => $"sla.{e.ConversationId}.{e.Seq}.{e.Key}.";
        var sent = result.Events.Where(e => !e.Suppressed).ToList();
        result.EventsWithoutMail.AddRange(sent.Where(e => !byMessageId.Keys.Any(k => k.StartsWith(Prefix(e), StringComparison.Ordinal))).Select(e => $"{e.ConversationId}/{e.Key}"));
        result.MailWithoutEvent.AddRange(byMessageId.Keys.Where(k => slaConversations.Any(c => k.StartsWith($"sla.{c}.", StringComparison.Ordinal)))
            .Where(k => !sent.Any(e => k.StartsWith(Prefix(e), StringComparison.Ordinal))));
        result.AlertMails = byMessageId.Count;
        result.ResentMail = byMessageId.Values.Sum(c => c - 1);
        return result;
    }

    private static async Task<string?> OpenConversationAsync(IDatabase db, RedisKeys keys, ContactIds contactIds, string from, string to) =>
        await db.HashGetAsync(keys.Contact(contactIds.Of(ContactAddress.FromTwilio(from)!)), InboundStore.OpenField(to));

    internal sealed class Result
    {
        public List<string> Lost { get; } = [];

        public List<string> StoredTwice { get; } = [];

        public List<string> TurnsOff { get; } = [];

        public int Outbound { get; set; }

        public int ProviderRequests { get; set; }

        public List<string> NotSent { get; } = [];

        public List<string> UnknownIds { get; } = [];

        public List<string> ReusedIds { get; } = [];

        public int AmbiguousSends { get; set; }

        /// <summary>The provider requests no message recorded as its own: sends in flight when a node died.</summary>
        public List<SentRequest> AmbiguousRequests { get; } = [];

        /// <summary>How long before a kill a send may have reached the provider and still be unrecorded: the request timeout.</summary>
        private static readonly TimeSpan InFlight = TimeSpan.FromSeconds(10);

        public List<SlaEvent> Events { get; } = [];

        public List<string> EventsWithoutMail { get; } = [];

        public List<string> MailWithoutEvent { get; } = [];

        public int AlertMails { get; set; }

        public int ResentMail { get; set; }

        public List<Message> PhoneAlerts { get; } = [];

        /// <summary>
        /// Exactly once everywhere, but for what no system can tell after a crash: a send or an e-mail in flight when
        /// the node died (the provider took it, the node never recorded it), at most as many as allowed.
        /// </summary>
        /// <param name="killedAt">When the nodes were killed (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>): each
        /// send made twice must have reached the provider shortly before one of them, as only a send in flight can.</param>
        public void AssertExactlyOnce(int slaConversations, int ambiguousAllowed, int mailInFlightAllowed, IReadOnlyList<long>? killedAt = null) => Assert.Multiple(() =>
        {
            if (killedAt is not null)
            {
                // Each such request as its time to the nearest kill after it (negative: after the last kill).
                Assert.That(
                    AmbiguousRequests.Where(r => !killedAt.Any(k => r.ArrivedAt <= k && System.Diagnostics.Stopwatch.GetElapsedTime(r.ArrivedAt, k) <= InFlight))
                        .Select(r => $"{r.Sid} to {r.To}: {(killedAt.Where(k => k >= r.ArrivedAt).Select(k => System.Diagnostics.Stopwatch.GetElapsedTime(r.ArrivedAt, k).TotalSeconds).DefaultIfEmpty(-System.Diagnostics.Stopwatch.GetElapsedTime(killedAt[^1], r.ArrivedAt).TotalSeconds).Min()):F1} s"),
                    Is.Empty, $"sent twice, but not in flight at a kill (reached the provider more than {InFlight.TotalSeconds:0} s before any kill)");
            }

            Assert.That(Lost, Is.Empty, "acknowledged but lost");
            Assert.That(StoredTwice, Is.Empty, "stored twice");
            Assert.That(TurnsOff, Is.Empty, "one bot turn (one menu) per message");
            Assert.That(NotSent, Is.Empty, "queued but never sent");
            Assert.That(UnknownIds, Is.Empty, "recorded as sent with an id the provider never gave");
            Assert.That(ReusedIds, Is.Empty, "one provider message recorded for two messages");
            Assert.That(AmbiguousSends, Is.LessThanOrEqualTo(ambiguousAllowed), "sent twice: only a send in flight at a kill may be");
            Assert.That(Events.GroupBy(e => (e.ConversationId, e.Seq, e.Key)).Where(g => g.Count() > 1), Is.Empty, "an SLA event written twice");
            Assert.That(Events.Select(e => (e.ConversationId, e.Key)).Distinct().Count(), Is.EqualTo(slaConversations * 3), "warning, breach and escalation of each conversation");
            Assert.That(Events.Where(e => e.Suppressed && e.Kind != SlaEventKind.Warning).Select(e => $"{e.ConversationId}/{e.Key}"), Is.Empty, "only a stale warning is ever left unsent");
            Assert.That(EventsWithoutMail, Is.Empty, "an SLA event whose e-mail alert was lost");
            Assert.That(MailWithoutEvent, Is.Empty, "an alert e-mail for no event");
            Assert.That(ResentMail, Is.LessThanOrEqualTo(mailInFlightAllowed), "e-mail sent again: only those in flight at a kill, with the same Message-ID");
            Assert.That(PhoneAlerts.GroupBy(m => m.Text, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key), Is.Empty, "a phone alert queued twice");
            // Macapá has no clerks: its manager (who has a phone) gets the warning and the breach; the escalation contact has none.
            Assert.That(PhoneAlerts, Has.Count.EqualTo(Events.Count(e => !e.Suppressed && e.Key != "escalation")), "one phone alert per warning and breach sent");
        });
    }
}
