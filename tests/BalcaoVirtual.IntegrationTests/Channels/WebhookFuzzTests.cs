using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Tests.Fuzz;
using BalcaoVirtual.Web.Features.Channels.Meta;
using BalcaoVirtual.Web.Features.Channels.Twilio;

namespace BalcaoVirtual.IntegrationTests.Channels;

/// <summary>
/// The webhooks over HTTP with mutated bodies that carry valid signatures (what a leaked secret, or a provider's bug,
/// could send): every one gets a clear 2xx or 4xx, never a 5xx, nothing is logged as an unhandled error, and the
/// service goes on taking real messages. The parsers themselves get hundreds of thousands of inputs in the unit tests
/// (BalcaoVirtual.Tests/Fuzz); this proves the doors around them.
/// </summary>
public sealed class WebhookFuzzTests
{
    private const int Inputs = 1500;

    [Test]
    public async Task SignedGarbage_AtBothWebhooks_GetsA4xxOr200_NeverA5xx()
    {
        await using var meta = await FakeMeta.StartAsync();
        await using var twilioApi = await FakeTwilio.StartAsync();
        var settings = new Dictionary<string, string?>(TwilioSigner.Settings)
        {
            ["Twilio:ApiBaseUrl"] = twilioApi.BaseUrl.ToString(),
            // Every refusal must be the parsers' own: the throttle of refused webhooks has a test of its own.
            ["RateLimits:RefusedWebhooksPerMinute"] = "1000000",
        };
        foreach (var (key, value) in meta.Settings())
        {
            settings[key] = value;
        }

        await using var factory = new ApiFactory(settings);
        using var client = factory.CreateClient();
        var twilioSeed = Encoding.ASCII.GetBytes(string.Join('&', TwilioSigner.Inbound(TwilioSigner.Sid(9), "Olá, processo 0001234-56.2024.5.08.0001").Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value))));
        var metaSeed = Encoding.UTF8.GetBytes(FakeMeta.Envelope(FakeMeta.MacapaId, FakeMeta.MacapaDisplay, [FakeMeta.Text("wamid.F1", "Olá 😀")]));
        var statuses = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Inputs; i++)
        {
            var r = new Random(i);
            var twilioBody = Mutator.Bytes(r, [twilioSeed], ["&", "=", "%", "MessageSid=", "From=", "To=", "NumMedia=", "%F0%9F%98", "whatsapp%3A%2B55"]);
            using var twilio = await client.SendAsync(TwilioRequest(twilioBody));
            Count(statuses, "twilio", twilio.StatusCode);
            var metaBody = Mutator.Bytes(r, [metaSeed], ["{", "}", "[", "]", "\"", ":", ",", "null", "\\ud83d", "\"messages\":", "\"from\":", "\"id\":", "1e400"]);
            using var metaResponse = await client.SendAsync(MetaRequest(metaBody));
            Count(statuses, "meta", metaResponse.StatusCode);
        }

        TestContext.Out.WriteLine(string.Join(", ", statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}: {s.Value}")));
        Assert.Multiple(() =>
        {
            Assert.That(statuses.Keys.Where(k => k.EndsWith(" 5xx", StringComparison.Ordinal)), Is.Empty, "no 5xx");
            Assert.That(statuses.Keys.Where(k => k.Contains(" other ", StringComparison.Ordinal)), Is.Empty, "only the statuses the docs list");
            Assert.That(factory.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)), Is.Empty);
        });

        // And it still takes a real message.
        using var real = await TwilioSigner.PostAsync(client, "/webhooks/twilio", TwilioSigner.Inbound(TwilioSigner.Sid(424242), "ainda funciona"));
        Assert.That(real.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    private static void Count(Dictionary<string, int> statuses, string door, HttpStatusCode status)
    {
        var code = (int)status;
        var key = code >= 500 ? $"{door} {code.ToString(CultureInfo.InvariantCulture)} 5xx"
            : code is 200 or 400 or 403 or 413 or 415 ? $"{door} {code.ToString(CultureInfo.InvariantCulture)}"
            : $"{door} other {code.ToString(CultureInfo.InvariantCulture)}";
        statuses[key] = statuses.GetValueOrDefault(key) + 1;
    }

    /// <summary>Signed as Twilio signs: over the parameters the body holds (unsigned when it is not form data).</summary>
    private static HttpRequestMessage TwilioRequest(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/twilio") { Content = content };
        if (FormBody.Parse(body) is { } form)
        {
            request.Headers.Add(TwilioSignature.Header, TwilioSignature.Compute(TwilioSigner.AuthToken, TwilioSigner.PublicBaseUrl + "/webhooks/twilio",
                form.Select(p => new KeyValuePair<string, IReadOnlyList<string>>(p.Key, p.Value))));
        }

        return request;
    }

    private static HttpRequestMessage MetaRequest(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, MetaFeature.WebhookPath) { Content = content };
        request.Headers.Add(MetaSignature.Header, MetaSignature.Compute(FakeMeta.AppSecret, body));
        return request;
    }
}
