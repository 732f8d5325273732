using System.Net;
using System.Threading.RateLimiting;
using BalcaoVirtual.Web.Features.Channels.Twilio;
using BalcaoVirtual.Web.Features.Channels.WhatsApp;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Features.Conversations;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Tests.Features.Channels.Twilio;

/// <summary>The per-sender rate, with the token bucket replenished by hand instead of by the clock.</summary>
public sealed class TwilioTransportRateTests
{
    [Test]
    public async Task SendAsync_HoldsTheSecondMessageOfASender_UntilTheBucketRefills_ButNotOtherSenders()
    {
        var handler = new CountingHandler();
        var buckets = new List<TokenBucketRateLimiter>();
        using var transport = new TwilioTransport(new HttpClient(handler), Options.Create(new TwilioOptions
        {
            AccountSid = "AC0123456789abcdef0123456789abcdef",
            AuthToken = "t",
            PublicBaseUrl = new Uri("https://balcao.trt8.jus.br"),
            ApiBaseUrl = new Uri("http://twilio.invalid"),
            WhatsAppMessagesPerSecond = 1,
        }), Options.Create(new WhatsAppOptions()), new UnitCatalog([], []))
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
}
