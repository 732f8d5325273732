using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Units;

namespace BalcaoVirtual.Tests.Features.Court;

public sealed class CalendarTests
{
    private static readonly UnitCatalog Trt8 = UnitCatalogLoader.LoadFile(RepoPaths.File("deploy", "units", "trt8.sample.json"));
    private static readonly ForensicCalendar Calendar = CalendarFiles.Load(RepoPaths.File("deploy", "calendars"));
    private static readonly UnitHours Hours = new(Calendar);
    private static readonly Unit Belem = Trt8.Find("trt8-vt-belem-1")!;
    private static readonly Unit Ananindeua = Trt8.Find("trt8-vt-ananindeua-1")!;
    private static readonly Unit Macapa = Trt8.Find("trt8-vt-macapa-7")!;

    private static DateTimeOffset Local(string text) => DateTimeOffset.Parse(text + "-03:00", System.Globalization.CultureInfo.InvariantCulture);

    [TestCase(2025, 4, 20)]
    [TestCase(2026, 4, 5)]
    [TestCase(2027, 3, 28)]
    [TestCase(2000, 4, 23)]
    [TestCase(2038, 4, 25)]
    public void Easter_IsComputedForAnyYear(int year, int month, int day) =>
        Assert.That(ForensicCalendar.Easter(year), Is.EqualTo(new DateOnly(year, month, day)));

