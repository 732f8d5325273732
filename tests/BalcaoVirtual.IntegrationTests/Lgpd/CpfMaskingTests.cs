using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;

namespace BalcaoVirtual.IntegrationTests.Lgpd;

/// <summary>A CPF a citizen typed reaches the inbox masked; a clerk of the unit may reveal it, and the audit trail says who.</summary>
public sealed class CpfMaskingTests
{
    [Test]
    public async Task Inbox_ShowsTheCpfMasked_RevealIsAuditedAndOnlyForTheUnit()
    {
        await using var bot = await BotHarness.StartAsync();
        await bot.SayAsync("Meu CPF é 529.982.247-25 e quero falar com a vara sobre meu processo.", to: BotHarness.MacapaNumber);
        var conversation = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        using var clerk = await bot.Factory.ClientForNewUserAsync("servidora.cpf@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);

        var view = await clerk.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversation.Id}");
        var raw = view.GetRawText();
        Assert.That(raw, Does.Not.Contain("529.982.247-25").And.Not.Contain("52998224725"));
        var message = view.GetProperty("messages").EnumerateArray().First(m => m.GetProperty("text").GetString()!.Contains("***.982.247-**", StringComparison.Ordinal));
        var id = message.GetProperty("id").GetString()!;
        Assert.That(view.GetProperty("revealable").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { id }));

        using var other = await bot.Factory.ClientForNewUserAsync("servidor.outra@trt8.jus.br", clerkOf: ["trt8-vt-belem-1"]);
        Assert.That((await other.PostAsync($"/api/conversations/{conversation.Id}/messages/{id}/reveal", null)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        var revealed = await (await clerk.PostAsync($"/api/conversations/{conversation.Id}/messages/{id}/reveal", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(revealed.GetProperty("text").GetString(), Does.Contain("529.982.247-25"));
        var audit = await clerk.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversation.Id}/audit");
        Assert.That(audit.GetRawText(), Does.Contain("\"reveal\"").And.Contain(id));
        Assert.That((await clerk.PostAsync($"/api/conversations/{conversation.Id}/messages/none/reveal", null)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    /// <summary>A CPF in what the citizen wrote about themselves (an e-mail's subject, a profile name) is masked by every answer that shows the conversation.</summary>
    [Test]
    public async Task SubjectAndName_AreMasked_InEveryAnswerThatShowsTheConversation()
    {
        await using var bot = await BotHarness.StartAsync();
        await bot.SayAsync("Minha audiência foi remarcada?", to: BotHarness.MacapaNumber);
        var conversation = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        await bot.Conversations.SaveAsync(conversation with { Subject = "Pedido - CPF 529 982 247 25", ContactName = "Maria 529.982.247-25" });
        using var clerk = await bot.Factory.ClientForNewUserAsync("servidora.cpf@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);

        var answers = new Dictionary<string, string>
        {
            ["list"] = await clerk.GetStringAsync("/api/conversations?unit=trt8-vt-macapa-7"),
            ["inbox"] = await clerk.GetStringAsync("/api/inbox"),
            ["one"] = await clerk.GetStringAsync($"/api/conversations/{conversation.Id}"),
            ["claim"] = await (await clerk.PostAsync($"/api/conversations/{conversation.Id}/claim", null)).Content.ReadAsStringAsync(),
        };

        Assert.Multiple(() =>
        {
            foreach (var (name, body) in answers)
            {
                Assert.That(body, Does.Contain("***.982.247-**"), name);
                Assert.That(body, Does.Not.Contain("529 982 247 25").And.Not.Contain("529.982.247-25"), name);
            }
        });
    }
}
