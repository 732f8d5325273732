using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Channels;

/// <summary>End to end through HTTP: citizen writes, clerk answers, the fake Twilio receives and reports status.</summary>
public sealed class TwilioOutboundTests
{
    private const string Unit = "trt8-vt-macapa-7";
    private const string Citizen = "whatsapp:+559181234567"; // an older WhatsApp id without the 9th digit
    private FakeTwilio twilio = null!;
    private ApiFactory factory = null!;
    private HttpClient service = null!;
    private HttpClient clerk = null!;

    [SetUp]
    public async Task SetUp()
    {
        twilio = await FakeTwilio.StartAsync();
        var settings = TwilioSigner.Settings;
        settings["Twilio:ApiBaseUrl"] = twilio.BaseUrl.ToString();
        factory = new ApiFactory(settings);
        service = factory.CreateClient();
        clerk = await factory.ClientForNewUserAsync("clerk@trt8.jus.br", clerkOf: [Unit]);
    }

    [TearDown]
    public async Task TearDown()
    {
        service.Dispose();
        clerk.Dispose();
        await factory.DisposeAsync();
        await twilio.DisposeAsync();
    }

    [Test]
    public async Task Reply_IsSentOnce_ToTheExactAddressTheCitizenUsed_FromTheUnitNumber()
    {
        var conversationId = await CitizenWritesAsync();

        var reply = await clerk.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { text = "Bom dia! Seu processo está concluso para sentença." });
        var message = await WaitForStatusAsync(conversationId, "queued");

        var sent = twilio.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(reply.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(sent.To, Is.EqualTo(Citizen));
            Assert.That(sent.From, Is.EqualTo("whatsapp:+559621010210"));
            Assert.That(sent.Body, Is.EqualTo("Bom dia! Seu processo está concluso para sentença."));
            Assert.That(sent.StatusCallback, Is.EqualTo("https://balcao.trt8.jus.br/webhooks/twilio/status"));
            Assert.That(message.ProviderId, Is.EqualTo(sent.Sid));
            Assert.That(message.Attempts, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Reply_MarksConversationAnswered()
    {
        var conversationId = await CitizenWritesAsync();

        await clerk.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { text = "Resposta" });

        var body = await clerk.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}");
        Assert.That(body.GetProperty("conversation").GetProperty("state").GetString(), Is.EqualTo("answered"));
    }

    [TestCase(429, 20429)]
    [TestCase(503, null)]
    public async Task Reply_IsRetriedAfterBackoff_WhenTwilioSaysTryLater(int status, int? code)
    {
        var conversationId = await CitizenWritesAsync();
        twilio.Respond((status, code));

        await clerk.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { text = "Resposta" });
        await TestServers.WaitUntilAsync(() => Task.FromResult(!twilio.Requests.IsEmpty), TimeSpan.FromSeconds(20), "the first attempt");

        // Move the clock past the backoff until the retry happens (the sender schedules it just after the answer).
        Message? message = null;
        await TestServers.WaitUntilAsync(async () =>
        {
            factory.Time.Advance(TimeSpan.FromMinutes(1));
            message = await OutboundMessageAsync(conversationId);
            return message.Status == "queued";
        }, TimeSpan.FromSeconds(30), "the retried send to succeed");

