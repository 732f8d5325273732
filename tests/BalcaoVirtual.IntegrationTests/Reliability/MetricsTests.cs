using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Infrastructure.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Reliability;

/// <summary>/metrics in Prometheus' format: messages in and out per channel, send failures by code, queue and SLA gauges.</summary>
// Alone: a process has one set of meters, so a service started beside it by another fixture would add to its counts.
[NonParallelizable]
public sealed class MetricsTests
{
    [Test]
    public async Task Metrics_CountMessagesFailuresAndGauges_InPrometheusFormat()
    {
        await using var bot = await BotHarness.StartAsync();
        await bot.SayAsync("Preciso falar com a vara: minha audiência foi remarcada?", to: BotHarness.MacapaNumber);
        bot.Twilio.Respond((400, 21211));
        await bot.SayAsync("Oi", from: "whatsapp:+5591981117777", to: BotHarness.Central);
        await bot.Factory.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<MetricsSampler>().Single().SampleAsync();

        var text = "";
        await TestServers.WaitUntilAsync(async () =>
        {
            text = await bot.Service.GetStringAsync("/metrics");
            return text.Contains("balcao_send_failures_total", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(20), "the failure to show in /metrics");
        Assert.Multiple(() =>
        {
            Assert.That(Value(text, "balcao_messages_in_total{", "channel=\"whatsApp\""), Is.EqualTo(2));
            Assert.That(Value(text, "balcao_messages_out_total{", "channel=\"whatsApp\""), Is.GreaterThanOrEqualTo(1));
            Assert.That(Value(text, "balcao_send_failures_total{", "channel=\"whatsApp\",code=\"21211\""), Is.EqualTo(1));
            Assert.That(Value(text, "balcao_sla_waiting{", ""), Is.EqualTo(1), "the Macapá conversation waits");
            Assert.That(text, Does.Contain("balcao_outbox_pending").And.Contain("balcao_sla_overdue").And.Contain("http_server_request_duration_seconds"));
            Assert.That(text, Does.Not.Contain("5591981234567").And.Not.Contain("Preciso"), "no person in the metrics");
        });
    }

    [TestCase("/metrics")]
    [TestCase("/METRICS")]
    [TestCase("/metrics/")]
    public async Task Metrics_AreRefused_ToAnythingThatCameThroughAProxy(string path)
    {
        // Over a real socket, as behind nginx on this machine: the connection comes from 127.0.0.1.
        await using var factory = new ApiFactory();
        factory.UseKestrel(0);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address) };
        using var forwarded = new HttpRequestMessage(HttpMethod.Get, path);
        forwarded.Headers.Add("X-Forwarded-For", "10.1.2.3");

        Assert.That((await client.GetAsync(path)).StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK), "the scraper, directly");
        Assert.That((await client.SendAsync(forwarded)).StatusCode, Is.EqualTo(System.Net.HttpStatusCode.NotFound), "a visitor at a private address, through the proxy");
    }

    /// <summary>The value of the first sample of <paramref name="series"/> whose labels hold <paramref name="labels"/>.</summary>
    private static double Value(string text, string series, string labels)
    {
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(series, StringComparison.Ordinal) && l.Contains(labels, StringComparison.Ordinal))
            ?? throw new AssertionException($"no '{series}' with '{labels}' in:\n{text}");
        return double.Parse(line.Split(' ')[^1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
