using System.Net;
using System.Text.Json.Nodes;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Appointments;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Appointments;

/// <summary>
/// Video calls booked with the 7ª Vara do Trabalho de Macapá (sample catalogue: 20-minute slots 9h–12h, one citizen
/// each, one booking per contact, two hours' notice) through the real webhooks, store and sender: booking, moving and
/// cancelling on Twilio's WhatsApp and SMS and on Meta (the slots as a list); two nodes racing for the last place; what
/// the store refuses. One service for the fixture, a citizen per test; the clock stays at Monday 23/11/2026, 9h in Belém.
/// </summary>
public sealed class AppointmentTests
{
    private const string Macapa = "trt8-vt-macapa-7";
    private const string MacapaSms = "+559621010211";
    private static readonly TimeSpan Belem = TimeSpan.FromHours(-3);
    private FakeMeta meta = null!;
    private BotHarness bot = null!;

    private static DateTimeOffset At(int day, int hour, int minute = 0) => new(2026, 11, day, hour, minute, 0, Belem);

    private AppointmentBook Book => bot.Factory.Services.GetRequiredService<AppointmentBook>();

    private DateTimeOffset Now => bot.Factory.Time.GetUtcNow();

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        meta = await FakeMeta.StartAsync();
        bot = await BotHarness.StartAsync(meta.Settings());
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await bot.DisposeAsync();
        await meta.DisposeAsync();
    }

    private async Task<IReadOnlyList<Appointment>> BookedAsync(string from)
    {
        var contact = bot.Factory.ContactIdOf(Web.Features.Conversations.ContactAddress.FromTwilio(from)!);
        return await Book.UpcomingAsync(contact, Now);
    }

    private Web.Features.Units.Unit MacapaUnit => bot.Factory.Services.GetRequiredService<Web.Features.Units.UnitCatalog>().Find(Macapa)!;

    /// <summary>"ter. 24/11, 9h20" (the list's label) and "terça-feira, 24/11, às 9h20" (the confirmation's).</summary>
    private static (string Label, string When) Told(DateTimeOffset slot) =>
        (Web.Features.Chatbot.BotFormat.Slot(slot, TimeZoneInfo.FindSystemTimeZoneById("America/Belem")),
         Web.Features.Chatbot.BotFormat.When(slot, TimeZoneInfo.FindSystemTimeZoneById("America/Belem")));

    [Test]
    public async Task OnTwilioWhatsApp_Booked_Moved_Listed_AndCancelled_FromTheSameConversation()
    {
        const string citizen = "whatsapp:+5596981110001";
        // Other tests of the fixture book too: the slots free now are what the list must show.
        var free = await Book.FreeSlotsAsync(MacapaUnit, Now, 9);
        var offer = await bot.SayAsync("quero agendar um atendimento por vídeo", citizen, BotHarness.MacapaNumber);
        Assert.That(string.Join("\n", offer), Does.Contain(string.Join('\n', free.Select((f, i) => $"{i + 1} - {Told(f).Label}")
            .Prepend("Horários livres para atendimento por vídeo com a 7ª Vara do Trabalho de Macapá (20 min, horário de Belém):"))));
        Assert.That(await bot.SayAsync("1", citizen, BotHarness.MacapaNumber),
            Is.EqualTo(new[] { "Em poucas palavras, qual é o assunto? Se tiver, escreva também o número do processo." }));
        Assert.That(await bot.SayAsync($"acordo no processo {ChatbotTranscriptTests.Macapa.Canonical}", citizen, BotHarness.MacapaNumber), Is.EqualTo(new[]
        {
            $"Pronto! Atendimento por vídeo marcado com a 7ª Vara do Trabalho de Macapá: {Told(free[0]).When} (horário de Belém).\n" +
            (free[0] - Now < TimeSpan.FromDays(1) ? "O link para entrar chega por aqui 30 minutos antes." : "O link para entrar chega por aqui na véspera e 30 minutos antes.") +
            " Para desmarcar, escreva cancelar; para mudar, remarcar.",
        }));
        var booked = (await BookedAsync(citizen)).Single();
        Assert.Multiple(() =>
        {
            Assert.That((booked.UnitId, booked.Start, booked.Via, booked.BookedBy), Is.EqualTo((Macapa, free[0], "whatsapp", "citizen")));
            Assert.That(booked.Cases, Is.EqualTo(new[] { ChatbotTranscriptTests.Macapa.Canonical }));
        });

        var others = await Book.FreeSlotsAsync(MacapaUnit, Now, 9);
        var moving = await bot.SayAsync("preciso remarcar", citizen, BotHarness.MacapaNumber);
        Assert.That(moving.Single(), Does.StartWith($"Novos horários livres com a 7ª Vara do Trabalho de Macapá (20 min, horário de Belém):\n1 - {Told(others[0]).Label}"));
        Assert.That(others, Does.Not.Contain(free[0]), "its own time is no new time");
        Assert.That((await bot.SayAsync("3", citizen, BotHarness.MacapaNumber)).Single(), Is.EqualTo(
            $"Pronto! Atendimento com a 7ª Vara do Trabalho de Macapá remarcado para {Told(others[2]).When} (horário de Belém). " +
            (others[2] - Now < TimeSpan.FromDays(1) ? "O link chega por aqui 30 minutos antes." : "O link chega por aqui na véspera e 30 minutos antes.")));
        Assert.That((await bot.SayAsync("meu agendamento", citizen, BotHarness.MacapaNumber)).Single(), Does.Contain($"• {Told(others[2]).Label} – 7ª Vara do Trabalho de Macapá"));
        Assert.That((await bot.SayAsync("cancelar", citizen, BotHarness.MacapaNumber)).Single(), Does.StartWith("Desmarcar o atendimento por vídeo de "));
        Assert.That((await bot.SayAsync("1", citizen, BotHarness.MacapaNumber)).Single(), Is.EqualTo(
            $"Desmarcado: o atendimento por vídeo de {Told(others[2]).When} com a 7ª Vara do Trabalho de Macapá. Para marcar outro, escreva agendar."));

        var record = await Book.GetAsync(Macapa, booked.Id);
        Assert.Multiple(async () =>
        {
            Assert.That((record!.Status, record.CancelledBy, record.Start, record.MovedFrom.Single()),
                Is.EqualTo((AppointmentStatus.Cancelled, (string?)"citizen", others[2], free[0])));
            Assert.That(await BookedAsync(citizen), Is.Empty);
            Assert.That(await Book.FreeSlotsAsync(MacapaUnit, Now, 9), Does.Contain(free[0]).And.Contain(others[2]), "both places it held are free again");
        });
    }

    [Test]
    public async Task AnErasure_CancelsTheCallsAhead_FreesTheirPlaces_AndKeepsNoneOfTheCitizensWords()
    {
        const string citizen = "whatsapp:+5596981110009";
        await bot.SayAsync("agendar", citizen, BotHarness.MacapaNumber);
        await bot.SayAsync("2", citizen, BotHarness.MacapaNumber);
        await bot.SayAsync($"meu CPF é 529.982.247-25, processo {ChatbotTranscriptTests.Macapa.Canonical}", citizen, BotHarness.MacapaNumber);
        var booked = (await BookedAsync(citizen)).Single();
        var exported = await Book.OfConversationAsync(booked.ConversationId!);
        Assert.That(exported.Single().Id, Is.EqualTo(booked.Id), "an export finds it");

        Assert.That(await bot.Factory.Services.GetRequiredService<Web.Features.Privacy.Anonymizer>().AnonymizeAsync(booked.ConversationId!, "test"), Is.True);

        var erased = await Book.GetAsync(Macapa, booked.Id);
        Assert.Multiple(async () =>
        {
            Assert.That((erased!.Status, erased.Subject, erased.Cases, erased.Name), Is.EqualTo((AppointmentStatus.Cancelled, "anonimizado", (IReadOnlyList<string>)[], (string?)null)));
            Assert.That(erased.Start, Is.EqualTo(booked.Start), "the unit's figures keep when it was");
            Assert.That(await Book.FreeSlotsAsync(MacapaUnit, Now, 60), Does.Contain(booked.Start));
        });
    }

    [Test]
    public async Task OnSms_TheSlotsAreNumbered_AndTheBookingIsKept()
    {
        const string citizen = "+5596981110002";
        var offer = await bot.SayAsync("agendar", citizen, MacapaSms);
        Assert.That(string.Join("\n", offer), Does.Contain("Horários livres para atendimento por vídeo com a 7ª Vara do Trabalho de Macapá"));
        await bot.SayAsync("4", citizen, MacapaSms);
        var done = await bot.SayAsync("quero saber do alvará", citizen, MacapaSms);
        Assert.That(done.Single(), Does.StartWith("Pronto! Atendimento por vídeo marcado com a 7ª Vara do Trabalho de Macapá: "));
        var booked = (await BookedAsync(citizen)).Single();
        Assert.That((booked.Via, booked.Subject), Is.EqualTo(("sms", "quero saber do alvará")));

        var moving = await bot.SayAsync("preciso mudar o horário", citizen, MacapaSms);
        Assert.That(moving.Single(), Does.StartWith("Novos horários livres com a 7ª Vara do Trabalho de Macapá"));
        Assert.That((await bot.SayAsync("2", citizen, MacapaSms)).Single(), Does.StartWith("Pronto! Atendimento com a 7ª Vara do Trabalho de Macapá remarcado para "));
        var now = (await BookedAsync(citizen)).Single();
        Assert.That((now.Id, now.Start == booked.Start), Is.EqualTo((booked.Id, false)), "the same call, at another time");
        Assert.That(now.MovedFrom.Single(), Is.EqualTo(booked.Start));
        Assert.That((await bot.SayAsync("cancelar", citizen, MacapaSms)).Single(), Does.StartWith("Desmarcar o atendimento por vídeo de "));
        Assert.That((await bot.SayAsync("2", citizen, MacapaSms)).Single(), Is.EqualTo("Certo, seu atendimento continua marcado."));
        Assert.That((await bot.SayAsync("desmarcar", citizen, MacapaSms)).Single(), Does.StartWith("Desmarcar o atendimento por vídeo de "));
        Assert.That((await bot.SayAsync("1", citizen, MacapaSms)).Single(), Does.StartWith("Desmarcado: o atendimento por vídeo de "));
        Assert.That(await BookedAsync(citizen), Is.Empty);
    }

    [Test]
    public async Task OnMeta_TheSlotsGoAsAList_AndTheRowChosenIsTheSlot()
    {
        var n = 0;
        async Task<IReadOnlyList<GraphRequest>> PostAsync(JsonObject message)
        {
            var before = meta.Requests.Count;
            var id = (string)message["id"]!;
            Assert.That((await FakeMeta.PostAsync(bot.Service, FakeMeta.Envelope(FakeMeta.MacapaId, FakeMeta.MacapaDisplay, [message]))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
            await bot.WaitProcessedAsync(id, "whatsapp:+" + FakeMeta.Citizen, "whatsapp:+" + FakeMeta.MacapaDisplay);
            return [.. meta.Requests.Skip(before)];
        }

        var offer = await PostAsync(FakeMeta.Text($"wamid.APPT{++n}", "quero marcar um horário por vídeo"));
        var list = offer.Single(r => r.Type == "interactive");
        Assert.That(FakeMeta.OptionIds(list), Is.EqualTo(new[] { "1", "2", "3", "4", "5", "6", "7", "8", "9" }));
        Assert.That(list.Json, Does.Contain("seg. 23/11, 11h20"));
        await PostAsync(FakeMeta.ListReply($"wamid.APPT{++n}", "5", "ter. 24/11, 9h20"));
        var done = await PostAsync(FakeMeta.Text($"wamid.APPT{++n}", "audiência de conciliação"));
        Assert.That(done.Single().Text, Does.StartWith("Pronto! Atendimento por vídeo marcado com a 7ª Vara do Trabalho de Macapá: terça-feira, 24/11, às 9h20"));

        // Moved by choosing from the list again, then cancelled with a yes.
        var moving = (await PostAsync(FakeMeta.Text($"wamid.APPT{++n}", "remarcar"))).Single(r => r.Type == "interactive");
        var interactive = System.Text.Json.Nodes.JsonNode.Parse(moving.Json)!["interactive"]!;
        var rows = interactive["action"]!["sections"]![0]!["rows"]!.AsArray().Select(r => (string)r!["title"]!).ToList();
        Assert.That((string)interactive["body"]!["text"]!, Does.StartWith("Novos horários livres"));
        Assert.That(rows, Does.Not.Contain("ter. 24/11, 9h20"), "its own time is no new time");
        var movedTo = rows[0];
        var moved = await PostAsync(FakeMeta.ListReply($"wamid.APPT{++n}", "1", movedTo));
        Assert.That(moved.Single().Text, Does.StartWith("Pronto! Atendimento com a 7ª Vara do Trabalho de Macapá remarcado para "));
        var asked = await PostAsync(FakeMeta.Text($"wamid.APPT{++n}", "quero desmarcar"));
        Assert.That(asked.Single().Text, Does.StartWith("Desmarcar o atendimento por vídeo de "));
        var cancelled = await PostAsync(FakeMeta.Text($"wamid.APPT{++n}", "sim"));
        Assert.That(cancelled.Single().Text, Does.StartWith("Desmarcado: o atendimento por vídeo de "));
        Assert.That(await BookedAsync("whatsapp:+" + FakeMeta.Citizen), Is.Empty);
    }

    [Test]
    public async Task TwoNodes_RacingForTheLastPlace_OneBookingWins_AndTheSlotHoldsOne()
    {
        await using var second = bot.SecondNode();
        // The second node fully started (its background services on the thread pool) before the race.
        using (var client = second.CreateClient())
        {
            Assert.That((await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var books = new[] { Book, second.Services.GetRequiredService<AppointmentBook>() };
        var slot = At(26, 11, 40);
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => books[i % 2].BookAsync(
            new BookingRequest(Macapa, slot, $"racer{i}", null, "corrida", "page", "citizen"), Now))));

        Assert.Multiple(async () =>
        {
            Assert.That(results.Count(r => r.Booked), Is.EqualTo(1));
            Assert.That(results.Where(r => !r.Booked).Select(r => r.Refusal), Is.All.EqualTo(BookingRefusal.Full));
            Assert.That(await BookedAtAsync(slot), Has.Count.EqualTo(1));
        });

        // Two booked calls moving into one free place at once: one moves, the other keeps its time.
        var target = At(26, 11, 20);
        var a = (await Book.BookAsync(new BookingRequest(Macapa, At(26, 9), "mover-a", null, "a", "page", "citizen"), Now)).Appointment!;
        var b = (await Book.BookAsync(new BookingRequest(Macapa, At(26, 9, 20), "mover-b", null, "b", "page", "citizen"), Now)).Appointment!;
        var moves = await Task.WhenAll(Task.Run(() => books[0].MoveAsync(a, target, Now)), Task.Run(() => books[1].MoveAsync(b, target, Now)));
        Assert.That(moves.Count(m => m.Booked), Is.EqualTo(1));
        Assert.That(await BookedAtAsync(target), Has.Count.EqualTo(1));
        var loser = moves[0].Booked ? b : a;
        Assert.That((await Book.GetAsync(Macapa, loser.Id))!.Start, Is.EqualTo(loser.Start), "the loser keeps its own place");
        Assert.That((await BookedAtAsync(loser.Start)).Select(x => x.Id), Is.EqualTo(new[] { loser.Id }));
    }

    [Test]
    public async Task TheSameRequestSentTwiceAtOnce_BooksOnce_AndEachIsToldItIsBooked()
    {
        var slot = At(26, 10);
        var request = new BookingRequest(Macapa, slot, "toque-duplo", null, "dois toques", "page", "citizen") { Id = "p00112233aabbccdd" };
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Book.BookAsync(request, Now))));
        Assert.Multiple(async () =>
        {
            Assert.That(results.Select(r => r.Booked), Is.All.True, "never 'full' or 'limit' for the booking the request itself made");
            Assert.That(results.Count(r => !r.Again), Is.EqualTo(1));
            Assert.That((await BookedAtAsync(slot)).Select(a => a.Id), Is.EqualTo(new[] { "p00112233aabbccdd" }));
        });
    }

    [Test]
    public async Task APlannedConversationId_ErasedBeforeItIsUsedAgain_IsNeverWrittenOver()
    {
        var opener = bot.Factory.Services.GetRequiredService<Web.Features.Conversations.ConversationOpener>();
        var store = bot.Factory.Services.GetRequiredService<Web.Features.Conversations.ConversationStore>();
        var contact = Web.Features.Conversations.ContactAddress.FromTwilio("+5596981110077")!;
        var planned = await opener.IdForAsync(contact, MacapaSms);
        Assert.That((await opener.OpenAsync(contact, MacapaSms, Macapa, "Rita", newId: planned)).Id, Is.EqualTo(planned));
        Assert.That(await bot.Factory.Services.GetRequiredService<Web.Features.Privacy.Anonymizer>().AnonymizeAsync(planned, "test"), Is.True);

        // A form that got the id before the erasure opens its conversation after it: a new one, the erased record kept as it is.
        var opened = await opener.OpenAsync(contact, MacapaSms, Macapa, "Rita", newId: planned);
        Assert.Multiple(async () =>
        {
            Assert.That(opened.Id, Is.Not.EqualTo(planned));
            var erased = (await store.GetAsync(planned))!;
            Assert.That(erased.AnonymizedAt, Is.Not.Null);
            Assert.That(erased.ContactName, Is.Not.EqualTo("Rita"));
        });
    }

    /// <summary>The calls booked (not cancelled) at Macapá starting at <paramref name="start"/>.</summary>
    private async Task<IReadOnlyList<Appointment>> BookedAtAsync(DateTimeOffset start) =>
        [.. (await Book.AgendaAsync(Macapa, start, start.AddMinutes(1))).Where(a => a.Status == AppointmentStatus.Booked)];

    [Test]
    public async Task AfterTheSlotLengthChanged_ACallOnTheOldGrid_StillHoldsItsTime()
    {
        BookingRequest At_(DateTimeOffset start, string contact) => new(Macapa, start, contact, null, "grade", "page", "citizen");
        var old = At(25, 10, 20); // on the file's 20-minute grid
        Assert.That(await Book.FreeSlotsAsync(MacapaUnit, Now, 60), Does.Contain(old));
        var held = (await Book.BookAsync(At_(old, "grade-antiga"), Now)).Appointment!;

        using var admin = await bot.Factory.AdminClientAsync();
        var json = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web);
        var settings = (await admin.GetFromJsonAsync<Web.Features.Units.UnitSettingsView>($"/api/units/{Macapa}/settings", json))!.Settings;
        var thirty = settings with { Appointments = settings.Appointments! with { SlotMinutes = 30 } };
        try
        {
            var saved = await admin.PutAsJsonAsync($"/api/units/{Macapa}/settings", thirty, json);
            Assert.That(saved.StatusCode, Is.EqualTo(HttpStatusCode.OK), await saved.Content.ReadAsStringAsync());
            Assert.That(MacapaUnit.Appointments!.SlotLength, Is.EqualTo(TimeSpan.FromMinutes(30)));

            // 10h–10h30 and 10h30–11h both take part of the old call's 10h20–10h40: neither is offered, nor taken.
            var free = await Book.FreeSlotsAsync(MacapaUnit, Now, 60);
            Assert.That(free, Does.Not.Contain(At(25, 10)).And.Not.Contain(At(25, 10, 30)).And.Contain(At(25, 11)));
            var over = await Book.BookAsync(At_(At(25, 10, 30), "grade-nova"), Now);
            Assert.That((over.Booked, over.Refusal), Is.EqualTo((false, (BookingRefusal?)BookingRefusal.Full)));
            var other = (await Book.BookAsync(At_(At(25, 11), "grade-nova-2"), Now)).Appointment!;
            var moved = await Book.MoveAsync(other, At(25, 10), Now);
            Assert.That((moved.Booked, moved.Refusal), Is.EqualTo((false, (BookingRefusal?)BookingRefusal.Full)));
            Assert.That((await Book.GetAsync(Macapa, other.Id))!.Start, Is.EqualTo(At(25, 11)), "the refused move keeps its place");

            // The old call cancelled, its time is free on the new grid.
            Assert.That(await Book.CancelAsync(held, "citizen", Now), Is.Not.Null);
            Assert.That((await Book.BookAsync(At_(At(25, 10, 30), "grade-nova"), Now)).Booked, Is.True);
        }
        finally
        {
            await admin.DeleteAsync($"/api/units/{Macapa}/settings");
        }
    }

    [Test]
    public async Task BadTimes_AreRefusedWithWhy_AndNothingIsBooked()
    {
        BookingRequest At_(DateTimeOffset start, string contact = "mau-pedido") => new(Macapa, start, contact, null, "x", "page", "citizen");
        var results = new Dictionary<string, BookingResult>
        {
            ["past"] = await Book.BookAsync(At_(At(23, 8)), Now),
            ["too soon"] = await Book.BookAsync(At_(At(23, 10, 20)), Now),
            ["weekend"] = await Book.BookAsync(At_(At(28, 9)), Now),
            ["not a slot"] = await Book.BookAsync(At_(At(27, 9, 10)), Now),
            ["too far"] = await Book.BookAsync(At_(new DateTimeOffset(2026, 12, 9, 9, 0, 0, Belem)), Now),
        };
        Assert.Multiple(() =>
        {
            Assert.That(results["past"].Problem, Is.EqualTo(SlotProblem.Past));
            Assert.That(results["too soon"].Problem, Is.EqualTo(SlotProblem.TooSoon));
            Assert.That(results["weekend"].Problem, Is.EqualTo(SlotProblem.Closed));
            Assert.That(results["not a slot"].Problem, Is.EqualTo(SlotProblem.NotASlot));
            Assert.That(results["too far"].Problem, Is.EqualTo(SlotProblem.TooFar));
            Assert.That(results.Values.Select(r => r.Booked), Is.All.False);
        });

        Assert.That((await Book.BookAsync(At_(At(27, 10), "limite"), Now)).Booked, Is.True);
        var second = await Book.BookAsync(At_(At(27, 10, 20), "limite"), Now);
        Assert.That((second.Booked, second.Refusal), Is.EqualTo((false, (BookingRefusal?)BookingRefusal.Limit)));
        Assert.That(await Book.UpcomingAsync("limite", Now), Has.Count.EqualTo(1));
    }
}
