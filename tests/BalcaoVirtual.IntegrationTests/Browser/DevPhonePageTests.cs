using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Browser;

/// <summary>The /dev/phone page in a real Chromium against the service on a real loopback port.</summary>
public sealed class DevPhonePageTests
{
    [Test]
    public async Task DevPhone_SendsTypedMessage_AndShowsTheReply_EscapingWhatPeopleWrote()
    {
        await using var factory = new ApiFactory();
        factory.UseKestrel(0);
        factory.StartServer();
        var baseUrl = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        await using var browser = await SystemChromium.SessionAsync();
        var page = await browser.NewPageAsync();

        await page.GotoAsync(baseUrl + "/dev/phone");
        await page.SelectOptionAsync("#to", "whatsapp:+559621010210");
        await page.FillAsync("#body", "Olá <img src=x onerror=alert(1)> qual a situação?");
        await page.ClickAsync("#send");
        await page.WaitForSelectorAsync("#status:has-text('HTTP 200')");

        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        var token = (await (await http.PostAsJsonAsync("/api/auth/token", new { email = ApiFactory.AdminEmail, password = ApiFactory.AdminPassword }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        string? conversationId = null;
        await TestServers.WaitUntilAsync(async () =>
        {
            var list = await http.GetFromJsonAsync<JsonElement>("/api/conversations?unit=trt8-vt-macapa-7");
            conversationId = list.GetProperty("items").GetArrayLength() > 0 ? list.GetProperty("items")[0].GetProperty("id").GetString() : null;
            return conversationId is not null;
        }, TimeSpan.FromSeconds(20), "the typed message to reach the unit");
        await http.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { text = "Bom dia! <b>Resposta</b> da Vara." });

        var reply = await page.WaitForSelectorAsync("li.court:has-text('da Vara')", new() { Timeout = 20_000 });
        var mine = await page.QuerySelectorAsync("li.me");

        Assert.Multiple(async () =>
        {
            Assert.That(await reply!.TextContentAsync(), Does.Contain("Bom dia! <b>Resposta</b> da Vara."));
            Assert.That(await reply!.QuerySelectorAsync("b"), Is.Null, "the reply's markup is shown as text");
            Assert.That(await mine!.QuerySelectorAsync("img"), Is.Null, "the citizen's markup is shown as text");
        });
    }
}
