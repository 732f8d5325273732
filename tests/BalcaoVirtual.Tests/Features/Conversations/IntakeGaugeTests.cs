using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Tests.Features.Conversations;

public sealed class IntakeGaugeTests
{
    private readonly IntakeGauge gauge = new(Options.Create(new StorageOptions { ConcurrencyUnderIntake = 2 }));

    [Test]
    public async Task WhileAMessageIsBeingStored_OnlyTheFewPlacesStartWork_AndTheRestRunsAfter()
    {
        var throttle = gauge.NewThrottle();
        var release = new TaskCompletionSource();
        int started = 0, running = 0, widest = 0;
        Task[] works;
        using (gauge.Enter())
        {
            works = [.. Enumerable.Range(0, 6).Select(_ => throttle.RunAsync(async () =>
            {
                Interlocked.Increment(ref started);
                var now = Interlocked.Increment(ref running);
                if (now > widest)
                {
                    widest = now;
                }

                await release.Task;
                Interlocked.Decrement(ref running);
            }, CancellationToken.None))];
            Assert.That(started, Is.EqualTo(2), "the others wait for a place");
        }

        Assert.That(gauge.Busy, Is.False, "the message was stored");
        release.SetResult();
        await Task.WhenAll(works);
        Assert.That((started, widest), Is.EqualTo((6, 2)));
    }

    [Test]
    public async Task WaitingForAPlace_EndsWhenTheNodeStops_AndTheWorkNeverStarts()
    {
        var throttle = gauge.NewThrottle();
        var release = new TaskCompletionSource();
        using var stopping = new CancellationTokenSource();
        var started = 0;
        using (gauge.Enter())
        {
            var works = Enumerable.Range(0, 3).Select(_ => throttle.RunAsync(async () =>
            {
                Interlocked.Increment(ref started);
                await release.Task;
            }, stopping.Token)).ToList();

            await stopping.CancelAsync();
            Assert.That(async () => await works[2], Throws.InstanceOf<OperationCanceledException>());
            release.SetResult();
            await Task.WhenAll(works.Take(2));
        }

        Assert.That(started, Is.EqualTo(2));
    }

    [Test]
    public async Task WhenNothingIsBeingStored_WorkStartsAtOnce()
    {
        var throttle = gauge.NewThrottle();
        var release = new TaskCompletionSource();
        var started = 0;
        var works = Enumerable.Range(0, 6).Select(_ => throttle.RunAsync(async () =>
        {
            Interlocked.Increment(ref started);
            await release.Task;
        }, CancellationToken.None)).ToList();

        Assert.That(started, Is.EqualTo(6));
        release.SetResult();
        await Task.WhenAll(works);
    }
}
