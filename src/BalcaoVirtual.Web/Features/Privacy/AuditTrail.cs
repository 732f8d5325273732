using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Privacy;

/// <summary>What an audit search asks for: an actor, an action or its prefix, a target; empty parts match anything.</summary>
public sealed record AuditFilter(string? Who, string? Action, string? Target)
{
    public bool Matches(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return (string.IsNullOrEmpty(Who) || record.Who == Who)
            && (string.IsNullOrEmpty(Action) || record.Action.StartsWith(Action, StringComparison.Ordinal))
            && (string.IsNullOrEmpty(Target) || record.Target == Target);
    }
}

/// <summary>One line of the service-wide audit trail: who did what to what, when, and from where.</summary>
public sealed record AuditRecord(DateTimeOffset At, string Who, string Action, string? Target, string? Detail, string? From);

/// <summary>
/// The service-wide, append-only audit trail (LGPD accountability): sign-ins, conversation views and every clerk action,
/// CPF reveals, exports, erasures, user and unit changes. One list per day, newest first, each kept for
/// <see cref="PrivacyOptions.AuditRetention"/> and then dropped whole by the store. Nothing here is ever edited.
/// </summary>
public sealed class AuditTrail(RedisConnections redis, RedisKeys keys, IHttpContextAccessor http, IOptions<PrivacyOptions> options, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Records an action; <paramref name="who"/> defaults to the signed-in caller of the current request.</summary>
    public async Task RecordAsync(string action, string? target, string? detail = null, string? who = null)
    {
        var now = time.GetUtcNow();
        var context = http.HttpContext;
        var caller = who ?? (context?.User.Identity?.IsAuthenticated == true ? context.User.FindFirstValue(ClaimTypes.NameIdentifier) : null) ?? AuditWords.Anonymous;
        var record = new AuditRecord(now, caller, action, target, detail, context?.Connection.RemoteIpAddress?.ToString());
        var day = Day(now);
        var json = JsonSerializer.Serialize(record, Json);
        var keep = options.Value.AuditRetention + TimeSpan.FromDays(1);
        var db = redis.GetDatabase();
        foreach (var key in Lists(day, record))
        {
            var length = await db.ListLeftPushAsync(key, json).ConfigureAwait(false);
            await db.KeyExpireAsync(key, keep).ConfigureAwait(false);
            if (length == 1 && key == keys.AuditDay(day))
            {
                // Indexed from the day's first record: searches may read its indexes alone (days written before
                // the indexes existed are read whole).
                await db.StringSetAsync(keys.AuditDayBy(day, "indexed", "all"), "1", keep).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The day's list and the indexes a record goes into (the same order everywhere: newest first).</summary>
    private IEnumerable<RedisKey> Lists(string day, AuditRecord record)
    {
        yield return keys.AuditDay(day);
        yield return keys.AuditDayBy(day, "who", record.Who);
        yield return keys.AuditDayBy(day, "family", Family(record.Action));
        if (record.Target is { Length: > 0 } target)
        {
            yield return keys.AuditDayBy(day, "target", target);
        }
    }

    private static string Family(string action) => action.Split('.')[0];

    /// <summary>
    /// The narrowest list that holds every record a search can match: by actor, then by target, then by the action's
    /// family (a prefix within one family: "user.create", "signin"), else the whole day.
    /// </summary>
    internal RedisKey Narrowest(string day, string? who, string? action, string? target) =>
        !string.IsNullOrEmpty(who) ? keys.AuditDayBy(day, "who", who)
        : !string.IsNullOrEmpty(target) ? keys.AuditDayBy(day, "target", target)
        : !string.IsNullOrEmpty(action) && action.Contains('.', StringComparison.Ordinal) ? keys.AuditDayBy(day, "family", Family(action))
        : keys.AuditDay(day);

    /// <summary>
    /// Newest first, from <paramref name="to"/> back to <paramref name="from"/> (days in UTC), filtered; at most
    /// <paramref name="limit"/> records and <paramref name="scanLimit"/> read, so a search never runs away.
    /// </summary>
    public async Task<(IReadOnlyList<AuditRecord> Records, bool Truncated)> SearchAsync(
        DateOnly from, DateOnly to, AuditFilter filter, int limit, int scanLimit = 50_000)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var found = new List<AuditRecord>();
        var scanned = 0;
        var db = redis.GetDatabase();
        for (var day = to; day >= from; day = day.AddDays(-1))
        {
            var name = day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            var key = await db.KeyExistsAsync(keys.AuditDayBy(name, "indexed", "all")).ConfigureAwait(false)
                ? Narrowest(name, filter.Who, filter.Action, filter.Target)
                : keys.AuditDay(name);
            for (long start = 0; ; start += 1000)
            {
                var chunk = await db.ListRangeAsync(key, start, start + 999).ConfigureAwait(false);
                foreach (var value in chunk)
                {
                    scanned++;
                    var record = JsonSerializer.Deserialize<AuditRecord>(value.ToString(), Json)!;
                    if (filter.Matches(record))
                    {
                        found.Add(record);
                        if (found.Count >= limit)
                        {
                            return (found, true);
                        }
                    }

                    if (scanned >= scanLimit)
                    {
                        return (found, true);
                    }
                }

                if (chunk.Length < 1000)
                {
                    break;
                }
            }
        }

        return (found, false);
    }

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
}
