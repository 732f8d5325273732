using StackExchange.Redis;

namespace BalcaoVirtual.Web.Infrastructure.Storage;

/// <summary>
/// A work queue that survives crashes, on plain lists and sorted sets (Garnet has no streams): taking an item
/// moves it, in one script, from the queue to a lease set scored by its lease expiry. Done items are removed from
/// the lease set; items whose lease ran out (their worker died) are taken again. Handlers must be idempotent.
/// Both keys share one hash tag, so the scripts are valid on Redis Cluster.
/// </summary>
public sealed class LeasedWorkList(RedisConnections redis, RedisKey queue, RedisKey leases, TimeProvider time)
{
    private const string TakeScript = """
        local now = tonumber(ARGV[1])
        local lease = tonumber(ARGV[2])
        local max = tonumber(ARGV[3])
        local out = {}
        local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, max)
        for _, item in ipairs(expired) do
          redis.call('ZADD', KEYS[2], now + lease, item)
          table.insert(out, item)
        end
        while #out < max do
          local item = redis.call('RPOP', KEYS[1])
          if not item then break end
          redis.call('ZADD', KEYS[2], now + lease, item)
          table.insert(out, item)
        end
        return out
        """;

    public Task EnqueueAsync(string item) => redis.GetDatabase().ListLeftPushAsync(queue, item);

    /// <summary>Takes up to <paramref name="max"/> items: expired leases first, then new items.</summary>
    public async Task<IReadOnlyList<string>> TakeAsync(int max, TimeSpan lease)
    {
        var result = await redis.GetDatabase().ScriptEvaluateAsync(
            TakeScript,
            [queue, leases],
            [time.GetUtcNow().ToUnixTimeMilliseconds(), (long)lease.TotalMilliseconds, max]).ConfigureAwait(false);
        return result.IsNull ? [] : ((RedisResult[])result!).Select(r => (string)r!).ToList();
    }

    /// <summary>Keeps the item leased until <paramref name="delay"/> from now, when it will be taken again.</summary>
    public Task RetryLaterAsync(string item, TimeSpan delay) =>
        redis.GetDatabase().SortedSetAddAsync(leases, item, (time.GetUtcNow() + delay).ToUnixTimeMilliseconds());

    public Task CompleteAsync(string item) => redis.GetDatabase().SortedSetRemoveAsync(leases, item);

    /// <summary>Completes the item inside a transaction on the same slot (with the work's own writes).</summary>
    public void AddComplete(ITransaction tran, string item) => _ = tran.SortedSetRemoveAsync(leases, item);

    public async Task<long> LengthAsync()
    {
        var db = redis.GetDatabase();
        return await db.ListLengthAsync(queue).ConfigureAwait(false) + await db.SortedSetLengthAsync(leases).ConfigureAwait(false);
    }
}
