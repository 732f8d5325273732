using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Units;
using Hangfire;

namespace BalcaoVirtual.Web.Features.Sla;

/// <summary>
/// Starts and ends waiting periods as conversations change: a hand-off (or a new question after an answer) starts
/// one for the unit; the first clerk reply the provider accepts ends it; a transfer ends it and starts the next
/// unit's; closing without an answer ends it. Starting writes the period and its place in the due index in the
/// same transaction as the conversation; scheduling the Hangfire checks comes after, and the sweep covers a loss.
/// </summary>
internal sealed partial class SlaPeriods(
    SlaStore store,
    SlaClock clock,
    UnitCatalog catalog,
    IBackgroundJobClient jobs,
    TimeProvider time,
    ILogger<SlaPeriods> logger) : IConversationObserver
{
    public async Task<ObservedChange?> PrepareAsync(Conversation before, Conversation after, ChangeContext context)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(context);
        if (before.State == after.State && before.UnitId == after.UnitId)
        {
            return null; // most turns (a message joining a waiting conversation): nothing starts or ends, nothing to read
        }

        var (current, pointer) = await store.GetCurrentAsync(after.Id).ConfigureAwait(false);
        var open = current is { Period.IsOpen: true } ? current : null;
        var waiting = after.State == ConversationState.Waiting && after.UnitId is not null;
        var now = time.GetUtcNow();

        if (waiting && open is not null && open.Period.UnitId == after.UnitId)
        {
            return null; // the unit still owes its first answer: the running period goes on
        }

        WaitingPeriod? ended = null;
        if (open is not null)
        {
            ended = after.UnitId != open.Period.UnitId && after.UnitId is not null
                ? open.Period with
                {
                    Outcome = PeriodOutcome.Transferred,
                    EndedAt = now,
                    TransferredTo = after.UnitId,
                    TransferReason = context.Reason,
                    TransferredBy = context.ByUserId,
                }
                : after.State is ConversationState.Closed or ConversationState.Bot
                    ? open.Period with { Outcome = PeriodOutcome.Closed, EndedAt = now }
                    : null; // answered: the period ends when the reply is sent
        }

        WaitingPeriod? started = null;
        if (waiting && catalog.Find(after.UnitId!) is { } unit)
        {
            var start = after.WaitingSince ?? now;
            started = new WaitingPeriod
            {
                ConversationId = after.Id,
                Seq = (current?.Period.Seq ?? 0) + 1,
                UnitId = unit.Id,
                Channel = after.Channel,
                StartedAt = start,
                DueAt = clock.DueAt(unit, start),
                Points = clock.Points(unit, start),
                TransferredFrom = ended?.Outcome == PeriodOutcome.Transferred ? ended.UnitId : null,
            };
        }

        if (ended is null && started is null)
        {
            return null;
        }

        return new ObservedChange(
            tran =>
            {
                if (ended is not null)
                {
                    store.AddEnd(tran, open!, ended);
                }

                if (started is not null)
                {
                    store.AddStart(tran, pointer, started);
                }
            },
            async () =>
            {
                if (ended is not null)
                {
                    await AfterEndAsync(ended).ConfigureAwait(false);
                }

                if (started is not null)
                {
                    await AfterStartAsync(started).ConfigureAwait(false);
                }
            });
    }

    /// <summary>A reply accepted by the provider: the first clerk reply since the period started ends it.</summary>
    public async Task SentAsync(Conversation conversation, Message message)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(message);
        if (message is not { Author: MessageAuthor.Clerk, Direction: MessageDirection.Outbound, SentAt: { } sentAt })
        {
            return;
        }

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var (current, _) = await store.GetCurrentAsync(conversation.Id).ConfigureAwait(false);
            if (current is not { Period.IsOpen: true } || message.CreatedAt < current.Period.StartedAt)
            {
                return;
            }

            var ended = current.Period.Answered(sentAt, message.AuthorId);
            if (await store.TryEndAsync(current, ended).ConfigureAwait(false))
            {
                await AfterEndAsync(ended).ConfigureAwait(false);
                LogEnded(logger, conversation.Id, ended.Seq, ended.Outcome);
                return;
            }
        }
    }

    /// <summary>
    /// Records a new period for reports. Its first check needs no job: the period entered the due index at its first
    /// point when it started, and <see cref="SlaDueLoop"/> takes it from there.
    /// </summary>
    internal async Task AfterStartAsync(WaitingPeriod period)
    {
        await store.IndexForReportsAsync(period).ConfigureAwait(false);
        if (period.Points.Count > 0)
        {
            LogStarted(logger, period.ConversationId, period.Seq, period.UnitId, period.Points.Count);
        }
    }

    /// <summary>Updates reports; a check job left by an earlier version is cancelled (it would find the period ended).</summary>
    internal async Task AfterEndAsync(WaitingPeriod period)
    {
        await store.IndexForReportsAsync(period).ConfigureAwait(false);
        foreach (var id in period.Jobs ?? [])
        {
            jobs.Delete(id);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting period {Seq} of conversation {ConversationId} started for unit {UnitId}; {Checks} check points")]
    private static partial void LogStarted(ILogger logger, string conversationId, int seq, string unitId, int checks);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting period {Seq} of conversation {ConversationId} ended: {Outcome}")]
    private static partial void LogEnded(ILogger logger, string conversationId, int seq, PeriodOutcome outcome);
}
