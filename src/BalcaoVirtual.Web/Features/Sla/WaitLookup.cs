using System.Collections.Concurrent;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Storage;

namespace BalcaoVirtual.Web.Features.Sla;

/// <summary>Where a waiting conversation stands in its unit's queue, and how long the unit has lately taken to answer.</summary>
public interface IWaitLookup
{
    /// <summary>
    /// How many of the unit's waiting conversations come before this one, in the order the unit's inbox lists them
    /// (due time first); for one not in the queue yet (being handed off), all those due by its due time.
    /// </summary>
    Task<long> AheadAsync(string unitId, Conversation conversation);

    /// <summary>
    /// The unit's median time from a hand-off to the first answer, over those answered among its latest
    /// <see cref="WaitLookup.Sample"/> waits of the last <see cref="WaitLookup.Days"/> days, in its own counting (service
    /// hours or calendar); null with fewer than <see cref="WaitLookup.MinimumAnswers"/> of them.
    /// </summary>
    Task<TimeSpan?> TypicalFirstAnswerAsync(Unit unit);
}

/// <summary>
/// <see cref="IWaitLookup"/> on the store: the place from the unit's due index (one command), the typical time from the
/// unit's report index, read again at most every <see cref="CacheFor"/> per unit on each node.
/// </summary>
public sealed class WaitLookup(RedisConnections redis, RedisKeys keys, SlaStore store, SlaClock clock, TimeProvider time) : IWaitLookup
{
    /// <summary>How far back the answers that make the typical time go.</summary>
    public const int Days = 30;

    /// <summary>How many of the latest waits are read, at most.</summary>
    public const int Sample = 200;

    /// <summary>Fewer answered waits than this give no typical time (a unit's first days say nothing of its pace).</summary>
    public const int MinimumAnswers = 5;

    internal static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, (DateTimeOffset At, TimeSpan? Typical)> typical = new(StringComparer.Ordinal);

    public async Task<long> AheadAsync(string unitId, Conversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var db = redis.GetDatabase();
        var due = keys.UnitDue(unitId);
        return await db.SortedSetRankAsync(due, conversation.Id).ConfigureAwait(false)
            ?? await db.SortedSetLengthAsync(due, double.NegativeInfinity, ConversationStore.DueScore(conversation)).ConfigureAwait(false);
    }

    /// <summary>The places (1 for the first) of waiting conversations in their units' queues, in one pipeline; absent when not in one.</summary>
    public async Task<IReadOnlyDictionary<string, long>> PlacesAsync(IEnumerable<Conversation> conversations)
    {
        var db = redis.GetDatabase();
        var asked = conversations.Where(c => c is { State: ConversationState.Waiting, UnitId: not null })
            .Select(c => (c.Id, Rank: db.SortedSetRankAsync(keys.UnitDue(c.UnitId!), c.Id))).ToList();
        await Task.WhenAll(asked.Select(a => a.Rank)).ConfigureAwait(false);
        return asked.Where(a => a.Rank.Result is not null).ToDictionary(a => a.Id, a => a.Rank.Result!.Value + 1, StringComparer.Ordinal);
    }

    public async Task<TimeSpan?> TypicalFirstAnswerAsync(Unit unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        var now = time.GetUtcNow();
        if (typical.TryGetValue(unit.Id, out var known) && now - known.At < CacheFor && now >= known.At)
        {
            return known.Typical;
        }

        var ids = await store.LatestUnitPeriodIdsAsync(unit.Id, now.AddDays(-Days), now, Sample).ConfigureAwait(false);
        var answers = (await store.GetManyAsync(ids).ConfigureAwait(false))
            .Where(p => p.UnitId == unit.Id && p.Outcome is PeriodOutcome.Met or PeriodOutcome.Breached && p.EndedAt is not null)
            .Select(p => clock.Elapsed(unit, p.StartedAt, p.EndedAt!.Value))
            .Order()
            .ToList();
        TimeSpan? median = answers.Count < MinimumAnswers ? null : answers[(answers.Count - 1) / 2];
        typical[unit.Id] = (now, median);
        return median;
    }
}
