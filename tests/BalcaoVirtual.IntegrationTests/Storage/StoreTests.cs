using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.IntegrationTests.Storage;

/// <summary>The same store behaviour, proven against an embedded Garnet and a real redis-server.</summary>
[TestFixture(Backend.Garnet)]
[TestFixture(Backend.Redis)]
[TestFixture(Backend.Cluster)]
public sealed class StoreTests(Backend backend)
{
    private StoreBackend store = null!;

    [SetUp]
    public async Task SetUp() => store = await StoreBackend.StartAsync(backend);

    [TearDown]
    public async Task TearDown() => await store.DisposeAsync();

    [Test]
    public async Task TryCreateAsync_StoresUser_AndRefusesSecondUserWithSameEmail()
    {
        var users = new UserStore(store.Connections, store.Keys);

        var first = await users.TryCreateAsync(NewUser("u1", "Clerk@TRT8.jus.br"));
        var second = await users.TryCreateAsync(NewUser("u2", "clerk@trt8.jus.br"));

        Assert.Multiple(async () =>
        {
            Assert.That(first, Is.True);
            Assert.That(second, Is.False);
            Assert.That(await users.CountAsync(), Is.EqualTo(1));
            Assert.That((await users.FindByEmailAsync("CLERK@trt8.jus.br"))?.Id, Is.EqualTo("u1"));
        });
    }

    [Test]
    public async Task TransactionsWithACondition_GoOnConnectionsThatWebhooksNeverUse()
    {
        // StackExchange.Redis holds a connection while it waits for a condition's answer: a webhook's store queued on
        // that connection waited with it (the ingest benchmark's slowest seconds, docs/benchmarks.md).
        var options = Microsoft.Extensions.Options.Options.Create(new StorageOptions
        {
            Mode = StorageMode.Redis, Redis = store.ConnectionString, Connections = 3, TransactionConnections = 2,
        });
        using var connection = new StoreConnection(options, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        var redis = connection.Connections;

        var general = Enumerable.Range(0, 12).Select(_ => redis.GetDatabase().Multiplexer).Distinct().ToList();
        var transactions = Enumerable.Range(0, 12).Select(_ => redis.ForTransactions().Multiplexer).Distinct().ToList();
        var key = store.Keys.Contact("c-" + Guid.NewGuid().ToString("N"));
        async Task<bool> SetOnceAsync()
        {
            var tran = redis.ForTransactions().CreateTransaction();
            tran.AddCondition(Condition.KeyNotExists(key));
            _ = tran.HashSetAsync(key, [new("a", "1"), new("b", "2")]);
            return await tran.ExecuteAsync();
        }

        var first = await SetOnceAsync();
        var second = await SetOnceAsync();
        Assert.Multiple(() =>
        {
            Assert.That(general, Has.Count.EqualTo(3));
            Assert.That(transactions, Has.Count.EqualTo(2));
            Assert.That(general.Intersect(transactions), Is.Empty);
            Assert.That(redis.Primary, Is.AnyOf(general.ToArray()));
            Assert.That((first, second), Is.EqualTo((true, false)));
        });
    }

    [Test]
    public async Task TryCreateBootstrapAdminAsync_CreatesOnlyOnce_EvenWhenRacing()
    {
        var users = new UserStore(store.Connections, store.Keys);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            users.TryCreateBootstrapAdminAsync(NewUser($"admin{i}", $"admin{i}@localhost"))));

