using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Units;

namespace BalcaoVirtual.Web.Features.Appointments;

/// <summary>Why a time cannot be booked (before any place is counted).</summary>
public enum SlotProblem
{
    /// <summary>The unit takes no appointments.</summary>
    NoAppointments,

    /// <summary>The time has passed.</summary>
    Past,

    /// <summary>Sooner than the unit's minimum notice.</summary>
    TooSoon,

    /// <summary>Further ahead than the unit offers.</summary>
    TooFar,

    /// <summary>A holiday, the recess, a weekend or a closure of the court (the reason is the calendar's).</summary>
    Closed,

    /// <summary>Not the start of one of the unit's slots.</summary>
    NotASlot,
}

/// <summary>
/// The slots a unit offers, from its appointment policy and the forensic calendar: on each day, slots of the policy's
/// length from the start of each of its periods, kept only where the calendar leaves the whole slot open (holidays, the
/// recess and closures remove days; a closure until noon removes the morning's slots).
/// </summary>
public sealed class AppointmentSlots(UnitHours hours)
{
    /// <summary>Every slot start of a local date (booked or not), in order.</summary>
    public IReadOnlyList<DateTimeOffset> OnDay(Unit unit, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if (unit.Appointments is not { } policy)
        {
            return [];
        }

        var open = hours.OpenIntervals(unit, date, policy.Hours);
        var minutes = (int)policy.SlotLength.TotalMinutes;
        var starts = new SortedSet<DateTimeOffset>();
        foreach (var period in policy.Hours.Where(p => p.Days.Contains(date.DayOfWeek)))
        {
            var end = (int)period.To.ToTimeSpan().TotalMinutes;
            for (var at = (int)period.From.ToTimeSpan().TotalMinutes; at + minutes <= end; at += minutes)
            {
                var start = UnitHours.Local(unit, date, TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(at)));
                if (open.Any(i => i.Start <= start && start + policy.SlotLength <= i.End))
                {
                    starts.Add(start);
                }
            }
        }

        return [.. starts];
    }

    /// <summary>The slot starts that may be booked from <paramref name="now"/> on (free or not), in order, up to the policy's days ahead.</summary>
    public IEnumerable<DateTimeOffset> Offered(Unit unit, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if (unit.Appointments is not { } policy)
        {
            yield break;
        }

        var today = UnitHours.LocalDate(unit, now);
        for (var day = 0; day <= policy.DaysAhead; day++)
        {
            foreach (var start in OnDay(unit, today.AddDays(day)))
            {
                if (start >= now + policy.MinimumNotice)
                {
                    yield return start;
                }
            }
        }
    }

    /// <summary>Why <paramref name="start"/> cannot be booked at <paramref name="now"/>, or null when it is one of the unit's slots to offer.</summary>
    public SlotProblem? Check(Unit unit, DateTimeOffset start, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if (unit.Appointments is not { } policy)
        {
            return SlotProblem.NoAppointments;
        }

        if (start <= now)
        {
            return SlotProblem.Past;
        }

        var date = UnitHours.LocalDate(unit, start);
        if (date > UnitHours.LocalDate(unit, now).AddDays(policy.DaysAhead))
        {
            return SlotProblem.TooFar;
        }

        if (hours.Calendar.ClosureOn(unit, date) is { ClosedUntil: null })
        {
            return SlotProblem.Closed;
        }

        if (!OnDay(unit, date).Contains(start))
        {
            return hours.Calendar.ClosureOn(unit, date) is not null ? SlotProblem.Closed : SlotProblem.NotASlot;
        }

        return start < now + policy.MinimumNotice ? SlotProblem.TooSoon : null;
    }

    /// <summary>Why the unit is closed on the date of <paramref name="start"/> ("Dia da Justiça", "recesso forense"), if it is.</summary>
    public string? ClosedBecause(Unit unit, DateTimeOffset start) =>
        hours.Calendar.ClosureOn(unit, UnitHours.LocalDate(unit, start))?.Reason;
}
