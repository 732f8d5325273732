using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Privacy;

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
        var caller = who ?? (context?.User.Identity?.IsAuthenticated == true ? context.User.FindFirstValue(ClaimTypes.NameIdentifier) : null) ?? "anonymous";
        var record = new AuditRecord(now, caller, action, target, detail, context?.Connection.RemoteIpAddress?.ToString());
        var key = keys.AuditDay(Day(now));
        var db = redis.GetDatabase();
        await db.ListLeftPushAsync(key, JsonSerializer.Serialize(record, Json)).ConfigureAwait(false);
        await db.KeyExpireAsync(key, options.Value.AuditRetention + TimeSpan.FromDays(1)).ConfigureAwait(false);
    }

    /// <summary>
    /// Newest first, from <paramref name="to"/> back to <paramref name="from"/> (days in UTC), filtered; at most
    /// <paramref name="limit"/> records and <paramref name="scanLimit"/> read, so a search never runs away.
    /// </summary>
    public async Task<(IReadOnlyList<AuditRecord> Records, bool Truncated)> SearchAsync(
        DateOnly from, DateOnly to, Func<AuditRecord, bool> match, int limit, int scanLimit = 50_000)
    {
        var found = new List<AuditRecord>();
        var scanned = 0;
        var db = redis.GetDatabase();
        for (var day = to; day >= from; day = day.AddDays(-1))
        {
            var key = keys.AuditDay(day.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
            for (long start = 0; ; start += 1000)
            {
                var chunk = await db.ListRangeAsync(key, start, start + 999).ConfigureAwait(false);
                foreach (var value in chunk)
                {
                    scanned++;
                    var record = JsonSerializer.Deserialize<AuditRecord>(value.ToString(), Json)!;
                    if (match(record))
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
