using BalcaoVirtual.Tests.Features.Chatbot;
using BalcaoVirtual.Web.Features.Appointments;
using BalcaoVirtual.Web.Features.Court;

namespace BalcaoVirtual.Tests.Features.Appointments;

/// <summary>
/// The slots of the sample catalogue's 7ª Vara do Trabalho de Macapá (20 minutes, 9h–12h on weekdays, two hours'
/// notice, 14 days ahead) and of the 6ª Zona Eleitoral (30 minutes, Tuesdays and Thursdays 9h–11h, a day's notice),
/// on the forensic calendar.
/// </summary>
public sealed class AppointmentSlotsTests
{
    private static readonly TimeSpan Belem = TimeSpan.FromHours(-3);
    private readonly AppointmentSlots slots = new(new UnitHours(ForensicCalendar.Default));
    private readonly Web.Features.Units.Unit macapa = ChatDriver.CatalogOf("trt8").Find("trt8-vt-macapa-7")!;
    private readonly Web.Features.Units.Unit zone = ChatDriver.CatalogOf("tre-pa").Find("tre-pa-ze-6")!;

    private static DateTimeOffset At(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, Belem);

    [Test]
    public void OnDay_GivesTheSlotsOfTheUnitsHours()
    {
        var monday = slots.OnDay(macapa, new DateOnly(2026, 12, 7));

        Assert.That(monday, Has.Count.EqualTo(9));
        Assert.That((monday[0], monday[1], monday[^1]), Is.EqualTo((At(12, 7, 9), At(12, 7, 9, 20), At(12, 7, 11, 40))));
    }

    [Test]
    public void Offered_SkipsTheMinimumNotice_AHoliday_AndTheRecess()
    {
        // Monday 7/12 at 10h: nothing before 12h is two hours away; 8/12 is the Dia da Justiça.
        var offered = slots.Offered(macapa, At(12, 7, 10)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(offered, Has.None.LessThan(At(12, 7, 12)));
            Assert.That(offered[0], Is.EqualTo(At(12, 9, 9)), "Monday's slots end at 12h; Tuesday 8/12 is a holiday");
            Assert.That(offered.Select(s => s.Day).Distinct(), Is.EqualTo(new[] { 9, 10, 11, 14, 15, 16, 17, 18 }), "the recess starts on 20/12");
        });
    }

    [Test]
    public void Offered_StopsAtTheDaysAhead()
    {
        var offered = slots.Offered(macapa, At(11, 2, 8)).ToList();

        Assert.That(offered[^1], Is.EqualTo(At(11, 16, 11, 40)), "14 days after Monday 2/11");
    }

    [Test]
    public void Offered_KeepsOnlyTheUnitsOwnDays()
    {
        var offered = slots.Offered(zone, At(12, 7, 10)).ToList();

        Assert.That(offered.Select(s => s.DayOfWeek).Distinct(), Is.EquivalentTo(new[] { DayOfWeek.Tuesday, DayOfWeek.Thursday }));
        Assert.That(offered[0], Is.EqualTo(At(12, 10, 9)), "Tuesday 8/12 is a holiday; Thursday 10/12 is a day's notice away");
    }

    [TestCase(12, 7, 9, 0, SlotProblem.Past)]
    [TestCase(12, 7, 11, 0, SlotProblem.TooSoon)]
    [TestCase(12, 8, 10, 0, SlotProblem.Closed)]
    [TestCase(12, 12, 10, 0, SlotProblem.Closed)]
    [TestCase(12, 22, 10, 0, SlotProblem.TooFar)]
    [TestCase(12, 9, 10, 10, SlotProblem.NotASlot)]
    [TestCase(12, 9, 12, 0, SlotProblem.NotASlot)]
    public void Check_SaysWhyATimeCannotBeBooked(int month, int day, int hour, int minute, SlotProblem problem) =>
        Assert.That(slots.Check(macapa, At(month, day, hour, minute), At(12, 7, 10)), Is.EqualTo(problem));

    [Test]
    public void Check_AcceptsAnOfferedSlot_AndRefusesAUnitWithoutAppointments()
    {
        var belem = ChatDriver.CatalogOf("trt8").Find("trt8-vt-belem-1")!;

        Assert.That(slots.Check(macapa, At(12, 9, 10, 20), At(12, 7, 10)), Is.Null);
        Assert.That(slots.Check(belem, At(12, 9, 10), At(12, 7, 10)), Is.EqualTo(SlotProblem.NoAppointments));
    }
}
