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

    /// <summary>
    /// Runs work at once when nothing is being stored; otherwise first waits for one of its few places. The semaphore
    /// is never disposed: it holds no wait handle, and work still running at shutdown must be able to release it.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A SemaphoreSlim without its wait handle holds nothing to free; disposing it under running work would fail their release.")]
    public sealed class Throttle(IntakeGauge? gauge, int places)
    {
        private readonly SemaphoreSlim gate = new(places);

        /// <summary>For a worker built without a gauge (tests): work always starts at once.</summary>
        public static Throttle None { get; } = new(null, 1);

        public async Task RunAsync(Func<Task> work, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(work);
            if (gauge?.Busy != true)
            {
                await work().ConfigureAwait(false);
                return;
            }

            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await work().ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }
    }
}
