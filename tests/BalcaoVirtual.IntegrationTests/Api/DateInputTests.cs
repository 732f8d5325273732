using System.Net;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Support;

namespace BalcaoVirtual.IntegrationTests.Api;

/// <summary>Dates at the ends of the calendar, typed into a query or a path: a 400 that names the parameter, never a 500.</summary>
public sealed class DateInputTests
{
    [TestCase("/api/reports/sla?unit=trt8-vt-macapa-7&from=9999-12-31", "from")]
    [TestCase("/api/reports/sla?unit=trt8-vt-macapa-7&from=0001-01-01&to=0001-01-02", "from")]
    [TestCase("/api/audit?from=0001-01-01", "from")]
    [TestCase("/api/audit?to=0001-01-01", "to")]
    [TestCase("/api/audit?from=9999-12-30&to=9999-12-31", "from")]
    [TestCase("/api/units/trt8-vt-macapa-7/availability?at=9999-12-31T23:00:00%2B00:00", "at")]
    [TestCase("/api/units/trt8-vt-macapa-7/availability?at=0001-01-01T00:00:00%2B00:00", "at")]
    public async Task ADateAtTheEndsOfTheCalendar_Is400_NamingTheParameter(string url, string parameter)
    {
        await using var factory = new ApiFactory();
        using var admin = await factory.AdminClientAsync();

        var response = await admin.GetAsync(url);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await response.Content.ReadAsStringAsync());
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.That(problem.GetProperty("errors").TryGetProperty(parameter, out _), Is.True, problem.ToString());
    }

    /// <summary>The report is a page: a bad month is a page in Portuguese that names the field, not problem JSON.</summary>
    [TestCase("/reports/sla/trt8-vt-macapa-7/9999-12")]
    [TestCase("/reports/sla/trt8-vt-macapa-7/0001-01")]
    public async Task AMonthAtTheEndsOfTheCalendar_InTheReportPage_Is400_APageNamingTheMonth(string url)
    {
        await using var factory = new ApiFactory();
        using var admin = await factory.AdminClientAsync();

        var response = await admin.GetAsync(url);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Mês: "));
    }
}
