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
        await using var factory = new ApiFactory(new Dictionary<string, string?>
        {
            ["Storage:Redis"] = $"127.0.0.1:{TestServers.FreePort()},connectTimeout=200",
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

}
