using System.Globalization;
using System.Text.Json;
using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Sla;

/// <summary>A stored period and the exact head field it was read as (writes hold only if it is still that value).</summary>
public sealed record StoredPeriod(WaitingPeriod Period, RedisValue Raw);

/// <summary>Waiting periods, their events and the indexes the checks and reports read (keys: <see cref="RedisKeys"/>).</summary>
public sealed class SlaStore(RedisConnections redis, RedisKeys keys)
{
    // Absent fields are left out (an open period has no end, outcome details or transfer yet): a million waiting
    // periods are a million copies of this JSON.
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
    private const string Current = "current";

    private IDatabase Db => redis.GetDatabase();

    /// <summary>The latest period of a conversation (open or not), and the raw "current" pointer it was found by.</summary>
    public async Task<(StoredPeriod? Period, RedisValue Pointer)> GetCurrentAsync(string conversationId)
    {
        var pointer = await Db.HashGetAsync(keys.SlaPeriods(conversationId), Current).ConfigureAwait(false);
        if (pointer.IsNullOrEmpty)
        {
            return (null, pointer);
        }

        return (await GetAsync(conversationId, (int)pointer).ConfigureAwait(false), pointer);
    }

    public async Task<StoredPeriod?> GetAsync(string conversationId, int seq)
    {
        var head = Field(seq);
        var raw = await Db.HashGetAsync(keys.SlaPeriods(conversationId), [head, PeriodCodec.PointsField(head), PeriodCodec.EndField(head)]).ConfigureAwait(false);
        return raw[0].IsNullOrEmpty ? null : new StoredPeriod(PeriodCodec.Decode(conversationId, seq, new StoredFields(raw[0]!, raw[1], raw[2])), raw[0]);
    }

    /// <summary>The periods of ids "conversationId|seq" (as the unit index holds them) that exist, in one pipeline.</summary>
    public async Task<IReadOnlyList<WaitingPeriod>> GetManyAsync(IEnumerable<string> ids)
    {
        var found = await Task.WhenAll(ids.Select(id => id.Split('|')).Where(p => p.Length == 2 && int.TryParse(p[1], CultureInfo.InvariantCulture, out _))
            .Select(p => GetAsync(p[0], int.Parse(p[1], CultureInfo.InvariantCulture)))).ConfigureAwait(false);
        return [.. found.OfType<StoredPeriod>().Select(p => p.Period)];
    }

    public async Task<IReadOnlyList<WaitingPeriod>> GetAllAsync(string conversationId)
    {
        var entries = (await Db.HashGetAllAsync(keys.SlaPeriods(conversationId)).ConfigureAwait(false)).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        return [.. entries.Keys.Where(f => f.Length > 0 && f.All(char.IsAsciiDigit))
            .Select(f => PeriodCodec.Decode(conversationId, int.Parse(f, CultureInfo.InvariantCulture),
                new StoredFields(entries[f], entries.GetValueOrDefault(PeriodCodec.PointsField(f)), entries.GetValueOrDefault(PeriodCodec.EndField(f)))))
            .OrderBy(p => p.Seq)];
    }

    /// <summary>
    /// Adds to a transaction on the conversation's slot the start of <paramref name="started"/>: it becomes current and
    /// enters the due index. Holds only if the current period is still <paramref name="currentSeq"/> (as read).
    /// </summary>
    internal void AddStart(ITransaction tran, RedisValue currentSeq, WaitingPeriod started)
    {
        var periods = keys.SlaPeriods(started.ConversationId);
        tran.AddCondition(currentSeq.IsNullOrEmpty ? Condition.HashNotExists(periods, Current) : Condition.HashEqual(periods, Current, currentSeq));
        AddWrite(tran, started);
        _ = tran.HashSetAsync(periods, Current, started.Seq);
        var due = keys.SlaDue(RedisKeys.BucketOf(started.ConversationId));
        if (started.Points.Count > 0)
        {
            _ = tran.SortedSetAddAsync(due, started.ConversationId, started.Points[0].At.ToUnixTimeMilliseconds());
        }
        else
        {
            _ = tran.SortedSetRemoveAsync(due, started.ConversationId);
        }
    }

    /// <summary>Adds to a transaction the end of an open period (only if it is still as read) and its removal from the due index.</summary>
    internal void AddEnd(ITransaction tran, StoredPeriod open, WaitingPeriod ended)
    {
        var periods = keys.SlaPeriods(ended.ConversationId);
        tran.AddCondition(Condition.HashEqual(periods, Field(ended.Seq), open.Raw));
        AddWrite(tran, ended);
        _ = tran.SortedSetRemoveAsync(keys.SlaDue(RedisKeys.BucketOf(ended.ConversationId)), ended.ConversationId);
    }

    public async Task<bool> TryEndAsync(StoredPeriod open, WaitingPeriod ended)
    {
        var tran = redis.ForTransactions().CreateTransaction();
        AddEnd(tran, open, ended);
        return await tran.ExecuteAsync().ConfigureAwait(false);
    }

