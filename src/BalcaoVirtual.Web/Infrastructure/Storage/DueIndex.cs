using StackExchange.Redis;

namespace BalcaoVirtual.Web.Infrastructure.Storage;

/// <summary>A sorted set of work items scored by when each is due (Unix ms), taken by leases.</summary>
public static class DueIndex
{
    /// <summary>
    /// Takes up to <paramref name="limit"/> members due by <paramref name="now"/>, earliest first, and moves each
    /// <paramref name="lease"/> ahead, so that no other node takes it meanwhile; whoever took it puts it at its next time
    /// (or out). A taker that never finishes (a node died) leaves it to be taken again after the lease.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ClaimAsync(IDatabase db, RedisKey key, DateTimeOffset now, TimeSpan lease, int limit)
    {
        ArgumentNullException.ThrowIfNull(db);
        var ids = (RedisResult[])(await db.ScriptEvaluateAsync(
            """
            local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
            for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], 'XX', ARGV[2], id) end
            return ids
            """,
            [key],
            [now.ToUnixTimeMilliseconds(), (now + lease).ToUnixTimeMilliseconds(), limit]).ConfigureAwait(false))!;
        return [.. ids.Select(i => (string)i!)];
    }
}
