using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.CaseAlerts;
using BalcaoVirtual.Web.Features.Conversations;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Chatbot;

/// <summary>
/// Case-movement alerts end to end: the citizen follows a case from its status ("avisar"), lists and stops; the
/// recurring job, run on two nodes at once with the fake clock and the fake DataJud, sends exactly one alert when a
/// new movement appears (free text inside WhatsApp's window, the court's template outside it, plain SMS), at most one
/// per case and day; sealed cases are refused and dropped. The clock starts on Monday 23/11/2026 at 9h in Belém.
/// </summary>
public sealed class CaseAlertTests
{
    private const string Index = "api_publica_trt8";
    private const string ContentSid = "HX0123456789abcdef0123456789abcdef";

    /// <summary>Midnight of 1 January: Hangfire's own schedule never runs the job during a test.</summary>
    internal const string NeverInATest = "0 0 1 1 *";
    private static readonly string Number = ChatbotTranscriptTests.Macapa.Canonical;
    private static readonly string Digits = ChatbotTranscriptTests.Macapa.Digits;
    private BotHarness bot = null!;

    [SetUp]
    public async Task SetUp()
    {
        bot = await BotHarness.StartAsync(new Dictionary<string, string?>
        {
            ["WhatsApp:CaseMovement:TwilioContentSid"] = ContentSid,
            ["CaseAlerts:MaxPerContact"] = "2",
            // Hangfire fires recurring jobs on the real clock: the tests run the job themselves, at their fake times.
            ["CaseAlerts:Cron"] = NeverInATest,
        });
        bot.DataJud.AddHit(Index, Digits, ChatbotTranscriptTests.Hit);
    }

    [TearDown]
    public async Task TearDown() => await bot.DisposeAsync();

    /// <summary>The case's hit with one more movement on top (what DataJud shows after it moved).</summary>
    private static string Moved(string at, string name) =>
        ChatbotTranscriptTests.Hit.Replace("\"movimentos\":[", $$"""
            "movimentos":[{"codigo":123,"nome":"{{name}}","dataHora":"{{at}}"},
            """, StringComparison.Ordinal);

    /// <summary>Runs the job on both nodes at once, each at <paramref name="at"/>; what the runs did, summed.</summary>
    private static async Task<CaseAlertRun> RunOnBothAsync(ApiFactory[] nodes, DateTimeOffset at)
    {
        foreach (var node in nodes)
        {
            node.Time.SetUtcNow(at);
        }

        var runs = await Task.WhenAll(nodes.Select(n => n.Services.GetRequiredService<CaseAlertJob>().RunAsync()));
        return new CaseAlertRun(runs.Sum(r => r.Checked), runs.Sum(r => r.Queries), runs.Sum(r => r.Alerts), runs.Sum(r => r.Failed));
    }

    private async Task<IReadOnlyList<SentRequest>> SentAfterAsync(int before)
    {
        var outbox = bot.Factory.Services.GetRequiredService<Outbox>();
        await TestServers.WaitUntilAsync(async () => await outbox.PendingAsync() == 0, TimeSpan.FromSeconds(20), "the alerts to be sent");
        return [.. bot.Twilio.Requests.Skip(before)];
    }

