using System.Net.Http.Json;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Sla;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Sla;

/// <summary>
/// The SLA engine with a real Hangfire server on the real store (redis-server, or an embedded Garnet) and the real
/// SMTP server ./test.sh starts. Macapá's window is seconds long here, so warnings, breach and escalation come fast.
/// </summary>
[TestFixture(Backend.Redis)]
[TestFixture(Backend.Cluster)]
[TestFixture(Backend.Garnet)]
// Alone: on the real clock with deadlines seconds apart (a stalled due check turns a warning into a suppressed one), and
// Hangfire logs through a process-wide provider, so its lines could reach another fixture's captured logs.
[NonParallelizable]
public sealed class SlaEngineTests(Backend backend)
{
    private const string Question = "Minha audiência foi remarcada?";
    private StoreBackend store = null!;

    [OneTimeSetUp]
    public async Task StartStore() => store = await StoreBackend.StartAsync(backend);

    [OneTimeTearDown]
    public async Task StopStore() => await store.DisposeAsync();

    private Dictionary<string, string?> Settings(string catalog)
    {
        var settings = TestServers.SmtpSettings();
        settings["Units:Catalog"] = catalog;
        settings["Storage:Redis"] = store.ConnectionString;
        settings["Sla:RunJobs"] = "true";
        settings["Sla:SchedulePollingInterval"] = "00:00:01";
        settings["Sla:InboxBaseUrl"] = "https://balcao.trt8.jus.br";
        return settings;
    }

    [Test]
    public async Task WaitingConversation_WarningBreachAndEscalation_EachAlertOnce_WithTwoNodes()
    {
        await using var bot = await BotHarness.StartAsync(Settings(SlaSupport.CatalogWithMacapaSla("00:00:08", "00:00:04", "00:00:04")), realTime: true);
        await using var second = bot.SecondNode();
        _ = second.Services; // starts the second node's Hangfire server
        using var clerk = await bot.Factory.ClientForNewUserAsync("servidora.macapa@trt8.jus.br", clerkOf: [SlaSupport.Macapa]);

        await bot.SayAsync(Question, to: BotHarness.MacapaNumber);
        var conversation = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        var link = $"https://balcao.trt8.jus.br/inbox/conversations/{conversation.Id}";

        await TestServers.WaitUntilAsync(
            () => Task.FromResult(SlaSupport.Mail(link).Count >= 3), TimeSpan.FromSeconds(90), "the warning, breach and escalation e-mails");
        var slaStore = bot.Factory.Services.GetRequiredService<SlaStore>();
        await TestServers.WaitUntilAsync(async () =>
        {
            var events = await slaStore.EventsAsync(conversation.Id);
            return events.Count == 3 && events.All(e => e.DeliveredAt is not null);
        }, TimeSpan.FromSeconds(30), "every event delivered");
        await TestServers.WaitUntilAsync(
            () => Task.FromResult(bot.Twilio.Requests.Any(r => r.To == SlaSupport.MacapaManagerPhone)), TimeSpan.FromSeconds(20), "the manager's WhatsApp alert");

        var mail = SlaSupport.Mail(link);
        Assert.Multiple(() =>
        {
            Assert.That(mail.Select(m => (To: m.To.Mailboxes.Single().Address, m.Subject)).OrderBy(m => m.Subject), Is.EqualTo(new[]
            {
                (SlaSupport.EscalationEmail, "Balcão Virtual: conversa sem resposta após o prazo na 7ª Vara do Trabalho de Macapá"),
                ("servidora.macapa@trt8.jus.br", "Balcão Virtual: prazo perto do fim na 7ª Vara do Trabalho de Macapá"),
                (SlaSupport.MacapaManagerEmail, "Balcão Virtual: prazo vencido na 7ª Vara do Trabalho de Macapá"),
            }), "one e-mail per event and recipient, over two nodes");
            foreach (var m in mail)
            {
                Assert.That(m.TextBody, Does.Contain("7ª Vara do Trabalho de Macapá").And.Contain("(91) *****-4567").And.Contain("Aguardando resposta há"));
                Assert.That(m.TextBody, Does.Not.Contain("audiência").And.Not.Contain("981234567"), "no message text, no full phone");
                Assert.That(m.Headers["Auto-Submitted"], Is.EqualTo("auto-generated"));
            }

            Assert.That(bot.Twilio.Requests.Count(r => r.To == SlaSupport.MacapaManagerPhone), Is.EqualTo(1));
            Assert.That(bot.Twilio.Requests.Single(r => r.To == SlaSupport.MacapaManagerPhone).Body, Does.StartWith("Venceu o prazo").And.EndWith(link));
        });

        using var admin = await bot.Factory.AdminClientAsync();
        var alerts = await admin.GetFromJsonAsync<List<InboxAlert>>($"/api/units/{SlaSupport.Macapa}/alerts");
        Assert.That(alerts!.Where(a => a.ConversationId == conversation.Id).Select(a => a.Key), Is.EqualTo(new[] { "escalation", "breach", "warning-1" }));
    }

