using System.Net.Http.Json;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Conversations;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Channels;

/// <summary>
/// WhatsApp's 24-hour window over Twilio (protocols.md §5), end to end with the fake Twilio: a late answer goes as the
/// approved template and follows when the citizen writes; a late 63016 refusal is recovered the same way.
/// </summary>
public sealed class WhatsAppWindowTests
{
    private const string ContentSid = "HX0123456789abcdef0123456789abcdef";
    private const string Macapa = "7ª Vara do Trabalho de Macapá";

    private static Dictionary<string, string?> Templates() => new()
    {
        ["WhatsApp:AnswerWaiting:TwilioContentSid"] = ContentSid,
        ["WhatsApp:AnswerWaiting:TwilioVariables:1"] = "unit",
    };

    [Test]
    public async Task AnswersAfterTheWindow_GoAsOneTemplate_AndFollowInOrderWhenTheCitizenWrites_AndALate63016IsRecovered()
    {
        await using var bot = await BotHarness.StartAsync(Templates());
        await bot.SayAsync("Minha audiência foi remarcada? Preciso falar com a vara.", to: BotHarness.MacapaNumber);
        var conversation = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        Assert.That(conversation.State, Is.EqualTo(ConversationState.Waiting));
        var before = bot.Twilio.Requests.Count;

        // 25 hours after her last message the window is closed: two answers, one template, no free text.
        bot.Factory.Time.Advance(TimeSpan.FromHours(25));
        using var clerk = await bot.Factory.ClientForNewUserAsync("servidora.janela@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);
        foreach (var text in new[] { "Bom dia! A audiência foi mantida.", "Ela será às 9h, por videochamada." })
        {
            var reply = await clerk.PostAsJsonAsync($"/api/conversations/{conversation.Id}/messages", new { text });
            Assert.That((int)reply.StatusCode, Is.EqualTo(202));
        }

        await WaitSentAsync(bot);
        var sent = bot.Twilio.Requests.Skip(before).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(sent, Has.Count.EqualTo(1), "one template for both answers");
            Assert.That(sent[0].ContentSid, Is.EqualTo(ContentSid));
            Assert.That(sent[0].ContentVariables, Is.EqualTo($"{{\"1\":\"{Macapa}\"}}").Or.EqualTo("{\"1\":\"7\\u00AA Vara do Trabalho de Macap\\u00E1\"}"));
            Assert.That(sent[0].Body, Is.Empty, "a template carries no Body");
            Assert.That(sent[0].To, Is.EqualTo(BotHarness.Citizen));
        });
        var messages = await bot.Conversations.GetMessagesAsync(conversation.Id);
        Assert.That(messages.Where(m => m.Author == MessageAuthor.Clerk).Select(m => m.Status), Is.All.EqualTo(WhatsAppWindowGuard.Held), "held, never failed");
        Assert.That(messages.Single(m => m.Template is not null).Text, Is.EqualTo($"Sua mensagem à {Macapa} foi respondida. Responda esta mensagem para ver a resposta."));

        // She answers the template: both answers go at once, in order, as free text.
        await bot.SayAsync("Oi, pode mandar.", to: BotHarness.MacapaNumber);
        var delivered = bot.Twilio.Requests.Skip(before + 1).Select(r => r.Body).ToList();
        Assert.That(delivered.Take(2), Is.EqualTo(new[] { "Bom dia! A audiência foi mantida.", "Ela será às 9h, por videochamada." }));
        messages = await bot.Conversations.GetMessagesAsync(conversation.Id);
        Assert.That(messages.Where(m => m.Author == MessageAuthor.Clerk).Select(m => m.Status), Is.All.Not.EqualTo(WhatsAppWindowGuard.Held));

        // Inside the window by the service's clock, yet Twilio refuses it later with 63016: held and recovered, never a silent failure.
        var third = await (await clerk.PostAsJsonAsync($"/api/conversations/{conversation.Id}/messages", new { text = "Mais alguma dúvida?" }))
            .Content.ReadFromJsonAsync<Message>();
        await WaitSentAsync(bot);
        var freeText = bot.Twilio.Requests.Last();
        Assert.That(freeText.Body, Is.EqualTo("Mais alguma dúvida?"));
        var count = bot.Twilio.Requests.Count;
        var callback = await FakeTwilio.SendStatusAsync(bot.Service, freeText, "failed", "63016");
        Assert.That((int)callback.StatusCode, Is.EqualTo(200));
        await FakeTwilio.SendStatusAsync(bot.Service, freeText, "failed", "63016"); // duplicated, as Twilio does
        await WaitSentAsync(bot);
        Assert.That((await bot.Conversations.GetMessageAsync(conversation.Id, third!.Id))!.Status, Is.EqualTo(WhatsAppWindowGuard.Held));
        Assert.That(bot.Twilio.Requests.Skip(count).Select(r => r.ContentSid), Is.EqualTo(new[] { ContentSid }), "one template, even for a duplicated refusal");

