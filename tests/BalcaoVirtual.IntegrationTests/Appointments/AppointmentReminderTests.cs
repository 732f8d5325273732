using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Appointments;
using BalcaoVirtual.Web.Features.Conversations;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Appointments;

/// <summary>
/// Reminders of booked video calls, run by the test on the fake clock (Hangfire's schedule never fires during it) on two
/// nodes at once: a day before (without the unit's standing room link, which only goes while its desk is open) and 30
/// minutes before with the link; through the approved template once WhatsApp's window has closed; none for a call
/// booked less than a day ahead (the day before), a cancelled one, or twice. The clock starts on Monday 23/11/2026 at
/// 9h in Belém; the 7ª Vara do Trabalho de Macapá opens 8h–13h and books 9h–12h in its standing room.
/// </summary>
public sealed class AppointmentReminderTests
{
    private const string ContentSid = "HX0123456789abcdef0123456789abcd01";
    private const string Citizen = "whatsapp:+5596981120001";
    private const string Link = "https://meet.google.com/bvt-mcpa-210";
    private static readonly DateTimeOffset Monday9 = new(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(-3));
    private BotHarness bot = null!;

    [SetUp]
    public async Task SetUp() => bot = await BotHarness.StartAsync(new Dictionary<string, string?>
    {
        ["WhatsApp:AppointmentReminder:TwilioContentSid"] = ContentSid,
        ["Appointments:ReminderCron"] = CaseAlertTests.NeverInATest,
    });

    [TearDown]
    public async Task TearDown() => await bot.DisposeAsync();

    private static async Task<ReminderRun> RunOnBothAsync(ApiFactory[] nodes, DateTimeOffset at)
    {
        foreach (var node in nodes)
        {
            node.Time.SetUtcNow(at);
        }

        var runs = await Task.WhenAll(nodes.Select(n => n.Services.GetRequiredService<AppointmentReminderJob>().RunAsync()));
        return new ReminderRun(runs.Sum(r => r.DayBefore), runs.Sum(r => r.Soon), runs.Sum(r => r.NotSent));
    }

    private async Task<IReadOnlyList<SentRequest>> SentAfterAsync(int before)
    {
        var outbox = bot.Factory.Services.GetRequiredService<Outbox>();
        await TestServers.WaitUntilAsync(async () => await outbox.PendingAsync() == 0, TimeSpan.FromSeconds(20), "the reminders to be sent");
        return [.. bot.Twilio.Requests.Skip(before)];
    }

    [Test]
    public async Task ADayBefore_WithoutTheStandingRoom_ThenThirtyMinutesBefore_WithTheLink_ByTemplateOnceTheWindowClosed_OnTwoNodes()
    {
        await using var second = bot.SecondNode();
        var nodes = new[] { bot.Factory, second };
        // Monday 9h: the list starts Monday 11h; the 7th is Tuesday 10h.
        await bot.SayAsync("agendar", Citizen, BotHarness.MacapaNumber);
        await bot.SayAsync("7", Citizen, BotHarness.MacapaNumber);
        var booked = await bot.SayAsync("dúvida sobre o acordo", Citizen, BotHarness.MacapaNumber);
        Assert.That(booked.Single(), Does.Contain("terça-feira, 24/11, às 10h").And.Contain("na véspera e 30 minutos antes"));

        Assert.That(await RunOnBothAsync(nodes, Monday9.AddMinutes(5)), Is.EqualTo(new ReminderRun(0, 0, 0)), "a day before is Monday 10h");
        var sent = bot.Twilio.Requests.Count;
        Assert.That((await RunOnBothAsync(nodes, Monday9.AddHours(1).AddMinutes(2))).DayBefore, Is.EqualTo(1), "once on two nodes");
        var dayBefore = (await SentAfterAsync(sent)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(dayBefore.Body, Is.EqualTo(
                "Lembrete: seu atendimento por vídeo com a 7ª Vara do Trabalho de Macapá é terça-feira, 24/11, às 10h (horário de Belém). O link chega por aqui 30 minutos antes.\n" +
                "Se não puder, escreva cancelar ou remarcar."));
            Assert.That(dayBefore.Body, Does.Not.Contain("meet.google.com"), "the standing room, a day ahead");
        });
        Assert.That(await RunOnBothAsync(nodes, Monday9.AddHours(3)), Is.EqualTo(new ReminderRun(0, 0, 0)), "not twice");

