using System.Net;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Support;

namespace BalcaoVirtual.IntegrationTests.Api;

/// <summary>Dates at the ends of the calendar, typed into a query or a path: a 400 that names the parameter, never a 500.</summary>
public sealed class DateInputTests
{
    [TestCase("/reports/sla/trt8-vt-macapa-7/9999-12", "month")]
    [TestCase("/reports/sla/trt8-vt-macapa-7/0001-01", "month")]
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
}
