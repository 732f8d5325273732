using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using IServer = Microsoft.AspNetCore.Hosting.Server.IServer;

namespace BalcaoVirtual.IntegrationTests.Channels;

public sealed class DevPhoneTests
{
    [Test]
    public async Task DevPhone_SendsASignedWebhook_AndShowsTheClerksReply()
    {
        await using var factory = new ApiFactory();
        await using var app = factory.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
            services.AddHttpClient("dev-phone-loopback")
                .ConfigurePrimaryHttpMessageHandler(sp => ((TestServer)sp.GetRequiredService<IServer>()).CreateHandler())
                .ConfigureHttpClient(c => c.BaseAddress = new Uri("http://localhost/"))));
        using var phone = app.CreateClient();

        var page = await phone.GetAsync("/dev/phone");
        var send = await phone.PostAsJsonAsync("/dev/phone/send", new { from = "whatsapp:+5591981234567", to = "whatsapp:+559621010210", body = "Olá, tudo bem?" });
        var sendBody = await send.Content.ReadFromJsonAsync<JsonElement>();

        using var admin = app.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", await TokenAsync(admin));
        string? conversationId = null;
        await TestServers.WaitUntilAsync(async () =>
        {
            var list = await admin.GetFromJsonAsync<JsonElement>("/api/conversations?unit=trt8-vt-macapa-7");
            conversationId = list.GetProperty("items").GetArrayLength() > 0 ? list.GetProperty("items")[0].GetProperty("id").GetString() : null;
            return conversationId is not null;
        }, TimeSpan.FromSeconds(20), "the dev phone's message to reach the unit");
        await admin.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { text = "Bom dia! Como podemos ajudar?" });

        JsonElement replies = default;
        await TestServers.WaitUntilAsync(async () =>
        {
            replies = await phone.GetFromJsonAsync<JsonElement>("/dev/phone/replies?to=" + Uri.EscapeDataString("whatsapp:+5591981234567"));
            return replies.EnumerateArray().Any(r => r.GetProperty("text").GetString() == "Bom dia! Como podemos ajudar?");
        }, TimeSpan.FromSeconds(20), "the reply to reach the local outbox");

        Assert.Multiple(async () =>
        {
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("Telefone de teste"));
            Assert.That(sendBody.GetProperty("status").GetInt32(), Is.EqualTo(200), "the signed webhook was accepted");
            Assert.That(replies[0].GetProperty("text").GetString(), Does.StartWith("Olá! Balcão Virtual"), "the chatbot greets first");
            Assert.That(replies[replies.GetArrayLength() - 1].GetProperty("text").GetString(), Is.EqualTo("Bom dia! Como podemos ajudar?"));
        });
    }

    [Test]
    public async Task DevPhone_OffersTheCourtsOneCentralNumber_FromTheCatalogue()
    {
        var catalog = TestServers.SampleCatalog(doc => doc["courts"]![0]!["whatsApp"] = "+559132223333");
        await using var factory = new ApiFactory(new Dictionary<string, string?> { ["Units:Catalog"] = catalog });
        using var phone = factory.CreateClient();

        var numbers = await phone.GetFromJsonAsync<JsonElement>("/dev/phone/numbers");
        var central = numbers.EnumerateArray().Where(n => n.GetProperty("unit").GetString()!.StartsWith("Número central", StringComparison.Ordinal)).ToList();

        Assert.That(central.Select(n => n.GetProperty("to").GetString()), Is.EqualTo(new[] { "whatsapp:+559132223333" }), "the catalogue's court number, once");
        Assert.That(await phone.GetStringAsync("/dev/phone"), Does.Not.Contain("Número central"), "the page lists only what /dev/phone/numbers gives");
    }

    [Test]
    public async Task DevPhone_IsOff_WhenTwilioIsConfigured()
    {
        await using var factory = new ApiFactory(TwilioSigner.Settings);
        using var client = factory.CreateClient();

        Assert.That((await client.GetAsync("/dev/phone")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await client.PostAsJsonAsync("/dev/phone/send", new { from = "+5591981234567", to = "+559621010211", body = "x" })).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [TestCase("Production")]
    [TestCase("Staging")]
    [TestCase("Homologacao")]
    public async Task DevPhone_IsOff_OutsideDevelopment(string environment)
    {
        await using var factory = new ApiFactory();
        await using var other = factory.WithWebHostBuilder(b => b.UseEnvironment(environment));
        using var client = other.CreateClient();

        Assert.That((await client.GetAsync("/dev/phone")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await client.GetAsync("/dev/phone/replies")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    private static async Task<string> TokenAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync("/api/auth/token", new { email = ApiFactory.AdminEmail, password = ApiFactory.AdminPassword });
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }
}
