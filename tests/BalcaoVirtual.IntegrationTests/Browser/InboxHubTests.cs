using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace BalcaoVirtual.IntegrationTests.Browser;

/// <summary>The inbox's live channel tells each clerk about their own units' conversations, and nobody else's.</summary>
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
        await bot.SayAsync("Preciso falar com a vara: minha audiência foi remarcada?", from: "whatsapp:+5591981110002", to: "whatsapp:+559140080001");
        var belem = (await bot.ConversationAsync("whatsapp:+5591981110002", "whatsapp:+559140080001")).Id;

        await TestServers.WaitUntilAsync(() => Task.FromResult(macapaHeard.Contains(macapa) && belemHeard.Contains(belem)), TimeSpan.FromSeconds(20), "both clerks to hear of their conversation");
        // Events reach a connection in the order they were published: Belém's clerk heard of Belém's conversation,
        // published after Macapá's, so Macapá's would have come first if it were coming at all.
        Assert.Multiple(() =>
        {
            Assert.That(belemHeard, Does.Not.Contain(macapa));
            Assert.That(macapaHeard, Does.Not.Contain(belem));
        });

        // Presence follows the same rule: Belém's clerk cannot put herself on Macapá's conversation, nor type in it.
        await belemHub.InvokeAsync("Watch", macapa);
        await belemHub.InvokeAsync("Typing", macapa);
        await macapaHub.InvokeAsync("Watch", macapa);
        var there = await macapaClient.GetFromJsonAsync<JsonElement>($"/api/conversations/{macapa}/presence");
        Assert.That(there.EnumerateArray().Select(p => p.GetProperty("name").GetString()), Is.EqualTo(new[] { "hub.macapa@trt8.jus.br" }));
    }

    [Test]
    public async Task Hub_FollowsTheSession_UnitsTakenAwayStopAtOnce_AndSigningOutClosesIt()
    {
        await using var bot = await BotHarness.StartAsync(kestrel: true);
        using var admin = await bot.Factory.AdminClientAsync();
        using var clerk = await bot.Factory.ClientForNewUserAsync("hub.moves@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);
        var clerkId = (await clerk.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("id").GetString();
        var token = clerk.DefaultRequestHeaders.Authorization!.Parameter;
        await using var hub = new HubConnectionBuilder()
            .WithUrl(bot.BaseUrl + "/hubs/inbox", o => o.AccessTokenProvider = () => Task.FromResult(token))
            .Build();
        var heard = new ConcurrentQueue<string>();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<string>("changed", heard.Enqueue);
        hub.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        await hub.StartAsync();

        // Moved from Macapá to Belém: Macapá's news stop, Belém's arrive, on the same connection.
        var moved = await admin.PatchAsJsonAsync($"/api/users/{clerkId}", new { clerkOf = new[] { "trt8-vt-belem-1" } });
        Assert.That(moved.IsSuccessStatusCode, Is.True);
        // The move reaches the live channel a moment after the answer: a Belém citizen writes until the clerk hears it.
        for (var attempt = 0; ; attempt++)
        {
            var from = $"whatsapp:+55919811101{attempt:00}";
            await bot.SayAsync("Preciso falar com a vara: minha audiência foi remarcada?", from: from, to: "whatsapp:+559140080001");
            var first = (await bot.ConversationAsync(from, "whatsapp:+559140080001")).Id;
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!heard.Contains(first) && waited.Elapsed < TimeSpan.FromSeconds(2))
            {
                await Task.Delay(50);
            }

            if (heard.Contains(first))
            {
                break;
            }

            Assert.That(attempt, Is.LessThan(9), "Belém's news never reached the clerk moved there");
        }

        await bot.SayAsync("Minha audiência foi remarcada?", from: "whatsapp:+5596981110004", to: BotHarness.MacapaNumber);
        var macapa = (await bot.ConversationAsync("whatsapp:+5596981110004", BotHarness.MacapaNumber)).Id;
        await bot.SayAsync("Preciso falar com a vara de novo: o alvará já saiu?", from: "whatsapp:+5591981110005", to: "whatsapp:+559140080001");
        var belem = (await bot.ConversationAsync("whatsapp:+5591981110005", "whatsapp:+559140080001")).Id;
        await TestServers.WaitUntilAsync(() => Task.FromResult(heard.Contains(belem)), TimeSpan.FromSeconds(20), "the later Belém news");
        Assert.That(heard, Does.Not.Contain(macapa), "published before the later Belém news, so it would have come first");

        // Signing out with the token the connection was opened with closes it.
        Assert.That((await clerk.PostAsync("/api/auth/logout", null)).StatusCode, Is.EqualTo(System.Net.HttpStatusCode.NoContent));
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.That(hub.State, Is.EqualTo(HubConnectionState.Disconnected));
    }
}
