using BalcaoVirtual.Web.Features.Appointments;
using BalcaoVirtual.Web.Features.Chatbot;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Court;

namespace BalcaoVirtual.Tests.Features.Chatbot;

/// <summary>
/// Booking a video call through the chatbot, on the sample catalogue's 7ª Vara do Trabalho de Macapá (20-minute slots,
/// 9h–12h, one citizen each, one booking per contact), from Tuesday 15/12/2026 at 10h: the next free slots (all of
/// Wednesday 16/12, the first nine), the subject, the confirmation; a slot taken meanwhile, the limit, cancelling and
/// moving from the same conversation, and what is no video call.
/// </summary>
public sealed class BookingDialogTests
{
    private const string Macapa = "trt8-vt-macapa-7";
    private static readonly DateTimeOffset Now = ChatDriver.Tuesday10;
    private static readonly string Ours = CnjNumber.Create(1234, 2024, 5, 8, 210).Canonical;

    private static DateTimeOffset Wednesday(int hour, int minute = 0) => new(2026, 12, 16, hour, minute, 0, TimeSpan.FromHours(-3));

    private static async Task<ChatDriver> AtTheSubjectAsync(int slot = 2)
    {
        var driver = new ChatDriver("trt8", Macapa);
        await driver.SayAsync("quero agendar um atendimento por vídeo", Now);
        await driver.SayAsync(slot.ToString(System.Globalization.CultureInfo.InvariantCulture), Now.AddMinutes(1));
        return driver;
    }

    [Test]
    public async Task Booking_ListsTheNextFreeSlots_AsksTheSubject_AndConfirmsWithDateTimeAndHowToJoin()
    {
        var driver = new ChatDriver("trt8", Macapa);

        var offer = await driver.SayAsync("quero agendar um atendimento por vídeo", Now);
        var list = offer.Replies.Single(r => r.StartsWith("Horários livres", StringComparison.Ordinal));
        Assert.That(list, Is.EqualTo(string.Join('\n',
            "Horários livres para atendimento por vídeo com a 7ª Vara do Trabalho de Macapá (20 min, horário de Belém):",
            "1 - qua. 16/12, 9h", "2 - qua. 16/12, 9h20", "3 - qua. 16/12, 9h40", "4 - qua. 16/12, 10h", "5 - qua. 16/12, 10h20",
            "6 - qua. 16/12, 10h40", "7 - qua. 16/12, 11h", "8 - qua. 16/12, 11h20", "9 - qua. 16/12, 11h40",
            "Responda com o número do horário, ou 0 se nenhum servir.")));

        var asked = await driver.SayAsync("2", Now.AddMinutes(1));
        Assert.That(asked.Replies, Is.EqualTo(new[] { "Em poucas palavras, qual é o assunto? Se tiver, escreva também o número do processo." }));

        var booked = await driver.SayAsync($"dúvida sobre o alvará do processo {Ours}", Now.AddMinutes(2));
        Assert.That(booked.Replies, Is.EqualTo(new[]
        {
            "Pronto! Atendimento por vídeo marcado com a 7ª Vara do Trabalho de Macapá: quarta-feira, 16/12, às 9h20 (horário de Belém).\n" +
            "O link para entrar chega por aqui 30 minutos antes. Para desmarcar, escreva cancelar; para mudar, remarcar.",
        }));
        var appointment = driver.Bookings.All.Single();
        Assert.Multiple(() =>
        {
            Assert.That(appointment.Start, Is.EqualTo(Wednesday(9, 20)));
            Assert.That(appointment.Subject, Is.EqualTo($"dúvida sobre o alvará do processo {Ours}"));
            Assert.That(appointment.Cases, Is.EqualTo(new[] { Ours }));
            Assert.That((appointment.ConversationId, appointment.Via), Is.EqualTo(((string?)"c0ffee-1", "whatsapp")));
            Assert.That(driver.Conversation.ProcessNumbers, Does.Contain(Ours));
            Assert.That(driver.Conversation.State, Is.EqualTo(ConversationState.Bot), "a booking is no question for the unit's queue");
        });
    }

