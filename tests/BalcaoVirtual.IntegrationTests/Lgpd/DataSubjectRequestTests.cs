using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace BalcaoVirtual.IntegrationTests.Lgpd;

/// <summary>Data subjects' requests: export everything of one person and nothing of another; erase it from the store, reports intact.</summary>
public sealed class DataSubjectRequestTests
{
    private const string Maria = "+5591981112222";
    private const string Joao = "+5591983334444";

    [Test]
    public async Task Export_HoldsEveryMessageOfTheSubjectAndNoneOfAnother_ErasureEmptiesTheStoreOfHer_ReportsAddUp_RequestsAreRecorded()
    {
        await using var bot = await BotHarness.StartAsync();
        await bot.SayAsync("Segredo da Maria: <b>preciso falar com a vara</b> sobre a audiência do meu processo.", from: "whatsapp:" + Maria, to: BotHarness.MacapaNumber);
        await bot.SayAsync("Segredo da Maria por SMS: olá", from: Maria, to: BotHarness.SmsCentral);
        await bot.SayAsync("Texto do João: preciso falar com a vara sobre o alvará.", from: "whatsapp:" + Joao, to: BotHarness.MacapaNumber);
        using var admin = await bot.Factory.AdminClientAsync();
        // Her WhatsApp conversation answered and closed; her rating's comment is her words too.
        var hers = await bot.ConversationAsync("whatsapp:" + Maria, BotHarness.MacapaNumber);
        Assert.That((int)(await admin.PostAsJsonAsync($"/api/conversations/{hers.Id}/messages", new { text = "Foi remarcada." })).StatusCode, Is.EqualTo(202));
        Assert.That((await admin.PostAsync($"/api/conversations/{hers.Id}/close", null)).IsSuccessStatusCode);
        await bot.SayAsync("5 Segredo da Maria no comentário", from: "whatsapp:" + Maria, to: BotHarness.MacapaNumber);
        // She follows a case by SMS: the subscription is hers too.
        bot.DataJud.AddHit("api_publica_trt8", Chatbot.ChatbotTranscriptTests.Macapa.Digits, Chatbot.ChatbotTranscriptTests.Hit);
        Assert.That(await bot.SayAsync($"avisar {Chatbot.ChatbotTranscriptTests.Macapa.Canonical}", from: Maria, to: BotHarness.SmsCentral),
            Has.Some.Contains("Vou avisar por aqui"));
        var smsConversation = await bot.ConversationAsync(Maria, BotHarness.SmsCentral);
        const string ReportPath = "/api/reports/sla?unit=trt8-vt-macapa-7&from=2026-11-01&to=2026-11-30";
        var reportBefore = await admin.GetFromJsonAsync<JsonElement>(ReportPath);
        Assert.That(reportBefore.GetProperty("periods").GetInt32(), Is.EqualTo(2));
        Assert.That(reportBefore.GetProperty("satisfaction").GetProperty("comments").GetArrayLength(), Is.EqualTo(1));

        // Export as JSON: both of her conversations (WhatsApp and SMS), every message, nothing of João's.
        var json = await (await admin.PostAsJsonAsync("/api/privacy/requests/export", new { phone = Maria })).Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(json, Does.Contain("Segredo da Maria: \\u003Cb\\u003Epreciso").Or.Contain("Segredo da Maria: <b>preciso"));
            Assert.That(json, Does.Contain("Segredo da Maria por SMS"));
            Assert.That(json, Does.Contain("Balc\\u00E3o Virtual").Or.Contain("Balcão Virtual"), "the chatbot's replies to her too");
            Assert.That(json, Does.Not.Contain("João").And.Not.Contain("Jo\\u00E3o").And.Not.Contain("3334444"));
        });
        using (var export = JsonDocument.Parse(json))
        {
            Assert.That(export.RootElement.GetProperty("conversations").GetArrayLength(), Is.EqualTo(2));
            Assert.That(export.RootElement.GetProperty("conversations").EnumerateArray().SelectMany(c => c.GetProperty("follows").EnumerateArray())
                .Select(f => f.GetProperty("number").GetString()), Is.EqualTo(new[] { Chatbot.ChatbotTranscriptTests.Macapa.Canonical }), "her subscription, with its record");
            Assert.That(export.RootElement.GetProperty("contacts").EnumerateArray().Select(c => c.GetProperty("channel").GetString()), Is.EquivalentTo(new[] { "whatsApp", "sms" }));
        }

        // As a readable page: escaped, downloadable.
        var page = await admin.PostAsJsonAsync("/api/privacy/requests/export", new { phone = Maria, format = "html" });
        Assert.That(page.Content.Headers.ContentDisposition?.DispositionType, Is.EqualTo("attachment"));
        var html = await page.Content.ReadAsStringAsync();
        Assert.That(html, Does.Contain("Segredo da Maria: &lt;b&gt;preciso").And.Not.Contain("<b>preciso").And.Not.Contain("João"));

        // Bad requests name the field; an erasure must be confirmed.
        Assert.That(await ProblemFieldAsync(admin, "/api/privacy/requests/export", new { }), Is.EqualTo("phone"));
        Assert.That(await ProblemFieldAsync(admin, "/api/privacy/requests/export", new { phone = Maria, email = "m@exemplo.com.br" }), Is.EqualTo("phone"));
        Assert.That(await ProblemFieldAsync(admin, "/api/privacy/requests/export", new { email = "não é e-mail" }), Is.EqualTo("email"));
        Assert.That(await ProblemFieldAsync(admin, "/api/privacy/requests/export", new { phone = Maria, format = "pdf" }), Is.EqualTo("format"));
        Assert.That(await ProblemFieldAsync(admin, "/api/privacy/requests/erasure", new { phone = Maria }), Is.EqualTo("confirm"));

        // Erasure: nothing of her left in the store's keys or values; João untouched; the report adds up as before.
        var erased = await admin.PostAsJsonAsync("/api/privacy/requests/erasure", new { phone = Maria, confirm = true });
        Assert.That(erased.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await erased.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("conversations").GetInt32(), Is.EqualTo(2));
        var store = await DumpStoreAsync(bot);
        Assert.Multiple(() =>
        {
            // (The test harness gives every WhatsApp sender the profile name "Maria", João included: the name is not a secret here.)
            foreach (var secret in new[] { "5591981112222", "91981112222", "Segredo da Maria" })
            {
                Assert.That(store.Where(line => line.Contains(secret, StringComparison.Ordinal)), Is.Empty, $"'{secret}' still in the store");
            }

            Assert.That(store, Has.Some.Contains("Texto do Jo"), "another person's data stays (stored JSON escapes the ã)");
        });
        // The figures add up as before (her rating included); her comment is gone with her.
        var reportAfter = await admin.GetFromJsonAsync<JsonElement>(ReportPath);
        Assert.That(reportAfter.GetProperty("satisfaction").GetProperty("comments").GetArrayLength(), Is.Zero);
        var follows = bot.Factory.Services.GetRequiredService<Web.Features.CaseAlerts.CaseFollows>();
        Assert.That(await follows.AllAsync(smsConversation.Id), Is.Empty, "her subscriptions went with her");
        var keys = bot.Factory.Services.GetRequiredService<RedisKeys>();
        Assert.That(await bot.Factory.Services.GetRequiredService<RedisConnections>().GetDatabase()
            .SetContainsAsync(keys.CaseFollowers(Chatbot.ChatbotTranscriptTests.Macapa.Digits), smsConversation.Id), Is.False);
        Assert.That(WithoutComments(reportAfter), Is.EqualTo(WithoutComments(reportBefore)));

        // Each request recorded: kind, masked subject, who, 15-day deadline, outcome.
        var requests = await admin.GetFromJsonAsync<JsonElement>("/api/privacy/requests");
        var kinds = requests.EnumerateArray().Select(r => r.GetProperty("kind").GetString()).ToList();
        Assert.That(kinds, Is.EqualTo(new[] { "erasure", "export", "export" }));
        var erasure = requests[0];
        Assert.That(erasure.GetProperty("subject").GetString(), Is.EqualTo("(91) *****-2222"));
        Assert.That(erasure.GetProperty("dueAt").GetDateTimeOffset() - erasure.GetProperty("requestedAt").GetDateTimeOffset(), Is.EqualTo(TimeSpan.FromDays(15)));
        Assert.That(erasure.GetProperty("outcome").GetString(), Is.EqualTo("2 conversa(s) anonimizada(s)"));
        Assert.That(erasure.GetProperty("status").GetString(), Is.EqualTo("done"));
    }

    /// <summary>A report's JSON without the satisfaction comments (the citizens' words an erasure removes).</summary>
    private static string WithoutComments(JsonElement report)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(report.GetRawText())!;
        node["satisfaction"]!.AsObject().Remove("comments");
        return node.ToJsonString();
    }

    private static async Task<string?> ProblemFieldAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), path);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return problem.GetProperty("errors").EnumerateObject().First().Name;
    }

    /// <summary>Every key of this test's prefix and every value it holds, one line each.</summary>
    private static async Task<IReadOnlyList<string>> DumpStoreAsync(BotHarness bot)
    {
        var connections = bot.Factory.Services.GetRequiredService<RedisConnections>();
        var db = connections.GetDatabase();
        var server = connections.Primary.GetServers()[0];
        var lines = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: bot.Factory.KeyPrefix + "*", pageSize: 1000))
        {
            var type = await db.KeyTypeAsync(key);
            IEnumerable<string> values = type switch
            {
                RedisType.String => [(string?)await db.StringGetAsync(key) ?? ""],
                RedisType.Hash => (await db.HashGetAllAsync(key)).Select(e => $"{e.Name}={e.Value}"),
                RedisType.List => (await db.ListRangeAsync(key)).Select(v => v.ToString()),
                RedisType.Set => (await db.SetMembersAsync(key)).Select(v => v.ToString()),
                RedisType.SortedSet => (await db.SortedSetRangeByRankAsync(key)).Select(v => v.ToString()),
                _ => [],
            };
            lines.Add(key.ToString());
            lines.AddRange(values.Select(v => key.ToString() + " " + v));
        }

        return lines;
    }
}
