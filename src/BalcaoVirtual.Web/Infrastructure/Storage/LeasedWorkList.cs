using StackExchange.Redis;

namespace BalcaoVirtual.Web.Infrastructure.Storage;

/// <summary>
/// A work queue that survives crashes, on plain lists and sorted sets (Garnet has no streams): taking an item
/// moves it, in one script, from the queue to a lease set scored by its lease expiry. Done items are removed from
/// the lease set; items whose lease ran out (their worker died) are taken again. Handlers must be idempotent.
/// An item is leased before it leaves the queue: a take cut short by a crash (Garnet was seen to recover only a
/// script's first writes) leaves it in both, taken twice, never in neither.
/// Both keys share one hash tag, so the scripts are valid on Redis Cluster.
/// </summary>
public sealed class LeasedWorkList(RedisConnections redis, RedisKey queue, RedisKey leases, TimeProvider time)
{
    /// <summary>What runs the scripts: the scripts as they are (the crash tests cut them short, as a partial recovery does).</summary>
    internal Func<string, string> Scripts { get; init; } = static script => script;

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
          local item = redis.call('LINDEX', KEYS[1], -1)
          if not item then break end
          redis.call('ZADD', KEYS[2], now + lease, item)
          redis.call('RPOP', KEYS[1])
          table.insert(out, item)
        end
        return out
        """;

    // Pushes the lease of items still leased further out, never nearer (a retry scheduled later stays later).
    private const string RenewScript = """
        local expiry = tonumber(ARGV[1])
        for i = 2, #ARGV do
          local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
          if score and tonumber(score) < expiry then redis.call('ZADD', KEYS[1], expiry, ARGV[i]) end
        end
        return 0
        """;

    public Task EnqueueAsync(string item) => redis.GetDatabase().ListLeftPushAsync(queue, item);

    /// <summary>Takes up to <paramref name="max"/> items: expired leases first, then new items.</summary>
    public async Task<IReadOnlyList<string>> TakeAsync(int max, TimeSpan lease)
    {
        var result = await redis.GetDatabase().ScriptEvaluateAsync(
            Scripts(TakeScript),
            [queue, leases],
            [time.GetUtcNow().ToUnixTimeMilliseconds(), (long)lease.TotalMilliseconds, max]).ConfigureAwait(false);
        return result.IsNull ? [] : ((RedisResult[])result!).Select(r => (string)r!).ToList();
    }

    /// <summary>Keeps the item leased until <paramref name="delay"/> from now, when it will be taken again.</summary>
    public Task RetryLaterAsync(string item, TimeSpan delay) =>
        redis.GetDatabase().SortedSetAddAsync(leases, item, (time.GetUtcNow() + delay).ToUnixTimeMilliseconds());

    /// <summary>Extends the leases of items still leased (done ones stay done) to <paramref name="lease"/> from now.</summary>
    public Task RenewAsync(IReadOnlyCollection<string> items, TimeSpan lease) =>
        items.Count == 0
            ? Task.CompletedTask
            : redis.GetDatabase().ScriptEvaluateAsync(
                RenewScript, [leases], [(time.GetUtcNow() + lease).ToUnixTimeMilliseconds(), .. items.Select(i => (RedisValue)i)]);

    /// <summary>
    /// Keeps the taken items leased while this worker lives: every third of the lease, the items not yet released
    /// get a full lease again. A short lease then serves both ways: a slow item is never taken by a second worker,
    /// and a worker that died (SIGKILL, power) gives its items back within one lease.
    /// </summary>
    public LeaseHeartbeat Hold(IEnumerable<string> items, TimeSpan lease) => new(this, items, lease, time);

    /// <summary>
    /// Takes up to <paramref name="max"/> items and runs <paramref name="handle"/> on them, their leases kept alive
    /// meanwhile (<see cref="Hold"/>); returns how many were taken. Items with the same <paramref name="orderKey"/> (a
    /// conversation) run one after the other in queue order; different keys run side by side, at most
    /// <paramref name="atOnce"/> at a time. An item the handler neither completed nor rescheduled is taken again when
    /// its lease runs out.
    /// </summary>
    public async Task<int> TakeAndRunAsync(int max, TimeSpan lease, Func<string, string> orderKey, int atOnce, Func<string, Task> handle)
    {
        using var gate = new SemaphoreSlim(atOnce);
        return await RunBatchAsync(max, lease, orderKey, gate, handle).ConfigureAwait(false);
    }

    /// <summary>
    /// <see cref="TakeAndRunAsync(int, TimeSpan, Func{string, string}, int, Func{string, Task})"/> over several lists
    /// (the buckets) at once, at most <paramref name="atOnce"/> items running over all of them; a list that gave a full
    /// batch is taken from again at once, without waiting for the others. Returns how many items were taken in all.
    /// An item's <paramref name="orderKey"/> must belong to one list only (a conversation lives in one bucket). Once
    /// <paramref name="stopping"/> is cancelled no further batch is taken (the node is stopping: what it would lease
    /// would wait out its lease).
    /// </summary>
    public static async Task<int> TakeAndRunAsync(
        IReadOnlyList<LeasedWorkList> lists, int max, TimeSpan lease, Func<string, string> orderKey, int atOnce, Func<LeasedWorkList, string, Task> handle,
        CancellationToken stopping = default)
    {
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(handle);
        using var gate = new SemaphoreSlim(atOnce);
        var taken = await Task.WhenAll(lists.Select(async list =>
        {
            var total = 0;
            int batch;
            do
            {
                batch = await list.RunBatchAsync(max, lease, orderKey, gate, item => handle(list, item)).ConfigureAwait(false);
                total += batch;
            }
            while (batch == max && !stopping.IsCancellationRequested);
            return total;
        })).ConfigureAwait(false);
        return taken.Sum();
    }

    private async Task<int> RunBatchAsync(int max, TimeSpan lease, Func<string, string> orderKey, SemaphoreSlim gate, Func<string, Task> handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var items = await TakeAsync(max, lease).ConfigureAwait(false);
        if (items.Count == 0)
        {
            return 0;
        }

        await using var heartbeat = Hold(items, lease);
        await Task.WhenAll(items.GroupBy(orderKey, StringComparer.Ordinal).Select(async group => // in queue order within each group
        {
            foreach (var item in group)
            {
                await gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    await handle(item).ConfigureAwait(false);
                }
                finally
                {
                    gate.Release();
                    heartbeat.Release(item);
                }
            }
        })).ConfigureAwait(false);
        return items.Count;
    }

    /// <summary>The lease set, for a script of the caller's own that completes an item with its writes (same slot).</summary>
    internal RedisKey LeaseKey => leases;

    public Task CompleteAsync(string item) => redis.GetDatabase().SortedSetRemoveAsync(leases, item);

    /// <summary>Completes the item inside a transaction on the same slot (with the work's own writes).</summary>
    public void AddComplete(ITransaction tran, string item) => _ = tran.SortedSetRemoveAsync(leases, item);

    public async Task<long> LengthAsync()
    {
        var db = redis.GetDatabase();
        return await db.ListLengthAsync(queue).ConfigureAwait(false) + await db.SortedSetLengthAsync(leases).ConfigureAwait(false);
    }
}

/// <summary>The heartbeat of one batch of taken items; dispose it when the batch is done.</summary>
public sealed class LeaseHeartbeat : IAsyncDisposable
{
    private readonly LeasedWorkList work;
    private readonly TimeSpan lease;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> held;
    private readonly ITimer timer;
    private Task renewing = Task.CompletedTask;

    internal LeaseHeartbeat(LeasedWorkList work, IEnumerable<string> items, TimeSpan lease, TimeProvider time)
    {
        this.work = work;
        this.lease = lease;
        held = new(StringComparer.Ordinal);
        foreach (var item in items)
        {
            held.TryAdd(item, 0); // a list may hold the same item twice (queued again before it was taken)
        }

        var every = lease / 3;
        timer = time.CreateTimer(_ => renewing = RenewAsync(), null, every, every);
    }

    /// <summary>The item is done (or left to expire for a later retry): no longer renewed.</summary>
    public void Release(string item) => held.TryRemove(item, out _);

    private async Task RenewAsync()
    {
        try
        {
            await work.RenewAsync([.. held.Keys], lease).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The store is away; the next beat tries again, and the lease is long enough to miss one.
        }
    }

    public async ValueTask DisposeAsync()
    {
        held.Clear();
        await timer.DisposeAsync().ConfigureAwait(false);
        await renewing.ConfigureAwait(false);
    }
}