    [TestCase("2025-03-03", "Carnaval")]
    [TestCase("2025-03-04", "Carnaval")]
    [TestCase("2026-02-16", "Carnaval")]
    [TestCase("2026-02-17", "Carnaval")]
    [TestCase("2027-02-08", "Carnaval")]
    [TestCase("2027-02-09", "Carnaval")]
    [TestCase("2025-04-16", "Semana Santa")]
    [TestCase("2025-04-18", "Semana Santa")]
    [TestCase("2026-04-01", "Semana Santa")]
    [TestCase("2026-04-03", "Semana Santa")]
    [TestCase("2027-03-24", "Semana Santa")]
    [TestCase("2027-03-26", "Semana Santa")]
    [TestCase("2025-12-20", "Recesso forense")]
    [TestCase("2025-12-25", "Recesso forense")]
    [TestCase("2026-01-06", "Recesso forense")]
    [TestCase("2026-11-20", "Feriado: Dia Nacional de Zumbi e da Consciência Negra")]
    [TestCase("2025-08-11", "Feriado forense: criação dos cursos jurídicos")]
    [TestCase("2026-11-02", "Feriado: Finados")]
    [TestCase("2027-12-08", "Feriado forense: Dia da Justiça")]
    [TestCase("2026-04-21", "Feriado: Tiradentes")]
    [TestCase("2026-06-04", "Corpus Christi")]
    [TestCase("2026-11-21", "Fim de semana")]
    public void ClosedDays_HaveTheirReason(string date, string reason) =>
        Assert.That(Calendar.ClosureOn(Belem, DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture))?.Reason, Is.EqualTo(reason));

    [TestCase("2025-12-19")] // the Friday before the recess
    [TestCase("2026-01-07")] // the day after it (deadlines still suspended, but the desk is open)
    [TestCase("2025-04-15")] // Holy Week Tuesday
    [TestCase("2026-02-19")] // the day after Ash Wednesday
    [TestCase("2027-03-29")] // Easter Monday
    [TestCase("2026-11-23")]
    public void BusinessDays_AreOpen(string date) =>
        Assert.That(Calendar.ClosureOn(Belem, DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)), Is.Null);

    [Test]
    public void StateAndCityHolidays_ApplyOnlyWhereTheUnitIs()
    {
        var paraDay = new DateOnly(2025, 8, 15); // Friday
        Assert.That(Calendar.ClosureOn(Belem, paraDay)?.Reason, Does.Contain("Adesão do Pará"));
        Assert.That(Calendar.ClosureOn(Macapa, paraDay), Is.Null);

        var amapaDay = new DateOnly(2026, 3, 19); // Thursday
        Assert.That(Calendar.ClosureOn(Macapa, amapaDay)?.Reason, Does.Contain("São José"));
        Assert.That(Calendar.ClosureOn(Belem, amapaDay), Is.Null);

        Assert.That(Calendar.ClosureOn(Macapa, new DateOnly(2026, 2, 4))?.Reason, Does.Contain("Aniversário de Macapá"));
        Assert.That(Calendar.ClosureOn(Belem, new DateOnly(2026, 1, 12))?.Reason, Does.Contain("Aniversário de Belém"));
        Assert.That(Calendar.ClosureOn(Ananindeua, new DateOnly(2026, 1, 12)), Is.Null);
    }

    [TestCase("2026-11-23T07:59:59", false)]
    [TestCase("2026-11-23T08:00:00", true)] // the opening minute
    [TestCase("2026-11-23T12:59:59", true)]
    [TestCase("2026-11-23T13:00:00", false)] // the closing minute is closed
    public void Hours_Boundaries(string local, bool open) =>
        Assert.That(Hours.At(Belem, Local(local)).Open, Is.EqualTo(open));

    [Test]
    public void Open_SaysUntilWhen_Closed_SaysWhyAndWhenItOpens()
    {
        var open = Hours.At(Belem, Local("2026-11-23T10:00:00"));
        Assert.That(open, Is.EqualTo(new Availability(true, null, null, Local("2026-11-23T13:00:00"))));

        var evening = Hours.At(Belem, Local("2026-11-23T18:00:00"));
        Assert.That(evening.Reason, Is.EqualTo("Fora do horário de atendimento"));
        Assert.That(evening.OpensAt, Is.EqualTo(Local("2026-11-24T08:00:00")));

        var recess = Hours.At(Belem, Local("2026-12-21T10:00:00"));
        Assert.That(recess.Open, Is.False);
        Assert.That(recess.Reason, Is.EqualTo("Recesso forense"));
        Assert.That(recess.OpensAt, Is.EqualTo(Local("2027-01-07T08:00:00")));
        Assert.That(recess.ClosesAt, Is.Null);

        var friday = Hours.At(Belem, Local("2026-11-20T10:00:00"));
        Assert.That(friday.Reason, Does.Contain("Consciência Negra"));
        Assert.That(friday.OpensAt, Is.EqualTo(Local("2026-11-23T08:00:00")), "the holiday Friday and the weekend are skipped");
    }

    [Test]
    public void MorningClosure_OpensAtNoon()
    {
        Assert.That(Hours.At(Belem, Local("2026-02-18T10:00:00")).Reason, Does.Contain("Cinzas"));
        Assert.That(Hours.At(Belem, Local("2026-02-18T10:00:00")).OpensAt, Is.EqualTo(Local("2026-02-18T12:00:00")));
        Assert.That(Hours.At(Belem, Local("2026-02-18T12:30:00")).Open, Is.True);
        Assert.That(Hours.ServiceTimeBetween(Belem, Local("2026-02-18T00:00:00"), Local("2026-02-19T00:00:00")), Is.EqualTo(TimeSpan.FromHours(1)));
    }

    [Test]
    public void TimeZones_AreTheUnits()
    {
        var manaus = Belem with { Id = "x-manaus", TimeZone = TimeZoneInfo.FindSystemTimeZoneById("America/Manaus") };
        var instant = DateTimeOffset.Parse("2026-11-23T11:30:00Z", System.Globalization.CultureInfo.InvariantCulture); // 08:30 in Belém, 07:30 in Manaus

        Assert.That(Hours.At(Belem, instant).Open, Is.True);
        var closed = Hours.At(manaus, instant);
        Assert.That(closed.Open, Is.False);
        Assert.That(closed.OpensAt, Is.EqualTo(DateTimeOffset.Parse("2026-11-23T08:00:00-04:00", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(closed.OpensAt!.Value.Offset, Is.EqualTo(TimeSpan.FromHours(-4)), "shown in the unit's own time");
        Assert.That(Trt8.Find("trt8-vt-santarem-1")!.TimeZone.Id, Is.EqualTo("America/Santarem"));
    }

    [Test]
    public void ServiceTime_BetweenTwoInstants_CountsOnlyOpenDeskTime()
    {
        // Friday 12:00 to Monday 09:00: one hour on Friday, one on Monday.
        Assert.That(Hours.ServiceTimeBetween(Belem, Local("2026-11-27T12:00:00"), Local("2026-11-30T09:00:00")), Is.EqualTo(TimeSpan.FromHours(2)));
        Assert.That(Hours.ServiceTimeBetween(Belem, Local("2026-11-30T09:00:00"), Local("2026-11-27T12:00:00")), Is.EqualTo(TimeSpan.Zero));
        Assert.That(Hours.ServiceTimeBetween(Belem, Local("2026-12-19T00:00:00"), Local("2027-01-06T23:59:00")), Is.EqualTo(TimeSpan.Zero), "the recess");
    }

    [Test]
    public void AddServiceTime_IsTheInverseOfServiceTimeBetween()
    {
        var start = Local("2026-11-27T12:00:00");

        var due = Hours.AddServiceTime(Belem, start, TimeSpan.FromHours(24));

        // 1 h on Fri 27, then 5 h a day: Mon 30, Tue 1, Wed 2, Thu 3 (21 h), and 3 h on Fri 4 Dec.
        Assert.That(due, Is.EqualTo(Local("2026-12-04T11:00:00")));
        Assert.That(Hours.ServiceTimeBetween(Belem, start, due!.Value), Is.EqualTo(TimeSpan.FromHours(24)));
        Assert.That(Hours.AddServiceTime(Belem with { ServiceHours = [] }, start, TimeSpan.FromHours(1)), Is.Null);
    }

    [Test]
    public void CalendarFiles_NameTheFileAndFieldOfEveryMistake()
    {
        var errors = new List<string>();
        CalendarFiles.ParseClosures("""{"closures":[{"date":"2026-13-01","name":"x"},{"from":"2026-05-02","to":"2026-05-01","name":"y"},{"date":"2026-05-04","closedUntil":"meio-dia"}]}""", "trt8-2026.closures.json", errors);
        CalendarFiles.ParseRegional("""{"states":{"PA":[{"date":"15/08","name":"x"}]}}""", "regional.json", errors);

        Assert.That(errors, Has.Some.Contains("'court' is required"));
        Assert.That(errors, Has.Some.Contains("closures[0]: 'date' must be yyyy-MM-dd, not '2026-13-01'"));
        Assert.That(errors, Has.Some.Contains("closures[1]: 'to' (2026-05-01) is before 'from' (2026-05-02)"));
        Assert.That(errors, Has.Some.Contains("closures[2]: 'name' is required"));
        Assert.That(errors, Has.Some.Contains("closures[2]: 'closedUntil' must be HH:mm, not 'meio-dia'"));
        Assert.That(errors, Has.Some.Contains("regional.json', states.PA[0]: 'date' must be MM-dd"));
        Assert.That(() => CalendarFiles.ParseClosures("{ not json", "broken.closures.json", errors),
            Throws.TypeOf<CalendarFileException>().With.Message.Contains("broken.closures.json"));
        Assert.That(() => CalendarFiles.Load(Path.Combine(Path.GetTempPath(), "no-such-calendar-folder")),
            Throws.TypeOf<CalendarFileException>().With.Message.Contains("Calendar:Directory"));
    }
}
