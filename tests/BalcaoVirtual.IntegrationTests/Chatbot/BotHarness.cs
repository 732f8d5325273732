using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Chatbot;

/// <summary>
/// The whole service with the fake Twilio and the fake DataJud: a citizen writes through a signed webhook, the turn runs
/// off the request path, and the replies are read where they arrive, at the fake Twilio.
/// </summary>
internal sealed class BotHarness : IAsyncDisposable
{
    public const string Citizen = "whatsapp:+5591981234567";
    public const string SmsCitizen = "+5591981234567";
    public const string Central = "whatsapp:+559130000000";
    public const string SmsCentral = "+559130000000";
    public const string MacapaNumber = "whatsapp:+559621010210";
    public const string SantaremNumber = "whatsapp:+559330640109";

    private int seen;
    private int sids = Random.Shared.Next(1 << 20);

    private readonly IDictionary<string, string?>? extra;
    private readonly bool realTime;

    private BotHarness(FakeTwilio twilio, FakeDataJud dataJud, ApiFactory factory, IDictionary<string, string?>? extra, bool realTime, bool kestrel = false)
    {
        this.extra = extra;
        this.realTime = realTime;
        if (kestrel)
        {
            factory.UseKestrel(0); // a real loopback port, for a browser
            factory.StartServer();
        }

        Twilio = twilio;
        DataJud = dataJud;
        Factory = factory;
        Service = factory.CreateClient();
    }

    public FakeTwilio Twilio { get; }

    public FakeDataJud DataJud { get; }

    public ApiFactory Factory { get; private set; }

    public HttpClient Service { get; private set; }

    public ConversationStore Conversations => Factory.Services.GetRequiredService<ConversationStore>();

    /// <param name="extra">Settings on top of the harness's own.</param>
    /// <param name="realTime">The system clock (for Hangfire-run jobs) instead of the fake one.</param>
    /// <param name="kestrel">Serve on a real loopback port (see <see cref="BaseUrl"/>), for a browser.</param>
    /// <param name="keyPrefix">A store already written under this prefix, instead of a new one.</param>
    /// <param name="services">Changes to the service's registrations (see <see cref="ApiFactory.TestServices"/>).</param>
    public static async Task<BotHarness> StartAsync(
        IDictionary<string, string?>? extra = null, bool realTime = false, bool kestrel = false, string? keyPrefix = null, Action<IServiceCollection>? services = null)
    {
        var twilio = await FakeTwilio.StartAsync();
        var dataJud = await FakeDataJud.StartAsync();
        return new BotHarness(twilio, dataJud, new ApiFactory(Settings(twilio, dataJud, extra), keyPrefix, realTime) { TestServices = services }, extra, realTime, kestrel);
    }

    /// <summary>The service's address when started with kestrel.</summary>
    public string BaseUrl => Factory.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
        .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

    /// <summary>Another node of the same service: same store and key prefix, same fakes, its own host and background jobs.</summary>
    public ApiFactory SecondNode() => new(Settings(Twilio, DataJud, extra), Factory.KeyPrefix, realTime);

