using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Sla;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Sla;

namespace BalcaoVirtual.IntegrationTests.Chatbot;

/// <summary>
/// Honest waiting times through the real webhook, store and sender: on hand-off and to "e aí?" the citizen is told how
/// many wait before them in the unit's queue and, from the unit's recent answers, when an answer is likely; the inbox
/// shows the clerks the same place and the same typical time. The clock starts on Monday 23/11/2026 at 9h in Belém.
/// </summary>
public sealed class WaitingTimeTests : MacapaClerkFixture
{
    protected override string ClerkEmail => "clerk.fila@trt8.jus.br";

    private async Task<Conversation> HandOffAsync(string from)
    {
        await Bot.SayAsync("Minha audiência foi remarcada?", from, BotHarness.MacapaNumber);
        return await Bot.ConversationAsync(from, BotHarness.MacapaNumber);
    }


    [Test]
    public async Task HandOff_AndNudges_SayThePlace_AndTheLikelyTime_FromTheUnitsRecentAnswers_OnWhatsAppAndSms_AsTheInboxShowsThem()
    {
        // Five earlier citizens, each answered two hours after the hand-off: the unit's typical time is two hours.
        var earlier = new List<Conversation>();
        for (var i = 1; i <= WaitLookup.MinimumAnswers; i++)
        {
            earlier.Add(await HandOffAsync($"whatsapp:+559198111000{i}"));
        }

        Bot.Factory.Time.Advance(TimeSpan.FromHours(2)); // 11h
        foreach (var c in earlier)
        {
            await AnswerAsync(c);
        }

        // Two still waiting, then our citizen on WhatsApp (11h02), then one on SMS through the central number (11h03).
        var first = await HandOffAsync("whatsapp:+5591981110008");
        Bot.Factory.Time.Advance(TimeSpan.FromMinutes(1));
        await HandOffAsync("whatsapp:+5591981110009");
        Bot.Factory.Time.Advance(TimeSpan.FromMinutes(1));
        await Bot.RepliesAsync();
        var handOff = await Bot.SayAsync("Minha audiência foi remarcada?", BotHarness.Citizen, BotHarness.MacapaNumber);
        Assert.That(handOff.Single(), Does.Contain( // two hours from 11h02, to the next whole hour
            $"Há 2 conversas antes da sua na fila da {Macapa}. Pelo tempo que a unidade tem levado, a previsão é responder até segunda-feira, 23/11, às 14h."));

        Bot.Factory.Time.Advance(TimeSpan.FromMinutes(1));
        await Bot.SayAsync("quero falar com um atendente", BotHarness.SmsCitizen, BotHarness.SmsCentral);
        await Bot.SayAsync("Macapá", BotHarness.SmsCitizen, BotHarness.SmsCentral);
        var smsHandOff = await Bot.SayAsync("Quando sai o meu alvará?", BotHarness.SmsCitizen, BotHarness.SmsCentral);
        Assert.That(smsHandOff.Single(), Does.Contain($"Há 3 conversas antes da sua na fila da {Macapa}. Pelo tempo que a unidade tem levado, a previsão é responder até segunda-feira, 23/11, às 14h."));

        // An hour later the WhatsApp citizen asks: the deadline, the same place, the same likely time.
        Bot.Factory.Time.Advance(TimeSpan.FromHours(1));
        Assert.That(await Bot.SayAsync("e aí?", BotHarness.Citizen, BotHarness.MacapaNumber), Is.EqualTo(new[]
        {
            $"Sua mensagem está com a {Macapa}. A resposta chega por aqui até quarta-feira, 25/11, às 12h.\n\n" +
            $"Há 2 conversas antes da sua na fila da {Macapa}. Pelo tempo que a unidade tem levado, a previsão é responder até segunda-feira, 23/11, às 14h.",
        }));

        // The first in the queue is answered; past the likely time, the SMS citizen hears the queue moved and the wait is long.
        await AnswerAsync(first);
        Bot.Factory.Time.Advance(TimeSpan.FromHours(2)); // 14h03
        await Bot.RepliesAsync();
        Assert.That(await Bot.SayAsync("ninguém responde?", BotHarness.SmsCitizen, BotHarness.SmsCentral), Is.EqualTo(new[]
        {
            $"Sua mensagem está com a {Macapa}. A resposta chega por aqui até quarta-feira, 25/11, às 12h.\n\n" +
            $"Há 2 conversas antes da sua na fila da {Macapa}. Sua espera já passou do tempo que a unidade costuma levar para responder.",
        }));

        // The clerk's list: each waiting row with its place, and the typical time the bot speaks from.
        var list = await Clerk.GetFromJsonAsync<JsonElement>($"/api/inbox?unit={SlaSupport.Macapa}&tab=all");
        var places = list.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("place").GetInt64()).ToList();
        var pace = list.GetProperty("paces").EnumerateArray().Single();
        Assert.Multiple(() =>
        {
            Assert.That(places, Is.EqualTo(new long[] { 1, 2, 3 }), "the queue's order, as the citizens were told");
            Assert.That(pace.GetProperty("unitId").GetString(), Is.EqualTo(SlaSupport.Macapa));
            Assert.That(pace.GetProperty("typicalFirstAnswerMinutes").GetDouble(), Is.EqualTo(120));
            Assert.That(pace.GetProperty("serviceHours").GetBoolean(), Is.False, "Macapá counts calendar hours");
        });
        var mine = await Bot.ConversationAsync(BotHarness.Citizen, BotHarness.MacapaNumber);
        Assert.That(mine.State, Is.EqualTo(ConversationState.Waiting), "a nudge leaves the conversation with the unit");
    }

    [Test]
    public async Task WithFewRecentAnswers_OnlyThePlaceIsTold_AndAFactForTheUnitIsNoNudge()
    {
        var handOff = await Bot.SayAsync("Minha audiência foi remarcada?", BotHarness.Citizen, BotHarness.MacapaNumber);
        Assert.That(handOff.Single(), Does.Contain($"Sua conversa é a primeira da fila da {Macapa}.").And.Not.Contain("previsão"));
        Assert.That(await Bot.SayAsync("estou esperando a carta de intimação que nunca chegou", BotHarness.Citizen, BotHarness.MacapaNumber), Is.Empty);
        var list = await Clerk.GetFromJsonAsync<JsonElement>($"/api/inbox?unit={SlaSupport.Macapa}&tab=all");
        Assert.That(list.GetProperty("paces").EnumerateArray().Single().GetProperty("typicalFirstAnswerMinutes").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }
}
