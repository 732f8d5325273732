using System.Net;
using System.Net.Http.Json;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Api;

/// <summary>Every change to a conversation decides on the record as it is when it commits, whoever else writes.</summary>
public sealed class ConversationRaceTests
{
    /// <summary>
    /// The citizen's next message is handled while a clerk's answer is being written: the turn is held until the answer
    /// is in the thread, so it commits in the middle of the answer's write. Both are kept: the case number the citizen
    /// gave, the answer, and the queue as the final state says.
    /// </summary>
    [Test]
    public async Task AReply_RacingABotTurn_LosesNeither()
    {
        var held = new System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource>();
        await using var bot = await BotHarness.StartAsync(services: services =>
        {
            services.AddSingleton<Web.Features.Chatbot.Dialog>();
            services.AddSingleton<IInboundHandler>(sp => new TurnHeldForTheAnswer(
                sp.GetRequiredService<Web.Features.Chatbot.Dialog>(), sp.GetRequiredService<RedisConnections>(), sp.GetRequiredService<RedisKeys>(), held));
        });
        const int Citizens = 24;
        var citizens = Enumerable.Range(0, Citizens).Select(i => $"whatsapp:+55919810{i:D5}").ToList();
        var ids = new List<string>();
        foreach (var citizen in citizens)
        {
            await bot.SayAsync("Minha audiência foi remarcada?", from: citizen, to: BotHarness.MacapaNumber);
            ids.Add((await bot.ConversationAsync(from: citizen, to: BotHarness.MacapaNumber)).Id);
        }

        using var ana = await bot.Factory.ClientForNewUserAsync("ana@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);
        var number = ChatbotTranscriptTests.Macapa.Canonical;
        for (var i = 0; i < Citizens; i++)
        {
            var holding = held.GetOrAdd(ids[i], _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            var sid = await bot.PostAsync($"O número é {number}", from: citizens[i], to: BotHarness.MacapaNumber);
            await holding.Task.WaitAsync(TimeSpan.FromSeconds(20));
            var replied = await ana.PostAsJsonAsync($"/api/conversations/{ids[i]}/messages", new { text = "Já verificamos, está mantida." });
            Assert.That(replied.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            await bot.WaitProcessedAsync(sid, from: citizens[i], to: BotHarness.MacapaNumber);
        }

        var keys = bot.Factory.Services.GetRequiredService<RedisKeys>();
        var db = bot.Factory.Services.GetRequiredService<RedisConnections>().GetDatabase();
        var queue = (await db.SortedSetRangeByRankAsync(keys.UnitDue("trt8-vt-macapa-7"))).Select(v => v.ToString()).ToHashSet();
        var lost = new List<string>();
        foreach (var id in ids)
        {
            var record = (await bot.Conversations.GetAsync(id))!;
            var thread = await bot.Conversations.GetMessagesAsync(id);
            if (!record.ProcessNumbers.Contains(number))
            {
                lost.Add($"{id}: the case number the citizen gave");
            }

            if (thread.Count(m => m is { Author: MessageAuthor.Clerk, Direction: MessageDirection.Outbound }) != 1 || thread.Count(m => m.Direction == MessageDirection.Inbound) != 2)
            {
                lost.Add($"{id}: a message");
            }

            if (queue.Contains(id) != (record.State == ConversationState.Waiting))
            {
                lost.Add($"{id}: {record.State} but {(queue.Contains(id) ? "in" : "out of")} the unit's queue");
            }
        }

        Assert.That(lost, Is.Empty);
    }

    /// <summary>
    /// Decides a citizen's turn that gives a case number, then holds it until one more message is in the thread (a
    /// clerk's answer; 2 s at most) before it commits, and says when it starts holding. Only the first decision is held:
    /// the one that loses the race is decided again on the new record, and nothing more comes to wait for then.
    /// </summary>
    private sealed class TurnHeldForTheAnswer(
        IInboundHandler inner, RedisConnections redis, RedisKeys keys, System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> holding)
        : IInboundHandler
    {
        public async Task<InboundOutcome> HandleAsync(Conversation conversation, Message message, CancellationToken cancellationToken)
        {
            var outcome = await inner.HandleAsync(conversation, message, cancellationToken);
            if (message.Text.StartsWith("O número é", StringComparison.Ordinal))
            {
                var thread = keys.ConversationMessages(conversation.Id);
                var db = redis.GetDatabase();
                var before = await db.HashLengthAsync(thread);
                if (!holding.GetOrAdd(conversation.Id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult())
                {
                    return outcome;
                }

                var waited = System.Diagnostics.Stopwatch.StartNew(); // wall time: how long a test may wait, not the service's clock
                while (waited.Elapsed < TimeSpan.FromSeconds(2) && await db.HashLengthAsync(thread) == before)
                {
                }
            }

            return outcome;
        }
    }
}