    private static Dictionary<string, string?> Settings(FakeTwilio twilio, FakeDataJud dataJud, IDictionary<string, string?>? extra = null)
    {
        var settings = TwilioSigner.Settings;
        settings["Twilio:ApiBaseUrl"] = twilio.BaseUrl.ToString();
        settings["DataJud:BaseUrl"] = dataJud.BaseUrl.ToString();
        settings["DataJud:ApiKey"] = FakeDataJud.ApiKey;
        settings["DataJud:Timeout"] = "00:00:10"; // a first request on a busy machine (two fixtures at a time) is slow
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>Stops the service and starts a new one on the same store and clock: what a restart keeps.</summary>
    public async Task RestartAsync()
    {
        var time = Factory.Time.GetUtcNow();
        Service.Dispose();
        await Factory.DisposeAsync();
        Factory = new ApiFactory(Settings(Twilio, DataJud, extra), Factory.KeyPrefix, realTime);
        Factory.Time.SetUtcNow(time);
        Service = Factory.CreateClient();
    }

    /// <summary>Sends one message and returns the bot's replies to it (none while a unit has the conversation).</summary>
    public async Task<IReadOnlyList<string>> SayAsync(string text, string from = Citizen, string to = Central, params (string Url, string Type)[] media)
    {
        var sid = await PostAsync(text, from, to, media);
        await WaitProcessedAsync(sid, from, to);
        return await RepliesAsync();
    }

    /// <summary>Posts the webhook only (200 asserted); the turn runs later.</summary>
    public async Task<string> PostAsync(string text, string from = Citizen, string to = Central, params (string Url, string Type)[] media)
    {
        var sid = TwilioSigner.Sid(Interlocked.Increment(ref sids));
        var form = TwilioSigner.Inbound(sid, text, from, to);
        if (!from.StartsWith("whatsapp:", StringComparison.Ordinal))
        {
            form.RemoveAll(p => p.Key is "ProfileName" or "WaId");
        }

        form.RemoveAll(p => p.Key == "NumMedia");
        form.Add(new("NumMedia", media.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        for (var i = 0; i < media.Length; i++)
        {
            form.Add(new($"MediaUrl{i}", media[i].Url));
            form.Add(new($"MediaContentType{i}", media[i].Type));
        }

        var response = await TwilioSigner.PostAsync(Service, "/webhooks/twilio", form);
        Assert.That((int)response.StatusCode, Is.EqualTo(200), await response.Content.ReadAsStringAsync());
        return sid;
    }

    /// <summary>Waits until the message with this provider id was processed and everything queued was sent.</summary>
    public async Task WaitProcessedAsync(string sid, string from = Citizen, string to = Central)
    {
        var keys = Factory.Services.GetRequiredService<RedisKeys>();
        var db = Factory.Services.GetRequiredService<RedisConnections>().GetDatabase();
        var contact = ContactAddress.FromTwilio(from)!;
        await TestServers.WaitUntilAsync(async () =>
        {
            var conversationId = (string?)await db.HashGetAsync(keys.Contact(Factory.ContactIdOf(contact)), InboundStore.OpenField(to));
            if (conversationId is null)
            {
                return false;
            }

            var message = (await Conversations.GetMessagesAsync(conversationId)).FirstOrDefault(m => m.ProviderId == sid);
            return message is not null && await db.KeyExistsAsync(keys.MessageProcessed(conversationId, message.Id));
        }, TimeSpan.FromSeconds(20), "the bot to process the message");
        var outbox = Factory.Services.GetRequiredService<Outbox>();
        await TestServers.WaitUntilAsync(async () => await outbox.PendingAsync() == 0, TimeSpan.FromSeconds(20), "the replies to be sent");
    }

    /// <summary>The texts the fake Twilio received since the last call, in order.</summary>
    public Task<IReadOnlyList<string>> RepliesAsync()
    {
        var all = Twilio.Requests.ToList();
        var fresh = all.Skip(seen).Select(r => r.Body).ToList();
        seen = all.Count;
        return Task.FromResult<IReadOnlyList<string>>(fresh);
    }

    public async Task<Conversation> ConversationAsync(string from = Citizen, string to = Central)
    {
        var keys = Factory.Services.GetRequiredService<RedisKeys>();
        var db = Factory.Services.GetRequiredService<RedisConnections>().GetDatabase();
        var id = (string?)await db.HashGetAsync(keys.Contact(Factory.ContactIdOf(ContactAddress.FromTwilio(from)!)), InboundStore.OpenField(to));
        return (await Conversations.GetAsync(id!))!;
    }

    public async ValueTask DisposeAsync()
    {
        Service.Dispose();
        await Factory.DisposeAsync();
        await DataJud.DisposeAsync();
        await Twilio.DisposeAsync();
    }
}