    /// <summary>The keys of the events already written for a period ("warning-1", "breach", …).</summary>
    public async Task<IReadOnlySet<string>> WrittenAsync(string conversationId, int seq)
    {
        var fields = await Db.HashKeysAsync(keys.SlaEvents(conversationId)).ConfigureAwait(false);
        var prefix = Field(seq) + ":";
        return fields.Select(f => f.ToString()).Where(f => f.StartsWith(prefix, StringComparison.Ordinal)).Select(f => f[prefix.Length..]).ToHashSet();
    }

    public async Task<IReadOnlyList<SlaEvent>> EventsAsync(string conversationId)
    {
        var entries = await Db.HashGetAllAsync(keys.SlaEvents(conversationId)).ConfigureAwait(false);
        return [.. entries.Select(e => JsonSerializer.Deserialize<SlaEvent>(e.Value.ToString(), Json)!).OrderBy(e => e.WrittenAt).ThenBy(e => e.At)];
    }

    public async Task<SlaEvent?> GetEventAsync(string conversationId, int seq, string key)
    {
        var raw = await Db.HashGetAsync(keys.SlaEvents(conversationId), $"{Field(seq)}:{key}").ConfigureAwait(false);
        return raw.IsNullOrEmpty ? null : JsonSerializer.Deserialize<SlaEvent>(raw.ToString(), Json);
    }

    /// <summary>
    /// Writes events that are not written yet, all or none, queues the alerts of those not suppressed, and moves the
    /// period's place in the due index. False when another check wrote one of them first (the caller reads again).
    /// </summary>
    public async Task<bool> TryWriteEventsAsync(WaitingPeriod period, IReadOnlyList<SlaEvent> events, DateTimeOffset? nextCheck)
    {
        var bucket = RedisKeys.BucketOf(period.ConversationId);
        var tran = redis.ForTransactions().CreateTransaction();
        var eventsKey = keys.SlaEvents(period.ConversationId);
        tran.AddCondition(Condition.HashEqual(keys.SlaPeriods(period.ConversationId), Current, period.Seq));
        foreach (var e in events)
        {
            var field = $"{Field(e.Seq)}:{e.Key}";
            tran.AddCondition(Condition.HashNotExists(eventsKey, field));
            _ = tran.HashSetAsync(eventsKey, field, JsonSerializer.Serialize(e, Json));
            if (!e.Suppressed)
            {
                _ = tran.SortedSetAddAsync(keys.SlaPendingAlerts(bucket), AlertId(e), e.WrittenAt.ToUnixTimeMilliseconds());
            }
        }

        var due = keys.SlaDue(bucket);
        _ = nextCheck is { } next
            ? tran.SortedSetAddAsync(due, period.ConversationId, next.ToUnixTimeMilliseconds())
            : tran.SortedSetRemoveAsync(due, period.ConversationId);
        return await tran.ExecuteAsync().ConfigureAwait(false);
    }

    /// <summary>Marks an event delivered and takes it off the pending alerts.</summary>
    public async Task MarkDeliveredAsync(SlaEvent e, DateTimeOffset at)
    {
        var tran = Db.CreateTransaction();
        _ = tran.HashSetAsync(keys.SlaEvents(e.ConversationId), $"{Field(e.Seq)}:{e.Key}", JsonSerializer.Serialize(e with { DeliveredAt = at }, Json));
        _ = tran.SortedSetRemoveAsync(keys.SlaPendingAlerts(RedisKeys.BucketOf(e.ConversationId)), AlertId(e));
        await tran.ExecuteAsync().ConfigureAwait(false);
    }

    public Task<bool> WasSentAsync(SlaEvent e, string recipient) =>
        Db.SetContainsAsync(keys.SlaSent(e.ConversationId), $"{Field(e.Seq)}:{e.Key}:{recipient}");

    public Task MarkSentAsync(SlaEvent e, string recipient) =>
        Db.SetAddAsync(keys.SlaSent(e.ConversationId), $"{Field(e.Seq)}:{e.Key}:{recipient}");

    /// <summary>Only one delivery of an event runs at a time (a retried job and a sweep may both start one).</summary>
    public Task<bool> TryLockDeliveryAsync(SlaEvent e, string owner, TimeSpan lease) =>
        Db.StringSetAsync(keys.SlaDeliveryLock(e.ConversationId, e.Seq, e.Key), owner, lease, When.NotExists);

    public Task UnlockDeliveryAsync(SlaEvent e, string owner) =>
        Db.ScriptEvaluateAsync(
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0",
            [keys.SlaDeliveryLock(e.ConversationId, e.Seq, e.Key)], [owner]);

