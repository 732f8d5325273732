using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Court;

namespace BalcaoVirtual.IntegrationTests.Api;

public sealed class CourtApiTests
{
    [Test]
    public async Task Process_DescribesAValidNumber_AndItsUnit()
    {
        await using var factory = new ApiFactory();
        using var client = factory.CreateClient();
        var number = CnjNumber.Create(1234, 2024, 5, 8, 210);

        var body = await client.GetFromJsonAsync<JsonElement>($"/api/processes/{Uri.EscapeDataString("nº " + number.Digits)}");

        Assert.Multiple(() =>
        {
            Assert.That(body.GetProperty("valid").GetBoolean(), Is.True);
            Assert.That(body.GetProperty("number").GetString(), Is.EqualTo(number.Canonical));
            Assert.That(body.GetProperty("court").GetString(), Is.EqualTo("TRT8"));
            Assert.That(body.GetProperty("segment").GetInt32(), Is.EqualTo(5));
            Assert.That(body.GetProperty("courtCode").GetString(), Is.EqualTo("08"));
            Assert.That(body.GetProperty("origin").GetString(), Is.EqualTo("0210"));
            Assert.That(body.GetProperty("unitId").GetString(), Is.EqualTo("trt8-vt-macapa-7"));
        });
    }

    [Test]
    public async Task Process_OfAnotherCourt_SaysWhichCourt()
    {
        await using var factory = new ApiFactory();
        using var client = factory.CreateClient();
        var tjpa = CnjNumber.Create(99, 2023, 8, 14, 301);

        var body = await client.GetFromJsonAsync<JsonElement>($"/api/processes/{tjpa.Canonical}");

        Assert.That(body.GetProperty("court").GetString(), Is.EqualTo("TJPA"));
        Assert.That(body.GetProperty("servedHere").GetBoolean(), Is.False);
        Assert.That(body.GetProperty("unitId").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [TestCase("0000001-05.2001.5.08.0001", "wrong-check-digits", "dígitos verificadores")]
    [TestCase("0000001-04.2001.5.08", "wrong-length", "20 dígitos")]
    [TestCase("abc", "wrong-length", "20 dígitos")]
    public async Task Process_Is400_WithAReasonACitizenUnderstands(string typed, string reason, string words)
    {
        await using var factory = new ApiFactory();
        using var client = factory.CreateClient();

        var response = await client.GetAsync($"/api/processes/{Uri.EscapeDataString(typed)}");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body.GetProperty("valid").GetBoolean(), Is.False);
        Assert.That(body.GetProperty("reason").GetString(), Is.EqualTo(reason));
        Assert.That(body.GetProperty("detail").GetString(), Does.Contain(words));
    }

    [Test]
    public async Task Process_OfNoCourt_Is400()
    {
        await using var factory = new ApiFactory();
        using var client = factory.CreateClient();
        var none = CnjNumber.Create(1, 2024, 5, 31, 1);

        var response = await client.GetAsync($"/api/processes/{none.Canonical}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("unknown-court").And.Contain("5.31"));
    }

    [Test]
    public async Task Availability_AtAnInstant_AndNowFromTheServiceClock()
    {
        await using var factory = new ApiFactory();
        using var client = factory.CreateClient();

        var recess = await client.GetFromJsonAsync<JsonElement>("/api/units/trt8-vt-belem-1/availability?at=" + Uri.EscapeDataString("2026-12-21T10:00:00-03:00"));
        Assert.That(recess.GetProperty("open").GetBoolean(), Is.False);
        Assert.That(recess.GetProperty("reason").GetString(), Is.EqualTo("Recesso forense"));
        Assert.That(recess.GetProperty("opensAt").GetString(), Is.EqualTo("2027-01-07T08:00:00-03:00"));
        Assert.That(recess.GetProperty("closesAt").ValueKind, Is.EqualTo(JsonValueKind.Null));

        factory.Time.SetUtcNow(DateTimeOffset.Parse("2026-11-23T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture)); // 09:00 in Belém, a Monday
        var now = await client.GetFromJsonAsync<JsonElement>("/api/units/trt8-vt-belem-1/availability");
        Assert.That(now.GetProperty("open").GetBoolean(), Is.True);
        Assert.That(now.GetProperty("closesAt").GetString(), Is.EqualTo("2026-11-23T13:00:00-03:00"));
    }

    [TestCase("amanha")]
    [TestCase("2026-12-21T10:00:00")]
    public async Task Availability_RejectsAnInstantWithoutOffset(string at)
    {
        await using var factory = new ApiFactory();
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/api/units/trt8-vt-belem-1/availability?at=" + Uri.EscapeDataString(at));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("\"at\"").And.Contain("ISO 8601"));
        Assert.That((await client.GetAsync("/api/units/nao-existe/availability")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Resolve_GivesTheUnitOrTheCandidates()
    {
        await using var factory = new ApiFactory();
        using var client = factory.CreateClient();

        var one = await client.GetFromJsonAsync<JsonElement>("/api/units/resolve?q=" + Uri.EscapeDataString("moro em Marituba"));
        var many = await client.GetFromJsonAsync<JsonElement>("/api/units/resolve?q=belem");
        var none = await client.GetFromJsonAsync<JsonElement>("/api/units/resolve");

        Assert.That(one.GetProperty("match").GetString(), Is.EqualTo("found"));
        Assert.That(one.GetProperty("units")[0].GetProperty("id").GetString(), Is.EqualTo("trt8-vt-ananindeua-1"));
        Assert.That(many.GetProperty("match").GetString(), Is.EqualTo("ambiguous"));
        Assert.That(many.GetProperty("units").GetArrayLength(), Is.EqualTo(3));
        Assert.That(none.GetProperty("match").GetString(), Is.EqualTo("notfound"));
    }
}
