using BalcaoVirtual.Web.Features.Chatbot;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Court;

namespace BalcaoVirtual.Tests.Features.Chatbot;

/// <summary>
/// Each row of <see cref="ChatFlow.Transitions"/> with a message that takes it, in the step it is for: the table read
/// for one message, without playing a conversation (the corpus does that).
/// </summary>
public sealed class ChatFlowTransitionTests
{
    private const string Macapa = "trt8-vt-macapa-7";
    private static readonly string Ours = CnjNumber.Create(1234, 2024, 5, 8, 210).Canonical;
    private static readonly string Tjpa = CnjNumber.Create(801234, 2023, 8, 14, 301).Canonical;

    private static readonly object?[][] Cases =
    [
        // step (null: a first message), the unit written to, what the citizen sends, media, the row it takes
        [BotStep.Menu, null, "", "audio/ogg", "voice-note"],
        [BotStep.AskQuestion, Macapa, "", "application/pdf", "document-as-question"],
        [BotStep.Menu, null, "", "image/jpeg", "document"],
        [BotStep.AskUnit, null, "sair", null, "exit"],
        [BotStep.AskQuestion, Macapa, "menu", null, "menu"],
        [BotStep.AskQuestion, Macapa, "isso é oficial? (91) 98888-7777", null, "verify"],
        [BotStep.Menu, null, "verificar", null, "verify"],
        [BotStep.Menu, null, "parar de avisar", null, "unfollow"],
        [BotStep.AskQuestion, Macapa, "cancelar os avisos do processo", null, "unfollow"],
        [BotStep.Menu, null, "meus avisos", null, "follow-list"],
        [BotStep.Menu, null, $"me avise quando o processo {Ours} andar", null, "follow"],
        [BotStep.Menu, null, "avisar", null, "follow"],
        [BotStep.AskSubject, Macapa, "cancelar", null, "booking-abandoned"],
        [BotStep.Menu, null, "quero cancelar o agendamento", null, "booking-cancel"],
        [BotStep.Menu, null, "preciso remarcar meu agendamento", null, "booking-move"],
        [BotStep.AskQuestion, Macapa, "meu agendamento", null, "booking-list"],
        [BotStep.Menu, null, "quero agendar um atendimento por vídeo", null, "book"],
        [BotStep.ChooseSlot, Macapa, "2", null, "slot-chosen"],
        [BotStep.ChooseSlot, Macapa, "não", null, "slot-none"],
        [BotStep.ChooseSlot, Macapa, "7", null, "slot-again"],
        [BotStep.AskSubject, Macapa, "prefiro outro horário", null, "subject-other-time"],
        [BotStep.ChooseSlot, Macapa, "cancelar", null, "list-abandoned"],
        [BotStep.ConfirmCancel, null, "1", null, "cancel-yes"],
        [BotStep.ConfirmCancel, null, "não", null, "cancel-no"],
        [BotStep.AskSubject, Macapa, "ok", null, "subject-again"],
        [BotStep.AskSubject, Macapa, "dúvida sobre o alvará", null, "subject"],
        [BotStep.ChooseBooking, null, "1", null, "booking-chosen"],
        [BotStep.ChooseBooking, null, "qualquer um", null, "booking-choose-again"],
        [BotStep.Menu, null, "(91) 98888-7777", null, "verify-item"],
        [BotStep.OfferClerk, null, "obrigado", null, "thanks"],
        [null, null, "Oi, bom dia", null, "first-greeting"],
        [null, null, "oi, de novo", null, "first-greeting"],
        [null, null, "Marabá", null, "first-town"],
        [BotStep.Menu, null, "quero saber da pensão alimentícia do meu filho", null, "other-branch"],
        [BotStep.Menu, null, "quero entrar com um processo contra a empresa", null, "new-claim"],
        [BotStep.Menu, null, $"{Tjpa} já saiu a sentença?", null, "other-court"],
        [BotStep.AskCaseNumber, null, Ours, null, "number"],
        [BotStep.AskCaseNumber, null, "não sei", null, "no-number"],
        [BotStep.AskCaseNumber, null, "é aquele da firma", null, "number-missing"],
        [BotStep.AskUnit, null, $"esquece, quero o andamento do processo {Ours}", null, "status-instead"],
        [BotStep.AskUnit, null, "Santarém", null, "unit-named"],
        [BotStep.AskUnit, null, "Xique-Xique", null, "unit-not-found"],
        [BotStep.ChooseUnit, null, "2", null, "unit-chosen"],
        [BotStep.ChooseUnit, null, "não sei", null, "choose-again"],
        [BotStep.AskQuestion, Macapa, "ok", null, "ask-again"],
        [BotStep.AskQuestion, Macapa, "não", null, "no-question"],
        [BotStep.AskQuestion, Macapa, "3", null, "menu-choice"],
        [BotStep.AskQuestion, Macapa, "esquece, qual o horário?", null, "other-request"],
        [BotStep.AskQuestion, Macapa, "quando sai meu alvará?", null, "question"],
        [BotStep.OfferClerk, null, "sim", null, "clerk-yes"],
        [BotStep.OfferWritten, Macapa, "1", null, "written-yes"],
        [BotStep.OfferClerk, null, "não", null, "offer-no"],
        [BotStep.OfferWritten, Macapa, "2", null, "written-no"],
        [BotStep.Menu, null, "1", null, "ask-number"],
        [BotStep.Menu, null, "não tenho o número do processo", null, "without-number"],
        [BotStep.Menu, null, $"{Ours} recebi uma intimação, o que eu faço?", null, "status-and-clerk"],
        [BotStep.Menu, null, $"andamento {Ours}", null, "status"],
        [BotStep.Menu, null, "2", null, "talk"],
        [BotStep.Menu, null, "recebi uma intimação, o que eu faço?", null, "judgement"],
        [BotStep.Menu, null, "quero falar com alguém", null, "clerk"],
        [BotStep.Menu, null, "3", null, "video"],
        [BotStep.Menu, null, "qual o horário?", null, "hours"],
        [BotStep.Menu, null, "quero protocolar uma petição", null, "petition"],
        [BotStep.Menu, null, "bom dia", null, "greeting"],
        [BotStep.Menu, null, "asdfgh", null, "not-understood"],
    ];