    [Test]
    public async Task Booking_FromTheCentralNumber_AsksForTheUnitFirst()
    {
        var driver = new ChatDriver("trt8");
        await driver.SayAsync("oi", Now);

        var asked = await driver.SayAsync("queria marcar um horário", Now.AddMinutes(1));
        Assert.That(asked.Replies.Single(), Does.StartWith("Qual é a sua cidade, ou a vara do seu processo?"));
        var offer = await driver.SayAsync("Macapá", Now.AddMinutes(2));
        Assert.That(offer.Replies[^1], Does.StartWith("Horários livres para atendimento por vídeo com a 7ª Vara do Trabalho de Macapá"));
    }

    [Test]
    public async Task Booking_AtAUnitWithoutAppointments_OffersAWrittenMessage()
    {
        var driver = new ChatDriver("trt8", "trt8-vt-belem-1");

        var outcome = await driver.SayAsync("quero agendar um atendimento", Now);
        Assert.That(outcome.Replies, Has.Some.StartsWith("A 1ª Vara do Trabalho de Belém não marca atendimento por vídeo. Quer deixar uma mensagem escrita?"));
        var written = await driver.SayAsync("1", Now.AddMinutes(1));
        Assert.That(written.Acts.Select(a => a.Kind), Does.Contain(BotActKind.AskQuestion));
    }

    [Test]
    public async Task ASlotTakenMeanwhile_IsSaid_AndTheFreeOnesOfferedAgain_NothingBooked()
    {
        var driver = await AtTheSubjectAsync();
        driver.Bookings.Fill(driver.Catalog.Find(Macapa)!, Wednesday(9, 20));

        var outcome = await driver.SayAsync("quero saber do meu acordo", Now.AddMinutes(2));
        var said = outcome.Replies.Single(r => r.StartsWith("Esse horário", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(said, Does.StartWith("Esse horário acabou de ser preenchido. Escolha outro:\n1 - qua. 16/12, 9h\n2 - qua. 16/12, 9h40"));
            Assert.That(driver.Bookings.All.Where(a => a.ContactId == "c0ffee"), Is.Empty);
            Assert.That(driver.Conversation.Bot!.Step, Is.EqualTo(BotStep.ChooseSlot));
        });
    }

