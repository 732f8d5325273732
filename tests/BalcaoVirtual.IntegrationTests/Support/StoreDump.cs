using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StackExchange.Redis;

namespace BalcaoVirtual.IntegrationTests.Support;

/// <summary>
/// Every key of one service's key prefix, with its type, time to live and content, as JSON: a store written by one
/// version of the service, kept in the repository and loaded under a new prefix to test what a later version does
/// with it (a migration). Values that are not UTF-8 are kept in base64.
/// </summary>
internal static class StoreDump
{
    /// <summary>The keys of <paramref name="prefix"/> ("p:…" and Hangfire's "{p:hangfire}:…"), sorted by name.</summary>
    public static async Task<JsonObject> ReadAsync(IConnectionMultiplexer redis, string prefix, DateTimeOffset at)
    {
        var db = redis.GetDatabase();
        var names = new List<string>();
        foreach (var server in redis.GetServers().Where(s => !s.IsReplica)) // every master of a cluster
        {
            foreach (var pattern in Patterns(prefix))
            {
                await foreach (var key in server.KeysAsync(pattern: pattern, pageSize: 1000))
                {
                    names.Add(key!);
                }
            }
        }

        var keys = new JsonArray();
        foreach (var name in names.Order(StringComparer.Ordinal))
        {
            var type = await db.KeyTypeAsync(name);
            var ttl = await db.KeyTimeToLiveAsync(name);
            JsonNode? value = type switch
            {
                RedisType.String => Text(await db.StringGetAsync(name)),
                RedisType.Hash => new JsonObject((await db.HashGetAllAsync(name)).OrderBy(e => (string)e.Name!, StringComparer.Ordinal)
                    .Select(e => KeyValuePair.Create((string)e.Name!, (JsonNode?)Text(e.Value)))),
                RedisType.List => new JsonArray([.. (await db.ListRangeAsync(name)).Select(Text)]),
                RedisType.Set => new JsonArray([.. (await db.SetMembersAsync(name)).Select(v => (string)v!).Order(StringComparer.Ordinal).Select(v => (JsonNode)v)]),
                RedisType.SortedSet => new JsonArray([.. (await db.SortedSetRangeByRankWithScoresAsync(name)).Select(e => (JsonNode)new JsonArray((string)e.Element!, e.Score))]),
                _ => null,
            };
            if (value is null)
            {
                continue;
            }

            keys.Add(new JsonObject
            {
                ["key"] = Unprefixed(name, prefix),
                ["type"] = type.ToString(),
                ["ttlSeconds"] = ttl is { } t ? (long)Math.Ceiling(t.TotalSeconds) : null,
                ["value"] = value,
            });
        }

        return new JsonObject { ["writtenAt"] = at.ToString("O", CultureInfo.InvariantCulture), ["keys"] = keys };
    }

    /// <summary>Writes a dump's keys under <paramref name="prefix"/>.</summary>
    public static async Task LoadAsync(IConnectionMultiplexer redis, JsonObject dump, string prefix)
    {
        var db = redis.GetDatabase();
        foreach (var entry in dump["keys"]!.AsArray())
        {
            RedisKey key = Prefixed((string)entry!["key"]!, prefix);
            var value = entry["value"]!;
            switch (Enum.Parse<RedisType>((string)entry["type"]!))
            {
                case RedisType.String:
                    await db.StringSetAsync(key, Bytes(value));
                    break;
                case RedisType.Hash:
                    await db.HashSetAsync(key, [.. value.AsObject().Select(e => new HashEntry(e.Key, Bytes(e.Value!)))]);
                    break;
                case RedisType.List:
                    await db.ListRightPushAsync(key, [.. value.AsArray().Select(v => Bytes(v!))]);
                    break;
                case RedisType.Set:
                    await db.SetAddAsync(key, [.. value.AsArray().Select(v => (RedisValue)(string)v!)]);
                    break;
                case RedisType.SortedSet:
                    await db.SortedSetAddAsync(key, [.. value.AsArray().Select(v => new SortedSetEntry((string)v![0]!, (double)v[1]!))]);
                    break;
            }

            if ((long?)entry["ttlSeconds"] is { } seconds)
            {
                await db.KeyExpireAsync(key, TimeSpan.FromSeconds(seconds));
            }
        }
    }

    private static string[] Patterns(string prefix) => [prefix + ":*", "{" + prefix + ":hangfire}:*"];

    // The prefix is written "@" in the dump, so that loading it under another prefix is a plain replacement.
    private static string Unprefixed(string key, string prefix) =>
        key.StartsWith(prefix + ":", StringComparison.Ordinal) ? "@" + key[prefix.Length..]
        : key.StartsWith("{" + prefix + ":", StringComparison.Ordinal) ? "{@" + key[(prefix.Length + 1)..]
        : throw new InvalidOperationException($"{key} is not under {prefix}");

    private static string Prefixed(string key, string prefix) =>
        key.StartsWith('@') ? prefix + key[1..] : "{" + prefix + key[2..];

    private static readonly UTF8Encoding Strict = new(false, true);

    private static JsonNode Text(RedisValue value)
    {
        byte[] bytes = value!;
        try
        {
            return JsonValue.Create(Strict.GetString(bytes));
        }
        catch (DecoderFallbackException)
        {
            return new JsonObject { ["base64"] = Convert.ToBase64String(bytes) };
        }
    }

    private static RedisValue Bytes(JsonNode value) =>
        value is JsonObject o ? Convert.FromBase64String((string)o["base64"]!) : (RedisValue)(string)value!;
}
