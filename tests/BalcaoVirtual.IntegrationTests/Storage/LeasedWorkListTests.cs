using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.Time.Testing;

namespace BalcaoVirtual.IntegrationTests.Storage;

[TestFixture(Backend.Garnet)]
[TestFixture(Backend.Redis)]
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