    [Test]
    public async Task Following_FromTheStatus_ThenANewMovement_IsToldOnce_OnTwoNodes_OncePerDay_InTheWindowOrByTemplate()
    {
        await using var second = bot.SecondNode();
        var nodes = new[] { bot.Factory, second };
        var follows = bot.Factory.Services.GetRequiredService<CaseFollows>();

        Assert.That((await bot.SayAsync(Number)).Single(), Does.Contain(ChatbotTranscriptTests.FollowOffer));
        Assert.That(await bot.SayAsync("avisar"), Is.EqualTo(new[]
        {
            $"Pronto! Vou avisar por aqui quando o processo {Number} tiver movimentação nova (no máximo uma vez por dia), até 23/11/2027. Para parar, escreva parar.",
        }));
        Assert.That(await bot.SayAsync("meus avisos"), Is.EqualTo(new[]
        {
            $"Você recebe avisos destes processos:\n• {Number} (até 23/11/2027)\nPara parar, escreva parar e o número (ou só parar, para todos).",
        }));

        // Its daily check, on both nodes at once: one DataJud query, nothing new, nothing sent.
        var first = follows.NextCheck(Digits, bot.Factory.Time.GetUtcNow());
        Assert.That(first - bot.Factory.Time.GetUtcNow(), Is.LessThan(TimeSpan.FromDays(1)).And.GreaterThan(TimeSpan.Zero));
        var sent = bot.Twilio.Requests.Count;
        var quiet = await RunOnBothAsync(nodes, first);
        Assert.That((quiet.Checked, quiet.Queries, quiet.Alerts), Is.EqualTo((1, 1, 0)), "the case taken by one node only");
        Assert.That(await SentAfterAsync(sent), Is.Empty);

        // It moves; the citizen wrote within 24 hours of the next check? No: the alert goes as the court's template.
        bot.DataJud.SetHit(Index, Digits, Moved("2026-11-24T15:00:00Z", "Remetidos os autos para o Tribunal"));
        var next = follows.NextCheck(Digits, first);
        sent = bot.Twilio.Requests.Count;
        var moved = await RunOnBothAsync(nodes, next);
        Assert.That((moved.Checked, moved.Alerts), Is.EqualTo((1, 1)));
        var alert = (await SentAfterAsync(sent)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(alert.ContentSid, Is.EqualTo(ContentSid), "outside the window: the approved template");
            var values = JsonSerializer.Deserialize<Dictionary<string, string>>(alert.ContentVariables!)!;
            Assert.That(values, Is.EqualTo(new Dictionary<string, string> { ["1"] = Number, ["2"] = "24/11", ["3"] = "Remetidos os autos para o Tribunal", ["4"] = "Tribunal Regional do Trabalho da 8ª Região (Pará e Amapá)" }), alert.ContentVariables);
        });

        // Another movement the same day (a second run later that day): not told until the next day.
        bot.DataJud.SetHit(Index, Digits, Moved("2026-11-25T12:00:00Z", "Recebidos os autos"));
        var sameDay = await RunOnBothAsync(nodes, next.AddMinutes(1));
        Assert.That(sameDay.Checked, Is.Zero, "checked once a day");
        var third = follows.NextCheck(Digits, next);
        bot.Factory.Time.SetUtcNow(third.AddHours(-1));
        await bot.SayAsync("oi"); // the window opens again
        sent = bot.Twilio.Requests.Count;
        var nextDay = await RunOnBothAsync(nodes, third);
        Assert.That(nextDay.Alerts, Is.EqualTo(1));
        Assert.That((await SentAfterAsync(sent)).Single().Body,
            Is.EqualTo($"Movimentação nova no processo {Number} em 25/11: Recebidos os autos. Para parar os avisos, escreva parar."), "inside the window: the text");

