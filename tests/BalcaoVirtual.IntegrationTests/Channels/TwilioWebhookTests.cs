using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Channels.Twilio;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace BalcaoVirtual.IntegrationTests.Channels;

public sealed class TwilioWebhookTests
{
    private const string Path = "/webhooks/twilio";
    private const string Citizen = "whatsapp:+5591981234567";
    private ApiFactory factory = null!;
    private HttpClient client = null!;

    [SetUp]
    public void SetUp()
    {
        factory = new ApiFactory(TwilioSigner.Settings);
        client = factory.CreateClient();
    }

    [TearDown]
    public async Task TearDown()
    {
        client.Dispose();
        await factory.DisposeAsync();
    }

    [Test]
    public async Task Webhook_RefusedOverAndOver_FromOneAddress_Is429WithoutALogLine_ButSignedMessagesFromItAreStored()
    {
        // Twilio's (and Meta's) requests leave from shared pools: the forger and Twilio may share an address.
        using var pool = new HttpClient(factory.Server.CreateHandler(c => c.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.66")))
        {
            BaseAddress = factory.Server.BaseAddress,
        };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 65; i++)
        {
            statuses.Add((await TwilioSigner.PostAsync(pool, Path, TwilioSigner.Inbound(TwilioSigner.Sid(7000 + i), "x"), signature: "assinatura-falsa")).StatusCode);
        }

        var real = await TwilioSigner.PostAsync(pool, Path, TwilioSigner.Inbound(TwilioSigner.Sid(8000), "Bom dia", from: "whatsapp:+5591988887777"));

        Assert.Multiple(() =>
        {
            Assert.That(statuses.Take(60), Has.All.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(statuses.Skip(60), Has.All.EqualTo(HttpStatusCode.TooManyRequests), "past 60 refusals in a minute");
            Assert.That(real.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a signed message from the same address is stored");
            Assert.That(factory.Logs.Lines.Count(l => l.Contains("Twilio webhook rejected", StringComparison.Ordinal)), Is.EqualTo(60), "the flood is not logged line by line");
        });
        Assert.That(await ContactExists("whatsapp:+5591988887777"), Is.True);
    }

    [Test]
    public async Task Webhook_StoresMessage_AndAnswersEmptyTwiml()
    {
        var response = await TwilioSigner.PostAsync(client, Path, TwilioSigner.Inbound(TwilioSigner.Sid(1), "Bom dia! Qual a situação do processo 0000001-04.2001.5.08.0001?"));

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/xml"));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(TwilioWebhook.EmptyTwiml));
            Assert.That((await MessagesOf(Citizen)).Single().Text, Is.EqualTo("Bom dia! Qual a situação do processo 0000001-04.2001.5.08.0001?"));
        });
    }

    [Test]
    public async Task Webhook_StoresOnce_UnderRetries()
    {
        var form = TwilioSigner.Inbound(TwilioSigner.Sid(2), "Olá");
        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
        {
            responses.Add(await TwilioSigner.PostAsync(client, Path, form));
        }

        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(await MessagesOf(Citizen), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Webhook_RoutesByTo_ToTheUnitThatOwnsTheNumber_AndIndexesItAfterProcessing()
    {
        // A question to a unit's own number: the chatbot greets and hands it to that unit.
        await TwilioSigner.PostAsync(client, Path, TwilioSigner.Inbound(TwilioSigner.Sid(3), "Minha audiência foi remarcada?", to: "whatsapp:+559621010210"));
        using var admin = await factory.AdminClientAsync();

        JsonElement page = default;
        await TestServers.WaitUntilAsync(async () =>
        {
            page = await admin.GetFromJsonAsync<JsonElement>("/api/conversations?unit=trt8-vt-macapa-7&state=waiting");
            return page.GetProperty("items").GetArrayLength() == 1;
        }, TimeSpan.FromSeconds(20), "the inbound processor to index the conversation");

        Assert.That(page.GetProperty("items")[0].GetProperty("unitId").GetString(), Is.EqualTo("trt8-vt-macapa-7"));
    }

    [Test]
    public async Task Webhook_SendsOtherNumbersToTheBot_WithoutUnit()
    {
        await TwilioSigner.PostAsync(client, Path, TwilioSigner.Inbound(TwilioSigner.Sid(4), "Oi", to: "whatsapp:+559130000000"));

        var conversation = await ConversationOf(Citizen, "whatsapp:+559130000000");
        Assert.That(conversation!.State, Is.EqualTo(ConversationState.Bot));
        Assert.That(conversation.UnitId, Is.Null);
    }

    [Test]
    public async Task Webhook_KeepsOneConversationPerCourtNumber_ForTheSameCitizen()
    {
        await TwilioSigner.PostAsync(client, Path, TwilioSigner.Inbound(TwilioSigner.Sid(40), "Para Macapá", to: "whatsapp:+559621010210"));
        await TwilioSigner.PostAsync(client, Path, TwilioSigner.Inbound(TwilioSigner.Sid(41), "Para Parauapebas", to: "whatsapp:+559421030131"));

        var macapa = await ConversationOf(Citizen, "whatsapp:+559621010210");
        var parauapebas = await ConversationOf(Citizen, "whatsapp:+559421030131");
        Assert.Multiple(() =>
        {
            Assert.That(macapa!.UnitId, Is.EqualTo("trt8-vt-macapa-7"));
            Assert.That(parauapebas!.UnitId, Is.EqualTo("trt8-vt-parauapebas-4"));
            Assert.That(parauapebas.Id, Is.Not.EqualTo(macapa.Id));
        });
    }

    [Test]
    public async Task Webhook_Accepts_SignatureOverUrlWithExplicitPort()
    {
        var response = await TwilioSigner.PostAsync(client, Path, TwilioSigner.Inbound(TwilioSigner.Sid(5), "Oi"), signUrl: TwilioSigner.PublicBaseUrl + ":443" + Path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Webhook_Accepts_QueryStringAsSent_AndRepeatedParameters()
    {
        var form = TwilioSigner.Inbound(TwilioSigner.Sid(6), "Foto em anexo");
        form.RemoveAll(p => p.Key == "NumMedia");
        form.AddRange([new("NumMedia", "2"), new("MediaUrl0", "https://api.twilio.com/m/1"), new("MediaUrl1", "https://api.twilio.com/m/2"), new("Tag", "b"), new("Tag", "a")]);

        var response = await TwilioSigner.PostAsync(client, Path + "?unit=x&a=%20b", form);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await MessagesOf(Citizen)).Single().MediaUrls, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Webhook_Is403_AndStoresNothing_WhenSignatureIsWrong()
    {
        var response = await TwilioSigner.PostAsync(client, Path, TwilioSigner.Inbound(TwilioSigner.Sid(7), "Oi"), token: "another-token");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await ContactExists(Citizen), Is.False);
    }

    [Test]
    public async Task Webhook_Is403_WhenSignatureCoversAnotherHost()
    {
        var response = await TwilioSigner.PostAsync(client, Path, TwilioSigner.Inbound(TwilioSigner.Sid(8), "Oi"), signUrl: "https://evil.example.com" + Path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Webhook_Is403_WhenSignatureHeaderIsMissingOrEmpty()
    {
        var empty = await TwilioSigner.PostAsync(client, Path, TwilioSigner.Inbound(TwilioSigner.Sid(9), "Oi"), signature: "");
        using var request = new HttpRequestMessage(HttpMethod.Post, Path)
        {
            Content = new FormUrlEncodedContent(TwilioSigner.Inbound(TwilioSigner.Sid(9), "Oi")),
        };
        var missing = await client.SendAsync(request);

        Assert.That(empty.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await ContactExists(Citizen), Is.False);
    }

    [Test]
    public async Task Webhook_Is403_ForUnknownAccountSid()
    {
        var form = TwilioSigner.Inbound(TwilioSigner.Sid(10), "Oi");
        form[form.FindIndex(p => p.Key == "AccountSid")] = new("AccountSid", "AC" + new string('f', 32));

        var response = await TwilioSigner.PostAsync(client, Path, form);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Webhook_Is415_ForJsonOrOtherContentTypes()
    {
        var response = await client.PostAsync(Path, new StringContent("{\"MessageSid\":\"x\"}", Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
    }

    [Test]
    public async Task Webhook_Is413_ForBodyOver64KiB()
    {
        var response = await TwilioSigner.PostAsync(client, Path, TwilioSigner.Inbound(TwilioSigner.Sid(11), new string('a', 70_000)));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(await ContactExists(Citizen), Is.False);
    }

    [TestCase("MessageSid")]
    [TestCase("From")]
    [TestCase("To")]
    public async Task Webhook_Is400_WhenRequiredFieldIsMissing(string field)
    {
        var form = TwilioSigner.Inbound(TwilioSigner.Sid(12), "Oi");
        form.RemoveAll(p => p.Key == field);

        var response = await TwilioSigner.PostAsync(client, Path, form);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await ContactExists(Citizen), Is.False);
    }

    [TestCase("abc")]
    [TestCase("-1")]
    [TestCase("11")]
    public async Task Webhook_Is400_WhenNumMediaIsNotACount(string numMedia)
    {
        var form = TwilioSigner.Inbound(TwilioSigner.Sid(13), "Oi");
        form[form.FindIndex(p => p.Key == "NumMedia")] = new("NumMedia", numMedia);

        var response = await TwilioSigner.PostAsync(client, Path, form);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Webhook_Is400_ForInvalidUtf8_AndKeepsServing()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path)
        {
            Content = new ByteArrayContent(Encoding.ASCII.GetBytes($"MessageSid={TwilioSigner.Sid(14)}&Body=%FF%FE&AccountSid={TwilioSigner.AccountSid}")),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
        request.Headers.Add(TwilioSignature.Header, "irrelevant");

        var bad = await client.SendAsync(request);
        var next = await TwilioSigner.PostAsync(client, Path, TwilioSigner.Inbound(TwilioSigner.Sid(15), "Oi"));

        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(next.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    private async Task<bool> ContactExists(string address)
    {
        var keys = factory.Services.GetRequiredService<RedisKeys>();
        var redis = factory.Services.GetRequiredService<IConnectionMultiplexer>();
        return await redis.GetDatabase().KeyExistsAsync(keys.Contact(factory.ContactIdOf(ContactAddress.FromTwilio(address)!)));
    }

    private async Task<Conversation?> ConversationOf(string address, string courtAddress = "whatsapp:+559621010210")
    {
        var keys = factory.Services.GetRequiredService<RedisKeys>();
        var redis = factory.Services.GetRequiredService<IConnectionMultiplexer>();
        var open = (string?)await redis.GetDatabase().HashGetAsync(keys.Contact(factory.ContactIdOf(ContactAddress.FromTwilio(address)!)), InboundStore.OpenField(courtAddress));
        return open is null ? null : await factory.Services.GetRequiredService<ConversationStore>().GetAsync(open);
    }

    private async Task<IReadOnlyList<Message>> MessagesOf(string address)
    {
        // What the citizen sent (the chatbot's replies join the conversation as it runs).
        var conversation = await ConversationOf(address);
        return conversation is null ? [] : [.. (await factory.Services.GetRequiredService<ConversationStore>().GetMessagesAsync(conversation.Id)).Where(m => m.Direction == MessageDirection.Inbound)];
    }
}
