using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.Time.Testing;

namespace BalcaoVirtual.IntegrationTests.Storage;

[TestFixture(Backend.Garnet)]
[TestFixture(Backend.Redis)]
[TestFixture(Backend.Cluster)]
public sealed class LeasedWorkListTests(Backend backend)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private StoreBackend store = null!;
    private FakeTimeProvider time = null!;
    private LeasedWorkList work = null!;

    [SetUp]
    public async Task SetUp()
    {
        store = await StoreBackend.StartAsync(backend);
        time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(50));
        work = new LeasedWorkList(store.Connections, $"{store.Options.KeyPrefix}:{{w}}:q", $"{store.Options.KeyPrefix}:{{w}}:l", time);
    }

    [TearDown]
    public async Task TearDown() => await store.DisposeAsync();

    [Test]
    public async Task TakeAsync_CutShortByACrashAfterAnyWrite_NeverLosesTheItem()
    {
        // The take's writes: lease the item, then take it off the queue. A store that recovers only the first of them
        // must leave the item in the lease set (taken again when the lease runs out), never in neither.
        var torn = new LeasedWorkList(store.Connections, $"{store.Options.KeyPrefix}:{{w}}:q", $"{store.Options.KeyPrefix}:{{w}}:l", time)
        {
            Scripts = script => TornScripts.CutAfter(script, 1),
        };
        await work.EnqueueAsync("a");

        _ = await torn.TakeAsync(10, Lease); // the node died before it did anything with it
        time.Advance(Lease + TimeSpan.FromSeconds(1));
        var again = await work.TakeAsync(10, Lease);

        Assert.That(again, Does.Contain("a"));
    }

    [Test]
    public async Task TakeAndRunAsync_RunsConversationsSideBySide_EachInItsOrder()
    {
        foreach (var item in new[] { "a|1", "b|1", "a|2", "b|2", "a|3", "b|3" })
        {
            await work.EnqueueAsync(item);
        }

        // Each conversation's first item waits until the other conversation has begun: one at a time never gets there.
        var begun = new Dictionary<string, TaskCompletionSource>
        {
            ["a"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
            ["b"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
        };
        var ran = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var run = work.TakeAndRunAsync(10, Lease, item => item.Split('|')[0], atOnce: 2, async item =>
        {
            var conversation = item.Split('|')[0];
            begun[conversation].TrySetResult();
            await begun[conversation == "a" ? "b" : "a"].Task.WaitAsync(TimeSpan.FromSeconds(10));
            ran.Enqueue(item);
        });

        Assert.That(await run, Is.EqualTo(6));
        Assert.That(ran.Where(i => i[0] == 'a'), Is.EqualTo(new[] { "a|1", "a|2", "a|3" }));
        Assert.That(ran.Where(i => i[0] == 'b'), Is.EqualTo(new[] { "b|1", "b|2", "b|3" }));
    }

    [Test]
    public async Task TakeAndRunAsync_NeverRunsTwoItemsOfOneConversation_AtOnce()
    {
        foreach (var item in Enumerable.Range(0, 20).Select(i => $"c{i % 4}|{i}"))
        {
            await work.EnqueueAsync(item);
        }

        var running = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var overlap = 0;
        var widest = 0;
        var now = 0;
        await work.TakeAndRunAsync(50, Lease, item => item.Split('|')[0], atOnce: 3, async item =>
        {
            var conversation = item.Split('|')[0];
            if (running.AddOrUpdate(conversation, 1, (_, n) => n + 1) > 1)
            {
                Interlocked.Increment(ref overlap);
            }

            var width = Interlocked.Increment(ref now);
            InterlockedMax(ref widest, width);
            await Task.Yield();
            await store.Connections.GetDatabase().PingAsync(); // a real round trip, as a turn has
            Interlocked.Decrement(ref now);
            running.AddOrUpdate(conversation, 0, (_, n) => n - 1);
        });

        Assert.That(overlap, Is.Zero, "two items of one conversation ran at once");
        Assert.That(widest, Is.LessThanOrEqualTo(3), "more at once than allowed");
    }

    [Test]
    public async Task TakeAndRunAsync_OverSeveralLists_KeepsOneLimitForAll_AndTakesFullListsAgain()
    {
        // Three buckets, one with more than a batch: all are run, at most three items at once over all of them.
        var lists = new[] { "x", "y", "z" }
            .Select(b => new LeasedWorkList(store.Connections, $"{store.Options.KeyPrefix}:{{{b}}}:q", $"{store.Options.KeyPrefix}:{{{b}}}:l", time))
            .ToList();
        foreach (var item in Enumerable.Range(0, 12).Select(i => $"x{i % 2}|{i}"))
        {
            await lists[0].EnqueueAsync(item);
        }

        await lists[1].EnqueueAsync("y0|0");
        await lists[2].EnqueueAsync("z0|0");
        var ran = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var widest = 0;
        var now = 0;
        var taken = await LeasedWorkList.TakeAndRunAsync(lists, 5, Lease, item => item.Split('|')[0], atOnce: 3, async (list, item) =>
        {
            InterlockedMax(ref widest, Interlocked.Increment(ref now));
            await store.Connections.GetDatabase().PingAsync();
            ran.Enqueue(item);
            Interlocked.Decrement(ref now);
            await list.CompleteAsync(item);
        });

        Assert.That(taken, Is.EqualTo(14));
        Assert.That(widest, Is.LessThanOrEqualTo(3), "more at once than allowed");
        Assert.That(ran.Where(i => i.StartsWith("x0", StringComparison.Ordinal)), Is.EqualTo(Enumerable.Range(0, 6).Select(i => $"x0|{i * 2}")));
        Assert.That(ran.Where(i => i.StartsWith("x1", StringComparison.Ordinal)), Is.EqualTo(Enumerable.Range(0, 6).Select(i => $"x1|{(i * 2) + 1}")));
    }

    [Test]
    public async Task TakeAndRunAsync_OverSeveralLists_TakesNoFurtherBatch_OnceTheNodeIsStopping()
    {
        var list = new LeasedWorkList(store.Connections, $"{store.Options.KeyPrefix}:{{s}}:q", $"{store.Options.KeyPrefix}:{{s}}:l", time);
        foreach (var item in Enumerable.Range(0, 12).Select(i => $"c{i}|{i}"))
        {
            await list.EnqueueAsync(item);
        }

        using var stopping = new CancellationTokenSource();
        var taken = await LeasedWorkList.TakeAndRunAsync([list], 5, Lease, item => item.Split('|')[0], atOnce: 2, async (l, item) =>
        {
            await stopping.CancelAsync(); // the node is told to stop while its first batch runs
            await l.CompleteAsync(item);
        }, stopping.Token);

        Assert.That(taken, Is.EqualTo(5), "the batch under way ends; nothing more is leased to wait out its lease");
        Assert.That(await list.TakeAsync(50, Lease), Has.Count.EqualTo(7), "the rest is there for the next node at once");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    [Test]
    public async Task TakeAsync_ReturnsItemsOldestFirst_AndNotTwiceWhileLeased()
    {
        await work.EnqueueAsync("a");
        await work.EnqueueAsync("b");

        var first = await work.TakeAsync(10, Lease);
        var second = await work.TakeAsync(10, Lease);

        Assert.That(first, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(second, Is.Empty);
    }

    [Test]
    public async Task TakeAsync_ReturnsItemAgain_WhenItsWorkerDiedAndTheLeaseRanOut()
    {
        await work.EnqueueAsync("a");
        await work.TakeAsync(10, Lease); // the worker that took it never completes

        time.Advance(Lease + TimeSpan.FromSeconds(1));
        var retaken = await work.TakeAsync(10, Lease);

        Assert.That(retaken, Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public async Task Hold_KeepsItemsLeasedWhileTheWorkerLives_AndLetsThemGoWhenItStops()
    {
        await work.EnqueueAsync("slow");
        await work.EnqueueAsync("done");
        var taken = await work.TakeAsync(10, Lease);
        var heartbeat = work.Hold(taken, Lease);
        await work.CompleteAsync("done");
        heartbeat.Release("done");

        // Three leases long, in beats: a live worker's item is never taken by another.
        for (var beat = 1; beat <= 9; beat++)
        {
            time.Advance(Lease / 3);
            var due = (time.GetUtcNow() + Lease).ToUnixTimeMilliseconds();
            await TestServers.WaitUntilAsync(async () => await LeaseOfAsync("slow") == due, TimeSpan.FromSeconds(10), $"beat {beat} to renew the lease");
            Assert.That(await work.TakeAsync(10, Lease), Is.Empty, "taken from a live worker");
        }

        Assert.That(await LeaseOfAsync("done"), Is.Null, "a done item is never leased again");

        await heartbeat.DisposeAsync(); // the worker died here
        time.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.That(await work.TakeAsync(10, Lease), Is.EqualTo(new[] { "slow" }));
    }

    [Test]
    public async Task RenewAsync_NeverBringsALaterRetryNearer()
    {
        await work.EnqueueAsync("a");
        await work.TakeAsync(10, Lease);
        await work.RetryLaterAsync("a", TimeSpan.FromMinutes(10));

        await work.RenewAsync(["a"], Lease);

        Assert.That(await LeaseOfAsync("a"), Is.EqualTo((time.GetUtcNow() + TimeSpan.FromMinutes(10)).ToUnixTimeMilliseconds()));
    }

    private async Task<double?> LeaseOfAsync(string item) =>
        await store.Connections.GetDatabase().SortedSetScoreAsync($"{store.Options.KeyPrefix}:{{w}}:l", item);

    [Test]
    public async Task CompleteAsync_RemovesItemForGood()
    {
        await work.EnqueueAsync("a");
        await work.TakeAsync(10, Lease);
        await work.CompleteAsync("a");

        time.Advance(Lease * 3);

        Assert.That(await work.TakeAsync(10, Lease), Is.Empty);
        Assert.That(await work.LengthAsync(), Is.Zero);
    }
}
