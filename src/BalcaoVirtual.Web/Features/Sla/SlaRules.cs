using BalcaoVirtual.Web.Features.Conversations;

namespace BalcaoVirtual.Web.Features.Sla;

/// <summary>What a check decided: the period ended (null: still open), events to write, and when to look again.</summary>
public sealed record SlaDecision(WaitingPeriod? Ended, IReadOnlyList<SlaEvent> NewEvents, DateTimeOffset? NextCheck);

/// <summary>
/// The SLA's decisions, from stored facts only (no clock of its own, no I/O), so that a check can run any number of
/// times, late or early, on any node, and decide the same.
/// </summary>
public static class SlaRules
{
    /// <summary>The first clerk reply the provider accepted since the period started: what ends it.</summary>
    public static Message? FirstAnswer(WaitingPeriod period, IEnumerable<Message> messages)
    {
        ArgumentNullException.ThrowIfNull(period);
        return messages
            .Where(m => m is { Direction: MessageDirection.Outbound, Author: MessageAuthor.Clerk, SentAt: not null } && m.CreatedAt >= period.StartedAt)
            .OrderBy(m => m.SentAt)
            .FirstOrDefault();
    }

    public static SlaDecision Decide(
        WaitingPeriod period, Conversation? conversation, IEnumerable<Message> messages, IReadOnlySet<string> written, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(written);
        if (!period.IsOpen)
        {
            return new(null, [], null);
        }

        if (FirstAnswer(period, messages) is { SentAt: { } sentAt } answer)
        {
            return new(period.Answered(sentAt, answer.AuthorId), [], null);
        }

        if (conversation is null || conversation.State == ConversationState.Closed)
        {
            return new(period with { Outcome = PeriodOutcome.Closed, EndedAt = now }, [], null);
        }

        if (conversation.UnitId != period.UnitId)
        {
            return new(period with { Outcome = PeriodOutcome.Transferred, EndedAt = now, TransferredTo = conversation.UnitId }, [], null);
        }

        var due = period.Points.Where(p => p.At <= now && !written.Contains(p.Key)).ToList();
        // A check that runs late does not send a warning that a later point due now has made stale (no "2 hours left"
        // after the breach): such warnings are recorded, marked suppressed. A breach and an escalation are always sent,
        // even together: they go to different people (the unit's managers, the court's contact).
        var latest = due.Count == 0 ? null : due.MaxBy(p => (p.At, p.Kind));
        var events = due.Select(p => new SlaEvent
        {
            ConversationId = period.ConversationId,
            Seq = period.Seq,
            Key = p.Key,
            Kind = p.Kind,
            UnitId = period.UnitId,
            At = p.At,
            WrittenAt = now,
            Before = p.Before,
            Suppressed = p.Kind == SlaEventKind.Warning && !ReferenceEquals(p, latest),
        }).ToList();
        var next = period.Points.Where(p => p.At > now).Select(p => (DateTimeOffset?)p.At).Min();
        return new(null, events, next);
    }
}
