using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Resources;

namespace BalcaoVirtual.Web.Features.Court;

/// <summary>Why a unit's desk is closed on a day (or part of it).</summary>
public sealed record DayClosure(string Reason, TimeOnly? ClosedUntil = null);

/// <summary>A closure from the court's yearly act or a state or city law, as the calendar files give it.</summary>
public sealed record CalendarClosure(DateOnly From, DateOnly To, string Name, TimeOnly? ClosedUntil, string? CourtId, IReadOnlySet<string>? Municipalities, IReadOnlySet<string>? Units);

/// <summary>Fixed yearly dates by state (UF) and municipality (IBGE code).</summary>
public sealed record RegionalHolidays(
    IReadOnlyDictionary<string, IReadOnlyList<(int Month, int Day, string Name)>> States,
    IReadOnlyDictionary<string, IReadOnlyList<(int Month, int Day, string Name)>> Municipalities)
{
    public static readonly RegionalHolidays Empty = new(
        new Dictionary<string, IReadOnlyList<(int, int, string)>>(), new Dictionary<string, IReadOnlyList<(int, int, string)>>());
}

/// <summary>
/// What makes a day a business day for a unit (domain.md §4): weekends, national holidays, the judicial holidays of
/// Lei 5.010/1966 art. 62 (recess 20 Dec–6 Jan, Holy Week Wednesday to Sunday, Carnival Monday and Tuesday, 11 Aug,
/// 1–2 Nov, 8 Dec), Easter-based dates for any year, the state and city holidays of the unit's seat, and the court's
/// yearly closures from data files.
/// </summary>
public sealed class ForensicCalendar(RegionalHolidays regional, IReadOnlyList<CalendarClosure> closures)
{
    public static readonly ForensicCalendar Default = new(RegionalHolidays.Empty, []);

    public RegionalHolidays Regional => regional;

    public IReadOnlyList<CalendarClosure> Closures => closures;

    /// <summary>Easter Sunday (anonymous Gregorian computus, valid for any Gregorian year).</summary>
    public static DateOnly Easter(int year)
    {
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = ((19 * a) + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        var m = (a + (11 * h) + (22 * l)) / 451;
        var month = (h + l - (7 * m) + 114) / 31;
        var day = ((h + l - (7 * m) + 114) % 31) + 1;
        return new DateOnly(year, month, day);
    }

    /// <summary>The reason the unit is closed on this local date, or null on a business day.</summary>
    public DayClosure? ClosureOn(Unit unit, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if ((date.Month == 12 && date.Day >= 20) || (date.Month == 1 && date.Day <= 6))
        {
            return new(Texts.Get("HolidayRecess"));
        }

        var easter = Easter(date.Year);
        if (date >= easter.AddDays(-4) && date <= easter)
        {
            return new(Texts.Get("HolidayHolyWeek"));
        }

        if (date == easter.AddDays(-48) || date == easter.AddDays(-47))
        {
            return new(Texts.Get("HolidayCarnival"));
        }

        if (FixedHoliday(date) is { } name)
        {
            return new(name);
        }

        if (RegionalHoliday(unit, date) is { } regionalName)
        {
            return new(regionalName);
        }

        var closure = closures.FirstOrDefault(c => c.From <= date && date <= c.To && AppliesTo(c, unit));
        if (closure is not null && closure.ClosedUntil is null)
        {
            return new(closure.Name);
        }

        if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            return new(Texts.Get("ClosedWeekend"));
        }

        return closure is null ? null : new(closure.Name, closure.ClosedUntil);
    }

    private static string? FixedHoliday(DateOnly date) => (date.Month, date.Day) switch
    {
        (1, 1) => Texts.Get("HolidayNewYear"),
        (4, 21) => Texts.Get("HolidayTiradentes"),
        (5, 1) => Texts.Get("HolidayLabourDay"),
        (8, 11) => Texts.Get("HolidayCoursesFoundation"),
        (9, 7) => Texts.Get("HolidayIndependence"),
        (10, 12) => Texts.Get("HolidayAparecida"),
        (11, 1) => Texts.Get("HolidayAllSaints"),
        (11, 2) => Texts.Get("HolidayAllSouls"),
        (11, 15) => Texts.Get("HolidayRepublic"),
        (11, 20) when date.Year >= 2024 => Texts.Get("HolidayBlackConsciousness"),
        (12, 8) => Texts.Get("HolidayJusticeDay"),
        (12, 25) => Texts.Get("HolidayChristmas"),
        _ => null,
    };

    private string? RegionalHoliday(Unit unit, DateOnly date)
    {
        if (regional.States.TryGetValue(unit.State, out var state) && Find(state) is { } stateName)
        {
            return stateName;
        }

        return regional.Municipalities.TryGetValue(unit.IbgeCode, out var city) ? Find(city) : null;

        string? Find(IReadOnlyList<(int Month, int Day, string Name)> list) =>
            list.FirstOrDefault(h => h.Month == date.Month && h.Day == date.Day).Name;
    }

    private static bool AppliesTo(CalendarClosure closure, Unit unit) =>
        (closure.CourtId is null || string.Equals(closure.CourtId, unit.Court.Id, StringComparison.OrdinalIgnoreCase)) &&
        (closure.Municipalities is null || closure.Municipalities.Contains(unit.IbgeCode)) &&
        (closure.Units is null || closure.Units.Contains(unit.Id));
}
