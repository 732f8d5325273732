using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Appointments;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Appointments;

/// <summary>
/// The unit's agenda for its clerks, through the real API: the calls of the week with who, subject, case numbers and
/// conversation; moving and cancelling tell the citizen in their conversation (with the clerk's words); what cannot
/// be done is a clear 400 or 409 and changes nothing; another unit's clerk is refused. The clock starts on Monday
/// 23/11/2026 at 9h in Belém.
/// </summary>
public sealed class AgendaApiTests
{
    private const string Macapa = "trt8-vt-macapa-7";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };
    private static readonly TimeSpan Belem = TimeSpan.FromHours(-3);
    private BotHarness bot = null!;
    private HttpClient clerk = null!;

    private static DateTimeOffset At(int day, int hour, int minute = 0) => new(2026, 11, day, hour, minute, 0, Belem);

    [SetUp]
    public async Task SetUp()
    {
        bot = await BotHarness.StartAsync(new Dictionary<string, string?> { ["Appointments:ReminderCron"] = CaseAlertTests.NeverInATest });
        clerk = await bot.Factory.ClientForNewUserAsync("clerk.agenda@trt8.jus.br", clerkOf: [Macapa], name: "Servidora da Agenda");
    }

    [TearDown]
    public async Task TearDown()
    {
        clerk.Dispose();
        await bot.DisposeAsync();
    }

    /// <summary>A citizen books the <paramref name="slot"/>th free time through the bot; the call booked.</summary>
    private async Task<Appointment> BookAsync(string citizen, int slot, string subject)
    {
        await bot.SayAsync("agendar", citizen, BotHarness.MacapaNumber);
        await bot.SayAsync(slot.ToString(System.Globalization.CultureInfo.InvariantCulture), citizen, BotHarness.MacapaNumber);
        await bot.SayAsync(subject, citizen, BotHarness.MacapaNumber);
        var book = bot.Factory.Services.GetRequiredService<AppointmentBook>();
        return (await book.AgendaAsync(Macapa, At(23, 0), At(30, 0))).Single(a => a.Subject == subject);
    }

    [Test]
    public async Task TheWeek_ListsWhoWhatAndTheConversation_OnlyToTheUnitsPeople()
    {
        var booked = await BookAsync("whatsapp:+5596981130001", 4, $"acordo do processo {ChatbotTranscriptTests.Macapa.Canonical}");

        var agenda = (await clerk.GetFromJsonAsync<Agenda>($"/api/units/{Macapa}/appointments", Json))!;
        var item = agenda.Items.Single();
        Assert.Multiple(() =>
        {
            Assert.That((agenda.From, agenda.Days, agenda.TimeZone), Is.EqualTo((new DateOnly(2026, 11, 23), 7, "America/Belem")));
            Assert.That((item.Id, item.Start, item.Status), Is.EqualTo((booked.Id, At(24, 9), AppointmentStatus.Booked)));
            Assert.That(item.Who, Is.EqualTo("Maria"), "the name WhatsApp gives");
            Assert.That(item.Cases, Is.EqualTo(new[] { ChatbotTranscriptTests.Macapa.Canonical }));
            Assert.That(item.ConversationId, Is.EqualTo(booked.ConversationId));
            Assert.That(item.Link, Is.EqualTo("https://meet.google.com/bvt-mcpa-210"));
            Assert.That(agenda.FreeSlots, Does.Not.Contain(At(24, 9)).And.Contain(At(24, 9, 20)));
        });

        using var other = await bot.Factory.ClientForNewUserAsync("clerk.belem.agenda@trt8.jus.br", clerkOf: ["trt8-vt-belem-1"]);
        Assert.That((await other.GetAsync($"/api/units/{Macapa}/appointments")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await other.PostAsJsonAsync($"/api/units/{Macapa}/appointments/{booked.Id}/cancel", new { })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await bot.Service.GetAsync($"/api/units/{Macapa}/appointments")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await clerk.GetAsync($"/api/units/{Macapa}/appointments?from=23/11/2026")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await clerk.GetAsync($"/api/units/{Macapa}/appointments?days=400")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task MovingAndCancelling_TellTheCitizen_AndBadChangesAreRefusedWithWhy()
    {
        const string citizen = "whatsapp:+5596981130002";
        var booked = await BookAsync(citizen, 4, "alvará");
        var blocker = await BookAsync("whatsapp:+5596981130003", 4, "outro assunto"); // takes Tuesday 9h20
        await bot.RepliesAsync();
        var path = $"/api/units/{Macapa}/appointments/{booked.Id}";

        var full = await clerk.PostAsJsonAsync(path + "/move", new { start = blocker.Start });
        Assert.That(full.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await full.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("start")[0].GetString(), Is.EqualTo("Esse horário já está preenchido."));
        var past = await clerk.PostAsJsonAsync(path + "/move", new { start = At(23, 8) });
        Assert.That((await past.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("start")[0].GetString(), Is.EqualTo("Esse horário já passou."));
        var weekend = await clerk.PostAsJsonAsync(path + "/move", new { start = At(28, 9) });
        Assert.That((await weekend.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("start")[0].GetString(), Does.StartWith("A unidade não atende nesse dia"));
        Assert.That((await clerk.PostAsJsonAsync(path + "/move", new { start = At(25, 10), message = new string('x', 501) })).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        using (var notJson = new StringContent("{\"start\": ", System.Text.Encoding.UTF8, "application/json"))
        {
            Assert.That((await clerk.PostAsync(path + "/move", notJson)).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }

        var moved = await clerk.PostAsJsonAsync(path + "/move", new { start = At(25, 10), message = "A juíza pediu para adiantar." });
        Assert.That(moved.StatusCode, Is.EqualTo(HttpStatusCode.OK), await moved.Content.ReadAsStringAsync());
        var outbox = bot.Factory.Services.GetRequiredService<Web.Features.Conversations.Outbox>();
        await TestServers.WaitUntilAsync(async () => await outbox.PendingAsync() == 0, TimeSpan.FromSeconds(20), "the notice to be sent");
        Assert.That(await bot.RepliesAsync(), Is.EqualTo(new[]
        {
            "A 7ª Vara do Trabalho de Macapá remarcou seu atendimento por vídeo para quarta-feira, 25/11, às 10h (horário de Belém). Se não puder, escreva cancelar ou remarcar.\n" +
            "A juíza pediu para adiantar.",
        }));

        var cancelled = await clerk.PostAsJsonAsync(path + "/cancel", new { });
        Assert.That(cancelled.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await TestServers.WaitUntilAsync(async () => await outbox.PendingAsync() == 0, TimeSpan.FromSeconds(20), "the notice to be sent");
        Assert.That(await bot.RepliesAsync(), Is.EqualTo(new[]
        {
            "A 7ª Vara do Trabalho de Macapá desmarcou seu atendimento por vídeo de quarta-feira, 25/11, às 10h. Para marcar outro, escreva agendar.",
        }));
        Assert.That((await clerk.PostAsJsonAsync(path + "/cancel", new { })).StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "cancelled already");
        Assert.That((await clerk.PostAsJsonAsync($"/api/units/{Macapa}/appointments/nao-existe/cancel", new { })).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var record = await bot.Factory.Services.GetRequiredService<AppointmentBook>().GetAsync(Macapa, booked.Id);
        Assert.That((record!.Status, record.MovedFrom.Single()), Is.EqualTo((AppointmentStatus.Cancelled, At(24, 9))));
    }

    [Test]
    public async Task Attendance_IsRecordedOnceTheCallStarted_AndALinkPerCallIsKept()
    {
        var booked = await BookAsync("whatsapp:+5596981130004", 1, "acordo"); // Monday 11h
        var path = $"/api/units/{Macapa}/appointments/{booked.Id}";
        Assert.That((await clerk.PostAsJsonAsync(path + "/attendance", new { attended = false })).StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "not yet");
        Assert.That((await clerk.PostAsJsonAsync(path + "/attendance", new { })).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await clerk.PostAsJsonAsync(path + "/link", new { link = "http://meet.google.com/x" })).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var linked = await clerk.PostAsJsonAsync(path + "/link", new { link = "https://meet.google.com/abc-defg-hij" });
        Assert.That(linked.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        bot.Factory.Time.SetUtcNow(At(23, 11, 25));
        Assert.That((await clerk.PostAsJsonAsync(path + "/attendance", new { attended = false })).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var record = await bot.Factory.Services.GetRequiredService<AppointmentBook>().GetAsync(Macapa, booked.Id);
        Assert.That((record!.Status, record.Link), Is.EqualTo((AppointmentStatus.NoShow, (Uri?)new Uri("https://meet.google.com/abc-defg-hij"))));
        Assert.That(record.RecordedBy, Is.Not.Null);
    }

    [Test]
    public async Task TheMonthsReport_CountsCallsAttendedNoShowsAndCancelled()
    {
        var came = await BookAsync("whatsapp:+5596981130011", 1, "assunto um"); // Monday 11h
        var missed = await BookAsync("whatsapp:+5596981130012", 1, "assunto dois"); // Monday 11h20
        var dropped = await BookAsync("whatsapp:+5596981130013", 4, "assunto três");
        var ahead = await BookAsync("whatsapp:+5596981130014", 4, "assunto quatro");
        var path = $"/api/units/{Macapa}/appointments/";
        Assert.That((await clerk.PostAsJsonAsync(path + dropped.Id + "/cancel", new { })).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        bot.Factory.Time.SetUtcNow(At(23, 12));
        clerk.Dispose();
        clerk = await bot.Factory.ClientAsAsync("clerk.agenda@trt8.jus.br", "senha-forte-do-servidor");
        Assert.That((await clerk.PostAsJsonAsync(path + came.Id + "/attendance", new { attended = true })).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await clerk.PostAsJsonAsync(path + missed.Id + "/attendance", new { attended = false })).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        using var manager = await bot.Factory.ClientForNewUserAsync("chefe.agenda@trt8.jus.br", managerOf: [Macapa]);
        var report = await manager.GetFromJsonAsync<JsonElement>($"/api/reports/sla?unit={Macapa}&from=2026-11-01&to=2026-11-30");
        var figures = report.GetProperty("appointments").Deserialize<Web.Features.Sla.AppointmentFigures>(Json)!;
        Assert.That(figures, Is.EqualTo(new Web.Features.Sla.AppointmentFigures(Total: 4, Attended: 1, NoShows: 1, Cancelled: 1, NotRecorded: 0, Ahead: 1)));
        Assert.That(ahead.Start, Is.GreaterThan(At(23, 12)));
    }
}

/// <summary>
/// The public booking form by e-mail, posted as a browser without script would (the form's token and cookie): the
/// confirmation goes from the unit's own mailbox to the address given; a second post without the token is refused and
/// books nothing; a post for a time taken meanwhile is refused and keeps nothing of its sender.
/// </summary>
public sealed class PublicBookingMailTests
{
    [Test]
    public async Task ABookingByEMail_IsConfirmedFromTheUnitsMailbox_AndAPostWithoutTheToken_BooksNothing()
    {
        var user = Channels.Email.MailTestSupport.NewUser();
        await using var bot = await BotHarness.StartAsync(Channels.Email.MailTestSupport.Settings(user));
        var citizen = Channels.Email.MailTestSupport.NewCitizen();
        var form = await bot.Service.GetStringAsync("/unidades/trt8-vt-macapa-7/agendar");
        Assert.That(form, Does.Contain("id=\"c-email\""), "the unit has a mailbox");
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"(__RequestVerificationToken[^\"]*)\" value=\"([^\"]+)\"");
        var slot = System.Text.RegularExpressions.Regex.Match(form, "name=\"horario\" id=\"[^\"]+\" value=\"([^\"]+)\"").Groups[1].Value;
        var pedido = System.Text.RegularExpressions.Regex.Match(form, "name=\"pedido\" value=\"([0-9a-f]{16})\"").Groups[1].Value;
        var fields = new Dictionary<string, string>
        {
            ["horario"] = System.Net.WebUtility.HtmlDecode(slot), ["nome"] = "Ana", ["canal"] = "email", ["contato"] = citizen, ["assunto"] = "acordo", ["site"] = "",
            ["pedido"] = pedido,
        };

        using var forged = new FormUrlEncodedContent(fields);
        var refused = await bot.Service.PostAsync("/unidades/trt8-vt-macapa-7/agendar", forged);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "no token");
        var book = bot.Factory.Services.GetRequiredService<AppointmentBook>();
        Assert.That(await book.AgendaAsync("trt8-vt-macapa-7", bot.Factory.Time.GetUtcNow(), bot.Factory.Time.GetUtcNow().AddDays(30)), Is.Empty);

        fields[token.Groups[1].Value] = System.Net.WebUtility.HtmlDecode(token.Groups[2].Value);
        using var posted = new FormUrlEncodedContent(fields);
        var done = await bot.Service.PostAsync("/unidades/trt8-vt-macapa-7/agendar", posted);
        Assert.That(await done.Content.ReadAsStringAsync(), Does.Contain("A confirmação foi enviada por e-mail."));
        using var again = new FormUrlEncodedContent(fields);
        var twice = await bot.Service.PostAsync("/unidades/trt8-vt-macapa-7/agendar", again); // a refresh sends the form again
        Assert.That(await twice.Content.ReadAsStringAsync(), Does.Contain("A confirmação foi enviada por e-mail."));
        Assert.That(await book.AgendaAsync("trt8-vt-macapa-7", bot.Factory.Time.GetUtcNow(), bot.Factory.Time.GetUtcNow().AddDays(30)), Has.Count.EqualTo(1));

        // Another citizen sends the same time (a form opened before it was taken): told so, and nothing of theirs is kept.
        var late = Channels.Email.MailTestSupport.NewCitizen();
        fields["contato"] = late;
        fields["pedido"] = "0123456789abcdef";
        using var lateForm = new FormUrlEncodedContent(fields);
        var refusedLate = await bot.Service.PostAsync("/unidades/trt8-vt-macapa-7/agendar", lateForm);
        Assert.That(await refusedLate.Content.ReadAsStringAsync(), Does.Contain("Esse horário acabou de ser preenchido. Escolha outro."));
        var lateId = bot.Factory.ContactIdOf(Web.Features.Conversations.ContactAddress.FromEmail(late)!);
        var keys = bot.Factory.Services.GetRequiredService<Web.Infrastructure.Storage.RedisKeys>();
        var db = bot.Factory.Services.GetRequiredService<Web.Infrastructure.Storage.RedisConnections>().GetDatabase();
        Assert.That(await db.KeyExistsAsync(keys.Contact(lateId)), Is.False, "no conversation opened for a refused booking");

        // A first post that booked and stopped before its conversation was opened (the process died): the same form again
        // opens it and sends the confirmation.
        var cut = Channels.Email.MailTestSupport.NewCitizen();
        var planned = await bot.Factory.Services.GetRequiredService<Web.Features.Conversations.ConversationOpener>()
            .IdForAsync(Web.Features.Conversations.ContactAddress.FromEmail(cut)!, Channels.Email.MailTestSupport.UnitAddress);
        var cutSlot = (await book.FreeSlotsAsync(bot.Factory.Services.GetRequiredService<Web.Features.Units.UnitCatalog>().Find("trt8-vt-macapa-7")!, bot.Factory.Time.GetUtcNow(), 1)).Single();
        var cutPedido = "00aa11bb22cc33dd";
        Assert.That((await book.BookAsync(new BookingRequest("trt8-vt-macapa-7", cutSlot, Web.Infrastructure.Storage.RedisKeys.ContactOf(planned), planned, "acordo", "page", "citizen")
            { Id = "p" + cutPedido }, bot.Factory.Time.GetUtcNow())).Booked, Is.True);
        (fields["contato"], fields["pedido"], fields["horario"]) = (cut, cutPedido, cutSlot.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture));
        using var resent = new FormUrlEncodedContent(fields);
        Assert.That(await (await bot.Service.PostAsync("/unidades/trt8-vt-macapa-7/agendar", resent)).Content.ReadAsStringAsync(),
            Does.Contain("A confirmação foi enviada por e-mail."));
        Assert.That(await bot.Factory.Services.GetRequiredService<Web.Features.Conversations.ConversationStore>().GetAsync(planned), Is.Not.Null, "its conversation opened");
        Assert.That((await Channels.Email.MailTestSupport.ReceivedAsync(cut, 1)).Single().TextBody, Does.Contain("atendimento por vídeo marcado com a 7ª Vara do Trabalho de Macapá"));

        var mail = (await Channels.Email.MailTestSupport.ReceivedAsync(citizen, 1)).Single();
        var outbox = bot.Factory.Services.GetRequiredService<Web.Features.Conversations.Outbox>();
        await TestServers.WaitUntilAsync(async () => await outbox.PendingAsync() == 0, TimeSpan.FromSeconds(20), "everything sent");
        Assert.That(Channels.Email.MailTestSupport.Received(citizen), Has.Count.EqualTo(1), "confirmed once");
        Assert.Multiple(() =>
        {
            Assert.That(mail.From.Mailboxes.Single().Address, Is.EqualTo(Channels.Email.MailTestSupport.UnitAddress));
            Assert.That(mail.TextBody, Does.Contain("atendimento por vídeo marcado com a 7ª Vara do Trabalho de Macapá: segunda-feira, 23/11, às 11h"));
        });
    }
}

/// <summary>A booking on the public page by WhatsApp where the unit's number is at Meta: the confirmation leaves through Meta, as the court's template.</summary>
public sealed class PublicBookingMetaTests
{
    [Test]
    public async Task AUnitNumberAtMeta_GetsTheConfirmationThroughMeta_AsTheTemplate()
    {
        await using var meta = await FakeMeta.StartAsync();
        var settings = meta.Settings();
        settings["WhatsApp:AppointmentBooked:MetaName"] = "balcao_agendamento_confirmado";
        settings["WhatsApp:AppointmentReminder:MetaName"] = "balcao_agendamento_lembrete";
        await using var bot = await BotHarness.StartAsync(settings);
        var form = await bot.Service.GetStringAsync("/unidades/trt8-vt-macapa-7/agendar");
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"(__RequestVerificationToken[^\"]*)\" value=\"([^\"]+)\"");
        var slot = System.Text.RegularExpressions.Regex.Match(form, "name=\"horario\" id=\"[^\"]+\" value=\"([^\"]+)\"").Groups[1].Value;
        using var posted = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["horario"] = System.Net.WebUtility.HtmlDecode(slot), ["nome"] = "Rui", ["canal"] = "whatsapp", ["contato"] = "(91) 98123-4567", ["assunto"] = "acordo",
            [token.Groups[1].Value] = System.Net.WebUtility.HtmlDecode(token.Groups[2].Value),
        });
        var done = await bot.Service.PostAsync("/unidades/trt8-vt-macapa-7/agendar", posted);
        Assert.That(await done.Content.ReadAsStringAsync(), Does.Contain("A confirmação foi enviada por WhatsApp."));

        await TestServers.WaitUntilAsync(() => Task.FromResult(!meta.Requests.IsEmpty), TimeSpan.FromSeconds(20), "the confirmation at Meta");
        var sent = meta.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That((sent.PhoneNumberId, sent.To, sent.Type), Is.EqualTo((FakeMeta.MacapaId, FakeMeta.Citizen, "template")));
            var template = System.Text.Json.Nodes.JsonNode.Parse(sent.Json)!["template"]!;
            Assert.That((string)template["name"]!, Is.EqualTo("balcao_agendamento_confirmado"));
            Assert.That((string)template["components"]![0]!["parameters"]![0]!["text"]!, Is.EqualTo("7ª Vara do Trabalho de Macapá"));
            Assert.That(bot.Twilio.Requests, Is.Empty, "not through Twilio");
        });
    }
}