        Assert.That(results.Count(r => r), Is.EqualTo(1));
        Assert.That(await users.CountAsync(), Is.EqualTo(1));
    }

    [Test]
    public async Task UpdateMessage_IsNotStarvedByMessagesAppendedToTheSameConversation()
    {
        // Several connections, as the service uses: writes on one can interleave with a read-then-write on another.
        var pool = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ => (IConnectionMultiplexer)await ConnectionMultiplexer.ConnectAsync(store.ConnectionString)));
        var conversations = new ConversationStore(new BalcaoVirtual.Web.Infrastructure.Storage.RedisConnections(pool), store.Keys);
        Message New(string id) => new()
        {
            Id = id, Direction = MessageDirection.Outbound, Channel = Channel.WhatsApp, Author = MessageAuthor.Bot, Text = "x", Status = "pending",
        };
        await conversations.AppendMessageAsync("c0-busy", New("target"));
        using var stop = new CancellationTokenSource();
        var appends = Task.WhenAll(Enumerable.Range(0, 4).Select(k => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await Task.WhenAll(Enumerable.Range(0, 16).Select(j => conversations.AppendMessageAsync("c0-busy", New($"m{k}-{i}-{j}"))));
            }
        })));

        // A busy conversation (a citizen sending many messages) must not make its own status updates fail.
        for (var n = 0; n < 100; n++)
        {
            var updated = await conversations.UpdateMessageAsync("c0-busy", "target", m => m with { Attempts = m.Attempts + 1 });
            Assert.That(updated!.Attempts, Is.EqualTo(n + 1));
        }

        await stop.CancelAsync();
        await appends;
        Assert.That((await conversations.GetMessageAsync("c0-busy", "target"))!.Attempts, Is.EqualTo(100));
        foreach (var connection in pool)
        {
            await connection.DisposeAsync();
        }
    }

    [Test]
    public async Task UpdateAsync_ChangesTheRecordAsItIsWhenWritten_SoAStaleCopyNeverUndoesADisable()
    {
        var users = new UserStore(store.Connections, store.Keys);
        await users.TryCreateAsync(NewUser("u1", "clerk@trt8.jus.br"));
        var calls = 0;

        // While a sign-in rehashes the password (from the record it read before its check), an admin disables the account.
        var written = await users.UpdateAsync("u1", now =>
        {
            if (calls++ == 0)
            {
                users.UpdateAsync("u1", u => u.WithSessionsEnded() with { Disabled = true }).GetAwaiter().GetResult();
            }

            return now with { PasswordHash = "rehashed" };
        });

        var stored = await users.GetAsync("u1");
        Assert.Multiple(() =>
        {
            Assert.That(calls, Is.EqualTo(2), "the write of the stale copy was refused and the change made again");
            Assert.That(stored!.Disabled, Is.True, "the account stays disabled");
            Assert.That(stored.SessionEpoch, Is.EqualTo(1), "its sessions stay ended");
            Assert.That(stored.PasswordHash, Is.EqualTo("rehashed"));
            Assert.That(written!.Disabled, Is.True, "what was written is what is stored");
        });
    }

    [Test]
    public async Task UpdateAsync_ReturnsNull_ForUnknownUser()
    {
        var users = new UserStore(store.Connections, store.Keys);

        Assert.That(await users.UpdateAsync("ghost", u => u with { Name = "Fantasma" }), Is.Null);
        Assert.That(await users.GetAsync("ghost"), Is.Null);
    }

    [Test]
    public async Task ListAsync_PagesConversationsOfUnits_NewestFirst()
    {
        var conversations = new ConversationStore(store.Connections, store.Keys);
        var t0 = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 5; i++)
        {
            await conversations.SaveAsync(NewConversation($"a{i}", "unit-a", ConversationState.Waiting, t0.AddMinutes(i)));
        }

        await conversations.SaveAsync(NewConversation("b0", "unit-b", ConversationState.Waiting, t0.AddMinutes(10)));

        var page1 = await conversations.ListAsync(["unit-a"], [ConversationState.Waiting], 1, 2);
        var page3 = await conversations.ListAsync(["unit-a"], [ConversationState.Waiting], 3, 2);

        Assert.Multiple(() =>
        {
            Assert.That(page1.Items.Select(c => c.Id), Is.EqualTo(new[] { "a4", "a3" }));
            Assert.That(page3.Items.Select(c => c.Id), Is.EqualTo(new[] { "a0" }));
            Assert.That(page1.Total, Is.EqualTo(5));
        });
    }

    [Test]
    public async Task SaveAsync_MovesConversationBetweenStateIndexes()
    {
        var conversations = new ConversationStore(store.Connections, store.Keys);
        var c = NewConversation("c1", "unit-a", ConversationState.Waiting, DateTimeOffset.UnixEpoch);
        await conversations.SaveAsync(c);
        await conversations.SaveAsync(c with { State = ConversationState.Answered });

        var waiting = await conversations.ListAsync(["unit-a"], [ConversationState.Waiting], 1, 10);
        var answered = await conversations.ListAsync(["unit-a"], [ConversationState.Answered], 1, 10);

        Assert.That(waiting.Items, Is.Empty);
        Assert.That(answered.Items.Single().Id, Is.EqualTo("c1"));
    }

    [Test]
    public async Task AppendMessageAsync_KeepsOrderAndText()
    {
        var conversations = new ConversationStore(store.Connections, store.Keys);
        await conversations.SaveAsync(NewConversation("c1", "unit-a", ConversationState.Waiting, DateTimeOffset.UnixEpoch));
        await conversations.AppendMessageAsync("c1", NewMessage("m1", "Olá, bom dia! Preciso saber do processo."));
        await conversations.AppendMessageAsync("c1", NewMessage("m2", "Obrigado ❤"));

        var messages = await conversations.GetMessagesAsync("c1");

        Assert.That(messages.Select(m => m.Text), Is.EqualTo(new[] { "Olá, bom dia! Preciso saber do processo.", "Obrigado ❤" }));
    }

    [Test]
    public async Task LuaScript_RunsAtomicallyOnBothBackends()
    {
        // Later features append and dedupe in one Lua step; both backends must run it.
        var db = store.Multiplexer.GetDatabase();
        var key = store.Keys.Probe();
        const string script = "if redis.call('SETNX', KEYS[1], ARGV[1]) == 1 then return 1 else return 0 end";

        var first = (int)await db.ScriptEvaluateAsync(script, [key], ["x"]);
        var second = (int)await db.ScriptEvaluateAsync(script, [key], ["y"]);

        Assert.That((first, second), Is.EqualTo((1, 0)));
        Assert.That((string?)await db.StringGetAsync(key), Is.EqualTo("x"));
    }

    internal static User NewUser(string id, string email) => new()
    {
        Id = id,
        Email = User.NormalizeEmail(email),
        Name = id,
        PasswordHash = "hash",
        CreatedAt = DateTimeOffset.UnixEpoch,
    };

    internal static Conversation NewConversation(string id, string unit, ConversationState state, DateTimeOffset at) => new()
    {
        Id = id,
        UnitId = unit,
        Channel = Channel.WhatsApp,
        ContactAddress = "whatsapp:+5591981234567",
        State = state,
        CreatedAt = at,
        LastActivityAt = at,
    };

    internal static Message NewMessage(string id, string text) => new()
    {
        Id = id,
        Direction = MessageDirection.Inbound,
        Channel = Channel.WhatsApp,
        Author = MessageAuthor.Citizen,
        Text = text,
    };
}

