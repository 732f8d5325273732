using StackExchange.Redis;

namespace BalcaoVirtual.Web.Infrastructure.Storage;

/// <summary>Field writes Redis has no single command for.</summary>
public static class HashFields
{
    private const string SetIfPresent =
        "if redis.call('hexists', KEYS[1], ARGV[1]) == 1 then redis.call('hset', KEYS[1], ARGV[1], ARGV[2]) return 1 end return 0";

    /// <summary>Rewrites a field only if it is there (an edit never brings back what someone deleted meanwhile).</summary>
    public static async Task<bool> SetIfPresentAsync(IDatabase db, RedisKey key, string field, string value)
    {
        ArgumentNullException.ThrowIfNull(db);
        return (long)await db.ScriptEvaluateAsync(SetIfPresent, [key], [field, value]).ConfigureAwait(false) == 1;
    }
}
