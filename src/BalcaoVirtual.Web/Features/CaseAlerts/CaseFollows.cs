using System.Text.Json;
using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Court.DataJud;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.CaseAlerts;

/// <summary>
/// One case a citizen follows through one conversation (their number or address at the court): since when, until when,
/// renewed when, the latest movement they were told of (or saw when they subscribed), the last day an alert went, and
/// when and why it ended (kept: the subscription's record).
/// </summary>
public sealed record CaseFollow(string Number, DateTimeOffset Since, DateTimeOffset ExpiresAt)
{
    public DateTimeOffset? RenewedAt { get; init; }

    /// <summary>When the latest movement this citizen knows of happened: only later ones are news to them.</summary>
    public DateTimeOffset? Told { get; init; }

    /// <summary>The court day of the latest alert: at most one a day.</summary>
    public DateOnly? AlertedOn { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>"citizen" (asked to stop), "expired", "sealed" (DataJud says the case is under secrecy).</summary>
    public string? EndReason { get; init; }

    public bool ActiveAt(DateTimeOffset now) => EndedAt is null && ExpiresAt > now;
}

public enum FollowOutcome
{
    Followed,

    /// <summary>Already followed: the year starts again.</summary>
    Renewed,

    /// <summary>The contact (this number or address, at any of the court's numbers) follows <see cref="CaseAlertOptions.MaxPerContact"/> cases already.</summary>
    Limit,

    /// <summary>The case is under secrecy: never followed.</summary>
    Sealed,
}

/// <summary>The subscriptions the chatbot reads and writes (an interface so the chatbot can be driven without a store).</summary>
public interface ICaseFollows
{
    /// <summary>How many cases one contact may follow at once.</summary>
    int MaxPerContact { get; }

    /// <summary>The cases the conversation's citizen follows now.</summary>
    Task<IReadOnlyList<CaseFollow>> ActiveAsync(string conversationId, DateTimeOffset now);

    /// <summary>Follows a case found in DataJud (its latest movement is the baseline: only newer ones are told).</summary>
    Task<(FollowOutcome Outcome, CaseFollow? Follow)> FollowAsync(string conversationId, CaseSummary summary, DateTimeOffset now);

    /// <summary>Ends one case's subscription (by digits) or, with null, all of them; returns those ended.</summary>
    Task<IReadOnlyList<CaseFollow>> EndAsync(string conversationId, string? digits, DateTimeOffset now, string reason = "citizen");
}

/// <summary>
/// Subscriptions in the store: per conversation a hash of its cases (on the conversation's slot, so an alert's record
/// and its message commit together; an ended subscription's record is kept under "digits@ended-ms" when the case is
/// followed again), per case its followers, and one due index of every followed case scored by its next daily check
/// (spread over <see cref="CaseAlertOptions.ChecksFrom"/>–Until).
/// </summary>
public sealed class CaseFollows(RedisConnections redis, RedisKeys keys, Units.UnitCatalog catalog, IOptions<CaseAlertOptions> options) : ICaseFollows
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private IDatabase Db => redis.GetDatabase();

    public int MaxPerContact => options.Value.MaxPerContact;

    public async Task<IReadOnlyList<CaseFollow>> AllAsync(string conversationId) =>
        [.. (await Db.HashValuesAsync(keys.CaseFollows(conversationId)).ConfigureAwait(false)).Select(v => JsonSerializer.Deserialize<CaseFollow>(v.ToString(), Json)!)
            .OrderBy(f => f.Since)];

    /// <summary>One case's subscription through one conversation, and the stored value it was read from (for a conditioned write).</summary>
    internal async Task<(RedisValue Raw, CaseFollow? Follow)> ReadAsync(string conversationId, string digits)
    {
        var raw = await Db.HashGetAsync(keys.CaseFollows(conversationId), digits).ConfigureAwait(false);
        return (raw, raw.IsNullOrEmpty ? null : JsonSerializer.Deserialize<CaseFollow>(raw.ToString(), Json));
    }

    public async Task<IReadOnlyList<CaseFollow>> ActiveAsync(string conversationId, DateTimeOffset now) =>
        [.. (await AllAsync(conversationId).ConfigureAwait(false)).Where(f => f.ActiveAt(now))];