/// <summary>What survives a restart: the embedded server on its data folder, and redis-server killed hard.</summary>
public sealed class StoreRestartTests
{
    [Test]
    public async Task EmbeddedGarnet_KeepsData_AcrossRestartOnSameDataFolder()
    {
        await using var store = await StoreBackend.StartAsync(Backend.Garnet);
        var users = new UserStore(store.Connections, store.Keys);
        var conversations = new ConversationStore(store.Connections, store.Keys);
        await users.TryCreateAsync(StoreTests.NewUser("u1", "clerk@trt8.jus.br"));
        await conversations.SaveAsync(StoreTests.NewConversation("c1", "unit-a", ConversationState.Waiting, DateTimeOffset.UnixEpoch));
        await conversations.AppendMessageAsync("c1", StoreTests.NewMessage("m1", "Ação trabalhista nº 0000001"));

        await store.RestartEmbeddedAsync();

        users = new UserStore(store.Connections, store.Keys);
        conversations = new ConversationStore(store.Connections, store.Keys);
        Assert.Multiple(async () =>
        {
            Assert.That((await users.FindByEmailAsync("clerk@trt8.jus.br"))?.Id, Is.EqualTo("u1"));
            Assert.That((await conversations.GetAsync("c1"))?.State, Is.EqualTo(ConversationState.Waiting));
            Assert.That((await conversations.GetMessagesAsync("c1")).Single().Text, Is.EqualTo("Ação trabalhista nº 0000001"));
            Assert.That((await conversations.ListAsync(["unit-a"], [ConversationState.Waiting], 1, 10)).Items, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task EmbeddedGarnet_RefusesADataFolderInUse_AndTellsTheServicesCommandsHowToReachIt()
    {
        await using var store = await StoreBackend.StartAsync(Backend.Garnet);
        var running = EmbeddedGarnet.RunningConnection(store.Options.DataDir);

        var second = Assert.Throws<InvalidOperationException>(() => EmbeddedGarnet.Start(store.Options));

        Assert.That(second!.Message, Does.Contain("in use by another running instance").And.Contain("Storage:DataDir"));
        Assert.That(running, Is.EqualTo(store.ConnectionString));
    }

    [Test]
    public async Task EmbeddedGarnet_AnswersOnlyWithItsPassword_KeptForItsOwnerAlone()
    {
        await using var store = await StoreBackend.StartAsync(Backend.Garnet);
        var port = store.ConnectionString.Split(',')[0];

        await using var stranger = await ConnectionMultiplexer.ConnectAsync(port + ",abortConnect=false,connectTimeout=2000");
        var refused = Assert.CatchAsync(() => stranger.GetDatabase().StringSetAsync("bv:{sessions}:forged", "admin"));

        // Refused at the handshake (NOAUTH), or the client gives up connecting ("no connection became available").
        Assert.That(refused!.ToString(), Does.Contain("AUTH").Or.Contain("no connection").IgnoreCase);
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(Path.Combine(store.Options.DataDir, EmbeddedGarnet.SecretFile)), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }

        Assert.That(await store.Multiplexer.GetDatabase().PingAsync(), Is.LessThan(TimeSpan.FromSeconds(5)), "the service, with the password");
    }

    [Test]
    public async Task EmbeddedGarnet_RaisesThreadPoolMinimum_SoABurstDoesNotStarveCommitWaits()
    {
        await using var store = await StoreBackend.StartAsync(Backend.Garnet);

        ThreadPool.GetMinThreads(out var workers, out _);

        Assert.That(workers, Is.GreaterThanOrEqualTo(BalcaoVirtual.Web.Infrastructure.Storage.EmbeddedGarnet.MinThreads));
    }

    [Test]
    public async Task EmbeddedGarnet_KeepsEveryAcknowledgedWrite_AcrossManyRestarts()
    {
        await using var store = await StoreBackend.StartAsync(Backend.Garnet);
        for (var round = 0; round < 3; round++)
        {
            var db = store.Multiplexer.GetDatabase();
            await Task.WhenAll(Enumerable.Range(0, 200).Select(i => db.StringIncrementAsync(store.Keys.Probe())));
            await store.RestartEmbeddedAsync();
        }

        Assert.That((long)await store.Multiplexer.GetDatabase().StringGetAsync(store.Keys.Probe()), Is.EqualTo(600));
    }

    [Test]
    public async Task RedisServer_KeepsData_AfterHardKill_WithAppendFsyncAlways()
    {
        var dir = TestServers.TempDir("redis");
        using (var first = new RedisServerProcess(dir))
        {
            await first.StartAsync();
            await using var c = await ConnectionMultiplexer.ConnectAsync(first.ConnectionString);
            await c.GetDatabase().StringSetAsync("bv:probe", "persisted");
            first.Kill();

            using var second = new RedisServerProcess(dir);
            await second.StartAsync();
            await using var c2 = await ConnectionMultiplexer.ConnectAsync(second.ConnectionString);
            Assert.That((string?)await c2.GetDatabase().StringGetAsync("bv:probe"), Is.EqualTo("persisted"));
        }

        Directory.Delete(dir, recursive: true);
    }
}
