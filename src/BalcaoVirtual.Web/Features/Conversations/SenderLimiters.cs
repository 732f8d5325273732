using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace BalcaoVirtual.Web.Features.Conversations;

/// <summary>
/// One token bucket per sender number, so that one number's burst never slows another's: the providers' throughput
/// limits (Twilio 80/s per WhatsApp sender, Meta 80/s per phone number). Excess waits in order instead of failing.
/// </summary>
internal sealed class SenderLimiters : IDisposable
{
    private readonly ConcurrentDictionary<string, RateLimiter> limiters = new(StringComparer.Ordinal);

    /// <summary>Builds the limiter of one sender from its rate per second (tests replace it to move time by hand).</summary>
    public Func<int, RateLimiter> Factory { get; set; } = perSecond => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
    {
        TokenLimit = perSecond,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    });

    public ValueTask<RateLimitLease> AcquireAsync(string sender, int perSecond, CancellationToken cancellationToken) =>
        limiters.GetOrAdd(sender, _ => Factory(perSecond)).AcquireAsync(1, cancellationToken);

    public void Dispose()
    {
        foreach (var limiter in limiters.Values)
        {
            limiter.Dispose();
        }
    }
}