        Assert.That(twilio.Requests, Has.Count.EqualTo(2));
        Assert.That(message!.Attempts, Is.EqualTo(2));
    }

    [Test]
    public async Task Reply_WaitsForTwiliosRetryAfter_WhenItIsLongerThanTheBackoff()
    {
        var conversationId = await CitizenWritesAsync();
        twilio.RespondTooManyRequests(retryAfterSeconds: 600);

        await clerk.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { text = "Resposta" });
        var failedAt = factory.Time.GetUtcNow();

        // The backoff alone would retry within 3 s; Twilio asked for 10 minutes, and the retry is set for then.
        await TestServers.WaitUntilAsync(async () => await RetryDueAsync() > failedAt + TimeSpan.FromMinutes(9), TimeSpan.FromSeconds(20), "the retry scheduled after Retry-After");
        Assert.That(await RetryDueAsync(), Is.EqualTo(failedAt + TimeSpan.FromMinutes(10)).Within(TimeSpan.FromSeconds(1)));
        Assert.That(twilio.Requests, Has.Count.EqualTo(1));

        await TestServers.WaitUntilAsync(async () =>
        {
            factory.Time.Advance(TimeSpan.FromSeconds(30));
            return (await OutboundMessageAsync(conversationId)).Status == "queued";
        }, TimeSpan.FromSeconds(30), "the send after Retry-After");
        Assert.That(twilio.Requests, Has.Count.EqualTo(2));
    }

    /// <summary>When the one send waiting to be retried is due, from the outbox's retry schedule.</summary>
    private async Task<DateTimeOffset> RetryDueAsync()
    {
        var keys = factory.Services.GetRequiredService<RedisKeys>();
        var db = factory.Services.GetRequiredService<RedisConnections>().GetDatabase();
        var due = new List<double>();
        foreach (var bucket in RedisKeys.Buckets)
        {
            due.AddRange((await db.SortedSetRangeByRankWithScoresAsync(keys.OutboxLeases(bucket))).Select(e => e.Score));
        }

        return due.Count == 1 ? DateTimeOffset.FromUnixTimeMilliseconds((long)due[0]) : DateTimeOffset.MinValue;
    }

    [Test]
    public async Task Reply_IsNotRetried_AndRecordsTheCode_WhenTwilioRefusesForGood()
    {
        var conversationId = await CitizenWritesAsync();
        twilio.Respond((400, 21211));

        await clerk.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { text = "Resposta" });
        var message = await WaitForStatusAsync(conversationId, "failed");
        factory.Time.Advance(TimeSpan.FromHours(1));

        var outbox = factory.Services.GetRequiredService<Outbox>();
        Assert.Multiple(async () =>
        {
            Assert.That(message.ErrorCode, Is.EqualTo("21211"));
            Assert.That(twilio.Requests, Has.Count.EqualTo(1));
            Assert.That(await outbox.PendingAsync(), Is.Zero, "nothing left to retry");
        });
    }

    [Test]
    public async Task StatusCallbacks_NeverMoveBackwards_InAnyOrder()
    {
        var conversationId = await CitizenWritesAsync();
        await clerk.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { text = "Resposta" });
        await WaitForStatusAsync(conversationId, "queued");
        var sent = twilio.Requests.Single();

        var answers = new List<HttpStatusCode>();
        foreach (var status in new[] { "delivered", "sent", "delivered", "sending", "queued" })
        {
            answers.Add((await FakeTwilio.SendStatusAsync(service, sent, status)).StatusCode);
        }

        var afterDisorder = await OutboundMessageAsync(conversationId);
        await FakeTwilio.SendStatusAsync(service, sent, "read");
        var afterRead = await OutboundMessageAsync(conversationId);

        Assert.That(answers, Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(afterDisorder.Status, Is.EqualTo("delivered"));
        Assert.That(afterRead.Status, Is.EqualTo("read"));
    }

    [Test]
    public async Task StatusCallback_Failure_ShowsItsErrorCodeOnTheMessage()
    {
        var conversationId = await CitizenWritesAsync();
        await clerk.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { text = "Resposta" });
        await WaitForStatusAsync(conversationId, "queued");

        await FakeTwilio.SendStatusAsync(service, twilio.Requests.Single(), "undelivered", "30008");
        await FakeTwilio.SendStatusAsync(service, twilio.Requests.Single(), "delivered"); // late and impossible: ignored

        var body = await clerk.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}");
        var outbound = body.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("author").GetString() == "clerk");
        Assert.That(outbound.GetProperty("status").GetString(), Is.EqualTo("undelivered"));
        Assert.That(outbound.GetProperty("errorCode").GetString(), Is.EqualTo("30008"));
    }

    [Test]
    public async Task StatusCallback_Is403_WhenUnsigned()
    {
        var conversationId = await CitizenWritesAsync();
        await clerk.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { text = "Resposta" });
        await WaitForStatusAsync(conversationId, "queued");
        var sent = twilio.Requests.Single();

        var forged = await TwilioSigner.PostAsync(service, "/webhooks/twilio/status",
            [new("MessageSid", sent.Sid), new("MessageStatus", "read"), new("AccountSid", TwilioSigner.AccountSid), new("To", sent.To)],
            token: "not-the-token");

        Assert.That(forged.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await OutboundMessageAsync(conversationId)).Status, Is.EqualTo("queued"));
    }

    [TestCase("")]
    [TestCase("   ")]
    public async Task Reply_Is400_WithoutText(string text)
    {
        var conversationId = await CitizenWritesAsync();

        var response = await clerk.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { text });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Reply_Is403_ForClerkOfAnotherUnit()
    {
        var conversationId = await CitizenWritesAsync();
        using var other = await factory.ClientForNewUserAsync("other@trt8.jus.br", clerkOf: ["trt8-vt-maraba-1"]);

        var response = await other.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { text = "Oi" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(twilio.Requests, Is.Empty);
    }

    /// <summary>
    /// A question to the unit's number: the chatbot hands it to the unit and says so. Once that reply has left, the fake
    /// Twilio's record is cleared, so each test sees the clerk's messages only.
    /// </summary>
    private async Task<string> CitizenWritesAsync()
    {
        var response = await TwilioSigner.PostAsync(service, "/webhooks/twilio", TwilioSigner.Inbound(TwilioSigner.Sid(Random.Shared.Next()), "Olá, quando sai meu alvará?", from: Citizen));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var id = await WaitForConversationAsync();
        var outbox = factory.Services.GetRequiredService<Outbox>();
        await TestServers.WaitUntilAsync(async () => !twilio.Requests.IsEmpty && await outbox.PendingAsync() == 0, TimeSpan.FromSeconds(20), "the chatbot's hand-off reply to leave");
        twilio.Requests.Clear();
        return id;
    }

    private async Task<string> WaitForConversationAsync()
    {
        string? id = null;
        await TestServers.WaitUntilAsync(async () =>
        {
            var page = await clerk.GetFromJsonAsync<JsonElement>($"/api/conversations?unit={Unit}&state=waiting");
            id = page.GetProperty("items").GetArrayLength() > 0 ? page.GetProperty("items")[0].GetProperty("id").GetString() : null;
            return id is not null;
        }, TimeSpan.FromSeconds(20), "the conversation to reach the unit");
        return id!;
    }

    private async Task<Message> OutboundMessageAsync(string conversationId) =>
        (await factory.Services.GetRequiredService<ConversationStore>().GetMessagesAsync(conversationId)).Single(m => m.Author == MessageAuthor.Clerk);

    private async Task<Message> WaitForStatusAsync(string conversationId, string status)
    {
        Message? message = null;
        await TestServers.WaitUntilAsync(async () =>
        {
            message = await OutboundMessageAsync(conversationId);
            return message.Status == status;
        }, TimeSpan.FromSeconds(20), $"the reply to reach status '{status}'");
        return message!;
    }
}
