using System.Text.Json;
using BalcaoVirtual.Web.Features.Court.DataJud;

namespace BalcaoVirtual.Tests.Features.Court;

public sealed class DataJudParserTests
{
    private static readonly TimeZoneInfo Belem = TimeZoneInfo.FindSystemTimeZoneById("America/Belem");

    [TestCase("2018-03-19T00:00:00Z", "19/03/2018 00:00")]
    [TestCase("2018-03-19T00:00:00.000Z", "19/03/2018 00:00")]
    [TestCase("20180319000000", "19/03/2018 00:00")]
    [TestCase("20180319", "19/03/2018 00:00")]
    [TestCase("20240305093000", "05/03/2024 06:30")]
    [TestCase("2018-03-19T02:00:00Z", "18/03/2018 23:00")]
    public void FilingDate_SentAsUtcMidnight_IsThatCalendarDay_NotTheEveningBefore(string sent, string shown)
    {
        using var doc = JsonDocument.Parse($$$"""{"hits":{"hits":[{"_source":{"dataAjuizamento":"{{{sent}}}"}}]}}""");

        var summary = DataJudParser.Parse(doc.RootElement, "0001234-56.2018.5.08.0001", "TRT8", Belem, 5)!;

        Assert.That(summary.FiledAt!.Value.ToString("dd/MM/yyyy HH:mm", System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(shown));
        Assert.That(summary.FiledAt.Value.Offset, Is.EqualTo(TimeSpan.FromHours(-3)), "in the court's zone");
    }
}
