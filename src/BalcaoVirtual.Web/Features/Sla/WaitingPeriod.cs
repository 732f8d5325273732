using System.Text.Json.Serialization;
using BalcaoVirtual.Web.Features.Conversations;

namespace BalcaoVirtual.Web.Features.Sla;

[JsonConverter(typeof(CamelCaseEnumConverter<PeriodOutcome>))]
public enum PeriodOutcome
{
    /// <summary>Still waiting for the unit's first answer.</summary>
    Open,

    /// <summary>Answered (a clerk's reply reached the provider) by the due time, or the unit has no deadline.</summary>
    Met,

    /// <summary>Answered after the due time.</summary>
    Breached,

    /// <summary>Moved to another unit before an answer; that unit's own period follows.</summary>
    Transferred,

    /// <summary>Closed by the unit without an answer.</summary>
    Closed,
}

/// <summary>
/// One stretch of a conversation waiting for a unit: from the hand-off (or the citizen's new question after an answer)
/// to the first clerk reply actually sent. Its due time and checks are fixed when it starts, by the unit's policy then.
/// </summary>
public sealed record WaitingPeriod
{
    public required string ConversationId { get; init; }

    /// <summary>1, 2, … within the conversation.</summary>
    public required int Seq { get; init; }

    public required string UnitId { get; init; }

    public required Channel Channel { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Null when the unit has no deadline.</summary>
    public DateTimeOffset? DueAt { get; init; }

    public IReadOnlyList<SlaPoint> Points { get; init; } = [];

    public PeriodOutcome Outcome { get; init; } = PeriodOutcome.Open;

    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>The clerk whose reply ended the period.</summary>
    public string? AnsweredBy { get; init; }

    /// <summary>How long after the due time the answer came (breached periods only).</summary>
    public TimeSpan? Late { get; init; }

    /// <summary>The unit it came from, when a transfer started this period.</summary>
    public string? TransferredFrom { get; init; }

    /// <summary>The unit it went to, when a transfer ended this period.</summary>
    public string? TransferredTo { get; init; }

    public string? TransferReason { get; init; }

    public string? TransferredBy { get; init; }

    /// <summary>
    /// The Hangfire job that checked it, in periods started before the due index drove the checks (deleted when it
    /// ends); never written now.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Jobs { get; init; }

    [JsonIgnore]
    public bool IsOpen => Outcome == PeriodOutcome.Open;

    [JsonIgnore]
    public string Id => $"{ConversationId}|{Seq}";

    /// <summary>The period as ended at <paramref name="at"/> by an answer: met or breached, and by how much.</summary>
    public WaitingPeriod Answered(DateTimeOffset at, string? by) => this with
    {
        Outcome = DueAt is { } due && at > due ? PeriodOutcome.Breached : PeriodOutcome.Met,
        EndedAt = at,
        AnsweredBy = by,
        Late = DueAt is { } d && at > d ? at - d : null,
    };
}

/// <summary>A warning, breach or escalation of one period: written once, whatever number of checks or nodes see it.</summary>
public sealed record SlaEvent
{
    public required string ConversationId { get; init; }

    public required int Seq { get; init; }

    /// <summary>The point's key ("warning-1", "breach", "escalation").</summary>
    public required string Key { get; init; }

    public required SlaEventKind Kind { get; init; }

    public required string UnitId { get; init; }

    /// <summary>When the point was due.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>When a check wrote it (later than <see cref="At"/> when a check ran late).</summary>
    public required DateTimeOffset WrittenAt { get; init; }

    public TimeSpan? Before { get; init; }

    /// <summary>Recorded but not sent: a later, more serious event of the same period was due at the same check.</summary>
    public bool Suppressed { get; init; }

    /// <summary>Set when every alert of the event went out.</summary>
    public DateTimeOffset? DeliveredAt { get; init; }
}
