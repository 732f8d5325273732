using System.Collections.Concurrent;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace BalcaoVirtual.IntegrationTests.Browser;

/// <summary>The inbox's live channel tells each clerk about their own units' conversations, and nobody else's.</summary>
[NonParallelizable]
public sealed class InboxHubTests
{
    [Test]
    public async Task Hub_TellsEachClerkOnlyAboutTheirUnits()
    {
        await using var bot = await BotHarness.StartAsync(kestrel: true);
        using var macapaClient = await bot.Factory.ClientForNewUserAsync("hub.macapa@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);
        using var belemClient = await bot.Factory.ClientForNewUserAsync("hub.belem@trt8.jus.br", clerkOf: ["trt8-vt-belem-1"]);

        async Task<(HubConnection Hub, ConcurrentQueue<string> Heard)> ConnectAsync(HttpClient client)
        {
            var token = client.DefaultRequestHeaders.Authorization!.Parameter;
            var hub = new HubConnectionBuilder()
                .WithUrl(bot.BaseUrl + "/hubs/inbox", o => o.AccessTokenProvider = () => Task.FromResult(token))
                .Build();
            var heard = new ConcurrentQueue<string>();
            hub.On<string>("changed", heard.Enqueue);
            await hub.StartAsync();
            return (hub, heard);
        }

        var (macapaHub, macapaHeard) = await ConnectAsync(macapaClient);
        var (belemHub, belemHeard) = await ConnectAsync(belemClient);
        await using var _ = macapaHub;
        await using var __ = belemHub;

        await bot.SayAsync("Minha audiência foi remarcada?", from: "whatsapp:+5596981110001", to: BotHarness.MacapaNumber);
        var macapa = (await bot.ConversationAsync("whatsapp:+5596981110001", BotHarness.MacapaNumber)).Id;
        await bot.SayAsync("Preciso falar com a vara sobre o meu processo", from: "whatsapp:+5591981110002", to: "whatsapp:+559140080001");
        var belem = (await bot.ConversationAsync("whatsapp:+5591981110002", "whatsapp:+559140080001")).Id;

        await TestServers.WaitUntilAsync(() => Task.FromResult(macapaHeard.Contains(macapa) && belemHeard.Contains(belem)), TimeSpan.FromSeconds(20), "both clerks to hear of their conversation");
        // Events reach a connection in the order they were published: Belém's clerk heard of Belém's conversation,
        // published after Macapá's, so Macapá's would have come first if it were coming at all.
        Assert.Multiple(() =>
        {
            Assert.That(belemHeard, Does.Not.Contain(macapa));
            Assert.That(macapaHeard, Does.Not.Contain(belem));
        });
    }
}