        // Tuesday 9h31: the window closed at 9h (the citizen last wrote on Monday); the desk is open, the call is at 10h.
        sent = bot.Twilio.Requests.Count;
        Assert.That((await RunOnBothAsync(nodes, Monday9.AddDays(1).AddMinutes(31))).Soon, Is.EqualTo(1));
        var soon = (await SentAfterAsync(sent)).Single();
        Assert.That(soon.ContentSid, Is.EqualTo(ContentSid), "outside the window: the approved template");
        var values = JsonSerializer.Deserialize<Dictionary<string, string>>(soon.ContentVariables!)!;
        Assert.That(values, Is.EqualTo(new Dictionary<string, string>
        {
            ["1"] = "7ª Vara do Trabalho de Macapá", ["2"] = "terça-feira, 24/11, às 10h", ["3"] = Link,
            ["4"] = "Tribunal Regional do Trabalho da 8ª Região (Pará e Amapá)",
        }));
        var conversation = await bot.ConversationAsync(Citizen, BotHarness.MacapaNumber);
        var appointment = (await bot.Factory.Services.GetRequiredService<AppointmentBook>().AgendaAsync("trt8-vt-macapa-7", Monday9, Monday9.AddDays(2))).Single();
        Assert.That((appointment.RemindedDayBefore, appointment.RemindedSoon), Is.EqualTo(((DateTimeOffset?)Monday9.AddHours(1).AddMinutes(2), (DateTimeOffset?)Monday9.AddDays(1).AddMinutes(31))));
        Assert.That((await bot.Conversations.GetMessagesAsync(conversation.Id)).Count(m => m.BotActs.Contains("appointment-reminder")), Is.EqualTo(2),
            "the clerk sees both in the thread");
    }

    [Test]
    public async Task ACallBookedLessThanADayAhead_GetsOnlyTheThirtyMinuteOne_AtOpeningForACallAtOpening_AndACancelledOneNone()
    {
        const string sms = "+5596981120002";
        const string macapaSms = "+559621010211";
        await bot.SayAsync("agendar", sms, macapaSms);
        await bot.SayAsync("1", sms, macapaSms); // Monday 11h
        await bot.SayAsync("acordo", sms, macapaSms);
        const string other = "+5596981120003";
        await bot.SayAsync("agendar", other, macapaSms);
        await bot.SayAsync("2", other, macapaSms); // Monday 11h20
        await bot.SayAsync("acordo", other, macapaSms);
        await bot.SayAsync("cancelar", other, macapaSms);
        await bot.SayAsync("sim", other, macapaSms);
        var nodes = new[] { bot.Factory };

        Assert.That(await RunOnBothAsync(nodes, Monday9.AddMinutes(10)), Is.EqualTo(new ReminderRun(0, 0, 0)), "no day-before reminder for today's call");
        var sent = bot.Twilio.Requests.Count;
        Assert.That(await RunOnBothAsync(nodes, Monday9.AddHours(1).AddMinutes(31)), Is.EqualTo(new ReminderRun(0, 1, 0)));
        var soon = (await SentAfterAsync(sent)).Single();
        Assert.That((soon.To, soon.Body), Is.EqualTo((sms,
            "Seu atendimento por vídeo com a 7ª Vara do Trabalho de Macapá começa às 11h. Entre pelo link: " + Link + "\n" +
            "Abra no navegador ou no aplicativo Google Meet, com câmera e microfone ligados, e espere: um servidor vai aceitar sua entrada.")));
    }

    [Test]
    public async Task ACallAtTheDesksOpening_GetsTheStandingRoomLinkAtTheOpening_NotBefore()
    {
        await bot.DisposeAsync();
        // Macapá's desk opens at 8h; its calls here start at 8h too, in the standing room.
        var catalog = TestServers.SampleCatalogWith("trt8-vt-macapa-7", unit =>
            unit["appointments"]!["hours"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["days"] = "mon-fri", ["from"] = "08:00", ["to"] = "12:00" }));
        bot = await BotHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Units:Catalog"] = catalog,
            ["Appointments:ReminderCron"] = CaseAlertTests.NeverInATest,
        });
        const string sms = "+5596981120009";
        const string macapaSms = "+559621010211";
        await bot.SayAsync("agendar", sms, macapaSms);
        var list = string.Join("\n", await bot.RepliesAsync());
        await bot.SayAsync("4", sms, macapaSms); // Tuesday 8h (Monday: 11h, 11h20, 11h40)
        var booked = await bot.SayAsync("acordo", sms, macapaSms);
        Assert.That(booked.Single(), Does.Contain("terça-feira, 24/11, às 8h"), list);
        var nodes = new[] { bot.Factory };

        Assert.That((await RunOnBothAsync(nodes, Monday9.AddDays(1).AddHours(-1).AddMinutes(-25))).Soon, Is.Zero, "7h35: the desk is closed");
        Assert.That((await RunOnBothAsync(nodes, Monday9.AddDays(1).AddHours(-1).AddMinutes(-5))).Soon, Is.Zero, "7h55: still closed");
        var sent = bot.Twilio.Requests.Count;
        Assert.That((await RunOnBothAsync(nodes, Monday9.AddDays(1).AddHours(-1))).Soon, Is.EqualTo(1), "8h: open, the call begins");
        Assert.That((await SentAfterAsync(sent)).Single().Body, Does.StartWith(
            "Seu atendimento por vídeo com a 7ª Vara do Trabalho de Macapá começa agora. Entre pelo link: " + Link));
    }
}
