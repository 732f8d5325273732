using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Sla;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Sla;

/// <summary>
/// The SLA on the fake clock (the Hangfire server off; checks run as the sweep runs them): the minute before, at and
/// after each point on two nodes at once, transfers, reports and the dashboard's door.
/// Monday 23/11/2026 09:00 in Belém; Macapá's window is 48 h around the clock, warnings 12 h and 2 h before.
/// </summary>
public sealed class SlaApiTests
{
    private const string Question = "Minha audiência foi remarcada?";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private BotHarness bot = null!;

    [SetUp]
    public async Task Start() => bot = await BotHarness.StartAsync(TestServers.SmtpSettings());

    [TearDown]
    public async Task Stop() => await bot.DisposeAsync();

    private async Task<Conversation> HandOffAsync(string from = BotHarness.Citizen, string to = BotHarness.MacapaNumber)
    {
        await bot.SayAsync(Question, from, to);
        var conversation = await bot.ConversationAsync(from, to);
        Assert.That(conversation.State, Is.EqualTo(ConversationState.Waiting));
        return conversation;
    }

    [Test]
    public async Task Checks_BeforeAtAndAfterEachPoint_OnTwoNodesAtOnce_WriteEachEventOnce()
    {
        await using var second = bot.SecondNode();
        var conversation = await HandOffAsync();
        var due = conversation.DueAt!.Value;
        Assert.That(due, Is.EqualTo(bot.Factory.Time.GetUtcNow().AddHours(48)));
        var store = bot.Factory.Services.GetRequiredService<SlaStore>();
        var nodes = new[] { bot.Factory, second };

        async Task<string[]> SweepAt(DateTimeOffset at)
        {
            foreach (var node in nodes)
            {
                node.Time.SetUtcNow(at);
            }

            await Task.WhenAll(nodes.Select(n => n.Services.GetRequiredService<SlaJobs>().SweepAsync()));
            return [.. (await store.EventsAsync(conversation.Id)).Select(e => e.Key)];
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await SweepAt(due.AddHours(-12).AddMinutes(-1)), Is.Empty, "a minute before the first warning");
            Assert.That(await SweepAt(due.AddHours(-12)), Is.EqualTo(new[] { "warning-1" }), "at the first warning");
            Assert.That(await SweepAt(due.AddHours(-2).AddMinutes(-1)), Is.EqualTo(new[] { "warning-1" }));
            Assert.That(await SweepAt(due.AddHours(-2)), Is.EqualTo(new[] { "warning-1", "warning-2" }));
            Assert.That(await SweepAt(due.AddMinutes(-1)), Is.EqualTo(new[] { "warning-1", "warning-2" }), "a minute before the due time");
            Assert.That(await SweepAt(due), Is.EqualTo(new[] { "warning-1", "warning-2", "breach" }), "at the due time");
            Assert.That(await SweepAt(due.AddMinutes(1)), Is.EqualTo(new[] { "warning-1", "warning-2", "breach" }), "a minute after: nothing new");
        });

        // Two deliveries of the breach at once (a retried job and the sweep's): the manager gets one e-mail.
        await Task.WhenAll(nodes.Select(n => n.Services.GetRequiredService<SlaJobs>().DeliverAsync(conversation.Id, 1, "breach", CancellationToken.None)));
        await Task.WhenAll(nodes.Select(n => n.Services.GetRequiredService<SlaJobs>().DeliverAsync(conversation.Id, 1, "breach", CancellationToken.None)));
        var link = $"/inbox/conversations/{conversation.Id}";
        Assert.That(SlaSupport.Mail(link).Count(m => m.To.Mailboxes.Single().Address == SlaSupport.MacapaManagerEmail), Is.EqualTo(1));
    }

    [Test]
    public async Task Transfer_EndsThePeriod_StartsTheNewUnitsOwn_AndRecordsWhoWhyAndWhen()
    {
        var conversation = await HandOffAsync();
        using var macapaClerk = await bot.Factory.ClientForNewUserAsync("clerk.macapa@trt8.jus.br", clerkOf: [SlaSupport.Macapa]);
        bot.Factory.Time.Advance(TimeSpan.FromHours(1));

        var refused = await macapaClerk.PostAsJsonAsync($"/api/conversations/{conversation.Id}/transfer", new { unitId = "", reason = "" });
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("errors").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "unitId", "reason" }));
        var same = await macapaClerk.PostAsJsonAsync($"/api/conversations/{conversation.Id}/transfer", new { unitId = SlaSupport.Macapa, reason = "teste" });
        Assert.That(same.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var missing = await macapaClerk.PostAsJsonAsync("/api/conversations/nao-existe/transfer", new { unitId = "trt8-vt-belem-1", reason = "teste" });
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        var moved = await macapaClerk.PostAsJsonAsync($"/api/conversations/{conversation.Id}/transfer",
            new { unitId = "trt8-vt-belem-1", reason = "O processo tramita na 1ª VT de Belém." });
        Assert.That(moved.StatusCode, Is.EqualTo(HttpStatusCode.OK), await moved.Content.ReadAsStringAsync());

        using var admin = await bot.Factory.AdminClientAsync();
        var sla = await admin.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversation.Id}/sla");
        var periods = sla.GetProperty("periods").Deserialize<List<WaitingPeriod>>(Json)!;
        var thread = await admin.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversation.Id}");
        var messages = thread.GetProperty("messages").EnumerateArray().ToList();
        var note = messages.Last(m => m.GetProperty("direction").GetString() == "internal");
        var told = messages.Last();
        Assert.Multiple(() =>
        {
            Assert.That(periods.Select(p => (p.Seq, p.UnitId, p.Outcome)), Is.EqualTo(new[]
            {
                (1, SlaSupport.Macapa, PeriodOutcome.Transferred), (2, "trt8-vt-belem-1", PeriodOutcome.Open),
            }));
            Assert.That((periods[0].TransferredTo, periods[0].TransferReason), Is.EqualTo(("trt8-vt-belem-1", "O processo tramita na 1ª VT de Belém.")));
            Assert.That(periods[1].TransferredFrom, Is.EqualTo(SlaSupport.Macapa));
            // Belém counts 24 h of desk time (08:00–13:00): from Monday 10:00, 3 + 4 × 5 h to Friday's close, 1 h more on Monday 30/11.
            Assert.That(periods[1].DueAt, Is.EqualTo(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero)));
            Assert.That((told.GetProperty("direction").GetString(), told.GetProperty("text").GetString()), Is.EqualTo(("outbound",
                "Sua conversa foi passada para a 1ª Vara do Trabalho de Belém, que vai responder por aqui até segunda-feira, 30/11, às 13h.")),
                "the citizen is told where it went and until when (Belém's desk closes at 13h), never why");
            Assert.That(note.GetProperty("text").GetString(), Is.EqualTo(
                "Conversa transferida da 7ª Vara do Trabalho de Macapá para a 1ª Vara do Trabalho de Belém. Motivo: O processo tramita na 1ª VT de Belém."));
        });

        // Now it is Belém's: Macapá's clerk no longer sees or moves it.
        Assert.That((await macapaClerk.GetAsync($"/api/conversations/{conversation.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var again = await macapaClerk.PostAsJsonAsync($"/api/conversations/{conversation.Id}/transfer", new { unitId = SlaSupport.Macapa, reason = "volta" });
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(bot.Twilio.Requests.Count(r => r.Body.Contains("transferida", StringComparison.OrdinalIgnoreCase)), Is.Zero, "the note is never sent");
    }

    [Test]
    public async Task Report_CountsMetBreachedAndOverdue_AsJsonCsvAndPage()
    {
        var clerk = await bot.Factory.ClientForNewUserAsync("clerk.report@trt8.jus.br", clerkOf: [SlaSupport.Macapa]);
        var onTime = await HandOffAsync("whatsapp:+5591981110001");
        var late = await HandOffAsync("whatsapp:+5591981110002");
        var unanswered = await HandOffAsync("whatsapp:+5591981110003"); // never answered
        // While it waits, that citizen writes of the scam's demand: warned, and the conversation flagged for the report.
        Assert.That(await bot.SayAsync("o advogado pediu um pix pra liberar o alvara", "whatsapp:+5591981110003", BotHarness.MacapaNumber),
            Is.EqualTo(new[] { Chatbot.ChatbotTranscriptTests.PaymentWarning }));
        await HandOffAsync("whatsapp:+5591981110004", "whatsapp:+559140080001"); // Belém: not in Macapá's report
        var store = bot.Factory.Services.GetRequiredService<SlaStore>();

        async Task ReplyAsync(Conversation c)
        {
            var sent = await clerk.PostAsJsonAsync($"/api/conversations/{c.Id}/messages", new { text = "Respondido." });
            Assert.That((int)sent.StatusCode, Is.EqualTo(202), await sent.Content.ReadAsStringAsync());
            await TestServers.WaitUntilAsync(async () => !(await store.GetAsync(c.Id, 1))!.Period.IsOpen, TimeSpan.FromSeconds(20), "the answer to end the period");
        }

        bot.Factory.Time.Advance(TimeSpan.FromHours(3));
        await ReplyAsync(onTime);
        bot.Factory.Time.Advance(TimeSpan.FromHours(50));
        clerk.Dispose();
        clerk = await bot.Factory.ClientAsAsync("clerk.report@trt8.jus.br", "senha-forte-do-servidor"); // the session expired meanwhile
        await ReplyAsync(late);

        // Labels: counted per conversation (as they bear them now), and named in each CSV line.
        string alvara, hearing;
        using (var admin = await bot.Factory.AdminClientAsync())
        {
            async Task<string> Label(string name) =>
                (await (await admin.PostAsJsonAsync($"/api/units/{SlaSupport.Macapa}/labels", new { name })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            (alvara, hearing) = (await Label("Alvará"), await Label("Audiência"));
        }

        Assert.That((await clerk.PutAsJsonAsync($"/api/conversations/{onTime.Id}/labels", new { labels = new[] { alvara } })).IsSuccessStatusCode);
        Assert.That((await clerk.PutAsJsonAsync($"/api/conversations/{late.Id}/labels", new { labels = new[] { alvara, hearing } })).IsSuccessStatusCode);

        var report = await clerk.GetFromJsonAsync<JsonElement>($"/api/reports/sla?unit={SlaSupport.Macapa}&from=2026-11-01&to=2026-11-30");
        Assert.Multiple(() =>
        {
            Assert.That(report.GetProperty("periods").GetInt32(), Is.EqualTo(3));
            Assert.That(report.GetProperty("met").GetInt32(), Is.EqualTo(1));
            Assert.That(report.GetProperty("breached").GetInt32(), Is.EqualTo(1));
            Assert.That(report.GetProperty("overdue").GetInt32(), Is.EqualTo(1));
            Assert.That(report.GetProperty("hitRate").GetDouble(), Is.EqualTo(1.0 / 3).Within(1e-9));
            Assert.That(report.GetProperty("byChannel").GetProperty("whatsapp").GetInt32(), Is.EqualTo(3));
            Assert.That(report.GetProperty("medianFirstAnswerMinutes").GetDouble(), Is.EqualTo(180));
            Assert.That(report.GetProperty("p90FirstAnswerMinutes").GetDouble(), Is.EqualTo(53 * 60));
            Assert.That(report.GetProperty("days").EnumerateArray().Count(), Is.EqualTo(30));
            Assert.That(report.GetProperty("byLabel").EnumerateArray().Select(l => (l.GetProperty("name").GetString(), l.GetProperty("conversations").GetInt32())),
                Is.EqualTo(new[] { ("Alvará", 2), ("Audiência", 1) }));
            Assert.That(report.GetProperty("paymentWarnings").GetInt32(), Is.EqualTo(1), "one of Macapá's conversations flagged this month");
        });

        var csv = await clerk.GetStringAsync($"/api/reports/sla?unit={SlaSupport.Macapa}&from=2026-11-01&to=2026-11-30&format=csv");
        var lines = csv.TrimEnd().Split("\r\n");
        Assert.That(lines[0], Does.StartWith("conversation,period,channel,started,due,ended,outcome"));
        Assert.That(lines.Skip(1).Select(l => l.Split(',')[6]), Is.EquivalentTo(new[] { "met", "breached", "open" }));
        Assert.That(csv, Does.Not.Contain("5591981110001"), "no phone numbers in the export");
        Assert.That(lines[0], Does.EndWith(",labels,payment_warning,satisfaction"));
        Assert.That(lines.Single(l => l.StartsWith(late.Id, StringComparison.Ordinal)).Split(',')[^3].Split("; "), Is.EquivalentTo(new[] { "Alvará", "Audiência" }));
        Assert.That(lines.Skip(1).Select(l => (l.Split(',')[0], l.Split(',')[^2])),
            Is.EquivalentTo(new[] { (onTime.Id, ""), (late.Id, ""), (unanswered.Id, "yes") }));

        var page = await clerk.GetAsync($"/reports/sla/{SlaSupport.Macapa}/2026-11");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(page.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
            Assert.That(page.Headers.GetValues("Content-Security-Policy").Single(), Does.StartWith("default-src 'none'"));
            Assert.That(html, Does.Contain("Prazos da 7ª Vara do Trabalho de Macapá: novembro de 2026"));
            Assert.That(html, Does.Contain("33%").And.Contain("<svg").And.Contain("format=csv").And.Not.Contain("<script"));
            Assert.That(html, Does.Contain("Conversas por etiqueta: Alvará: 2 · Audiência: 1"));
            Assert.That(html, Does.Contain("Pedidos de pagamento (possível golpe)<b>1</b>"));
        });

        // Flagged again in December: November's report still counts it (each day's flag is kept, not only the last).
        bot.Factory.Time.Advance(TimeSpan.FromDays(8));
        await bot.SayAsync("pediram outra taxa pra liberar o alvara", "whatsapp:+5591981110003", BotHarness.MacapaNumber);
        Assert.That((await bot.ConversationAsync("whatsapp:+5591981110003", BotHarness.MacapaNumber)).PaymentWarnings, Has.Count.EqualTo(2));
        clerk.Dispose();
        clerk = await bot.Factory.ClientAsAsync("clerk.report@trt8.jus.br", "senha-forte-do-servidor");
        var november = await clerk.GetFromJsonAsync<JsonElement>($"/api/reports/sla?unit={SlaSupport.Macapa}&from=2026-11-01&to=2026-11-30");
        Assert.That(november.GetProperty("paymentWarnings").GetInt32(), Is.EqualTo(1));

        using var belemClerk = await bot.Factory.ClientForNewUserAsync("clerk.belem@trt8.jus.br", clerkOf: ["trt8-vt-belem-1"]);
        Assert.Multiple(async () =>
        {
            Assert.That((await belemClerk.GetAsync($"/api/reports/sla?unit={SlaSupport.Macapa}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await belemClerk.GetAsync($"/reports/sla/{SlaSupport.Macapa}/2026-11")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await belemClerk.GetAsync($"/api/units/{SlaSupport.Macapa}/alerts")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await belemClerk.GetAsync($"/api/conversations/{late.Id}/sla")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            var bad = await clerk.GetAsync($"/api/reports/sla?unit={SlaSupport.Macapa}&from=01/11/2026&format=pdf");
            Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "from", "format" }));
            Assert.That((await clerk.GetAsync("/api/reports/sla")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((await clerk.GetAsync($"/api/reports/sla?unit={SlaSupport.Macapa}&from=2026-12-01&to=2026-11-01")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((await clerk.GetAsync($"/reports/sla/{SlaSupport.Macapa}/novembro")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        });
        clerk.Dispose();
    }

    [Test]
    public async Task PeriodsStoredAsJsonByEarlierVersions_AreStillChecked_Ended_AndReported()
    {
        var answered = await HandOffAsync("whatsapp:+5591981110005");
        var unanswered = await HandOffAsync("whatsapp:+5591981110006");
        var store = bot.Factory.Services.GetRequiredService<SlaStore>();
        var db = bot.Factory.Services.GetRequiredService<RedisConnections>().GetDatabase();
        var keys = bot.Factory.Services.GetRequiredService<RedisKeys>();
        foreach (var (c, jobs) in new[] { (answered, (string[]?)null), (unanswered, ["dea7c694-8880-4165-8d03-3be7bd96ecb3"]) })
        {
            var period = (await store.GetAsync(c.Id, 1))!.Period with { Jobs = jobs };
            await db.HashSetAsync(keys.SlaPeriods(c.Id), "1", JsonSerializer.Serialize(period, SlaStore.Json)); // as the earlier version wrote it
        }

        var due = unanswered.DueAt!.Value;
        bot.Factory.Time.SetUtcNow(due.AddHours(-12));
        await bot.Factory.Services.GetRequiredService<SlaJobs>().SweepAsync();
        using var clerk = await bot.Factory.ClientForNewUserAsync("clerk.upgrade@trt8.jus.br", clerkOf: [SlaSupport.Macapa]);
        var sent = await clerk.PostAsJsonAsync($"/api/conversations/{answered.Id}/messages", new { text = "Respondido." });
        Assert.That((int)sent.StatusCode, Is.EqualTo(202), await sent.Content.ReadAsStringAsync());
        await TestServers.WaitUntilAsync(async () => !(await store.GetAsync(answered.Id, 1))!.Period.IsOpen, TimeSpan.FromSeconds(20), "the answer to end the period");
        bot.Factory.Time.SetUtcNow(due);
        await bot.Factory.Services.GetRequiredService<SlaJobs>().SweepAsync();

        using var admin = await bot.Factory.AdminClientAsync(); // the clerk's session expired meanwhile
        var report = await admin.GetFromJsonAsync<JsonElement>($"/api/reports/sla?unit={SlaSupport.Macapa}&from=2026-11-01&to=2026-11-30");
        Assert.Multiple(async () =>
        {
            Assert.That((await store.EventsAsync(answered.Id)).Select(e => e.Key), Is.EqualTo(new[] { "warning-1" }));
            Assert.That((await store.EventsAsync(unanswered.Id)).Select(e => e.Key), Is.EqualTo(new[] { "warning-1", "warning-2", "breach" }));
            var ended = (await store.GetAsync(answered.Id, 1))!;
            Assert.That((ended.Period.Outcome, ended.Period.EndedAt), Is.EqualTo((PeriodOutcome.Met, due.AddHours(-12))));
            Assert.That(ended.Raw.ToString(), Does.StartWith("2|"), "rewritten in the compact form when it ended");
            Assert.That((await store.GetAsync(unanswered.Id, 1))!.Period.Jobs, Is.EqualTo(new[] { "dea7c694-8880-4165-8d03-3be7bd96ecb3" }));
            Assert.That((report.GetProperty("periods").GetInt32(), report.GetProperty("met").GetInt32(), report.GetProperty("overdue").GetInt32()), Is.EqualTo((2, 1, 0)));
        });
    }

    [Test]
    public async Task Dashboard_OnlyForAdministrators()
    {
        using var anonymous = bot.Factory.CreateClient();
        using var clerk = await bot.Factory.ClientForNewUserAsync("clerk.dash@trt8.jus.br", clerkOf: [SlaSupport.Macapa]);
        using var admin = await bot.Factory.AdminClientAsync();
        Assert.That((await anonymous.GetAsync("/hangfire")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await clerk.GetAsync("/hangfire")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var page = await admin.GetAsync("/hangfire");
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("Balcão Virtual: jobs"));
    }
}
