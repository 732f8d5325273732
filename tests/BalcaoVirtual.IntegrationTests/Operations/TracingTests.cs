using System.Collections.Concurrent;
using System.Text;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BalcaoVirtual.IntegrationTests.Operations;

/// <summary>
/// Traces go to an OpenTelemetry collector over OTLP/HTTP when Telemetry:OtlpEndpoint names one: a citizen's message
/// shows as the webhook's request span with the service's own spans (stored, bot turn, send), and no span carries the
/// citizen's number or words. The collector here is a loopback listener that keeps what it is sent (OTLP protobuf, in
/// which names and string values travel as plain UTF-8).
/// </summary>
// Alone: a tracer listens to every service in the process, so spans of another fixture's service would reach its collector.
[NonParallelizable]
public sealed class TracingTests
{
    [Test]
    public async Task AMessage_IsTraced_ToTheCollector_WithoutTheCitizensNumberOrWords()
    {
        var exports = new ConcurrentQueue<(string ContentType, byte[] Body)>();
        var collector = LoopbackApp.Create();
        collector.MapPost("/v1/traces", async (HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            exports.Enqueue((http.Request.ContentType ?? "", body.ToArray()));
            return Results.Ok();
        });
        var collectorUrl = await LoopbackApp.StartAsync(collector);
        await using var _ = collector;
        await using var bot = await BotHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Telemetry:OtlpEndpoint"] = collectorUrl.ToString(),
            ["Telemetry:ServiceName"] = "balcao-trt8-teste",
        });

        var replies = await bot.SayAsync("Quero saber do processo, meu nome é Joaquina");
        Assert.That(replies, Is.Not.Empty);

        string All() => string.Join("\n", exports.Select(e => Encoding.UTF8.GetString(e.Body)));
        await TestServers.WaitUntilAsync(
            () => Task.FromResult(new[] { "inbound.store", "bot.turn", "outbound.send", "POST" }.All(All().Contains)),
            TimeSpan.FromSeconds(60), "the spans to reach the collector", () => $"{exports.Count} exports so far");
        var exported = All();
        Assert.Multiple(() =>
        {
            Assert.That(exports.Select(e => e.ContentType).Distinct(), Is.EqualTo(new[] { "application/x-protobuf" }));
            Assert.That(exported, Does.Contain("balcao-trt8-teste"), "service.name");
            Assert.That(exported, Does.Contain("balcao.conversation_id"));
            Assert.That(exported, Does.Not.Contain("5591981234567").And.Not.Contain("Joaquina"), "no number, no words of the citizen");
        });
    }
}
