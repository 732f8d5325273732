using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Sla;
using BalcaoVirtual.Web.Features.Units;
using static BalcaoVirtual.Tests.Features.Sla.SlaSamples;

namespace BalcaoVirtual.Tests.Features.Sla;

/// <summary>
/// Deadline arithmetic on the sample catalogue and the real calendar files: Belém counts a 24 h window in service
/// hours (08:00–13:00 on business days), Macapá 48 h around the clock with warnings 12 h and 2 h before and an
/// escalation 24 h after.
/// </summary>
public sealed class SlaClockTests
{

    [TestCase("2026-11-23T10:00", "2026-11-30T09:00", TestName = "Service hours: Monday mid-morning to next Monday (nights and a weekend skipped)")]
    [TestCase("2026-11-23T07:00", "2026-11-27T12:00", TestName = "Service hours: before opening counts from the opening")]
    [TestCase("2026-11-23T18:00", "2026-11-30T12:00", TestName = "Service hours: after closing counts from the next opening")]
    [TestCase("2026-11-27T12:00", "2026-12-04T11:00", TestName = "Service hours: Friday's last hour, then the next week")]
    [TestCase("2026-11-19T12:00", "2026-11-27T11:00", TestName = "Service hours: a holiday (Consciência Negra, 20/11) does not count")]
    [TestCase("2026-02-13T08:00", "2026-02-24T11:00", TestName = "Service hours: Carnival closed, Ash Wednesday open from noon")]
    // 1 h on Friday 18/12; recess to 06/01; 07, 08 and 11/01; 12/01 is Belém's anniversary; 13/01; 3 h on 14/01.
    [TestCase("2026-12-18T12:00", "2027-01-14T11:00", TestName = "Service hours: the recess (20/12 to 06/01) and a city holiday do not count")]
    [TestCase("2026-11-21T10:00", "2026-11-27T12:00", TestName = "Service hours: a Saturday hand-off counts from Monday")]
    public void ServiceHoursWindow_DueTime(string start, string due) =>
        Assert.That(Clock.DueAt(Belem, Local(start)), Is.EqualTo(Local(due)));

    [TestCase("2026-11-20T22:00", "2026-11-22T22:00", TestName = "Calendar: weekends and holidays count")]
    [TestCase("2026-12-23T09:30", "2026-12-25T09:30", TestName = "Calendar: the recess counts")]
    public void CalendarWindow_DueTime(string start, string due) =>
        Assert.That(Clock.DueAt(Macapa, Local(start)), Is.EqualTo(Local(due)));

    // What the citizen is told: the way the unit counts, never false minutes ("às 10h34").
    [TestCase("Belem", "2026-11-30T09:00", "2026-11-30T13:00", TestName = "Promised: service hours, the end of the desk's period it falls in")]
    [TestCase("Belem", "2026-11-27T13:00", "2026-11-27T13:00", TestName = "Promised: service hours, due at closing is closing")]
    [TestCase("Macapa", "2026-11-22T04:51", "2026-11-22T05:00", TestName = "Promised: calendar hours, the next whole hour")]
    [TestCase("Macapa", "2026-11-22T22:00", "2026-11-22T22:00", TestName = "Promised: calendar hours, a whole hour stays")]
    public void Promised_IsTheDeadlineAsTheUnitCountsIt(string unit, string due, string promised) =>
        Assert.That(Clock.Promised(unit == "Belem" ? Belem : Macapa, Local(due)), Is.EqualTo(Local(promised)));

    [Test]
    public void CalendarWindow_WarningsBreachAndEscalation_InOrder()
    {
        var points = Clock.Points(Macapa, Local("2026-11-20T22:00"));
        Assert.That(points.Select(p => (p.Key, p.Kind, p.At)), Is.EqualTo(new[]
        {
            ("warning-1", SlaEventKind.Warning, Local("2026-11-22T10:00")),
            ("warning-2", SlaEventKind.Warning, Local("2026-11-22T20:00")),
            ("breach", SlaEventKind.Breach, Local("2026-11-22T22:00")),
            ("escalation", SlaEventKind.Escalation, Local("2026-11-23T22:00")),
        }));
    }

    [Test]
    public void ServiceHoursWindow_WarningIsCountedInServiceHoursToo()
    {
        // 22 service hours after Monday 10:00 is Friday 12:00 (2 service hours before Monday 09:00).
        var points = Clock.Points(Belem, Local("2026-11-23T10:00"));
        Assert.That(points.Select(p => (p.Key, p.At)), Is.EqualTo(new[]
        {
            ("warning-1", Local("2026-11-27T12:00")),
            ("breach", Local("2026-11-30T09:00")),
        }));
    }

    [Test]
    public void Elapsed_CountsInThePolicysTime()
    {
        Assert.That(Clock.Elapsed(Belem, Local("2026-11-27T12:00"), Local("2026-11-30T09:00")), Is.EqualTo(TimeSpan.FromHours(2)));
        Assert.That(Clock.Elapsed(Macapa, Local("2026-11-27T12:00"), Local("2026-11-30T09:00")), Is.EqualTo(TimeSpan.FromHours(69)));
    }

    [Test]
    public void UnitWithoutWindow_HasNoDeadlineAndNoChecks()
    {
        var unit = Belem with { Sla = SlaPolicy.None };
        Assert.That(Clock.DueAt(unit, Local("2026-11-23T10:00")), Is.Null);
        Assert.That(Clock.Points(unit, Local("2026-11-23T10:00")), Is.Empty);
    }

    [Test]
    public void AnyDuration_ShortWindowsWork()
    {
        var unit = Macapa with { Sla = new SlaPolicy(TimeSpan.FromSeconds(20), SlaCounting.Calendar, [TimeSpan.FromSeconds(10)], TimeSpan.FromSeconds(10)) };
        var start = Local("2026-11-23T10:00");
        Assert.That(Clock.Points(unit, start).Select(p => p.At - start), Is.EqualTo(new[] { TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30) }));
    }
}
