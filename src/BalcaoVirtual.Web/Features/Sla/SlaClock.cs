using System.Text.Json.Serialization;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Units;

namespace BalcaoVirtual.Web.Features.Sla;

[JsonConverter(typeof(CamelCaseEnumConverter<SlaEventKind>))]
public enum SlaEventKind
{
    /// <summary>Some time before the deadline: the unit's clerks are told.</summary>
    Warning,

    /// <summary>The deadline passed without an answer: the unit's managers are told.</summary>
    Breach,

    /// <summary>A further while after the breach: the court-level contact is told.</summary>
    Escalation,
}

/// <summary>An instant at which a waiting period is checked, and the event it yields if still unanswered.</summary>
/// <param name="Key">Unique within a period: "warning-1" (the earliest warning), "warning-2", "breach", "escalation".</param>
/// <param name="Before">For warnings: how long before the deadline (in the policy's counting).</param>
public sealed record SlaPoint(string Key, SlaEventKind Kind, DateTimeOffset At, TimeSpan? Before = null);

/// <summary>
/// Deadline arithmetic of a unit's policy: the due time of a period that starts at an instant, its warning and
/// escalation points, and how long a wait lasted. Service-hours windows count only the unit's open desk time on its
/// business days (weekends, holidays, Carnival and the recess do not count); calendar windows count every hour.
/// </summary>
public sealed class SlaClock(UnitHours hours)
{
    /// <summary>When a unit must answer a conversation handed to it at <paramref name="from"/>; null when it has no deadline.</summary>
    public DateTimeOffset? DueAt(Unit unit, DateTimeOffset from)
    {
        ArgumentNullException.ThrowIfNull(unit);
        return unit.Sla.ResponseWindow is { } window ? Add(unit, from, window) : null;
    }

    /// <summary>The checks of a period that starts at <paramref name="start"/>, in time order (empty without a deadline).</summary>
    public IReadOnlyList<SlaPoint> Points(Unit unit, DateTimeOffset start)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if (unit.Sla.ResponseWindow is not { } window || DueAt(unit, start) is not { } due)
        {
            return [];
        }

        var points = new List<SlaPoint>();
        // WarnBefore is sorted longest first, so warning-1 is the earliest.
        var n = 0;
        foreach (var before in unit.Sla.WarnBefore.Where(b => b < window))
        {
            points.Add(new SlaPoint($"warning-{++n}", SlaEventKind.Warning, Add(unit, start, window - before), before));
        }

        points.Add(new SlaPoint("breach", SlaEventKind.Breach, due));
        if (unit.Sla.EscalateAfter is { } after)
        {
            points.Add(new SlaPoint("escalation", SlaEventKind.Escalation, Add(unit, due, after)));
        }

        return [.. points.OrderBy(p => p.At)];
    }

    /// <summary>How much of the window a wait from <paramref name="from"/> to <paramref name="to"/> used, in the policy's counting.</summary>
    public TimeSpan Elapsed(Unit unit, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if (to <= from)
        {
            return TimeSpan.Zero;
        }

        return unit.Sla.Counting == SlaCounting.ServiceHours && unit.ServiceHours.Count > 0
            ? hours.ServiceTimeBetween(unit, from, to)
            : to - from;
    }

    /// <summary>
    /// A deadline as a citizen is told it, the way the unit counts: with service hours, the end of the desk's period in
    /// which it falls ("até sexta-feira, 13h", not "10h34"); with calendar hours, the next whole hour. Never before the
    /// deadline itself.
    /// </summary>
    public DateTimeOffset Promised(Unit unit, DateTimeOffset due)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if (unit.Sla.Counting == SlaCounting.ServiceHours && hours.At(unit, due.AddTicks(-1)) is { Open: true, ClosesAt: { } closes })
        {
            return closes;
        }

        var local = TimeZoneInfo.ConvertTime(due, unit.TimeZone);
        var intoHour = new TimeSpan(0, local.Minute, local.Second) + TimeSpan.FromTicks(local.Ticks % TimeSpan.TicksPerSecond);
        return intoHour == TimeSpan.Zero ? due : due - intoHour + TimeSpan.FromHours(1);
    }

    /// <summary>The instant <paramref name="duration"/> after <paramref name="from"/>, in the unit's counting (service hours or calendar).</summary>
    public DateTimeOffset Add(Unit unit, DateTimeOffset from, TimeSpan duration) =>
        unit.Sla.Counting == SlaCounting.ServiceHours
            ? hours.AddServiceTime(unit, from, duration) ?? from + duration
            : from + duration;
}
