using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace BalcaoVirtual.IntegrationTests.Storage;

/// <summary>
/// A store written while contact ids were a plain SHA-256 of the address (Fixtures/store-sha256-contact-ids.json,
/// written by StoreFixtureWriter at commit 3b4d655) is changed to keyed ids at start-up: nothing is lost, and no old id
/// is left anywhere in it.
/// </summary>
public sealed class ContactIdMigrationTests
{
    private const string Unit = "trt8-vt-macapa-7";
    private const string Email = "fixture.cidada@exemplo.com.br";

    private static readonly JsonObject Fixture = JsonNode.Parse(File.ReadAllText(
        TestServers.RepoFile("tests/BalcaoVirtual.IntegrationTests/Storage/Fixtures/store-sha256-contact-ids.json")))!.AsObject();

    /// <summary>The old ids, as the old code derived them: the fixture must be what it claims to be.</summary>
    private static readonly Dictionary<string, string> OldIds = new()
    {
        [BotHarness.Citizen] = Sha256Id("WhatsApp:5591981234567"),
        ["+5591987650001"] = Sha256Id("Sms:5591987650001"),
        [Email] = Sha256Id("Email:" + Email),
    };

    [Test]
    public async Task AStoreWithUnkeyedIds_IsMigratedAtStartUp_NothingLost_NoOldIdLeft()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var keys = new RedisKeys(Microsoft.Extensions.Options.Options.Create(new StorageOptions { KeyPrefix = prefix }));
        var (waitingOld, lastMessage) = await LoadAsync(redis, keys);
        var before = await StoreDump.ReadAsync(redis, prefix, DateTimeOffset.UnixEpoch);
        Assert.That(OldIds.Values.All(id => before.ToJsonString().Contains(id, StringComparison.Ordinal)), Is.True, "the fixture holds the old ids");

        await using var bot = await BotHarness.StartAsync(keyPrefix: prefix);
        bot.Factory.Time.SetUtcNow(DateTimeOffset.Parse((string)Fixture["writtenAt"]!, System.Globalization.CultureInfo.InvariantCulture).AddMinutes(1));
        _ = bot.Service; // started: the migration ran before any background service

        var after = await StoreDump.ReadAsync(redis, prefix, DateTimeOffset.UnixEpoch);
        var text = after.ToJsonString();
        var ids = bot.Factory.Services.GetRequiredService<ContactIds>();
        var whatsApp = ids.Of(ContactAddress.FromTwilio(BotHarness.Citizen)!);
        var email = ids.Of(ContactAddress.FromEmail(Email)!);
        Assert.Multiple(() =>
        {
            foreach (var (address, old) in OldIds)
            {
                Assert.That(text, Does.Not.Contain(old), $"the old id of {address} is gone from every key and value");
            }

            Assert.That(whatsApp, Is.Not.EqualTo(OldIds[BotHarness.Citizen]));
            Assert.That(Names(after), Has.None.Contains("contact-id-migration"), "the map of old to new ids is gone");
            Assert.That(Names(after).Count(n => n.Contains(":contact:", StringComparison.Ordinal)), Is.EqualTo(3), "three contacts, as before");
            // Kinds, not counts: two contacts whose new ids share a bucket share that bucket's due set.
            // The inbox's search and contact indexes are built in the background after the migration, maybe already now.
            static bool Migrated(string kind) =>
                !kind.StartsWith("@:words-indexed", StringComparison.Ordinal) && !kind.StartsWith("@:{w:", StringComparison.Ordinal)
                && !kind.Contains(":contact-convs:", StringComparison.Ordinal);
            Assert.That(Kinds(after).Where(Migrated).Distinct(), Is.EqualTo(Kinds(before).Append("@:contact-id-key").Append("@:contact-id-scheme").Order(StringComparer.Ordinal).Distinct()),
                "every kind of key kept (and the id key and scheme marker added)");
        });

