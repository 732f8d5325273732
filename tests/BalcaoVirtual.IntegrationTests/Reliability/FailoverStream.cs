using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Conversations;

namespace BalcaoVirtual.IntegrationTests.Reliability;

/// <summary>
/// Webhooks from distinct citizens (so over every part of the store) on eight workers, each sent again until it is
/// acknowledged, as Twilio does, while a store master dies: a third of the way in, <c>failover</c> kills it and starts
/// what brings the store back. Then every acknowledged message must be stored once and answered.
/// </summary>
internal static class FailoverStream
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The acknowledged provider ids (with their senders) and how many attempts were refused with 503.</summary>
    public static async Task<(IReadOnlyDictionary<string, string> Acked, int Refused)> SendAsync(
        BotHarness bot, int messages, int firstSid, Func<Task> failover)
    {
        var acked = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var refused = 0;
        var next = 0;
        var deadline = DateTime.UtcNow.AddSeconds(120);
        var recovered = Task.CompletedTask;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) <= messages)
            {
                if (n == messages / 3)
                {
                    recovered = failover();
                }

                var sid = TwilioSigner.Sid(firstSid + n);
                var from = "whatsapp:+55919" + (72000000 + n).ToString(Inv);
                while (true)
                {
                    Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the webhooks kept failing: the service did not follow the failover");
                    using var response = await TwilioSigner.PostAsync(bot.Service, "/webhooks/twilio", TwilioSigner.Inbound(sid, "menu", from, BotHarness.MacapaNumber));
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        acked[sid] = from;
                        break;
                    }

                    Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "refused while the master is gone, never a 500");
                    Interlocked.Increment(ref refused);
                }
            }
        })));
        await recovered;
        return (acked, refused);
    }

    /// <summary>Every acknowledged message is in the store once, and the bot answered each.</summary>
    public static async Task AssertEachStoredOnceAndAnsweredAsync(BotHarness bot, IReadOnlyDictionary<string, string> acked)
    {
        foreach (var (sid, from) in acked)
        {
            await bot.WaitProcessedAsync(sid, from, BotHarness.MacapaNumber);
            var conversation = await bot.ConversationAsync(from, BotHarness.MacapaNumber);
            var messages = await bot.Conversations.GetMessagesAsync(conversation.Id);
            Assert.That(messages.Count(m => m.ProviderId == sid), Is.EqualTo(1), sid);
            Assert.That(messages.Count(m => m.Direction == MessageDirection.Outbound), Is.GreaterThan(0), $"{sid}: answered");
        }

        Assert.That((await bot.Service.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
