using System.Net;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;

namespace BalcaoVirtual.IntegrationTests.Reliability;

/// <summary>
/// The external Redis goes away and comes back: webhooks answer 503 (so Twilio retries and nothing unstored is
/// acknowledged), readiness goes red, nothing crashes, and everything resumes on its own.
/// </summary>
[NonParallelizable]
public sealed class StoreOutageTests
{
    [Test]
    public async Task WebhooksAnswer503_ReadinessGoesRed_AndAllResumes_WhenRedisReturns()
    {
        using var redis = new RedisServerProcess(TestServers.TempDir("outage"));
        await redis.StartAsync();
        await using var bot = await BotHarness.StartAsync(new Dictionary<string, string?> { ["Storage:Redis"] = redis.ConnectionString });

        await bot.SayAsync("Oi, bom dia", to: BotHarness.MacapaNumber);
        var before = bot.Twilio.Requests.Count;
        Assert.That(before, Is.GreaterThan(0), "the bot answered while the store was up");

        redis.Kill();
        var sid = TwilioSigner.Sid(987654);
        var during = await TwilioSigner.PostAsync(bot.Service, "/webhooks/twilio", TwilioSigner.Inbound(sid, "Preciso falar com a vara.", BotHarness.Citizen, BotHarness.MacapaNumber));
        Assert.Multiple(async () =>
        {
            Assert.That(during.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "not acknowledged: Twilio retries");
            Assert.That(during.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(await during.Content.ReadAsStringAsync(), Does.Contain("não está respondendo"));
            Assert.That((await bot.Service.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That((await bot.Service.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the process itself is fine");
        });

        await redis.StartAsync(); // same port, same append-only file
        await TestServers.WaitUntilAsync(async () => (await bot.Service.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "readiness to come back on its own");

        // Twilio's retry of the refused webhook is stored now, once, and the bot answers it.
        var retried = await TwilioSigner.PostAsync(bot.Service, "/webhooks/twilio", TwilioSigner.Inbound(sid, "Preciso falar com a vara.", BotHarness.Citizen, BotHarness.MacapaNumber));
        Assert.That(retried.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await bot.WaitProcessedAsync(sid, to: BotHarness.MacapaNumber);
        var conversation = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        var messages = await bot.Conversations.GetMessagesAsync(conversation.Id);
        Assert.That(messages.Count(m => m.ProviderId == sid), Is.EqualTo(1));
        Assert.That(messages.Count(m => m.Direction == BalcaoVirtual.Web.Features.Conversations.MessageDirection.Inbound), Is.EqualTo(2), "the message from before the outage survived (AOF)");
        Assert.That(bot.Twilio.Requests.Count, Is.GreaterThan(before), "the bot answers again");
    }
}