        // The WhatsApp citizen's conversation: same messages, under her new id, in her new id's bucket, still due.
        var conversation = await bot.ConversationAsync(BotHarness.Citizen, BotHarness.MacapaNumber);
        var db = redis.GetDatabase();
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(conversation.Id, Does.StartWith(whatsApp + "-").And.EndWith(waitingOld[21..]));
            Assert.That((await bot.Conversations.GetMessagesAsync(conversation.Id)).Select(m => m.Text), Is.EquivalentTo(
                ((JsonObject)Entry(before, $"@:{{b:5}}:msgs:{waitingOld}")["value"]!).Select(m => (string)JsonNode.Parse((string)m.Value!)!["text"]!)));
            Assert.That(await db.SortedSetScoreAsync(keys.SlaDue(RedisKeys.BucketOf(whatsApp)), conversation.Id), Is.Not.Null, "her deadline is still checked");
            Assert.That(await db.SortedSetScoreAsync(keys.UnitDue(Unit), conversation.Id), Is.Not.Null, "she is still in the unit's queue");
            foreach (var message in await bot.Conversations.GetMessagesAsync(conversation.Id))
            {
                if (message.Direction == MessageDirection.Inbound)
                {
                    Assert.That(await db.KeyExistsAsync(keys.MessageProcessed(conversation.Id, message.Id)), Is.True, "processed marks moved with the conversation");
                }
            }

