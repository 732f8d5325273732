using StackExchange.Redis;

namespace BalcaoVirtual.Web.Infrastructure.Storage;

/// <summary>Field writes Redis has no single command for.</summary>
public static class HashFields
{
    private const string SetIfPresent =
        "if redis.call('hexists', KEYS[1], ARGV[1]) == 1 then redis.call('hset', KEYS[1], ARGV[1], ARGV[2]) return 1 end return 0";

    private const string SetIfEqual =
        "if redis.call('hget', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('hset', KEYS[1], ARGV[1], ARGV[3]) return 1 end return 0";

    private const string DeleteIfEqual =
        "if redis.call('hget', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('hdel', KEYS[1], ARGV[1]) return 1 end return 0";

    /// <summary>Compare-and-set on one field: written only if it still holds what was read (else nothing, and false).</summary>
    public static async Task<bool> SetIfEqualAsync(IDatabase db, RedisKey key, string field, RedisValue expected, string value)
    {
        ArgumentNullException.ThrowIfNull(db);
        return (long)await db.ScriptEvaluateAsync(SetIfEqual, [key], [field, expected, value]).ConfigureAwait(false) == 1;
    }

    /// <summary>Deletes one field only if it still holds what was read.</summary>
    public static async Task<bool> DeleteIfEqualAsync(IDatabase db, RedisKey key, string field, RedisValue expected)
    {
        ArgumentNullException.ThrowIfNull(db);
        return (long)await db.ScriptEvaluateAsync(DeleteIfEqual, [key], [field, expected]).ConfigureAwait(false) == 1;
    }

    /// <summary>Rewrites a field only if it is there (an edit never brings back what someone deleted meanwhile).</summary>
    public static async Task<bool> SetIfPresentAsync(IDatabase db, RedisKey key, string field, string value)
    {
        ArgumentNullException.ThrowIfNull(db);
        return (long)await db.ScriptEvaluateAsync(SetIfPresent, [key], [field, value]).ConfigureAwait(false) == 1;
    }
}