    [Test]
    public async Task ASecondBooking_BeyondTheUnitsLimit_IsRefusedWithTheOneHeld()
    {
        var driver = await AtTheSubjectAsync();
        await driver.SayAsync("acordo", Now.AddMinutes(2));

        var again = await driver.SayAsync("quero agendar outro atendimento", Now.AddMinutes(3));
        Assert.That(again.Replies, Has.Some.EqualTo(
            "Você já tem atendimento por vídeo marcado com a 7ª Vara do Trabalho de Macapá: quarta-feira, 16/12, às 9h20. Para mudar o horário, escreva remarcar; para desmarcar, cancelar."));
        Assert.That(driver.Bookings.All, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Cancelar_CancelsTheOneBooked_AndFreesItsPlace()
    {
        var driver = await AtTheSubjectAsync();
        await driver.SayAsync("acordo", Now.AddMinutes(2));

        var listed = await driver.SayAsync("meu agendamento", Now.AddMinutes(3));
        Assert.That(listed.Replies.Single(), Is.EqualTo(
            "Seus atendimentos por vídeo marcados:\n• qua. 16/12, 9h20 – 7ª Vara do Trabalho de Macapá\nPara mudar, escreva remarcar; para desmarcar, cancelar."));
        var asked = await driver.SayAsync("cancelar", Now.AddMinutes(4));
        Assert.That(asked.Replies.Single(), Is.EqualTo(
            "Desmarcar o atendimento por vídeo de quarta-feira, 16/12, às 9h20 com a 7ª Vara do Trabalho de Macapá? Responda 1 para sim ou 2 para não."));
        Assert.That(driver.Bookings.All.Single().Status, Is.EqualTo(AppointmentStatus.Booked), "not before the citizen says yes");
        var cancelled = await driver.SayAsync("1", Now.AddMinutes(4));
        Assert.That(cancelled.Replies.Single(), Is.EqualTo(
            "Desmarcado: o atendimento por vídeo de quarta-feira, 16/12, às 9h20 com a 7ª Vara do Trabalho de Macapá. Para marcar outro, escreva agendar."));
        Assert.That(driver.Bookings.All.Single().Status, Is.EqualTo(AppointmentStatus.Cancelled));

        var offer = await driver.SayAsync("agendar", Now.AddMinutes(5));
        Assert.That(offer.Replies.Single(), Does.Contain("2 - qua. 16/12, 9h20"), "the place is free again");
        await driver.SayAsync("menu", Now.AddMinutes(5));
        var nothing = await driver.SayAsync("desmarcar", Now.AddMinutes(6));
        Assert.That(nothing.Replies.Single(), Is.EqualTo("Você não tem atendimento por vídeo marcado. Para marcar, escreva agendar."));
    }

    [Test]
    public async Task Remarcar_OffersTheFreeSlots_AndMovesTheBooking()
    {
        var driver = await AtTheSubjectAsync();
        await driver.SayAsync("acordo", Now.AddMinutes(2));

        var offer = await driver.SayAsync("remarcar", Now.AddMinutes(3));
        Assert.That(offer.Replies.Single(), Does.StartWith(
            "Novos horários livres com a 7ª Vara do Trabalho de Macapá (20 min, horário de Belém):\n1 - qua. 16/12, 9h\n2 - qua. 16/12, 9h40"));
        var moved = await driver.SayAsync("2", Now.AddMinutes(4));
        Assert.That(moved.Replies.Single(), Is.EqualTo(
            "Pronto! Atendimento com a 7ª Vara do Trabalho de Macapá remarcado para quarta-feira, 16/12, às 9h40 (horário de Belém). O link chega por aqui 30 minutos antes."));
        var appointment = driver.Bookings.All.Single();
        Assert.That((appointment.Start, appointment.MovedFrom.Single(), appointment.Subject), Is.EqualTo((Wednesday(9, 40), Wednesday(9, 20), "acordo")));
    }

    [Test]
    public async Task NoToTheCancellation_KeepsTheBooking_AndCancelarInTheMoveListGivesUpTheMove()
    {
        var driver = await AtTheSubjectAsync();
        await driver.SayAsync("acordo", Now.AddMinutes(2));

        await driver.SayAsync("não vou poder ir no atendimento", Now.AddMinutes(3));
        var kept = await driver.SayAsync("2", Now.AddMinutes(4));
        Assert.That(kept.Replies.Single(), Is.EqualTo("Certo, seu atendimento continua marcado."));
        await driver.SayAsync("remarcar", Now.AddMinutes(5));
        var gaveUp = await driver.SayAsync("cancelar", Now.AddMinutes(6));
        Assert.Multiple(() =>
        {
            Assert.That(gaveUp.Acts.Select(a => a.Kind), Is.EqualTo(new[] { BotActKind.Menu }));
            Assert.That(driver.Bookings.All.Single().Status, Is.EqualTo(AppointmentStatus.Booked));
            Assert.That(driver.Bookings.All.Single().Start, Is.EqualTo(Wednesday(9, 20)));
        });
    }

    [Test]
    public async Task ATurnRunTwice_BooksOnce()
    {
        var driver = await AtTheSubjectAsync();
        var before = driver.Conversation;
        await driver.SayAsync("acordo", Now.AddMinutes(2));
        var again = await driver.Flow.HandleAsync(before, new Message
        {
            Id = "m-" + Now.AddMinutes(2).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            Direction = MessageDirection.Inbound, Channel = Channel.WhatsApp, Author = MessageAuthor.Citizen, Text = "acordo", CreatedAt = Now.AddMinutes(2),
        }, Now.AddMinutes(2), null, CancellationToken.None);

        Assert.That(driver.Bookings.All, Has.Count.EqualTo(1));
        Assert.That(again.Replies.Single(), Does.StartWith("Pronto! Atendimento por vídeo marcado"));
    }

    [TestCase("quero o 3", 3)]
    [TestCase("pode ser o 4", 4)]
    [TestCase("opção 5", 5)]
    public async Task ASlotPickedInWords_IsTheNumberSaid(string text, int slot)
    {
        var driver = new ChatDriver("trt8", Macapa);
        await driver.SayAsync("agendar", Now);

        var outcome = await driver.SayAsync(text, Now.AddMinutes(1));
        Assert.That(outcome.Conversation.Bot!.Slot, Is.EqualTo(Wednesday(9).AddMinutes(20 * (slot - 1))));
    }

    [TestCase("na verdade prefiro outro horário")]
    [TestCase("quero marcar outro horário")]
    public async Task AnotherTimeAskedAtTheSubject_ListsTheSlotsAgain_NothingBooked(string text)
    {
        var driver = await AtTheSubjectAsync();

        var outcome = await driver.SayAsync(text, Now.AddMinutes(2));
        Assert.That(outcome.Replies[^1], Does.StartWith("Horários livres"));
        Assert.That(driver.Bookings.All, Is.Empty);
    }

    [Test]
    public async Task AMatterOfAnotherCourt_IsStillTheSubject()
    {
        var driver = await AtTheSubjectAsync();

        var outcome = await driver.SayAsync("quero entrar com uma ação contra a empresa", Now.AddMinutes(2));
        Assert.That(outcome.Acts.Select(a => a.Kind), Does.Contain(BotActKind.Booked));
    }

    [Test]
    public async Task GivingUpAtTheSubject_BooksNothing()
    {
        var driver = await AtTheSubjectAsync();

        var outcome = await driver.SayAsync("cancelar", Now.AddMinutes(2));
        Assert.That(outcome.Acts.Select(a => a.Kind), Is.EqualTo(new[] { BotActKind.Menu }));
        Assert.That(driver.Bookings.All, Is.Empty);
    }

    [Test]
    public async Task ANumberNotListed_AsksAgain()
    {
        var driver = new ChatDriver("trt8", Macapa);
        await driver.SayAsync("agendar", Now);

        var outcome = await driver.SayAsync("12", Now.AddMinutes(1));
        Assert.That(outcome.Replies.Single(), Is.EqualTo("Responda com um número de 1 a 9, ou 0 para voltar ao menu."));
    }

    [TestCase("tre-pa", "tre-pa-ze-6", "quero agendar a biometria, tem vaga essa semana?")]
    [TestCase("trt8", Macapa, "preciso remarcar a audiência do dia 20")]
    [TestCase("trt8", Macapa, "a perícia foi agendada para quando?")]
    [TestCase("tre-pa", "tre-pa-ze-6", "preciso remarcar a biometria")]
    [TestCase("trt8", Macapa, "quero cancelar o agendamento da conciliação")]
    [TestCase("trt8", Macapa, "fui aí outro dia e não resolveram nada")]
    public async Task WhatIsNoVideoCall_IsNotBooked(string catalogue, string unit, string text)
    {
        var driver = new ChatDriver(catalogue, unit);

        var outcome = await driver.SayAsync(text, Now);
        Assert.That(outcome.Acts.Select(a => a.Kind), Has.None.EqualTo(BotActKind.OfferSlots).And.None.EqualTo(BotActKind.MoveBooking)
            .And.None.EqualTo(BotActKind.BookingList).And.None.EqualTo(BotActKind.CancelBooking));
    }

    [Test]
    public async Task TheVideoDeskClosed_SaysThatATimeCanBeBooked()
    {
        var driver = new ChatDriver("trt8", Macapa);

        var outcome = await driver.SayAsync("qual o link do meet?", Now.AddHours(5));
        Assert.That(outcome.Replies.Single(r => r.StartsWith("A 7ª Vara", StringComparison.Ordinal)), Does.Contain(
            "\nVocê também pode marcar um horário por vídeo: escreva agendar.\nQuer deixar uma mensagem escrita?"));
    }
}
