using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.Web.Features.Inbox;

namespace BalcaoVirtual.IntegrationTests.Api;

/// <summary>Canned answers kept by a unit's managers, and the one-click video-desk link that goes only while the desk is open.</summary>
public sealed class InboxToolsTests
{
    private const string Unit = "trt8-vt-macapa-7";

    [Test]
    public async Task CannedAnswers_ManagersKeepThem_ClerksUseThem_OthersCannot()
    {
        await using var bot = await BotHarness.StartAsync();
        using var manager = await bot.Factory.ClientForNewUserAsync("gestora@trt8.jus.br", managerOf: [Unit]);
        using var clerk = await bot.Factory.ClientForNewUserAsync("servidor@trt8.jus.br", clerkOf: [Unit]);
        using var foreign = await bot.Factory.ClientForNewUserAsync("outro@trt8.jus.br", clerkOf: ["trt8-vt-belem-1"]);

        var created = await manager.PostAsJsonAsync($"/api/units/{Unit}/canned", new { title = "Audiência", text = "A audiência está mantida. Qualquer mudança é publicada no PJe." });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var answer = (await created.Content.ReadFromJsonAsync<CannedAnswer>())!;
        Assert.That((await clerk.PostAsJsonAsync($"/api/units/{Unit}/canned", new { title = "x", text = "y" })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var bad = await manager.PostAsJsonAsync($"/api/units/{Unit}/canned", new { title = "", text = new string('a', 1601) });
        Assert.That((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "title", "text" }));

        Assert.That((await clerk.GetFromJsonAsync<List<CannedAnswer>>($"/api/units/{Unit}/canned"))!.Select(c => c.Title), Is.EqualTo(new[] { "Audiência" }));
        Assert.That((await foreign.GetAsync($"/api/units/{Unit}/canned")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await clerk.DeleteAsync($"/api/units/{Unit}/canned/{answer.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await manager.DeleteAsync($"/api/units/{Unit}/canned/{answer.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await clerk.GetFromJsonAsync<List<CannedAnswer>>($"/api/units/{Unit}/canned"), Is.Empty);
    }

    [Test]
    public async Task CaseStatus_SendsTheDataJudSummary_OrSaysWhyNot()
    {
        await using var bot = await BotHarness.StartAsync();
        await bot.SayAsync("Minha audiência foi remarcada?", to: BotHarness.MacapaNumber);
        var id = (await bot.ConversationAsync(to: BotHarness.MacapaNumber)).Id;
        using var clerk = await bot.Factory.ClientForNewUserAsync("servidora.status@trt8.jus.br", clerkOf: [Unit]);
        var number = ChatbotTranscriptTests.Macapa;

        var bad = await clerk.PostAsJsonAsync($"/api/conversations/{id}/case-status", new { number = "123" });
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var unknown = await clerk.PostAsJsonAsync($"/api/conversations/{id}/case-status", new { number = BalcaoVirtual.Web.Features.Court.CnjNumber.Create(9999, 2024, 5, 8, 210).Canonical });
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "DataJud does not know it");

        bot.DataJud.AddHit("api_publica_trt8", number.Digits, ChatbotTranscriptTests.Hit);
        var sent = await clerk.PostAsJsonAsync($"/api/conversations/{id}/case-status", new { number = number.Canonical });
        Assert.That(sent.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await Support.TestServers.WaitUntilAsync(() => Task.FromResult(bot.Twilio.Requests.Any(r => r.Body.StartsWith($"Processo {number.Canonical}", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(20), "the summary to reach the citizen");
        var audit = await clerk.GetFromJsonAsync<List<BalcaoVirtual.Web.Features.Conversations.AuditEntry>>($"/api/conversations/{id}/audit");
        Assert.That(audit!.Select(a => (a.Action, a.Detail)), Does.Contain(("case-status", number.Canonical)));
    }

    [Test]
    public async Task VideoLink_GoesWhileTheDeskIsOpen_AndIsRefusedWithTheNextOpeningWhenClosed()
    {
        await using var bot = await BotHarness.StartAsync(); // Monday 23/11/2026, 09:00 in Macapá: open until 13:00
        await bot.SayAsync("Minha audiência foi remarcada?", to: BotHarness.MacapaNumber);
        var id = (await bot.ConversationAsync(to: BotHarness.MacapaNumber)).Id;
        using var clerk = await bot.Factory.ClientForNewUserAsync("servidora.video@trt8.jus.br", clerkOf: [Unit]);

        var sent = await clerk.PostAsync($"/api/conversations/{id}/video-link", null);
        Assert.That(sent.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await Support.TestServers.WaitUntilAsync(() => Task.FromResult(bot.Twilio.Requests.Any(r => r.Body.Contains("meet.google.com", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(20), "the link to reach the citizen");

        bot.Factory.Time.Advance(TimeSpan.FromHours(5)); // 14:00: closed
        var refused = await clerk.PostAsync($"/api/conversations/{id}/video-link", null);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString(), Does.EndWith("Próxima abertura: terça-feira, 24/11, às 8h."));
        Assert.That(bot.Twilio.Requests.Count(r => r.Body.Contains("meet.google.com", StringComparison.Ordinal)), Is.EqualTo(1));
    }
}
