using System.Net;
using System.Threading.RateLimiting;
using BalcaoVirtual.Web.Features.Channels.Twilio;
using BalcaoVirtual.Web.Features.Channels.WhatsApp;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Features.Conversations;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Tests.Features.Channels.Twilio;

/// <summary>
/// The transport through Twilio's SDK against canned wire answers: what it sends, how each answer is read (the codes
/// the outbox acts on), and the per-sender rate, with the token bucket replenished by hand instead of by the clock.
/// </summary>
public sealed class TwilioTransportTests
{
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";

    [TestCase(201, "{\"sid\":\"SM1\",\"status\":\"queued\"}", "Sent")]
    [TestCase(429, "{\"code\":20429,\"message\":\"Too Many Requests\",\"status\":429}", "Retry")]
    [TestCase(429, "{\"code\":null,\"message\":\"no code\",\"status\":429}", "Retry")]
    [TestCase(503, "<html>unavailable</html>", "Retry")]
    [TestCase(502, "", "Retry")]
    [TestCase(400, "{\"code\":21211,\"message\":\"Invalid To\",\"status\":400}", "Failed:21211")]
    [TestCase(400, "{\"code\":63016,\"message\":\"outside window\",\"status\":400}", "Failed:63016")]
    [TestCase(400, "{\"code\":21610,\"message\":\"unsubscribed\",\"status\":400}", "Failed:21610")]
    [TestCase(401, "{\"code\":20003,\"message\":\"Authenticate\",\"status\":401}", "Failed:20003")]
    [TestCase(404, "<html>not found</html>", "Failed:404")]
    public async Task SendAsync_ReadsEachOfTwiliosAnswers(int status, string body, string expected)
    {
        using var transport = Transport(new CannedHandler((HttpStatusCode)status, body));

        var outcome = await transport.SendAsync(Conversation("whatsapp:+559621010210"), Message("1"), CancellationToken.None);

        Assert.That(outcome switch
        {
            SendOutcome.Sent sent => sent.ProviderId == "SM1" && sent.Status == "queued" ? "Sent" : $"Sent {sent}",
            SendOutcome.Failed failed => "Failed:" + failed.ErrorCode,
            _ => outcome.GetType().Name,
        }, Is.EqualTo(expected));
    }

    [Test]
    public async Task SendAsync_KeepsTwiliosRetryAfter_ForTheOutbox()
    {
        var handler = new CannedHandler(HttpStatusCode.TooManyRequests, "{\"code\":20429,\"message\":\"Too Many Requests\",\"status\":429}", TimeSpan.FromSeconds(90));
        using var transport = Transport(handler);

        var outcome = await transport.SendAsync(Conversation("whatsapp:+559621010210"), Message("1"), CancellationToken.None);

        Assert.That(outcome, Is.EqualTo(new SendOutcome.Retry("HTTP 429, code 20429", TimeSpan.FromSeconds(90))));
    }

    [Test]
    public async Task SendAsync_PostsTheMessagesApiForm_ToTheConfiguredOrigin_WithBasicAuth()
    {
        var handler = new CannedHandler(HttpStatusCode.Created, "{\"sid\":\"SM1\",\"status\":\"queued\"}");
        using var transport = Transport(handler);
        var message = Message("1") with { MediaUrls = ["https://balcao.trt8.jus.br/m/a%20b.pdf", "http://insecure/x.png"] };

        await transport.SendAsync(Conversation("whatsapp:+559621010210"), message, CancellationToken.None);

        var (uri, authorization, form) = handler.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(uri, Is.EqualTo($"http://twilio.invalid/2010-04-01/Accounts/{AccountSid}/Messages.json"));
            Assert.That(authorization, Is.EqualTo("Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(AccountSid + ":t"))));
            Assert.That(form["To"], Is.EqualTo(new[] { "whatsapp:+5591981234567" }));
            Assert.That(form["From"], Is.EqualTo(new[] { "whatsapp:+559621010210" }));
            Assert.That(form["Body"], Is.EqualTo(new[] { "Resposta" }));
            Assert.That(form["MediaUrl"], Is.EqualTo(new[] { "https://balcao.trt8.jus.br/m/a%20b.pdf" }), "only https links, as written");
            Assert.That(form["StatusCallback"], Is.EqualTo(new[] { "https://balcao.trt8.jus.br/webhooks/twilio/status" }));
        });
    }

