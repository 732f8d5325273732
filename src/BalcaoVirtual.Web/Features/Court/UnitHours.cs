using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Resources;

namespace BalcaoVirtual.Web.Features.Court;

/// <summary>Whether a unit's desk is open at an instant; when closed, why and when it opens; when open, until when.</summary>
public sealed record Availability(bool Open, string? Reason, DateTimeOffset? OpensAt, DateTimeOffset? ClosesAt);

/// <summary>
/// A unit's public-service hours on its business days, in its own time zone: open now or not, the next opening, and
/// how much service time lies between two instants (what the SLA engine counts for service-hours windows).
/// </summary>
public sealed class UnitHours(ForensicCalendar calendar)
{
    /// <summary>How far ahead the next opening is searched (a unit with hours opens within weeks even across the recess).</summary>
    private const int HorizonDays = 400;

    public ForensicCalendar Calendar => calendar;

    /// <summary>The open intervals of a local date, as instants with the unit's offset, in order.</summary>
    public IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)> OpenIntervals(Unit unit, DateOnly date) =>
        OpenIntervals(unit, date, unit?.ServiceHours ?? []);

    /// <summary>The intervals of <paramref name="periods"/> on a local date that the forensic calendar leaves open, in order.</summary>
    public IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)> OpenIntervals(Unit unit, DateOnly date, IReadOnlyList<ServicePeriod> periods)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(periods);
        var closure = calendar.ClosureOn(unit, date);
        if (closure is { ClosedUntil: null })
        {
            return [];
        }

        var intervals = new List<(DateTimeOffset, DateTimeOffset)>();
        foreach (var period in periods.Where(p => p.Days.Contains(date.DayOfWeek)).OrderBy(p => p.From))
        {
            var from = closure?.ClosedUntil is { } until && until > period.From ? until : period.From;
            if (from < period.To)
            {
                intervals.Add((Local(unit, date, from), Local(unit, date, period.To)));
            }
        }

        return intervals;
    }

    public Availability At(Unit unit, DateTimeOffset instant)
    {
        ArgumentNullException.ThrowIfNull(unit);
        var local = TimeZoneInfo.ConvertTime(instant, unit.TimeZone);
        var today = DateOnly.FromDateTime(local.DateTime);
        foreach (var (start, end) in OpenIntervals(unit, today))
        {
            if (start <= instant && instant < end)
            {
                return new(true, null, null, end);
            }
        }

        if (unit.ServiceHours.Count == 0)
        {
            return new(false, Texts.Get("ClosedNoHours"), null, null);
        }

        var closure = calendar.ClosureOn(unit, today);
        var reason = closure switch
        {
            { ClosedUntil: null } => closure.Reason,
            { ClosedUntil: { } until } when TimeOnly.FromDateTime(local.DateTime) < until => closure.Reason,
            _ => Texts.Get("ClosedOutsideHours"),
        };
        return new(false, reason, NextOpening(unit, instant, today), null);
    }

    /// <summary>Service time (open desk time) between two instants; zero when <paramref name="to"/> is not after <paramref name="from"/>.</summary>
    public TimeSpan ServiceTimeBetween(Unit unit, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if (to <= from)
        {
            return TimeSpan.Zero;
        }

        var total = TimeSpan.Zero;
        var date = LocalDate(unit, from);
        var last = LocalDate(unit, to);
        for (; date <= last; date = date.AddDays(1))
        {
            foreach (var (start, end) in OpenIntervals(unit, date))
            {
                var s = start > from ? start : from;
                var e = end < to ? end : to;
                if (e > s)
                {
                    total += e - s;
                }
            }
        }

        return total;
    }

    /// <summary>The instant at which <paramref name="duration"/> of service time has passed since <paramref name="from"/>; null without hours.</summary>
    public DateTimeOffset? AddServiceTime(Unit unit, DateTimeOffset from, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if (unit.ServiceHours.Count == 0)
        {
            return null;
        }

        var left = duration;
        var date = LocalDate(unit, from);
        for (var day = 0; day < HorizonDays * 10; day++, date = date.AddDays(1))
        {
            foreach (var (start, end) in OpenIntervals(unit, date))
            {
                var s = start > from ? start : from;
                if (end <= s)
                {
                    continue;
                }

                if (end - s >= left)
                {
                    return s + left;
                }

                left -= end - s;
            }
        }

        return null;
    }

    private DateTimeOffset? NextOpening(Unit unit, DateTimeOffset instant, DateOnly today)
    {
        for (var day = 0; day < HorizonDays; day++)
        {
            foreach (var (start, _) in OpenIntervals(unit, today.AddDays(day)))
            {
                if (start > instant)
                {
                    return start;
                }
            }
        }

        return null;
    }

    internal static DateOnly LocalDate(Unit unit, DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, unit.TimeZone).DateTime);

    internal static DateTimeOffset Local(Unit unit, DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, unit.TimeZone.GetUtcOffset(local));
    }
}