        await bot.SayAsync("Não, obrigada.", to: BotHarness.MacapaNumber);
        Assert.That(bot.Twilio.Requests.Skip(count + 1).Select(r => r.Body), Does.Contain("Mais alguma dúvida?"));
    }

    [Test]
    public async Task WithoutATemplate_ALateAnswerWaitsForTheCitizen_AndIsNeverSentAsRefusedText()
    {
        await using var bot = await BotHarness.StartAsync();
        await bot.SayAsync("Preciso falar com a vara: minha audiência foi remarcada?", to: BotHarness.MacapaNumber);
        var conversation = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        var before = bot.Twilio.Requests.Count;

        bot.Factory.Time.Advance(TimeSpan.FromHours(30));
        using var clerk = await bot.Factory.ClientForNewUserAsync("servidor.janela@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);
        await clerk.PostAsJsonAsync($"/api/conversations/{conversation.Id}/messages", new { text = "Pode nos ligar amanhã?" });
        await WaitSentAsync(bot);
        Assert.That(bot.Twilio.Requests.Count, Is.EqualTo(before), "nothing sent that WhatsApp would refuse");

        await bot.SayAsync("Oi?", to: BotHarness.MacapaNumber);
        Assert.That(bot.Twilio.Requests.Skip(before).First().Body, Is.EqualTo("Pode nos ligar amanhã?"));
    }

    [Test]
    public async Task KeepAlive_WhenOn_TellsAWaitingCitizenOnce_BeforeTheWindowCloses_AndNeverAnAnsweredOne()
    {
        await using var bot = await BotHarness.StartAsync(new Dictionary<string, string?> { ["WhatsApp:KeepAliveBefore"] = "02:00:00" });
        await bot.SayAsync("Minha audiência foi remarcada? Preciso falar com a vara.", to: BotHarness.MacapaNumber);
        var conversation = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        Assert.That(conversation.State, Is.EqualTo(ConversationState.Waiting));
        var keepAlive = bot.Factory.Services.GetRequiredService<BalcaoVirtual.Web.Features.Channels.WhatsApp.WhatsAppKeepAlive>();
        var before = bot.Twilio.Requests.Count;

        bot.Factory.Time.Advance(TimeSpan.FromHours(21));
        Assert.That(await keepAlive.SweepAsync(), Is.Zero, "not yet: 3 h before the window closes");
        bot.Factory.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        Assert.That(await keepAlive.SweepAsync(), Is.EqualTo(1));
        Assert.That(await keepAlive.SweepAsync(), Is.Zero, "once");
        await WaitSentAsync(bot);
        var sent = bot.Twilio.Requests.Skip(before).Single();
        Assert.That(sent.Body, Does.StartWith($"A {Macapa} ainda está com a sua mensagem e vai respondê-la até").And.Contain("responda esta mensagem"));

        // She answers "ok": the window opens again, and a new keep-alive is due a day later; once the unit answers, none.
        await bot.SayAsync("ok", to: BotHarness.MacapaNumber);
        using var clerk = await bot.Factory.ClientForNewUserAsync("servidora.keepalive@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);
        await clerk.PostAsJsonAsync($"/api/conversations/{conversation.Id}/messages", new { text = "Está mantida." });
        await WaitSentAsync(bot);
        bot.Factory.Time.Advance(TimeSpan.FromHours(23));
        Assert.That(await keepAlive.SweepAsync(), Is.Zero, "answered: nothing to keep alive");
    }

    [Test]
    public async Task KeepAlive_IsOffByDefault()
    {
        await using var bot = await BotHarness.StartAsync();
        await bot.SayAsync("Preciso falar com a vara: minha audiência foi remarcada?", to: BotHarness.MacapaNumber);
        var keepAlive = bot.Factory.Services.GetRequiredService<BalcaoVirtual.Web.Features.Channels.WhatsApp.WhatsAppKeepAlive>();
        bot.Factory.Time.Advance(TimeSpan.FromHours(23));
        Assert.That(await keepAlive.SweepAsync(), Is.Zero);
    }

    private static async Task WaitSentAsync(BotHarness bot)
    {
        var outbox = bot.Factory.Services.GetRequiredService<Outbox>();
        await TestServers.WaitUntilAsync(async () => await outbox.PendingAsync() == 0, TimeSpan.FromSeconds(20), "the outbox to empty");
    }
}
