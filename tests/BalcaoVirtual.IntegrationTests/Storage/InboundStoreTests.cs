using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Channels.WhatsApp;
using BalcaoVirtual.Web.Features.Chatbot;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Privacy;
using BalcaoVirtual.Web.Features.Units;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.IntegrationTests.Storage;

[TestFixture(Backend.Garnet)]
[TestFixture(Backend.Redis)]
[TestFixture(Backend.Cluster)]
public sealed class InboundStoreTests(Backend backend)
{
    private StoreBackend store = null!;
    private FakeTimeProvider time = null!;

    private static readonly BalcaoVirtual.Web.Infrastructure.Telemetry.BalcaoMetrics Metrics = new(new NoMeterFactory());

    /// <summary>Meters for a store-only test: created and measured, exported nowhere.</summary>
    private sealed class NoMeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
    private InboundStore inbound = null!;
    private ContactIds contactIds = null!;
    private ConversationStore conversations = null!;

    [SetUp]
    public async Task SetUp()
    {
        store = await StoreBackend.StartAsync(backend);
        time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        contactIds = await ContactIds.ReadAsync(store.Connections.GetDatabase(), store.Keys);
        inbound = new InboundStore(store.Connections, store.Keys, contactIds, ReplicaWait.None, Metrics, time);
        conversations = new ConversationStore(store.Connections, store.Keys);
    }

    [TearDown]
    public async Task TearDown() => await store.DisposeAsync();

    [Test]
    public async Task AppendAsync_StoresOnce_WhenProviderRetries()
    {
        var results = new List<InboundResult>();
        for (var i = 0; i < 5; i++)
        {
            results.Add(await inbound.AppendAsync(Message("SM0001", "Bom dia, quero saber do meu processo")));
        }

        var messages = await conversations.GetMessagesAsync(results[0].ConversationId);
        Assert.Multiple(() =>
        {
            Assert.That(results.Count(r => r.IsNew), Is.EqualTo(1));
            Assert.That(results.Select(r => (r.ConversationId, r.MessageId)).Distinct().Count(), Is.EqualTo(1));
            Assert.That(messages.Single().Text, Is.EqualTo("Bom dia, quero saber do meu processo"));
            Assert.That(messages.Single().ProviderId, Is.EqualTo("SM0001"));
        });
    }

    [Test]
    public async Task AppendAsync_PutsBothFormsOfABrazilianMobileInOneConversation()
    {
        var withNine = await inbound.AppendAsync(Message("SM1", "primeira", from: "whatsapp:+5591981234567"));
        var withoutNine = await inbound.AppendAsync(Message("SM2", "segunda", from: "whatsapp:+559181234567"));

        Assert.That(withoutNine.ConversationId, Is.EqualTo(withNine.ConversationId));
        Assert.That((await conversations.GetMessagesAsync(withNine.ConversationId)).Select(m => m.Text), Is.EqualTo(new[] { "primeira", "segunda" }));
    }