    /// <summary>
    /// Takes up to <paramref name="limit"/> conversations of a bucket whose next check is due by <paramref name="now"/>,
    /// earliest first, and moves each <paramref name="lease"/> ahead in the due index, so that no other node takes it
    /// meanwhile. Its check then puts it at its next point (or out); a check that never ends (a node died) is taken
    /// again after the lease.
    /// </summary>
    public Task<IReadOnlyList<string>> ClaimDueAsync(string bucket, DateTimeOffset now, TimeSpan lease, int limit) =>
        DueIndex.ClaimAsync(Db, keys.SlaDue(bucket), now, lease, limit);

    /// <summary>Takes a conversation off the due index, only if its current period is still the one read (<paramref name="currentSeq"/>).</summary>
    public Task<bool> RemoveFromDueAsync(string conversationId, RedisValue currentSeq)
    {
        var periods = keys.SlaPeriods(conversationId);
        var tran = redis.ForTransactions().CreateTransaction();
        tran.AddCondition(currentSeq.IsNullOrEmpty ? Condition.HashNotExists(periods, Current) : Condition.HashEqual(periods, Current, currentSeq));
        _ = tran.SortedSetRemoveAsync(keys.SlaDue(RedisKeys.BucketOf(conversationId)), conversationId);
        return tran.ExecuteAsync();
    }

    /// <summary>Events of a bucket written before <paramref name="before"/> whose alerts are still not all out.</summary>
    public async Task<IReadOnlyList<(string ConversationId, int Seq, string Key)>> PendingAlertsAsync(string bucket, DateTimeOffset before, int limit)
    {
        var ids = await Db.SortedSetRangeByScoreAsync(keys.SlaPendingAlerts(bucket), double.NegativeInfinity, before.ToUnixTimeMilliseconds(), take: limit).ConfigureAwait(false);
        return [.. ids.Select(i => i.ToString().Split('|')).Where(p => p.Length == 3 && int.TryParse(p[1], CultureInfo.InvariantCulture, out _))
            .Select(p => (p[0], int.Parse(p[1], CultureInfo.InvariantCulture), p[2]))];
    }

    /// <summary>A redelivery was just started: the next one only after another wait (no pile of jobs while SMTP is down).</summary>
    public Task PostponeRedeliveryAsync(string bucket, string conversationId, int seq, string key, DateTimeOffset now) =>
        Db.SortedSetAddAsync(keys.SlaPendingAlerts(bucket), $"{conversationId}|{Field(seq)}|{key}", now.ToUnixTimeMilliseconds(), SortedSetWhen.Exists);

    /// <summary>Puts a period in its unit's report index (idempotent; a second step, as it lives on another slot).</summary>
    public Task IndexForReportsAsync(WaitingPeriod period) =>
        Db.SortedSetAddAsync(keys.UnitPeriods(period.UnitId), period.Id, period.StartedAt.ToUnixTimeMilliseconds());

    /// <summary>The ids ("conversationId|seq") of a unit's periods started in [from, to).</summary>
    public async Task<IReadOnlyList<string>> UnitPeriodIdsAsync(string unitId, DateTimeOffset from, DateTimeOffset to)
    {
        var ids = await Db.SortedSetRangeByScoreAsync(keys.UnitPeriods(unitId), from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds(), Exclude.Stop).ConfigureAwait(false);
        return [.. ids.Select(i => i.ToString())];
    }

    /// <summary>The ids of a unit's latest periods started in [from, to), newest first, at most <paramref name="take"/>.</summary>
    public async Task<IReadOnlyList<string>> LatestUnitPeriodIdsAsync(string unitId, DateTimeOffset from, DateTimeOffset to, int take)
    {
        var ids = await Db.SortedSetRangeByScoreAsync(keys.UnitPeriods(unitId), from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds(), Exclude.Stop,
            Order.Descending, 0, take).ConfigureAwait(false);
        return [.. ids.Select(i => i.ToString())];
    }

    private static string AlertId(SlaEvent e) => $"{e.ConversationId}|{e.Seq}|{e.Key}";

    private static string Field(int seq) => seq.ToString(CultureInfo.InvariantCulture);

    /// <summary>Adds the writing of a period's fields, and the removal of those it no longer has (an earlier form's).</summary>
    private void AddWrite(ITransaction tran, WaitingPeriod period)
    {
        var periods = keys.SlaPeriods(period.ConversationId);
        var (head, stored) = (Field(period.Seq), PeriodCodec.Encode(period));
        var parts = new (string Field, string? Value)[] { (head, stored.Head), (PeriodCodec.PointsField(head), stored.Points), (PeriodCodec.EndField(head), stored.End) };
        _ = tran.HashSetAsync(periods, [.. parts.Where(p => p.Value is not null).Select(p => new HashEntry(p.Field, p.Value))]);
        if (parts.Where(p => p.Value is null).Select(p => (RedisValue)p.Field).ToArray() is { Length: > 0 } absent)
        {
            _ = tran.HashDeleteAsync(periods, absent);
        }
    }
}
