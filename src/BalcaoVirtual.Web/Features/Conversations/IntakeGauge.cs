using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Conversations;

/// <summary>
/// The inbound messages this node is storing right now. While any is, the bot's turns and the sends it queued yield
/// (<see cref="StorageOptions.ConcurrencyUnderIntake"/> at once instead of <see cref="StorageOptions.Concurrency"/>):
/// a provider waits for each webhook's answer and retries what times out, while a reply can come a few seconds later.
/// After a burst the queues are worked off at full width again.
/// </summary>
public sealed class IntakeGauge(IOptions<StorageOptions> storage)
{
    private int inFlight;

    /// <summary>Whether a message is being stored on this node now.</summary>
    public bool Busy => Volatile.Read(ref inFlight) > 0;

    /// <summary>Counts one message being stored until the returned scope is disposed.</summary>
    public Scope Enter()
    {
        Interlocked.Increment(ref inFlight);
        return new Scope(this);
    }

    /// <summary>A worker's places while messages are being stored: one per worker (turns, sends).</summary>
    public Throttle NewThrottle() => new(this, storage.Value.ConcurrencyUnderIntake);

    public readonly struct Scope(IntakeGauge gauge) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref gauge.inFlight);
    }

    /// <summary>Runs work at once when nothing is being stored; otherwise first waits for one of its few places.</summary>
    public sealed class Throttle(IntakeGauge gauge, int places) : IDisposable
    {
        private readonly SemaphoreSlim gate = new(places);

        public async Task RunAsync(Func<Task> work)
        {
            ArgumentNullException.ThrowIfNull(work);
            if (!gauge.Busy)
            {
                await work().ConfigureAwait(false);
                return;
            }

            await gate.WaitAsync().ConfigureAwait(false);
            try
            {
                await work().ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }

        public void Dispose() => gate.Dispose();
    }
}