    [Test]
    public async Task AppendAsync_ConcurrentMessagesOfOneContact_ShareOneConversation()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => inbound.AppendAsync(Message($"SM{i:D3}", $"mensagem {i}"))));

        Assert.That(results.Select(r => r.ConversationId).Distinct().Count(), Is.EqualTo(1));
        Assert.That(await conversations.GetMessagesAsync(results[0].ConversationId), Has.Count.EqualTo(20));
    }

    [Test]
    public async Task AppendAsync_AContactsNextMessage_IsOneStoreRoundTrip()
    {
        await inbound.AppendAsync(Message("SM1", "primeira"));
        var session = new StackExchange.Redis.Profiling.ProfilingSession();
        store.Connections.Primary.RegisterProfiler(() => session);
        await inbound.AppendAsync(Message("SM2", "segunda"));
        store.Connections.Primary.RegisterProfiler(null!);

        // The publish that wakes the processor is fire-and-forget: no answer is waited for.
        var waitedFor = session.FinishProfiling().Where(c => (c.Flags & CommandFlags.FireAndForget) == 0).Select(c => c.Command).ToList();
        Assert.That(waitedFor, Has.Count.EqualTo(1), string.Join(", ", waitedFor));
    }

    [Test]
    public async Task AppendAsync_CountsOnTheIntakeGauge_WhileItStores()
    {
        var gauge = new IntakeGauge(Options.Create(store.Options));
        var busyWhileStoring = false;
        var counted = new InboundStore(store.Connections, store.Keys, contactIds, ReplicaWait.None, Metrics, time, gauge)
        {
            Scripts = script =>
            {
                busyWhileStoring = gauge.Busy;
                return script;
            },
        };

        await counted.AppendAsync(Message("SM1", "primeira"));

        Assert.That((busyWhileStoring, gauge.Busy), Is.EqualTo((true, false)), "the bot's turns yield while a message is being stored, and only then");
    }

    [Test]
    public async Task AppendAsync_AfterTheOpenConversationWasErased_OpensANewOne_ThoughThisNodeRememberedIt()
    {
        var first = await inbound.AppendAsync(Message("SM1", "primeira"));
        // What erasing it does to the contact (Anonymizer): the pointer to the open conversation goes.
        await store.Connections.GetDatabase().HashDeleteAsync(store.Keys.Contact(RedisKeys.ContactOf(first.ConversationId)), InboundStore.OpenField("whatsapp:+559621010210"));
        var other = new InboundStore(store.Connections, store.Keys, contactIds, ReplicaWait.None, Metrics, time); // another node
        var elsewhere = await other.AppendAsync(Message("SM2", "segunda"));

        var next = await inbound.AppendAsync(Message("SM3", "terceira"));

        Assert.Multiple(async () =>
        {
            Assert.That(elsewhere.ConversationId, Is.Not.EqualTo(first.ConversationId));
            Assert.That(next.ConversationId, Is.EqualTo(elsewhere.ConversationId), "the store's open conversation, not the one this node remembered");
            Assert.That((await conversations.GetMessagesAsync(first.ConversationId)).Select(m => m.Text), Is.EqualTo(new[] { "primeira" }));
            Assert.That((await conversations.GetMessagesAsync(next.ConversationId)).Select(m => m.Text), Is.EqualTo(new[] { "segunda", "terceira" }));
        });
    }

    [Test]
    public async Task AppendAsync_CreatesBotConversations_KnowingTheUnitOfTheNumberWrittenTo()
    {
        var forUnit = await inbound.AppendAsync(Message("SMa", "oi", unit: "trt8-vt-macapa-7"));
        var central = await inbound.AppendAsync(Message("SMb", "oi", from: "whatsapp:+5591999990000"));

        var unitConversation = await conversations.GetAsync(forUnit.ConversationId);
        var botConversation = await conversations.GetAsync(central.ConversationId);
        Assert.Multiple(() =>
        {
            Assert.That(unitConversation!.State, Is.EqualTo(ConversationState.Bot), "the chatbot meets it first");
            Assert.That(unitConversation.UnitId, Is.EqualTo("trt8-vt-macapa-7"));
            Assert.That(unitConversation.WaitingSince, Is.Null);
            Assert.That(botConversation!.State, Is.EqualTo(ConversationState.Bot));
            Assert.That(botConversation.UnitId, Is.Null);
        });
    }

    [Test]
    public async Task Processor_IndexesConversationForItsUnit_AndHandlesEachMessageOnce_WithItsReplyQueuedOnce()
    {
        var handler = new CountingHandler();
        var processor = Processor(handler);

        var first = await inbound.AppendAsync(Message("SMx", "oi", unit: "trt8-vt-macapa-7"));
        await inbound.AppendAsync(Message("SMx", "oi", unit: "trt8-vt-macapa-7")); // redelivered before processing
        var handled = await processor.ProcessBatchAsync(CancellationToken.None);
        await inbound.AppendAsync(Message("SMx", "oi", unit: "trt8-vt-macapa-7")); // redelivered after processing
        var handledLater = await processor.ProcessBatchAsync(CancellationToken.None);

        var page = await conversations.ListAsync(["trt8-vt-macapa-7"], [ConversationState.Waiting], 1, 10);
        Assert.Multiple(() =>
        {
            Assert.That(handled, Is.EqualTo(2), "both queue entries are consumed");
            Assert.That(handledLater, Is.Zero, "a redelivery after processing queues nothing");
            Assert.That(handler.Calls, Is.EqualTo(1));
            Assert.That(page.Items.Single().Id, Is.EqualTo(first.ConversationId));
        });
        var messages = await conversations.GetMessagesAsync(first.ConversationId);
        Assert.That(messages.Select(m => (m.Direction, m.Text)), Is.EqualTo(new[] { (MessageDirection.Inbound, "oi"), (MessageDirection.Outbound, "recebido") }));
        Assert.That(await new Outbox(conversations, store.Connections, store.Keys, time).PendingAsync(), Is.EqualTo(1));
    }

    /// <summary>The inbox's word search on this store: a turn's words indexed for the unit, found by all the words at once.</summary>
    [Test]
    public async Task Processor_TwoNodesTakingOneMessageAtOnce_MakeOneTurn_WithOneReply()
    {
        var other = Processor(new CountingHandler()); // another node
        var interrupted = false;
        var handler = new CountingHandler(async () =>
        {
            if (interrupted)
            {
                return;
            }

            interrupted = true;
            // While this node decides, the provider redelivers the message (queued again: not processed yet) and the
            // other node takes that copy and commits its turn first.
            await inbound.AppendAsync(Message("SMx", "oi", unit: "trt8-vt-macapa-7"));
            await other.ProcessBatchAsync(CancellationToken.None);
        });
        var first = await inbound.AppendAsync(Message("SMx", "oi", unit: "trt8-vt-macapa-7"));

        await Processor(handler).ProcessBatchAsync(CancellationToken.None);

        var messages = await conversations.GetMessagesAsync(first.ConversationId);
        Assert.Multiple(async () =>
        {
            Assert.That(messages.Select(m => (m.Direction, m.Text)), Is.EqualTo(new[] { (MessageDirection.Inbound, "oi"), (MessageDirection.Outbound, "recebido") }), "one reply");
            Assert.That((await conversations.GetAsync(first.ConversationId))!.CitizenMessages, Is.EqualTo(1), "counted once");
            Assert.That(await new Outbox(conversations, store.Connections, store.Keys, time).PendingAsync(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Processor_IndexesTheCitizensWords_FoundByEveryWordOfASearch()
    {
        var processor = Processor(new CountingHandler());
        var alvara = await inbound.AppendAsync(Message("SMw1", "Quando sai o alvará de levantamento?", unit: "trt8-vt-macapa-7"));
        await inbound.AppendAsync(Message("SMw2", "O alvará da perícia", from: "whatsapp:+5591999990001", unit: "trt8-vt-macapa-7"));
        await processor.ProcessBatchAsync(CancellationToken.None);
        var words = new ConversationWords(store.Connections, store.Keys, contactIds, conversations, NullLogger<ConversationWords>.Instance);

        Assert.Multiple(async () =>
        {
            Assert.That(await words.FindAsync(["trt8-vt-macapa-7"], SearchTerms.QueryTerms("alvara")), Has.Count.EqualTo(2));
            Assert.That(await words.FindAsync(["trt8-vt-macapa-7"], SearchTerms.QueryTerms("Alvará levantamento")), Is.EqualTo(new[] { alvara.ConversationId }));
            Assert.That(await words.FindAsync(["trt8-vt-belem-1"], SearchTerms.QueryTerms("alvara")), Is.Empty);
        });
    }

    /// <summary>A word in more conversations than a search reads: the most recent are found, and the search says it was cut.</summary>
    [Test]
    public async Task WordSearch_ReadsTheMostRecentThousand_AndSaysWhenItCut()
    {
        var words = new ConversationWords(store.Connections, store.Keys, contactIds, conversations, NullLogger<ConversationWords>.Instance);
        var start = time.GetUtcNow();
        await Task.WhenAll(Enumerable.Range(0, ConversationWords.MaxCandidates + 1).Select(async n =>
        {
            var c = new Conversation
            {
                Id = $"{n:x20}-x", UnitId = "trt8-vt-macapa-7", Channel = Channel.WhatsApp, ContactAddress = "whatsapp:+5596981111111",
                State = ConversationState.Waiting, CreatedAt = start, LastActivityAt = start,
            };
            await conversations.SaveAsync(c);
            await words.AfterChangeAsync(c, c, ["Quando sai o alvará?"], start.AddSeconds(n));
        }));

        var (ids, truncated) = await words.FindWithCapAsync(["trt8-vt-macapa-7"], SearchTerms.QueryTerms("alvara"));
        Assert.Multiple(() =>
        {
            Assert.That((ids.Count, truncated), Is.EqualTo((ConversationWords.MaxCandidates, true)));
            Assert.That(ids[0], Is.EqualTo($"{ConversationWords.MaxCandidates:x20}-x"), "the most recent first");
            Assert.That(ids, Does.Not.Contain($"{0:x20}-x"), "the oldest is the one left out");
        });
        Assert.That((await words.FindWithCapAsync(["trt8-vt-macapa-7"], SearchTerms.QueryTerms("alvara quando"))).Truncated, Is.True);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task AppendAsync_FinishesAStoreACrashCutShort_UnderTheSameId_ListsItOnce_AndTheBotTakesItOnce(bool queuedBeforeTheCut)
    {
        var handler = new CountingHandler();
        var processor = Processor(handler);
        var first = await inbound.AppendAsync(Message("SMa", "primeira"));
        await processor.ProcessBatchAsync(CancellationToken.None);
        // What a store cut short leaves (Garnet was seen to recover only a script's first writes): the dedupe marker,
        // the order entry and perhaps the queue entry, but not the message (its last write).
        var contact = contactIds.Of(ContactAddress.FromTwilio("whatsapp:+5591981234567")!);
        var db = store.Connections.GetDatabase();
        const string tornId = "0000000000a0123456789";
        var queue = store.Keys.InboundQueue(RedisKeys.BucketOf(contact));
        await db.StringSetAsync(store.Keys.ProviderMessage(contact, "SMb"), $"{first.ConversationId}|{tornId}");
        await db.ListRightPushAsync(store.Keys.ConversationMessageOrder(first.ConversationId), tornId);
        if (queuedBeforeTheCut)
        {
            await db.ListLeftPushAsync(queue, $"{first.ConversationId}|{tornId}");
        }

        // The provider's retry reaches a node that never saw this contact (restarted after the crash, or another node).
        var cold = new InboundStore(store.Connections, store.Keys, contactIds, ReplicaWait.None, Metrics, time);
        var retried = await cold.AppendAsync(Message("SMb", "segunda"));
        var again = await inbound.AppendAsync(Message("SMb", "segunda"));
        var queued = await db.ListRangeAsync(queue);
        while (await processor.ProcessBatchAsync(CancellationToken.None) > 0)
        {
        }

        var messages = await conversations.GetMessagesAsync(first.ConversationId);
        Assert.Multiple(() =>
        {
            Assert.That(retried.IsNew, Is.True, "the retry finishes the store");
            Assert.That(retried.MessageId, Is.EqualTo(tornId));
            Assert.That(again.IsNew, Is.False, "and then it is a duplicate");
            Assert.That(messages.Where(m => m.Direction == MessageDirection.Inbound).Select(m => (m.ProviderId, m.Id, m.Text)),
                Is.EqualTo(new[] { ("SMa", first.MessageId, "primeira"), ("SMb", tornId, "segunda") }));
            Assert.That(queued, Has.Some.EqualTo((RedisValue)$"{first.ConversationId}|{tornId}"), "queued for the bot");
            Assert.That(handler.Calls, Is.EqualTo(2), "one turn per message, however often it was queued");
        });
    }

    /// <summary>
    /// Every way a store can be cut short by a crash that Garnet recovers only in part (the script's first N writes,
    /// for every N), for a message to a number and for a mail that joins a thread: the provider's retry (or the next
    /// poll) ends with the message stored once, and the bot takes it exactly once.
    /// </summary>
    [TestCase(false)]
    [TestCase(true)]
    public async Task AppendAsync_AfterAStoreCutShortAtAnyWrite_TheRetryStoresItOnce_AndTheBotTakesItOnce(bool threadedMail)
    {
        var handler = new CountingHandler();
        var processor = Processor(handler);
        var from = threadedMail ? ContactAddress.FromEmail("maria@exemplo.com.br")! : ContactAddress.FromTwilio("whatsapp:+5591981234567")!;
        InboundMessage Sent(string id, string text, string? thread) => new(from, id, text, [], "Maria", null, threadedMail ? "vt7macapa@trt8.jus.br" : "whatsapp:+559621010210",
            Mail: threadedMail ? new InboundMail($"<{id}@exemplo.com.br>", "Assunto", null, false, thread) : null);
        var first = await inbound.AppendAsync(Sent("first", "primeira", null));
        for (var writes = 0; writes <= 6; writes++)
        {
            var cut = new InboundStore(store.Connections, store.Keys, contactIds, ReplicaWait.None, Metrics, time) { Scripts = script => TornScripts.CutAfter(script, writes) };
            var id = $"cut{writes}";
            await cut.AppendAsync(Sent(id, "texto " + id, first.ConversationId)); // the node dies before it acknowledges

            var retried = await inbound.AppendAsync(Sent(id, "texto " + id, first.ConversationId));
            var again = await inbound.AppendAsync(Sent(id, "texto " + id, first.ConversationId));
            Assert.That((retried.ConversationId, again.IsNew), Is.EqualTo((first.ConversationId, false)), $"cut after {writes} writes");
        }

        while (await processor.ProcessBatchAsync(CancellationToken.None) > 0)
        {
        }

        var stored = (await conversations.GetMessagesAsync(first.ConversationId)).Where(m => m.Direction == MessageDirection.Inbound).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(stored.Select(m => m.ProviderId), Is.EquivalentTo(new[] { "first" }.Concat(Enumerable.Range(0, 7).Select(i => $"cut{i}"))), "each stored once");
            Assert.That(handler.Calls, Is.EqualTo(stored.Count), "one bot turn per message");
        });
    }

    /// <summary>
    /// A queued message not found may be a read from a node that came back empty during a failover: it is taken again
    /// after its lease, and dropped only when it is still not there.
    /// </summary>
    [Test]
    public async Task AQueuedMessageNotFound_IsTakenAgainAfterItsLease_AndDroppedOnlyOnTheSecondMiss()
    {
        var handler = new CountingHandler();
        var processor = Processor(handler);
        var queue = InboundStore.Queue(store.Connections, store.Keys, time, "a");
        await store.Connections.GetDatabase().ListLeftPushAsync(store.Keys.InboundQueue("a"), "a0000000000000000000-x|m-gone");

        await processor.ProcessBatchAsync(CancellationToken.None);
        var afterFirst = await queue.LengthAsync();
        time.Advance(store.Options.WorkLease + TimeSpan.FromSeconds(1));
        await processor.ProcessBatchAsync(CancellationToken.None);

        Assert.That((afterFirst, await queue.LengthAsync(), handler.Calls), Is.EqualTo((1L, 0L, 0)));
    }

    private InboundProcessor Processor(IInboundHandler handler)
    {
        var outbox = new Outbox(conversations, store.Connections, store.Keys, time);
        var changes = new ConversationChanges(conversations, new ConversationWords(store.Connections, store.Keys, contactIds, conversations, NullLogger<ConversationWords>.Instance), new ConversationObservers([]), outbox, store.Connections, store.Keys, time, NullLogger<ConversationChanges>.Instance);
        return new InboundProcessor(store.Connections, store.Keys, conversations, changes, handler,
            new WhatsAppWindowGuard(store.Connections, store.Keys, conversations, outbox, new UnitCatalog([], []), Options.Create(new WhatsAppOptions()), time, NullLogger<WhatsAppWindowGuard>.Instance),
            new PrivacyNotices(store.Connections, store.Keys, Options.Create(new PrivacyOptions()), Options.Create(new ChatbotOptions())),
            Options.Create(store.Options), time, NullLogger<InboundProcessor>.Instance);
    }

    private static InboundMessage Message(string sid, string text, string from = "whatsapp:+5591981234567", string? unit = null) =>
        new(ContactAddress.FromTwilio(from)!, sid, text, [], "Maria", unit, "whatsapp:+559621010210");

    /// <summary>Hands every conversation to its unit and answers "recebido"; <paramref name="meanwhile"/> runs while it decides.</summary>
    private sealed class CountingHandler(Func<Task>? meanwhile = null) : IInboundHandler
    {
        public int Calls { get; private set; }

        public async Task<InboundOutcome> HandleAsync(Conversation conversation, Message message, CancellationToken cancellationToken)
        {
            Calls++;
            if (meanwhile is not null)
            {
                await meanwhile();
            }

            return new InboundOutcome(conversation with { State = ConversationState.Waiting, WaitingSince = message.CreatedAt }, ["recebido"]);
        }
    }
}
