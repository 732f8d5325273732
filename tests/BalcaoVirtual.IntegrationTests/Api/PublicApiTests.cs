using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Api;

public sealed class PublicApiTests
{
    private static readonly string[] PublicRoutes =
    [
        "/api/units/", "/api/units/{id}", "/api/auth/token", "/api/processes/{number}", "/api/units/{id}/availability", "/api/units/resolve",
    ];

    [Test]
    public async Task Fragment_TakesItsLinksFromTheConfiguredAddress_NotFromTheRequestsHost()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string?> { ["PublicSite:BaseUrl"] = "https://balcao.trt8.jus.br" });
        using var client = factory.CreateClient();
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/fragmento?q=macapa");
        forged.Headers.Host = "evil.example";

        using var response = await client.SendAsync(forged);
        var html = await response.Content.ReadAsStringAsync();

        Assert.That(html, Does.Contain("href=\"https://balcao.trt8.jus.br/unidades/").And.Contain("action=\"https://balcao.trt8.jus.br/\"").And.Not.Contain("evil.example"));
        Assert.That(response.Headers.CacheControl!.Public, Is.True);
    }

    [Test]
    public async Task Fragment_WithoutAConfiguredAddress_IsKeptFromSharedCaches()
    {
        await using var factory = new ApiFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/fragmento?q=macapa");

        Assert.That(response.Headers.CacheControl!.Private, Is.True, "its links follow the request's Host");
    }

    [Test]
    public async Task Units_ArePublic_AndHideManagersContacts()
    {
        await using var factory = new ApiFactory();
        using var client = factory.CreateClient();

        var units = await client.GetFromJsonAsync<JsonElement>("/api/units");
        var macapa = await client.GetAsync("/api/units/trt8-vt-macapa-7");
        var text = await macapa.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(units.GetArrayLength(), Is.EqualTo(8));
            Assert.That(macapa.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(text, Does.Contain("0210").And.Contain("https://meet.google.com/"));
            Assert.That(text, Does.Not.Contain("dir.vt7macapa"));
        });
    }

    [Test]
    public async Task UnitsFeed_SaysWhoIsOpen_GivesTheVideoLinkOnlyThen_AndTheCentralWhatsAppToAUnitWithoutOne()
    {
        var catalog = TestServers.SampleCatalogWith("trt8-vt-belem-2", u => u["channels"]!["whatsApp"] = new System.Text.Json.Nodes.JsonArray());
        await using var factory = new ApiFactory(new Dictionary<string, string?> { ["Units:Catalog"] = catalog });
        using var client = factory.CreateClient();

        // Monday 23/11/2026, 09:00 in Belém: the desks are open (8h–13h).
        var feed = await client.GetFromJsonAsync<JsonElement>("/api/units");
        JsonElement Unit(JsonElement list, string id) => list.EnumerateArray().Single(u => u.GetProperty("id").GetString() == id);
        var macapa = Unit(feed, "trt8-vt-macapa-7");
        var belem2 = Unit(feed, "trt8-vt-belem-2");
        Assert.Multiple(() =>
        {
            Assert.That(feed.EnumerateArray().Select(u => u.GetProperty("availability").GetProperty("open").GetBoolean()), Has.All.True);
            Assert.That(macapa.GetProperty("videoDeskUrl").GetString(), Does.StartWith("https://meet.google.com/"));
            Assert.That(macapa.GetProperty("availability").GetProperty("closesAt").GetDateTimeOffset(), Is.EqualTo(new DateTimeOffset(2026, 11, 23, 13, 0, 0, TimeSpan.FromHours(-3))));
            Assert.That(macapa.GetProperty("whatsAppUrl").GetString(), Is.EqualTo("https://wa.me/559621010210"));
            Assert.That(macapa.GetProperty("writtenAnswerHours").GetDouble(), Is.EqualTo(48), "fora da sede: answers in writing within 48 h");
            Assert.That(Unit(feed, "trt8-vt-belem-1").GetProperty("writtenAnswerHours").ValueKind, Is.EqualTo(JsonValueKind.Null), "at the seat");
            Assert.That((belem2.GetProperty("whatsApp").GetString(), belem2.GetProperty("whatsAppIsCentral").GetBoolean()), Is.EqualTo(("+559130000000", true)));
        });

        // Saturday: closed, why, when it opens, and no video link.
        factory.Time.SetUtcNow(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.FromHours(-3)));
        var saturday = await client.GetFromJsonAsync<JsonElement>("/api/units/trt8-vt-macapa-7");
        var availability = saturday.GetProperty("availability");
        Assert.Multiple(() =>
        {
            Assert.That(availability.GetProperty("open").GetBoolean(), Is.False);
            Assert.That(availability.GetProperty("reason").GetString(), Is.EqualTo("Fim de semana"));
            Assert.That(availability.GetProperty("opensAt").GetDateTimeOffset(), Is.EqualTo(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.FromHours(-3))));
            Assert.That(saturday.GetProperty("videoDeskUrl").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(saturday.GetProperty("email").GetString(), Is.EqualTo("vt7macapa@trt8.jus.br"));
        });
    }

    [Test]
    public async Task Unit_Is404_WithPortugueseMessage_WhenUnknown()
    {
        await using var factory = new ApiFactory();
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/api/units/nao-existe");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Unidade não encontrada"));
    }

    [Test]
    public async Task EveryApiEndpoint_RequiresAuthorization_ExceptThePublicOnes()
    {
        await using var factory = new ApiFactory();
        _ = factory.Server;
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .ToList();

        var open = endpoints
            .Where(e => !e.Metadata.OfType<IAuthorizeData>().Any() || e.Metadata.OfType<IAllowAnonymous>().Any())
            .Select(e => e.RoutePattern.RawText)
            .Distinct();

        Assert.That(endpoints, Is.Not.Empty);
        Assert.That(open, Is.EquivalentTo(PublicRoutes));
    }

    [Test]
    public async Task HealthLive_And_HealthReady_Are200_WhenStoreAnswers()
    {
        await using var factory = new ApiFactory();
        using var client = factory.CreateClient();

        Assert.That((await client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task HealthReady_Is503WithReason_WhenStoreIsDown_WhileLiveStays200()
    {
        // A port nobody listens on: the service starts (it retries in the background) but is not ready.
        using var closed = TestServers.RefusingPort();
        await using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["Storage:Redis"] = $"127.0.0.1:{closed.Port},connectTimeout=200,asyncTimeout=1000,syncTimeout=1000",
            ["Auth:BootstrapAdmin:Email"] = null,
        });
        using var client = factory.CreateClient();

        var live = await client.GetAsync("/health/live");
        var ready = await client.GetAsync("/health/ready");
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Multiple(() =>
        {
            Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(body.GetProperty("checks").GetProperty("store").GetProperty("reason").GetString(), Does.Contain("armazenamento"));
        });
    }

    [TestCase("8.14", "Tribunal de Justiça do Pará (TJPA)", "https://www.tjpa.jus.br")]
    [TestCase("4.01", "Tribunal Regional Federal da 1ª Região (TRF1)", "https://www.trf1.jus.br")]
    [TestCase("6.14", "Tribunal Regional Eleitoral do Pará (TRE-PA)", "https://www.tre-pa.jus.br")]
    public async Task Search_ForAnotherCourtsNumber_NamesThatCourtAndLinksIt_InsteadOfCallingTheNumberWrong(string court, string name, string portal)
    {
        await using var factory = new ApiFactory();
        using var client = factory.CreateClient();
        var parts = court.Split('.');
        var number = BalcaoVirtual.Web.Features.Court.CnjNumber.Create(801234, 2023, int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture), 301).Canonical;

        var html = await client.GetStringAsync("/fragmento?q=" + Uri.EscapeDataString(number));

        Assert.That(html, Does.Contain($"O processo {number} é do {name}, não deste tribunal")
            .And.Contain($"<a href=\"{portal}\">").And.Not.Contain("Confira o número"));
    }
}
