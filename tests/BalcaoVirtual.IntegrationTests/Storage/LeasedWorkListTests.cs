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