            Assert.That(await db.ListLengthAsync(keys.InboundQueue("5")) + await db.SortedSetLengthAsync(keys.InboundLeases("5")), Is.Zero, "the queued turn left her old bucket");
        });

        Assert.That(bot.Factory.Logs.Lines.Any(l => l.Contains("is not in the store", StringComparison.Ordinal)), Is.False, "the queued turn found its conversation");

        // She writes again: the same conversation, not a new one.
        var count = (await bot.Conversations.GetMessagesAsync(conversation.Id)).Count;
        await bot.SayAsync("Esqueci de dizer: sou a reclamante.", BotHarness.Citizen, BotHarness.MacapaNumber);
        Assert.That((await bot.ConversationAsync(BotHarness.Citizen, BotHarness.MacapaNumber)).Id, Is.EqualTo(conversation.Id));
        Assert.That((await bot.Conversations.GetMessagesAsync(conversation.Id)).Count, Is.EqualTo(count + 1));

        // Twilio reports on the clerk's answer sent before the change: found by its provider id under her new id.
        var answer = (await bot.Conversations.GetMessagesAsync(conversation.Id)).Single(m => m.Author == MessageAuthor.Clerk);
        var status = await TwilioSigner.PostAsync(bot.Service, "/webhooks/twilio/status",
            [new("MessageSid", answer.ProviderId!), new("MessageStatus", "read"), new("AccountSid", TwilioSigner.AccountSid), new("To", BotHarness.Citizen)]);
        Assert.That(status.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await bot.Conversations.GetMessagesAsync(conversation.Id)).Single(m => m.Id == answer.Id).Status, Is.EqualTo("read"));

        // The e-mail citizen's attachment is still served, and the audit trail finds the answers by the new ids.
        var mail = (await bot.Conversations.ListAsync([Unit], [ConversationState.Waiting], 1, 50)).Items.Single(c => c.Channel == Channel.Email);
        Assert.That(mail.Id, Does.StartWith(email + "-"));
        var withFile = (await bot.Conversations.GetMessagesAsync(mail.Id)).Last(m => m.Direction == MessageDirection.Inbound);
        using var clerk = await bot.Factory.ClientForNewUserAsync("outra.servidora@trt8.jus.br", clerkOf: [Unit]);
        var original = await clerk.GetAsync($"/api/conversations/{mail.Id}/messages/{withFile.Id}/original");
        Assert.That(original.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await original.Content.ReadAsStringAsync(), Does.Contain("peticao.pdf"));
        using var admin = await bot.Factory.ClientAsAsync(ApiFactory.AdminEmail, ApiFactory.AdminPassword);
        var audit = await admin.GetFromJsonAsync<JsonElement>($"/api/audit?from=2026-11-23&to=2026-11-23&target={conversation.Id}");
        Assert.That(audit.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("action").GetString()), Does.Contain("conversation.reply"));

        // A restart changes nothing more.
        var settled = await StoreDump.ReadAsync(redis, prefix, DateTimeOffset.UnixEpoch);
        await bot.RestartAsync();
        _ = bot.Service;
        Assert.That(Names(await StoreDump.ReadAsync(redis, prefix, DateTimeOffset.UnixEpoch)), Is.EqualTo(Names(settled)));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task AStoreDownAtStartUp_IsKeyedWhenItAnswers_OrTheNodeRestartsFirstWhenItHoldsUnkeyedIds(bool unkeyed)
    {
        using var store = new RedisServerProcess(TestServers.TempDir("redis"));
        await using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["Storage:Redis"] = $"{store.ConnectionString},connectTimeout=200,asyncTimeout=1000,syncTimeout=1000",
            ["Auth:BootstrapAdmin:Email"] = null,
        }.Concat(TwilioSigner.Settings).ToDictionary());
        using var client = factory.CreateClient();
        var webhook = TwilioSigner.Inbound(TwilioSigner.Sid(1), "Bom dia");
        Assert.That((await TwilioSigner.PostAsync(client, "/webhooks/twilio", webhook)).StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "not stored, so Twilio retries");

        await store.StartAsync();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(store.ConnectionString);
        var keys = new RedisKeys(Microsoft.Extensions.Options.Options.Create(new StorageOptions { KeyPrefix = factory.KeyPrefix }));
        if (unkeyed)
        {
            await LoadAsync(redis, keys);
        }

        var lifetime = factory.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>();
        var exitCode = Environment.ExitCode;
        try
        {
            await TestServers.WaitUntilAsync(async () =>
            {
                factory.Time.Advance(TimeSpan.FromSeconds(5));
                return lifetime.ApplicationStopping.IsCancellationRequested
                    || await redis.GetDatabase().KeyExistsAsync(keys.ContactIdScheme());
            }, TimeSpan.FromSeconds(20), "the node to read the store's key");
            if (unkeyed)
            {
                Assert.That(lifetime.ApplicationStopping.IsCancellationRequested, Is.True, "stopped, to change the ids before any work");
                Assert.That(Environment.ExitCode, Is.EqualTo(1), "a failure, which systemd restarts");
                Assert.That(await redis.GetDatabase().KeyExistsAsync(keys.Conversation(Names(Fixture).Single(n => n.StartsWith("@:{b:5}:conv:", StringComparison.Ordinal))["@:{b:5}:".Length..].Replace("conv:", "", StringComparison.Ordinal))), Is.True, "nothing changed meanwhile");
            }
            else
            {
                Assert.That(lifetime.ApplicationStopping.IsCancellationRequested, Is.False);
                // Twilio retries a 503: once every connection is back, the message is stored.
                await TestServers.WaitUntilAsync(async () => (await TwilioSigner.PostAsync(client, "/webhooks/twilio", webhook)).StatusCode == HttpStatusCode.OK,
                    TimeSpan.FromSeconds(20), "a store with nothing to change to serve without a restart");
                Assert.That(lifetime.ApplicationStopping.IsCancellationRequested, Is.False);
            }
        }
        finally
        {
            Environment.ExitCode = exitCode;
        }
    }

    [TestCase(Backend.Redis)]
    [TestCase(Backend.Cluster)]
    [TestCase(Backend.Garnet)]
    public async Task AMigrationCutShort_IsFinishedByTheNextRun_WithTheSameResult(Backend backend)
    {
        await using var whole = await StoreBackend.StartAsync(backend);
        var expected = await MigratedAsync(whole, crashEvery: null);
        await using var cut = await StoreBackend.StartAsync(backend);
        var resumed = await MigratedAsync(cut, crashEvery: 3);
        Assert.That(Comparable(resumed), Is.EqualTo(Comparable(expected)));
        Assert.That(Names(resumed).Any(n => n.Contains(":conv:", StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public async Task ABucketQueue_WhoseItemsPartlyMoveAndPartlyStay_KeepsEachItemOnce()
    {
        await using var store = await StoreBackend.StartAsync(Backend.Redis);
        var (db, ids) = await KeyedAsync(store);
        // Conversations of bucket 5 whose new ids (their contacts' addresses are gone) fall in another bucket, or in 5 again.
        var moving = new List<string>();
        var staying = new List<string>();
        while (moving.Count < 2 || staying.Count < 3)
        {
            var old = "5" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10))[1..];
            (ids.ForLegacy(old)[0] == '5' ? staying : moving).Add(old);
        }

        string[] items = [.. new[] { moving[0], staying[0], staying[1], moving[1], staying[2] }.Select((old, i) => $"{old}-1a20846fe00000000000{i}|1a20846fe0000000000a{i}")];
        await db.ListRightPushAsync(store.Keys.InboundQueue("5"), [.. items.Select(i => (RedisValue)i)]);

        await new ContactIdMigration(store.Connections, store.Keys, ids).RunAsync(CancellationToken.None);

        var queued = new List<string>();
        foreach (var bucket in RedisKeys.Buckets)
        {
            var inBucket = (await db.ListRangeAsync(store.Keys.InboundQueue(bucket))).Select(v => (string)v!).ToList();
            Assert.That(inBucket.Select(i => RedisKeys.BucketOf(i)), Has.All.EqualTo(bucket), "each item in its conversation's bucket");
            queued.AddRange(inBucket);
        }

        Assert.That(queued, Is.EquivalentTo(items.Select(i => ids.ForLegacy(i[..ContactIds.Length]) + i[ContactIds.Length..])));
    }

    [Test]
    public async Task AnIdLearnedFromAValue_IsKeptBeforeItIsWritten_SoACrashThenGivesTheSameId()
    {
        await using var store = await StoreBackend.StartAsync(Backend.Redis);
        var (db, ids) = await KeyedAsync(store);
        // An audit record outliving its (erased) conversation: only the value names the contact.
        var old = "3" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10))[1..];
        await db.ListRightPushAsync(store.Keys.AuditDay("20261123"), $"{{\"target\":\"{old}-1a20846fe000000000000\"}}");

        Assert.ThrowsAsync<IOException>(() => new ContactIdMigration(store.Connections, store.Keys, ids) { CrashAfterWrites = 0 }.RunAsync(CancellationToken.None));
        await new ContactIdMigration(store.Connections, store.Keys, ids).RunAsync(CancellationToken.None);

        Assert.That((string?)await db.ListGetByIndexAsync(store.Keys.AuditDay("20261123"), 0), Does.Contain($"\"{ids.ForLegacy(old)}-1a20846fe000000000000\""));
    }

    [Test]
    public async Task AKeyedStoreThatLostItsKey_IsRefused_NotGivenNewIds()
    {
        await using var store = await StoreBackend.StartAsync(Backend.Redis);
        var db = store.Multiplexer.GetDatabase();
        await db.StringSetAsync(store.Keys.ContactIdScheme(), ContactIds.Scheme);

        var refused = Assert.ThrowsAsync<ContactIdKeyMissingException>(() => ContactIds.ReadAsync(db, store.Keys));

        Assert.That(BalcaoVirtual.Web.StartupError.Describe(refused!), Does.Contain(store.Keys.ContactIdKey().ToString()).And.Contain("backup"));
        Assert.That(await db.KeyExistsAsync(store.Keys.ContactIdKey()), Is.False, "no new key made");
    }

    private static async Task<(IDatabase Db, ContactIds Ids)> KeyedAsync(StoreBackend store)
    {
        var db = store.Multiplexer.GetDatabase();
        await db.StringSetAsync(store.Keys.ContactIdKey(), SHA256.HashData("chave de teste"u8.ToArray()));
        return (db, await ContactIds.ReadAsync(db, store.Keys));
    }

    /// <summary>The fixture migrated on <paramref name="store"/>, under a fixed key; each run cut short after <paramref name="crashEvery"/> writes until one finishes.</summary>
    private static async Task<JsonObject> MigratedAsync(StoreBackend store, int? crashEvery)
    {
        var keys = store.Keys;
        var (conversation, message) = await LoadAsync(store.Multiplexer, keys);
        var (_, ids) = await KeyedAsync(store);
        var runs = 0;
        while (true)
        {
            var run = new ContactIdMigration(store.Connections, keys, ids) { CrashAfterWrites = crashEvery };
            try
            {
                var result = await run.RunAsync(CancellationToken.None);
                Assert.That(result!.Contacts, Is.EqualTo(3).Or.Zero, "old ids known: from the store's map when resumed");
                break;
            }
            catch (IOException) when (crashEvery is not null && ++runs < 200)
            {
            }
        }

        Assert.That(runs, crashEvery is null ? Is.Zero : Is.GreaterThan(10), "cut short many times over");
        var contact = ids.Of(ContactAddress.FromTwilio(BotHarness.Citizen)!);
        Assert.That(await store.Multiplexer.GetDatabase().ListRangeAsync(keys.InboundQueue(RedisKeys.BucketOf(contact))),
            Is.EqualTo(new RedisValue[] { $"{contact}{conversation[ContactIds.Length..]}|{message}" }), "the queued turn moved, once, to the new bucket");
        return await StoreDump.ReadAsync(store.Multiplexer, keys.Prefix, DateTimeOffset.UnixEpoch);
    }

    /// <summary>
    /// The fixture under <paramref name="keys"/>' prefix, with a bot turn of the waiting WhatsApp conversation queued and
    /// not yet taken when the old version stopped (one already done: its processed mark says so).
    /// </summary>
    private static async Task<(string Conversation, string Message)> LoadAsync(IConnectionMultiplexer redis, RedisKeys keys)
    {
        await StoreDump.LoadAsync(redis, Fixture, keys.Prefix);
        var conversation = Names(Fixture).Single(n => n.StartsWith("@:{b:5}:conv:", StringComparison.Ordinal))["@:{b:5}:conv:".Length..];
        var message = (string)Entry(Fixture, $"@:{{b:5}}:order:{conversation}")["value"]!.AsArray().Last()!;
        await redis.GetDatabase().ListLeftPushAsync(keys.InboundQueue("5"), $"{conversation}|{message}");
        return (conversation, message);
    }

    /// <summary>Names and values (not the seconds left to live, which pass while the test runs).</summary>
    private static string Comparable(JsonObject dump) =>
        string.Join("\n", dump["keys"]!.AsArray().Select(k => $"{k!["key"]} {k["type"]} {(k["ttlSeconds"] is null ? "-" : "ttl")} {k["value"]!.ToJsonString()}"));

    /// <summary>The kinds of key a dump holds (ids and buckets blanked), but queued turns (one may be taken meanwhile).</summary>
    private static List<string> Kinds(JsonObject dump) =>
        [.. Names(dump).Where(n => !n.Contains(":inbound:", StringComparison.Ordinal))
            .Select(n => Regex.Replace(Regex.Replace(n, "[0-9a-f]{16,}", "#"), @"\{b:[0-9a-f]\}", "{b:#}")).Order(StringComparer.Ordinal)];

    private static List<string> Names(JsonObject dump) => [.. dump["keys"]!.AsArray().Select(k => (string)k!["key"]!)];

    private static JsonObject Entry(JsonObject dump, string name) => dump["keys"]!.AsArray().Single(k => (string)k!["key"]! == name)!.AsObject();

    private static string Sha256Id(string subject) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(subject)))[..20];
}