    [Test]
    public async Task ClerkReplyBeforeTheDeadline_EndsThePeriod_AndTakesItOffTheDueIndex()
    {
        await using var bot = await BotHarness.StartAsync(Settings(SlaSupport.CatalogWithMacapaSla("00:10:00", "00:05:00", "00:05:00")), realTime: true);
        using var clerk = await bot.Factory.ClientForNewUserAsync("outra.servidora@trt8.jus.br", clerkOf: [SlaSupport.Macapa]);
        await bot.SayAsync(Question, to: BotHarness.MacapaNumber);
        var conversation = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        var slaStore = bot.Factory.Services.GetRequiredService<SlaStore>();
        var started = (await slaStore.GetCurrentAsync(conversation.Id)).Period!.Period;
        var db = bot.Factory.Services.GetRequiredService<RedisConnections>().GetDatabase();
        var due = bot.Factory.Services.GetRequiredService<RedisKeys>().SlaDue(RedisKeys.BucketOf(conversation.Id));
        var monitoring = bot.Factory.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        Assert.Multiple(async () =>
        {
            Assert.That(await db.SortedSetScoreAsync(due, conversation.Id), Is.EqualTo(started.Points[0].At.ToUnixTimeMilliseconds()), "waits in the due index for its first point");
            Assert.That(monitoring.ScheduledCount(), Is.Zero, "no job stored per waiting period");
        });

        var reply = await clerk.PostAsJsonAsync($"/api/conversations/{conversation.Id}/messages", new { text = "Sim, para 10/12 às 9h." });
        Assert.That((int)reply.StatusCode, Is.EqualTo(202));
        await TestServers.WaitUntilAsync(async () => !(await slaStore.GetAsync(conversation.Id, 1))!.Period.IsOpen, TimeSpan.FromSeconds(20), "the period to end");

        var ended = (await slaStore.GetAsync(conversation.Id, 1))!.Period;
        Assert.Multiple(async () =>
        {
            Assert.That(ended.Outcome, Is.EqualTo(PeriodOutcome.Met));
            Assert.That(ended.EndedAt, Is.GreaterThan(started.StartedAt).And.LessThan(started.DueAt!.Value));
            Assert.That(await db.SortedSetScoreAsync(due, conversation.Id), Is.Null, "nothing left to check");
        });

        // Even a check that runs anyway (a sweep long after the due time) finds nothing to say.
        var jobsOnNode = bot.Factory.Services.GetRequiredService<SlaJobs>();
        Assert.That(await jobsOnNode.CheckOnceAsync(conversation.Id, 1), Is.Null);
        Assert.That(await slaStore.EventsAsync(conversation.Id), Is.Empty);
    }

    [Test]
    public async Task DuePeriods_AreClaimedByOneNodeAtATime_AndComeBackAfterTheLease()
    {
        var keys = store.Keys;
        var slaStore = new SlaStore(store.Connections, keys);
        var db = store.Multiplexer.GetDatabase();
        var now = new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
        var ids = Enumerable.Range(0, 6).Select(i => $"0{i:x}aaaaaaaaaaaaaaaaaa-c").ToList(); // all in bucket 0
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            await db.SortedSetAddAsync(keys.SlaDue("0"), id, (i < 4 ? now.AddMinutes(-i) : now.AddMinutes(10)).ToUnixTimeMilliseconds());
        }

        var lease = TimeSpan.FromMinutes(1);
        var claims = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => slaStore.ClaimDueAsync("0", now, lease, 3)));
        Assert.Multiple(async () =>
        {
            Assert.That(claims.SelectMany(c => c), Is.EquivalentTo(ids.Take(4)), "each due period claimed once, none of those not due");
            Assert.That(claims.Single(c => c.Count == 3), Is.EqualTo(new[] { ids[3], ids[2], ids[1] }), "earliest first");
            Assert.That(await slaStore.ClaimDueAsync("0", now.AddSeconds(59), lease, 10), Is.Empty, "held for the lease");
            Assert.That(await slaStore.ClaimDueAsync("0", now + lease, lease, 10), Is.EquivalentTo(ids.Take(4)), "taken again when a check never finished");
        });
    }
}