        // "parar": no more alerts, the case leaves the index once nobody follows it.
        await bot.RepliesAsync();
        Assert.That((await bot.SayAsync("parar")).Single(), Does.EndWith($"Pronto: não vou mais avisar do processo {Number}."));
        bot.DataJud.SetHit(Index, Digits, Moved("2026-11-27T12:00:00Z", "Conclusos"));
        var stopped = await RunOnBothAsync(nodes, follows.NextCheck(Digits, bot.Factory.Time.GetUtcNow()));
        Assert.That((stopped.Checked, stopped.Alerts), Is.EqualTo((1, 0)));
        var db = bot.Factory.Services.GetRequiredService<Web.Infrastructure.Storage.RedisConnections>().GetDatabase();
        var keys = bot.Factory.Services.GetRequiredService<Web.Infrastructure.Storage.RedisKeys>();
        Assert.That(await db.SortedSetScoreAsync(keys.CasesDue(), Digits), Is.Null);
        var record = (await follows.AllAsync((await bot.ConversationAsync()).Id)).Single();
        Assert.That((record.EndReason, record.EndedAt is not null), Is.EqualTo(("citizen", true)), "the subscription's end is kept on record");
    }

    [Test]
    public async Task OverSms_TheAlertIsText_AndALimit_ASealedCase_AndAnUnknownOneAreSaid()
    {
        const string sms = BotHarness.SmsCitizen;
        var follows = bot.Factory.Services.GetRequiredService<CaseFollows>();
        Assert.That(await bot.SayAsync($"me avise quando o processo {Number} andar", sms, BotHarness.SmsCentral),
            Has.Some.Contains($"Vou avisar por aqui quando o processo {Number} tiver movimentação nova"));

        var sealedNumber = Web.Features.Court.CnjNumber.Create(777, 2025, 5, 8, 210);
        bot.DataJud.AddHit(Index, sealedNumber.Digits, ChatbotTranscriptTests.Hit.Replace(Digits, sealedNumber.Digits, StringComparison.Ordinal)
            .Replace("\"tribunal\":", "\"nivelSigilo\":1,\"tribunal\":", StringComparison.Ordinal));
        Assert.That((await bot.SayAsync($"quero receber avisos do processo {sealedNumber.Canonical}", sms, BotHarness.SmsCentral))[^1],
            Does.Contain($"O processo {sealedNumber.Canonical} corre em segredo de justiça"));

        var unknown = Web.Features.Court.CnjNumber.Create(999, 2025, 5, 8, 210);
        Assert.That((await bot.SayAsync($"me avise do processo {unknown.Canonical} quando tiver movimentação", sms, BotHarness.SmsCentral))[^1],
            Does.Contain("não aparece"));

        var second = Web.Features.Court.CnjNumber.Create(888, 2025, 5, 8, 210);
        var third = Web.Features.Court.CnjNumber.Create(889, 2025, 5, 8, 210);
        foreach (var n in new[] { second, third })
        {
            bot.DataJud.AddHit(Index, n.Digits, ChatbotTranscriptTests.Hit.Replace(Digits, n.Digits, StringComparison.Ordinal));
        }

        await bot.SayAsync($"avisar {second.Canonical}", sms, BotHarness.SmsCentral);
        Assert.That((await bot.SayAsync($"avisar {third.Canonical}", sms, BotHarness.SmsCentral))[^1],
            Does.Contain("Você já recebe avisos de 2 processos, o limite."), "CaseAlerts:MaxPerContact is 2 here");

        bot.DataJud.SetHit(Index, Digits, Moved("2026-11-24T15:00:00Z", "Conclusos para sentença"));
        var sent = bot.Twilio.Requests.Count;
        var run = await bot.Factory.Services.GetRequiredService<CaseAlertJob>().RunAsync(); // nothing due yet
        Assert.That(run.Checked, Is.Zero);
        bot.Factory.Time.Advance(TimeSpan.FromHours(25)); // past both cases' daily checks
        run = await bot.Factory.Services.GetRequiredService<CaseAlertJob>().RunAsync();
        Assert.That((run.Checked, run.Queries, run.Alerts), Is.EqualTo((2, 1, 1)), "both cases in one DataJud query, one moved");
        var alert = (await SentAfterAsync(sent)).Single();
        Assert.That((alert.To, alert.ContentSid, alert.Body), Is.EqualTo(((string, string?, string))(sms, null,
            $"Movimentação nova no processo {Number} em 24/11: Conclusos para sentença. Para parar os avisos, escreva parar.")));

        // Later DataJud puts the case under secrecy: the subscription ends, nothing is told.
        bot.DataJud.SetHit(Index, Digits, Moved("2026-11-26T15:00:00Z", "Segredo").Replace("\"tribunal\":", "\"nivelSigilo\":2,\"tribunal\":", StringComparison.Ordinal));
        bot.Factory.Time.Advance(TimeSpan.FromDays(1));
        sent = bot.Twilio.Requests.Count;
        run = await bot.Factory.Services.GetRequiredService<CaseAlertJob>().RunAsync();
        Assert.That(run.Alerts, Is.Zero);
        Assert.That(await SentAfterAsync(sent), Is.Empty);
        var conversation = await bot.ConversationAsync(sms, BotHarness.SmsCentral);
        Assert.That((await follows.AllAsync(conversation.Id)).Single(f => f.Number == Number).EndReason, Is.EqualTo("sealed"));
    }

    [Test]
    public async Task AYearWithoutMovement_EndsTheSubscription_AndTheCaseLeavesTheIndex()
    {
        var follows = bot.Factory.Services.GetRequiredService<CaseFollows>();
        await bot.SayAsync($"avisar {Number}");
        var conversation = await bot.ConversationAsync();
        Assert.That(await follows.ActiveAsync(conversation.Id, bot.Factory.Time.GetUtcNow()), Has.Count.EqualTo(1));

        // A year and a day later, still no movement: its next check ends it and forgets the case.
        bot.Factory.Time.Advance(TimeSpan.FromDays(366));
        var run = await bot.Factory.Services.GetRequiredService<CaseAlertJob>().RunAsync();
        Assert.That((run.Checked, run.Alerts), Is.EqualTo((1, 0)));
        var record = (await follows.AllAsync(conversation.Id)).Single();
        Assert.That((record.EndReason, record.EndedAt), Is.EqualTo(("expired", (DateTimeOffset?)bot.Factory.Time.GetUtcNow())));
        var db = bot.Factory.Services.GetRequiredService<Web.Infrastructure.Storage.RedisConnections>().GetDatabase();
        var keys = bot.Factory.Services.GetRequiredService<Web.Infrastructure.Storage.RedisKeys>();
        Assert.That(await db.SortedSetScoreAsync(keys.CasesDue(), Digits), Is.Null, "nobody follows it now");

        // Followed again: the old subscription's record stays beside the new one.
        await bot.SayAsync($"avisar {Number}");
        Assert.That((await follows.AllAsync(conversation.Id)).Select(f => f.EndReason), Is.EquivalentTo(new[] { "expired", null }));
        Assert.That(await db.SortedSetScoreAsync(keys.CasesDue(), Digits), Is.Not.Null);
    }

    [Test]
    public async Task TwoMovementsOnOneDay_AreOneAlert_EvenWhenTheCaseIsCheckedTwice()
    {
        var db = bot.Factory.Services.GetRequiredService<Web.Infrastructure.Storage.RedisConnections>().GetDatabase();
        var keys = bot.Factory.Services.GetRequiredService<Web.Infrastructure.Storage.RedisKeys>();
        var job = bot.Factory.Services.GetRequiredService<CaseAlertJob>();
        await bot.SayAsync($"avisar {Number}", BotHarness.SmsCitizen, BotHarness.SmsCentral);
        bot.Factory.Time.Advance(TimeSpan.FromHours(1));
        bot.DataJud.SetHit(Index, Digits, Moved("2026-11-23T13:00:00Z", "Juntada de petição"));
        await db.SortedSetAddAsync(keys.CasesDue(), Digits, 0); // due now (a retry, or a lease that ran out)
        Assert.That((await job.RunAsync()).Alerts, Is.EqualTo(1));
        bot.DataJud.SetHit(Index, Digits, Moved("2026-11-23T14:00:00Z", "Conclusos para despacho"));
        await db.SortedSetAddAsync(keys.CasesDue(), Digits, 0);
        Assert.That((await job.RunAsync()).Alerts, Is.Zero, "one alert per case and day");
        bot.Factory.Time.Advance(TimeSpan.FromDays(1));
        await db.SortedSetAddAsync(keys.CasesDue(), Digits, 0);
        var sent = bot.Twilio.Requests.Count;
        Assert.That((await job.RunAsync()).Alerts, Is.EqualTo(1), "the next day, the movement not told yet");
        Assert.That((await SentAfterAsync(sent)).Single().Body, Does.Contain("Conclusos para despacho"));
    }

    [Test]
    public async Task WhileAUnitHasTheConversation_PararEndsTheAlerts_AndTheQueueIsUntouched()
    {
        await bot.SayAsync($"avisar {Number}", to: BotHarness.MacapaNumber);
        await bot.SayAsync("Minha audiência foi remarcada?", to: BotHarness.MacapaNumber);
        var waiting = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        Assert.That(waiting.State, Is.EqualTo(ConversationState.Waiting));

        var other = Web.Features.Court.CnjNumber.Create(4321, 2024, 5, 8, 210).Canonical;
        Assert.That((await bot.SayAsync($"parar {other}", to: BotHarness.MacapaNumber)).Single(), Does.StartWith($"Você não recebe avisos do processo {other} por aqui.")
            .And.Contain($"• {Number}"), "another number ends nothing");
        Assert.That(await bot.SayAsync("parar", to: BotHarness.MacapaNumber), Is.EqualTo(new[] { $"Pronto: não vou mais avisar do processo {Number}." }));
        var after = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        Assert.That((after.State, after.WaitingSince, after.DueAt), Is.EqualTo((ConversationState.Waiting, waiting.WaitingSince, waiting.DueAt)));
    }

    [Test]
    public async Task TheLimit_CountsAContactsCases_AcrossTheCourtsNumbers()
    {
        var second = Web.Features.Court.CnjNumber.Create(888, 2025, 5, 8, 210);
        var third = Web.Features.Court.CnjNumber.Create(889, 2025, 5, 8, 210);
        foreach (var n in new[] { second, third })
        {
            bot.DataJud.AddHit(Index, n.Digits, ChatbotTranscriptTests.Hit.Replace(Digits, n.Digits, StringComparison.Ordinal));
        }

        Assert.That(await bot.SayAsync($"avisar {Number}"), Has.Some.Contains("Vou avisar por aqui"));
        Assert.That(await bot.SayAsync($"avisar {second.Canonical}", to: BotHarness.MacapaNumber), Has.Some.Contains("Vou avisar por aqui"));
        Assert.That((await bot.SayAsync($"avisar {third.Canonical}"))[^1], Does.Contain("Você já recebe avisos de 2 processos, o limite."),
            "two cases through two of the court's numbers: the same contact's limit");
    }

    [Test]
    public async Task ABatchDataJudCutShort_IsReadAgainInHalves_SoNoCaseIsLost()
    {
        var busy = Web.Features.Court.CnjNumber.Create(555, 2025, 5, 8, 210);
        for (var i = 0; i < 45; i++)
        {
            // A case with many documents: more hits than the batch's room for two cases (2 × 20).
            bot.DataJud.AddHit(Index, busy.Digits, ChatbotTranscriptTests.Hit.Replace(Digits, busy.Digits, StringComparison.Ordinal));
        }

        await bot.SayAsync($"avisar {Number}", BotHarness.SmsCitizen, BotHarness.SmsCentral);
        await bot.SayAsync($"avisar {busy.Canonical}", BotHarness.SmsCitizen, BotHarness.SmsCentral);
        bot.DataJud.SetHit(Index, Digits, Moved("2026-11-24T15:00:00Z", "Conclusos para sentença"));
        bot.Factory.Time.Advance(TimeSpan.FromHours(25));
        var run = await bot.Factory.Services.GetRequiredService<CaseAlertJob>().RunAsync();
        Assert.That((run.Checked, run.Queries, run.Alerts), Is.EqualTo((2, 3, 1)), "the cut answer, then each case alone");
    }
}