    [TestCaseSource(nameof(Cases))]
    public void EachRow_IsTakenByItsMessage_InItsStep(BotStep? step, string? unitId, string text, string? media, string row)
    {
        var driver = new ChatDriver("trt8", unitId);
        var conversation = step is null
            ? driver.Conversation
            : driver.Conversation with
            {
                Bot = new BotSession
                {
                    Step = step.Value,
                    Goal = row == "verify-item" ? BotGoal.Verify : BotGoal.None, // "verificar" alone asked for what to check
                    UnitId = unitId,
                    LastTurnAt = ChatDriver.Tuesday10,
                    Candidates = step == BotStep.ChooseUnit ? ["trt8-vt-belem-1", "trt8-vt-belem-2", "trt8-vt-belem-3"] : [],
                    Slots = step == BotStep.ChooseSlot ? [ChatDriver.Tuesday10.AddDays(1), ChatDriver.Tuesday10.AddDays(2)] : [],
                    Bookings = step == BotStep.ChooseBooking ? ["trt8-vt-macapa-7/a1", "trt8-vt-macapa-7/a2"] : [],
                },
            };
        var message = new Message
        {
            Id = "m-1",
            Direction = MessageDirection.Inbound,
            Channel = Channel.WhatsApp,
            Author = MessageAuthor.Citizen,
            Text = text,
            MediaTypes = media is null ? [] : [media],
            MediaUrls = media is null ? [] : ["https://api.twilio.example/media/0"],
            CreatedAt = ChatDriver.Tuesday10,
        };
        var turn = new ChatFlow.Turn(driver.Flow, conversation, message, ChatDriver.Tuesday10, null);

        Assert.That(ChatFlow.Choose(turn).Name, Is.EqualTo(row), $"\"{text}\" in step {step?.ToString() ?? "(first message)"}");
    }

    [Test]
    public void EveryRow_HasACase() =>
        Assert.That(Cases.Select(c => (string)c[4]!).Distinct(), Is.EquivalentTo(ChatFlow.Transitions.Select(t => t.Name)));
}

/// <summary>What the flow says, where a transition's words depend on the deployment.</summary>
public sealed class ChatFlowWordingTests
{
    [TestCase("trt8", "Qual é a sua cidade, ou a vara do seu processo?")]
    [TestCase("tre-pa", "Qual é a sua cidade, ou a zona eleitoral do seu processo?")]
    public async Task AskingForTheUnit_UsesTheCourtsOwnWord(string catalogue, string asked)
    {
        var driver = new ChatDriver(catalogue);
        await driver.SayAsync("oi", ChatDriver.Tuesday10);
        var outcome = await driver.SayAsync("quero falar com um atendente", ChatDriver.Tuesday10.AddMinutes(1));
        Assert.That(outcome.Replies[0], Does.StartWith(asked));
    }

    [Test]
    public async Task ALinkThatIsNotTheCourts_IsNotRepeatedAsALinkToTap()
    {
        var driver = new ChatDriver("trt8");
        await driver.SayAsync("oi", ChatDriver.Tuesday10);
        var outcome = await driver.SayAsync("recebi https://trt8-alvaras.com/liberar é golpe?", ChatDriver.Tuesday10.AddMinutes(1));
        var said = string.Join("\n", outcome.Replies);
        Assert.That(said, Does.Contain("https[:]//trt8-alvaras[.]com/liberar NÃO é um site oficial").And.Not.Contain("trt8-alvaras.com"));
    }

    [Test]
    public async Task TheFirstReply_IsOneMessage_WithTheMenuInItsFirst300Characters()
    {
        var driver = new ChatDriver("trt8");
        var first = Dialog.Pack((await driver.SayAsync("oi", ChatDriver.Tuesday10)).Replies);
        Assert.That(first, Has.Count.EqualTo(1));
        Assert.That(first[0][..first[0].IndexOf("Privacidade", StringComparison.Ordinal)].TrimEnd(), Has.Length.LessThan(300));
    }
}