    public async Task<(FollowOutcome Outcome, CaseFollow? Follow)> FollowAsync(string conversationId, CaseSummary summary, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(summary);
        if (summary.SecrecyLevel > 0)
        {
            return (FollowOutcome.Sealed, null);
        }

        var digits = Digits(summary.Number);
        var followsKey = keys.CaseFollows(conversationId);
        var (raw, current) = await ReadAsync(conversationId, digits).ConfigureAwait(false);
        var o = options.Value;
        CaseFollow follow;
        FollowOutcome outcome;
        if (current is { } known && known.ActiveAt(now))
        {
            (follow, outcome) = (known with { ExpiresAt = now + o.Lasts, RenewedAt = now }, FollowOutcome.Renewed);
        }
        else if (await ActiveOfContactAsync(conversationId, now).ConfigureAwait(false) >= o.MaxPerContact)
        {
            return (FollowOutcome.Limit, null);
        }
        else
        {
            // What the status just showed is no news to this citizen; the record of an earlier subscription is kept.
            (follow, outcome) = (new CaseFollow(summary.Number, now, now + o.Lasts) { Told = summary.LatestMovements.FirstOrDefault(m => m.At is not null)?.At }, FollowOutcome.Followed);
            if (current is { EndedAt: { } ended })
            {
                await Db.HashSetAsync(followsKey, $"{digits}@{ended.ToUnixTimeMilliseconds()}", raw).ConfigureAwait(false);
            }
        }

        await Db.HashSetAsync(followsKey, digits, JsonSerializer.Serialize(follow, Json)).ConfigureAwait(false);
        // Also on a renewal: a case the job dropped at the same moment (nobody following it then) is checked again.
        await Db.SetAddAsync(keys.CaseFollowers(digits), conversationId).ConfigureAwait(false);
        await Db.SortedSetAddAsync(keys.CasesDue(), digits, NextCheck(digits, now).ToUnixTimeMilliseconds(), SortedSetWhen.NotExists).ConfigureAwait(false);
        return (outcome, follow);
    }

    /// <summary>The cases a contact follows now through all its conversations (one per court number it wrote to).</summary>
    private async Task<int> ActiveOfContactAsync(string conversationId, DateTimeOffset now)
    {
        // The contact record points at its conversation with each court number ("open:{number}").
        var theirs = (await Db.HashGetAllAsync(keys.Contact(RedisKeys.ContactOf(conversationId))).ConfigureAwait(false))
            .Where(e => e.Name.ToString().StartsWith(Conversations.InboundStore.OpenField(""), StringComparison.Ordinal)).Select(e => e.Value.ToString());
        var count = 0;
        foreach (var id in theirs.Append(conversationId).Distinct(StringComparer.Ordinal))
        {
            count += (await ActiveAsync(id, now).ConfigureAwait(false)).Count;
        }

        return count;
    }

    public async Task<IReadOnlyList<CaseFollow>> EndAsync(string conversationId, string? digits, DateTimeOffset now, string reason = "citizen")
    {
        var ending = (await ActiveAsync(conversationId, now).ConfigureAwait(false)).Where(f => digits is null || Digits(f.Number) == digits).ToList();
        foreach (var follow in ending)
        {
            await WriteEndAsync(conversationId, follow, now, reason).ConfigureAwait(false);
        }

        return ending;
    }

    /// <summary>Records a subscription's end and takes the conversation off the case's followers.</summary>
    internal async Task WriteEndAsync(string conversationId, CaseFollow follow, DateTimeOffset now, string reason)
    {
        var digits = Digits(follow.Number);
        await Db.HashSetAsync(keys.CaseFollows(conversationId), digits, JsonSerializer.Serialize(follow with { EndedAt = now, EndReason = reason }, Json)).ConfigureAwait(false);
        await Db.SetRemoveAsync(keys.CaseFollowers(digits), conversationId).ConfigureAwait(false);
    }

    /// <summary>Removes every subscription of a conversation and its record (an erasure).</summary>
    public async Task EraseAsync(string conversationId)
    {
        foreach (var follow in await AllAsync(conversationId).ConfigureAwait(false))
        {
            await Db.SetRemoveAsync(keys.CaseFollowers(Digits(follow.Number)), conversationId).ConfigureAwait(false);
        }

        await Db.KeyDeleteAsync(keys.CaseFollows(conversationId)).ConfigureAwait(false);
    }

    /// <summary>
    /// The case's next daily check after <paramref name="now"/>: its own minute of the checking hours (the same every
    /// day, from its digits), in the court's time zone, so that a day's checks are spread evenly.
    /// </summary>
    public DateTimeOffset NextCheck(string digits, DateTimeOffset now)
    {
        var o = options.Value;
        var zone = Zone;
        var span = (int)(o.ChecksUntil - o.ChecksFrom).TotalMinutes;
        var slot = o.ChecksFrom.AddMinutes((int)(StableHash(digits) % (uint)span));
        var local = TimeZoneInfo.ConvertTime(now, zone);
        for (var day = DateOnly.FromDateTime(local.DateTime); ; day = day.AddDays(1))
        {
            var wall = day.ToDateTime(slot);
            var at = new DateTimeOffset(wall, zone.GetUtcOffset(wall));
            if (at > now)
            {
                return at;
            }
        }
    }

    internal static string Digits(string number) => new([.. number.Where(char.IsAsciiDigit)]);

    /// <summary>When a retry after <paramref name="earliest"/> may run: then, if inside the checking hours, else the case's next check.</summary>
    public DateTimeOffset RetryAt(string digits, DateTimeOffset earliest)
    {
        var o = options.Value;
        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(earliest, Zone).DateTime);
        return local >= o.ChecksFrom && local < o.ChecksUntil ? earliest : NextCheck(digits, earliest);
    }

    private TimeZoneInfo Zone => catalog.Courts.Count > 0 ? TimeZoneInfo.FindSystemTimeZoneById(catalog.Courts[0].TimeZone) : TimeZoneInfo.Utc;

    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