    [Test]
    public async Task SendAsync_IsRetry_WhenTwilioCannotBeReached()
    {
        using var transport = Transport(new CannedHandler(new HttpRequestException(HttpRequestError.ConnectionError, "refused")));

        var outcome = await transport.SendAsync(Conversation("whatsapp:+559621010210"), Message("1"), CancellationToken.None);

        Assert.That(outcome, Is.EqualTo(new SendOutcome.Retry("connection failed (ConnectionError)")));
    }

    [Test]
    public async Task SendAsync_HoldsTheSecondMessageOfASender_UntilTheBucketRefills_ButNotOtherSenders()
    {
        var handler = new CountingHandler();
        var buckets = new List<TokenBucketRateLimiter>();
        using var transport = new TwilioTransport(new HttpClient(handler), Settings(), Options.Create(new WhatsAppOptions()), new UnitCatalog([], []))
        {
            LimiterFactory = perSecond =>
            {
                var bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
                {
                    TokenLimit = perSecond, TokensPerPeriod = perSecond, ReplenishmentPeriod = TimeSpan.FromTicks(1), // refills only when the test says
                    QueueLimit = 100, QueueProcessingOrder = QueueProcessingOrder.OldestFirst, AutoReplenishment = false,
                });
                buckets.Add(bucket);
                return bucket;
            },
        };

        var first = await transport.SendAsync(Conversation("whatsapp:+559621010210"), Message("1"), CancellationToken.None);
        var second = transport.SendAsync(Conversation("whatsapp:+559621010210"), Message("2"), CancellationToken.None);
        var otherSender = await transport.SendAsync(Conversation("whatsapp:+559421030131"), Message("3"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.TypeOf<SendOutcome.Sent>());
            Assert.That(otherSender, Is.TypeOf<SendOutcome.Sent>(), "another number has its own bucket");
            Assert.That(second.IsCompleted, Is.False, "no token left for this sender until the bucket refills");
            Assert.That(handler.Count, Is.EqualTo(2));
        });

        buckets[0].TryReplenish();
        Assert.That(await second.WaitAsync(TimeSpan.FromSeconds(10)), Is.TypeOf<SendOutcome.Sent>());
        Assert.That(handler.Count, Is.EqualTo(3));
    }

    private static IOptions<TwilioOptions> Settings() => Options.Create(new TwilioOptions
    {
        AccountSid = AccountSid,
        AuthToken = "t",
        PublicBaseUrl = new Uri("https://balcao.trt8.jus.br"),
        ApiBaseUrl = new Uri("http://twilio.invalid"),
        WhatsAppMessagesPerSecond = 1,
    });

    private static TwilioTransport Transport(HttpMessageHandler handler) =>
        new(new HttpClient(handler), Settings(), Options.Create(new WhatsAppOptions()), new UnitCatalog([], []));

    private static Conversation Conversation(string from) => new()
    {
        Id = "c-1",
        Channel = Channel.WhatsApp,
        ContactAddress = "whatsapp:+5591981234567",
        ChannelAddress = from,
    };

    private static Message Message(string id) => new()
    {
        Id = id,
        Direction = MessageDirection.Outbound,
        Channel = Channel.WhatsApp,
        Author = MessageAuthor.Clerk,
        Text = "Resposta",
    };

    private sealed class CountingHandler : HttpMessageHandler
    {
        private int count;

        public int Count => Volatile.Read(ref count);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref count);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Created)
            {
                Content = new StringContent($"{{\"sid\":\"SM{n}\",\"status\":\"queued\"}}"),
            });
        }
    }

    private sealed class CannedHandler : HttpMessageHandler
    {
        private readonly HttpStatusCode status;
        private readonly string body = "";
        private readonly TimeSpan? retryAfter;
        private readonly Exception? failure;

        public CannedHandler(HttpStatusCode status, string body, TimeSpan? retryAfter = null) => (this.status, this.body, this.retryAfter) = (status, body, retryAfter);

        public CannedHandler(Exception failure) => this.failure = failure;

        public List<(string Uri, string? Authorization, Dictionary<string, string[]> Form)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var form = System.Web.HttpUtility.ParseQueryString(await request.Content!.ReadAsStringAsync(cancellationToken));
            Requests.Add((request.RequestUri!.ToString(), request.Headers.Authorization?.ToString(),
                form.AllKeys.OfType<string>().ToDictionary(k => k, k => form.GetValues(k)!)));
            if (failure is not null)
            {
                throw failure;
            }

            var response = new HttpResponseMessage(status) { Content = new StringContent(body) };
            response.Headers.RetryAfter = retryAfter is { } after ? new System.Net.Http.Headers.RetryConditionHeaderValue(after) : null;
            return response;
        }
    }
}
