using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Chatbot;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Court;

namespace BalcaoVirtual.IntegrationTests.Chatbot;

/// <summary>
/// Scripted conversations in, the exact replies out, through the real webhook, queue, dialog, outbox and sender, with
/// the fake Twilio and the fake DataJud. The clock starts on Monday 23/11/2026 at 9h in Belém (12:00 UTC).
/// </summary>
public sealed class ChatbotTranscriptTests
{
    /// <summary>The first line: the court, the official number written to, and the scam's tell.</summary>
    private const string Greeting = "Olá! Balcão Virtual do TRT8, número oficial (91) 3000-0000. Nunca pedimos PIX.";
    private const string MacapaGreeting = "Olá! Balcão Virtual do TRT8, número oficial (96) 2101-0210. Nunca pedimos PIX.";
    private const string Privacy = "Privacidade: o Tribunal Regional do Trabalho da 8ª Região usa seus dados só para este atendimento (LGPD); não envie CPF nem documentos por aqui. Saiba mais: https://www.trt8.jus.br/lgpd";
    private const string Menu = "Como posso ajudar? Responda com o número:\n1 - Consultar um processo\n2 - Falar com um atendente\n3 - Atendimento por vídeo (Google Meet)\n4 - Horários e contatos\nEscreva menu para voltar aqui ou sair para encerrar.";
    private const string AfterAnswer = "Posso ajudar em algo mais? Escreva menu para ver as opções.";
    internal const string FollowOffer = "Quer um aviso por aqui quando este processo tiver movimentação nova? Responda avisar.";
    internal const string PaymentWarning = "Atenção: o tribunal nunca pede PIX, boleto, depósito ou taxa por mensagem para liberar alvará ou valores. Se alguém pediu, pode ser golpe: não pague e fale com a vara pelos canais oficiais.";
    private const string OfferClerk = "Quer que eu passe sua mensagem para um atendente? Responda 1 para sim ou 2 para voltar ao menu.";
    private const string AskUnit = "Qual é a sua cidade, ou a vara do seu processo? O número do processo também serve.";
    private const string Caveat = "Os dados públicos do CNJ podem demorar alguns dias para mostrar as novidades. Detalhes no PJe: https://pje.trt8.jus.br";

    internal static readonly CnjNumber Macapa = CnjNumber.Create(1234, 2024, 5, 8, 210);
    private static readonly string Example = ChatFlow.ExampleNumber;

    internal static readonly string Hit = $$"""
        {"numeroProcesso":"{{Macapa.Digits}}","classe":{"codigo":985,"nome":"AÃ§Ã£o Trabalhista - Rito OrdinÃ¡rio"},"tribunal":"TRT8","grau":"G1",
         "dataAjuizamento":"20240305093000","dataHoraUltimaAtualizacao":"2026-11-20T14:05:00.000Z",
         "orgaoJulgador":{"codigo":43121,"nome":"7ª Vara do Trabalho de Macapá"},
         "assuntos":[[{"codigo":2581,"nome":"Horas Extras"}]],
         "movimentos":[
           {"codigo":26,"nome":"Distribuído por sorteio","dataHora":"20240305093500"},
           {"codigo":51,"nome":"Audiência de instrução realizada","dataHora":"2026-11-19T13:00:00.000Z"},
           {"codigo":51,"nome":"Conclusos para sentença","dataHora":"2026-11-20T14:00:00Z"}]}
        """;

    private static readonly string Summary =
        $"Processo {Macapa.Canonical}\nClasse: Ação Trabalhista - Rito Ordinário\nÓrgão: 7ª Vara do Trabalho de Macapá\nAjuizado em 05/03/2024\n" +
        "Últimas movimentações:\n• 20/11/2026 – Conclusos para sentença\n• 19/11/2026 – Audiência de instrução realizada\n• 05/03/2024 – Distribuído por sorteio\n" +
        $"Atualizado no CNJ em 20/11/2026.\n{Caveat}";

    private BotHarness bot = null!;

    /// <summary>The first reply of a conversation: the greeting, the answer, then the privacy notice in one sentence.</summary>
    private static string Open(string answer, string greeting = Greeting) => $"{greeting}\n\n{answer}\n\n{Privacy}";

    [SetUp]
    public async Task SetUp() => bot = await BotHarness.StartAsync();

    [TearDown]
    public async Task TearDown() => await bot.DisposeAsync();

    [Test]
    public async Task FirstContact_Greets_WithThePrivacyNotice_AndTheMenu()
    {
        Assert.That(await bot.SayAsync("Oi, bom dia"), Is.EqualTo(new[] { Open(Menu) }));
        Assert.That(await bot.SayAsync("olá"), Is.EqualTo(new[] { Menu }), "the notice comes once per conversation");
    }

    [Test]
    public async Task CaseStatus_FromTheMenu_ShowsTheDataJudSummary()
    {
        bot.DataJud.AddHit("api_publica_trt8", Macapa.Digits, Hit);

        Assert.That(await bot.SayAsync("1"), Is.EqualTo(new[] { Open($"Envie o número do processo, com os 20 dígitos. Exemplo: {Example}") }));
        Assert.That(await bot.SayAsync($"é o processo nº {Macapa.Digits}"), Is.EqualTo(new[] { $"{Summary}\n\n{FollowOffer}\n\n{AfterAnswer}" }));
        Assert.That((await bot.ConversationAsync()).ProcessNumbers, Is.EqualTo(new[] { Macapa.Canonical }));
    }

    [Test]
    public async Task CaseStatus_InFreeText_WithTyposAndNoAccents()
    {
        bot.DataJud.AddHit("api_publica_trt8", Macapa.Digits, Hit);
        await bot.SayAsync("oi");

        Assert.That(await bot.SayAsync($"qro ver o andameto do proc {Macapa.Canonical.Replace('.', ' ')} pfv"), Is.EqualTo(new[] { $"{Summary}\n\n{FollowOffer}\n\n{AfterAnswer}" }));
    }

    [Test]
    public async Task CaseStatus_WrongCheckDigits_SaysSoKindly_AndShowsTheShape()
    {
        var wrong = Macapa.Canonical[..8] + (Macapa.CheckDigits == "00" ? "01" : "00") + Macapa.Canonical[10..];
        await bot.SayAsync("oi");

        Assert.That(await bot.SayAsync($"processo {wrong}"), Is.EqualTo(new[]
        {
            $"O número {wrong} parece ter um erro de digitação: os dois dígitos depois do traço não conferem com o resto. Confira e envie de novo, assim: {Example}",
        }));
        Assert.That(bot.DataJud.Requests, Is.Empty, "nothing to ask DataJud about");
    }

    [Test]
    public async Task CaseStatus_WrongLength_AsksAgain()
    {
        await bot.SayAsync("1");

        Assert.That(await bot.SayAsync("0001234-56.2024.5.08"), Is.EqualTo(new[] { $"Esse número não tem os 20 dígitos de um processo. Confira e envie de novo, assim: {Example}" }));
        Assert.That(await bot.SayAsync("é aquele da firma"), Is.EqualTo(new[] { $"Não encontrei um número de processo na sua mensagem. Ele tem 20 dígitos, assim: {Example}. Ou escreva menu para voltar." }));

        // Without the number, the way that works without it: a clerk finds the case, so the unit is asked for.
        Assert.That(await bot.SayAsync("não sei"), Is.EqualTo(new[] { $"Sem o número, um servidor procura o processo para você.\n\n{AskUnit}" }));
    }

    [Test]
    public async Task CaseStatus_OfAnotherCourt_SaysWhichCourt()
    {
        var saoPaulo = CnjNumber.Create(4321, 2023, 5, 2, 45);
        await bot.SayAsync("oi");

        Assert.That(await bot.SayAsync(saoPaulo.Canonical), Is.EqualTo(new[]
        {
            $"O processo {saoPaulo.Canonical} é do Tribunal Regional do Trabalho da 2ª Região (TRT2). Este Balcão Virtual atende só o Tribunal Regional do Trabalho da 8ª Região. Fale com o TRT2 pelo site https://www.trt2.jus.br.\n\n{AfterAnswer}",
        }));
    }

    [Test]
    public async Task CaseStatus_NotFound_OffersAClerk_AndHandsOffToTheUnitOfTheOriginCode()
    {
        await bot.SayAsync("oi");

        Assert.That(await bot.SayAsync(Macapa.Canonical), Is.EqualTo(new[]
        {
            $"Não encontramos o processo {Macapa.Canonical} na consulta pública do CNJ (TRT8). Processos em segredo de justiça não aparecem nessa consulta, e processos novos podem levar alguns dias para aparecer.\n\n{OfferClerk}",
        }));
        Assert.That(await bot.SayAsync("sim"), Is.EqualTo(new[]
        {
            "Pronto! Sua mensagem foi encaminhada para a 7ª Vara do Trabalho de Macapá. A resposta chega por aqui até quarta-feira, 25/11, às 9h. Se quiser acrescentar algo, é só escrever: fica tudo na mesma conversa.\n\n" +
            "Sua conversa é a primeira da fila da 7ª Vara do Trabalho de Macapá.",
        }));
        var conversation = await bot.ConversationAsync();
        Assert.Multiple(() =>
        {
            Assert.That(conversation.State, Is.EqualTo(ConversationState.Waiting));
            Assert.That(conversation.UnitId, Is.EqualTo("trt8-vt-macapa-7"));
            Assert.That(conversation.DueAt, Is.EqualTo(bot.Factory.Time.GetUtcNow().AddHours(48)), "48 calendar hours, the unit's policy");
            Assert.That(conversation.ProcessNumbers, Is.EqualTo(new[] { Macapa.Canonical }));
        });
    }

    [Test]
    public async Task CaseStatus_DataJudUnavailable_SaysSo_AndOffersAClerk()
    {
        bot.DataJud.RespondStatus(500);
        await bot.SayAsync("oi");

        Assert.That(await bot.SayAsync(Macapa.Canonical), Is.EqualTo(new[]
        {
            $"A consulta pública de processos do CNJ não está respondendo agora. Tente de novo em alguns minutos ou fale com a unidade.\n\n{OfferClerk}",
        }));
        Assert.That(await bot.SayAsync("2"), Is.EqualTo(new[] { Menu }));
    }

    [Test]
    public async Task Talk_OverSms_AmbiguousTown_ListsCandidates_ThenHandsOff_ThenJoinsLaterMessages()
    {
        var from = BotHarness.SmsCitizen;
        var to = BotHarness.SmsCentral;

        Assert.That(await bot.SayAsync("quero falar com alguém", from, to), Is.EqualTo(new[] { Open(AskUnit) }));
        Assert.That(await bot.SayAsync("belem", from, to), Is.EqualTo(new[]
        {
            "Encontrei mais de uma unidade. Responda com o número:\n1 - 1ª Vara do Trabalho de Belém\n2 - 2ª Vara do Trabalho de Belém\n3 - 3ª Vara do Trabalho de Belém",
        }));
        Assert.That(await bot.SayAsync("2", from, to), Is.EqualTo(new[]
        {
            "Escreva sua dúvida em uma mensagem, com o número do processo se tiver. Vou passar para a 2ª Vara do Trabalho de Belém.",
        }));
        Assert.That(await bot.SayAsync("Quando sai meu alvará?", from, to), Is.EqualTo(new[]
        {
            // 24 service hours of 8h–13h on business days, from Monday 9h: 4 + 5 + 5 + 5 + 5, Friday at 13h.
            "Pronto! Sua mensagem foi encaminhada para a 2ª Vara do Trabalho de Belém. A resposta chega por aqui até sexta-feira, 27/11, às 13h. Se quiser acrescentar algo, é só escrever: fica tudo na mesma conversa.\n\n" +
            "Sua conversa é a primeira da fila da 2ª Vara do Trabalho de Belém.",
        }));
        Assert.That(await bot.SayAsync("Esqueci: sou a reclamante", from, to), Is.Empty, "the unit has it now: the bot stays quiet");

        var conversation = await bot.ConversationAsync(from, to);
        Assert.That(conversation.State, Is.EqualTo(ConversationState.Waiting));
        Assert.That(conversation.Channel, Is.EqualTo(Channel.Sms));
        Assert.That(bot.Twilio.Requests.Select(r => (r.To, r.From)).Distinct(), Is.EqualTo(new[] { (from, to) }), "answers go back over SMS, from the number written to");
        using var clerk = await bot.Factory.ClientForNewUserAsync("clerk@trt8.jus.br", clerkOf: ["trt8-vt-belem-2"]);
        var inbox = await clerk.GetFromJsonAsync<ConversationPage>("/api/conversations?unit=trt8-vt-belem-2&state=waiting");
        Assert.That(inbox!.Items.Select(c => c.Id), Is.EqualTo(new[] { conversation.Id }));

        await clerk.PostAsJsonAsync($"/api/conversations/{conversation.Id}/messages", new { text = "O alvará foi expedido ontem." });
        await bot.SayAsync("Muito obrigada!", from, to); // waits for the clerk's reply to leave too
        Assert.That((await bot.ConversationAsync(from, to)).State, Is.EqualTo(ConversationState.Waiting), "a new message after the answer waits again");
        Assert.That(bot.Twilio.Requests.Last().Body, Is.EqualTo("O alvará foi expedido ontem."), "no bot reply after the clerk's");
    }

    [Test]
    public async Task WrittenToAUnitNumber_TheUnitIsKnown_AndAQuestionGoesStraightToIt()
    {
        Assert.That(await bot.SayAsync("Minha audiência foi remarcada?", to: BotHarness.MacapaNumber), Is.EqualTo(new[]
        {
            Open("Pronto! Sua mensagem foi encaminhada para a 7ª Vara do Trabalho de Macapá. A resposta chega por aqui até quarta-feira, 25/11, às 9h. Se quiser acrescentar algo, é só escrever: fica tudo na mesma conversa.\n\n" +
                "Sua conversa é a primeira da fila da 7ª Vara do Trabalho de Macapá.", MacapaGreeting),
        }));
        Assert.That(bot.Twilio.Requests.Single().From, Is.EqualTo(BotHarness.MacapaNumber));
    }

    [Test]
    public async Task VideoDesk_WhileOpen_SendsTheMeetLink()
    {
        Assert.That(await bot.SayAsync("quero o link da videochamada", to: BotHarness.MacapaNumber), Is.EqualTo(new[]
        {
            Open("A 7ª Vara do Trabalho de Macapá está atendendo por vídeo agora, até as 13h. Entre pelo link: https://meet.google.com/bvt-mcpa-210\n" +
                "Abra no navegador ou no aplicativo Google Meet, com câmera e microfone ligados. Espere na sala: um servidor vai aceitar sua entrada.",
                MacapaGreeting),
        }));
    }

    [Test]
    public async Task VideoDesk_WhenClosed_NeverSendsTheLink_GivesHoursAndNextOpening_AndOffersAWrittenMessage()
    {
        bot.Factory.Time.SetUtcNow(new DateTimeOffset(2026, 11, 23, 17, 0, 0, TimeSpan.Zero)); // 14h in Macapá
        await bot.SayAsync("oi", to: BotHarness.MacapaNumber);

        var replies = await bot.SayAsync("3", to: BotHarness.MacapaNumber);
        Assert.That(replies, Is.EqualTo(new[]
        {
            "A 7ª Vara do Trabalho de Macapá não está atendendo por vídeo agora (fora do horário de atendimento). Horário: segunda a sexta, das 8h às 13h. " +
            "Próximo atendimento: terça-feira, 24/11, às 8h.\nVocê também pode marcar um horário por vídeo: escreva agendar.\n" +
            "Quer deixar uma mensagem escrita? Responda 1 para sim ou 2 para voltar ao menu.",
        }));
        Assert.That(string.Concat(replies), Does.Not.Contain("meet.google.com"), "Res. 372/2021 art. 5º");
        Assert.That(await bot.SayAsync("1", to: BotHarness.MacapaNumber), Is.EqualTo(new[]
        {
            "Escreva sua dúvida em uma mensagem, com o número do processo se tiver. Vou passar para a 7ª Vara do Trabalho de Macapá.",
        }));
        Assert.That(await bot.SayAsync("Preciso remarcar a perícia", to: BotHarness.MacapaNumber), Has.Count.EqualTo(1).And.Some.StartsWith("Pronto!"));
    }

    [Test]
    public async Task VideoDesk_DuringTheRecess_SaysWhy_AndWhenItOpensAfterIt()
    {
        bot.Factory.Time.SetUtcNow(new DateTimeOffset(2026, 12, 22, 13, 0, 0, TimeSpan.Zero));

        var replies = await bot.SayAsync("link do meet da vara de macapá");

        Assert.That(replies.Single(), Does.Contain("não está atendendo por vídeo agora (recesso forense)").And.Contain("Próximo atendimento: quinta-feira, 07/01, às 8h."));
        Assert.That(replies.Single(), Does.Not.Contain("meet.google.com"));
    }

    [Test]
    public async Task Hours_ByTown_ListsHoursAndContacts()
    {
        await bot.SayAsync("oi");

        Assert.That(await bot.SayAsync("4"), Is.EqualTo(new[] { AskUnit }));
        Assert.That(await bot.SayAsync("santarem"), Is.EqualTo(new[]
        {
            "1ª Vara do Trabalho de Santarém (Santarém)\nHorário de atendimento: segunda a sexta, das 8h às 13h.\nAberta agora, até as 13h.\n" +
            $"WhatsApp: (93) 3064-0109\nE-mail: vt1santarem@trt8.jus.br\nVídeo: no horário de atendimento, pela opção 3 do menu.\n\n{AfterAnswer}",
        }));
    }

    [Test]
    public async Task Attachment_IsExplained_NotTakenAsAPetition_AndStaysForTheClerk()
    {
        await bot.SayAsync("oi");

        Assert.That(await bot.SayAsync("", media: ("https://api.twilio.com/media/ME1", "application/pdf")), Is.EqualTo(new[]
        {
            "O Balcão Virtual não recebe petições nem documentos. Para isso, use o PJe: https://pje.trt8.jus.br. O que você enviou fica visível para o atendente, mas não vale como protocolo.",
        }));
        Assert.That(await bot.SayAsync("", media: ("https://api.twilio.com/media/ME2", "audio/ogg")), Is.EqualTo(new[]
        {
            "Ainda não consigo ouvir áudios. Pode escrever sua mensagem? O áudio fica guardado para o atendente.",
        }));
        var messages = await bot.Conversations.GetMessagesAsync((await bot.ConversationAsync()).Id);
        Assert.That(messages.Where(m => m.Direction == MessageDirection.Inbound).SelectMany(m => m.MediaTypes), Is.EqualTo(new[] { "application/pdf", "audio/ogg" }));
    }

    [Test]
    public async Task ChangeOfMind_WhileATownIsAwaited_TheLastRequestWins()
    {
        await bot.SayAsync("oi");
        await bot.SayAsync("4"); // hours and contacts: which unit?

        var replies = string.Concat(await bot.SayAsync("quero o link do meet de santarém"));

        Assert.That(replies, Does.Not.Contain("Horário de atendimento"), replies);
        Assert.That(replies, Does.Contain("Santarém"));
    }

    [Test]
    public async Task AskingForSomeoneAtAUnit_WithoutAQuestion_IsAskedForTheQuestion_NotHandedOffEmpty()
    {
        await bot.SayAsync("oi");

        Assert.That(string.Concat(await bot.SayAsync("Quero falar com uma pessoa da vara de Macapá")), Does.StartWith("Escreva sua dúvida"));
        Assert.That((await bot.ConversationAsync()).State, Is.EqualTo(ConversationState.Bot));
        Assert.That(string.Concat(await bot.SayAsync("Minha audiência de amanhã ainda está mantida")), Does.StartWith("Pronto!"), "the question is handed off");
    }

    [TestCase("obrigado", "Por nada")]
    [TestCase("ok", "Escreva sua dúvida")]
    [TestCase("não, obrigado", "Por nada")]
    [TestCase("não", "Como posso ajudar?")]
    public async Task Courtesy_WhereTheQuestionIsAskedFor_IsNotHandedOffAsTheQuestion(string courtesy, string answer)
    {
        await bot.SayAsync("oi");
        await bot.SayAsync("2");
        Assert.That(string.Concat(await bot.SayAsync("Macapá")), Does.StartWith("Escreva sua dúvida"));

        var replies = string.Concat(await bot.SayAsync(courtesy));

        Assert.That(replies, Does.Contain(answer).And.Not.Contain("Pronto!"));
        Assert.That((await bot.ConversationAsync()).State, Is.EqualTo(ConversationState.Bot), "nothing handed to the unit");
    }

    [Test]
    public async Task Document_WithACaptionAboutIt_IsExplainedOnce()
    {
        await bot.SayAsync("oi");

        var replies = string.Concat(await bot.SayAsync("segue a petição inicial", media: ("https://api.twilio.com/media/ME3", "application/pdf")));

        Assert.That(replies.Split("não recebe petições").Length - 1, Is.EqualTo(1), replies);
    }

    [Test]
    public async Task Petition_InWords_PointsToPje()
    {
        await bot.SayAsync("oi");

        Assert.That(await bot.SayAsync("quero protocolar uma petição"), Is.EqualTo(new[]
        {
            $"O Balcão Virtual não recebe petições nem documentos. Para isso, use o PJe: https://pje.trt8.jus.br. O que você enviou fica visível para o atendente, mas não vale como protocolo.\n\n{AfterAnswer}",
        }));
    }

    [Test]
    public async Task Misunderstood_Twice_OffersAClerk_WhoGetsTheConversation()
    {
        await bot.SayAsync("oi");

        Assert.That(await bot.SayAsync("asdfgh"), Is.EqualTo(new[] { $"Desculpe, não entendi.\n\n{Menu}" }));
        Assert.That(await bot.SayAsync("kkkk"), Is.EqualTo(new[] { $"Desculpe, não entendi.\n\n{OfferClerk}" }));
        Assert.That(await bot.SayAsync("1"), Is.EqualTo(new[] { AskUnit }));
        Assert.That(await bot.SayAsync("Macapá"), Has.Count.EqualTo(1).And.Some.StartsWith("Pronto! Sua mensagem foi encaminhada para a 7ª Vara do Trabalho de Macapá."));
    }

    [Test]
    public async Task Menu_And_Exit_WorkAtAnyStep()
    {
        await bot.SayAsync("4");

        Assert.That(await bot.SayAsync("voltar"), Is.EqualTo(new[] { Menu }));
        Assert.That(await bot.SayAsync("sair"), Is.EqualTo(new[] { "Atendimento encerrado. Obrigado pelo contato! Quando precisar, é só escrever de novo." }));
        Assert.That((await bot.ConversationAsync()).State, Is.EqualTo(ConversationState.Closed));
        Assert.That(await bot.SayAsync("oi"), Is.EqualTo(new[] { $"{Greeting}\n\n{Menu}" }), "a new start; the notice went to this contact already");
    }

    [TestCase(BotHarness.Citizen, BotHarness.Central)]
    [TestCase(BotHarness.SmsCitizen, BotHarness.SmsCentral)]
    public async Task FakeLawyer_ACheckedNumberIsNamedOfficialOrNot_AndAPaymentDemandIsWarnedAtOnce_AndFlaggedForTheUnit(string from, string to)
    {
        // "Isso é oficial?": one number that is not the court's, one that is (the 7ª Vara de Macapá's, written the local way).
        var strange = await bot.SayAsync("esse numero (91) 98888-7777 é oficial? disseram que é da vara", from, to);
        Assert.That(strange, Is.EqualTo(new[]
        {
            Open($"⚠️ (91) 98888-7777 NÃO é um canal oficial do Tribunal Regional do Trabalho da 8ª Região. Não responda e não pague nada.\n\n{PaymentWarning}\n\n{AfterAnswer}"),
        }));
        Assert.That((await bot.ConversationAsync(from, to)).PaymentWarningAt, Is.Null, "asking is no payment demand");
        Assert.That(await bot.SayAsync("e esse, é oficial? (96) 2101-0210", from, to), Is.EqualTo(new[]
        {
            $"✅ (96) 2101-0210 é um canal oficial: 7ª Vara do Trabalho de Macapá.\n\n{PaymentWarning}\n\n{AfterAnswer}",
        }));

        // The scam's demand, forwarded to the desk: warned at once, and the question still reaches the unit, flagged.
        Assert.That(await bot.SayAsync("quero falar com a 7a vara do trabalho de macapa", from, to), Has.Count.EqualTo(1));
        var demand = await bot.SayAsync("o advogado pediu um pix de 380 reais para liberar meu alvara, posso pagar?", from, to);
        Assert.That(demand.Single(), Does.StartWith(PaymentWarning + "\n\n"));
        var waiting = await bot.ConversationAsync(from, to);
        Assert.That(waiting.State, Is.EqualTo(ConversationState.Waiting));
        Assert.That(waiting.UnitId, Is.EqualTo("trt8-vt-macapa-7"));
        Assert.That(waiting.PaymentWarningAt, Is.EqualTo(bot.Factory.Time.GetUtcNow()));

        // While the unit has it: once a day, not at every mention.
        Assert.That(await bot.SayAsync("ja fiz o pix ontem", from, to), Is.Empty);
        bot.Factory.Time.Advance(TimeSpan.FromDays(1));
        Assert.That(await bot.SayAsync("agora pediram outra taxa pra liberar o alvara", from, to), Is.EqualTo(new[] { PaymentWarning }));
        Assert.That((await bot.ConversationAsync(from, to)).PaymentWarningAt, Is.EqualTo(bot.Factory.Time.GetUtcNow()));
    }

    [Test]
    public async Task Thanks_GetsACourteousAnswer()
    {
        await bot.SayAsync("oi");

        Assert.That(await bot.SayAsync("muito obrigada"), Is.EqualTo(new[] { "Por nada! Se precisar, é só escrever. Para ver as opções, escreva menu." }));
    }

    [Test]
    public async Task AfterTheIdleTime_StartsAgainFromTheMenu_WithANote()
    {
        await bot.SayAsync("oi");
        await bot.SayAsync("4");

        bot.Factory.Time.Advance(TimeSpan.FromMinutes(31));

        Assert.That(await bot.SayAsync("oi"), Is.EqualTo(new[] { $"Como faz um tempo desde a sua última mensagem, vamos recomeçar.\n\n{Menu}" }));
    }

    [Test]
    public async Task MessagesSentTogether_AreAnsweredInOrder_EachOnce()
    {
        bot.DataJud.AddHit("api_publica_trt8", Macapa.Digits, Hit);

        await bot.PostAsync("1");
        await bot.PostAsync(Macapa.Canonical);
        var last = await bot.PostAsync("menu");
        await bot.WaitProcessedAsync(last);

        Assert.That(await bot.RepliesAsync(), Is.EqualTo(new[]
        {
            Open($"Envie o número do processo, com os 20 dígitos. Exemplo: {Example}"),
            $"{Summary}\n\n{FollowOffer}\n\n{AfterAnswer}",
            Menu,
        }));
    }

    [Test]
    public async Task State_SurvivesARestart()
    {
        bot.DataJud.AddHit("api_publica_trt8", Macapa.Digits, Hit);
        await bot.SayAsync("1");

        await bot.RestartAsync();

        Assert.That(await bot.SayAsync(Macapa.Canonical), Is.EqualTo(new[] { $"{Summary}\n\n{FollowOffer}\n\n{AfterAnswer}" }));
    }

    [Test]
    public async Task FirstReply_IsShort_MenuFirst_ThePrivacyNoticeOneSentenceWithItsLink()
    {
        var reply = (await bot.SayAsync("oi")).Single();
        var notice = reply.IndexOf("Privacidade:", StringComparison.Ordinal);
        Assert.Multiple(() =>
        {
            Assert.That(reply[..notice].TrimEnd(), Has.Length.LessThan(300), "greeting and menu fit a phone screen");
            Assert.That(reply, Has.Length.LessThan(500), "was 809 characters");
            Assert.That(reply[notice..], Does.EndWith("https://www.trt8.jus.br/lgpd").And.Not.Contain("\n"), "one sentence with its link");
        });
    }

    [Test]
    public async Task Intimation_WhatToDo_GetsTheSummary_AndAClerk_WithTheQuestion()
    {
        bot.DataJud.AddHit("api_publica_trt8", Macapa.Digits, Hit);
        await bot.SayAsync("oi");

        var replies = string.Join("\n\n", await bot.SayAsync($"Recebi uma intimação do processo {Macapa.Canonical}, o que eu faço?"));
        Assert.That(replies, Does.StartWith(Summary).And.Contain("Pronto! Sua mensagem foi encaminhada para a 7ª Vara do Trabalho de Macapá"));
        var conversation = await bot.ConversationAsync();
        Assert.That((conversation.State, conversation.UnitId), Is.EqualTo((ConversationState.Waiting, "trt8-vt-macapa-7")));
    }

    [Test]
    public async Task AnotherBranchsMatter_NamesTheCourt_AndHowToReachIt()
    {
        await bot.SayAsync("oi");

        var replies = string.Concat(await bot.SayAsync("o pai do meu filho nao paga a pensao alimenticia faz 5 meses"));
        Assert.That(replies, Does.StartWith("Esse assunto é da Justiça Estadual; este Balcão Virtual atende só o Tribunal Regional do Trabalho da 8ª Região. Procure:\n" +
            "Tribunal de Justiça do Pará (TJPA): https://www.tjpa.jus.br\nTribunal de Justiça do Amapá (TJAP): https://www.tjap.jus.br"));
        Assert.That(string.Concat(await bot.SayAsync("preciso da segunda via do título de eleitor")), Does.Contain("Justiça Eleitoral")
            .And.Contain("Tribunal Regional Eleitoral do Pará (TRE-PA): https://www.tre-pa.jus.br").And.Not.Contain("Pronto!"));
        Assert.That((await bot.ConversationAsync()).State, Is.EqualTo(ConversationState.Bot), "nothing handed to a labour unit");
    }

    [Test]
    public async Task WithoutANumber_TheTownIsAsked_AndTheUnitServingItIsNamed()
    {
        await bot.SayAsync("oi");

        Assert.That(await bot.SayAsync("moro em Marituba, com quem falo?"), Is.EqualTo(new[]
        {
            "Marituba é atendida pela 1ª Vara do Trabalho de Ananindeua.\n\n" +
            "Escreva sua dúvida em uma mensagem, com o número do processo se tiver. Vou passar para a 1ª Vara do Trabalho de Ananindeua.",
        }));
        Assert.That(string.Concat(await bot.SayAsync("quero entrar com um processo contra a empresa")), Does.StartWith("Para entrar com uma ação trabalhista"));
    }

    [Test]
    public async Task AskedWhetherTheDeskIsOpenNow_AnswersFromItsHours()
    {
        var reply = string.Concat(await bot.SayAsync("a vara de Santarém está atendendo agora?"));
        Assert.That(reply, Does.Contain("1ª Vara do Trabalho de Santarém (Santarém)").And.Contain("Aberta agora, até as 13h").And.Not.Contain("Pronto!"));
    }

    [Test]
    public async Task DocumentsAfterTheHandOff_AreToldOncePerDay_ThatThisIsNoFiling_AndTheClerkSeesIt()
    {
        await bot.SayAsync("Minha audiência foi remarcada?", to: BotHarness.MacapaNumber);
        const string Reminder = "Recebido. Lembre: o que chega por aqui não vale como protocolo. Petições e documentos vão pelo PJe: https://pje.trt8.jus.br";

        Assert.That(await bot.SayAsync("segue a contestação", to: BotHarness.MacapaNumber, media: ("https://api.twilio.com/media/ME9", "application/pdf")),
            Is.EqualTo(new[] { Reminder }));
        Assert.That(await bot.SayAsync("e a procuração", to: BotHarness.MacapaNumber, media: ("https://api.twilio.com/media/ME10", "application/pdf")),
            Is.Empty, "once per day");
        Assert.That(await bot.SayAsync("obrigado", to: BotHarness.MacapaNumber), Is.Empty, "the clerks have the conversation");
        bot.Factory.Time.Advance(TimeSpan.FromDays(1));
        Assert.That(await bot.SayAsync("mais um documento", to: BotHarness.MacapaNumber, media: ("https://api.twilio.com/media/ME11", "image/jpeg")),
            Is.EqualTo(new[] { Reminder }), "the next day, again");

        var conversation = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        var thread = await bot.Conversations.GetMessagesAsync(conversation.Id);
        Assert.That(thread.Count(m => m is { Direction: MessageDirection.Outbound, Author: MessageAuthor.Bot } && m.Text == Reminder), Is.EqualTo(2), "in the clerk's thread");
        Assert.That(conversation.State, Is.EqualTo(ConversationState.Waiting));
    }

    [Test]
    public async Task Transfer_AndClose_AreToldToTheCitizen_OnceEach()
    {
        await bot.SayAsync("Minha audiência foi remarcada?", to: BotHarness.MacapaNumber);
        var conversation = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        using var clerk = await bot.Factory.ClientForNewUserAsync("clerk.macapa@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);
        var outbox = bot.Factory.Services.GetRequiredService<Outbox>();

        var moved = await clerk.PostAsJsonAsync($"/api/conversations/{conversation.Id}/transfer", new { unitId = "trt8-vt-santarem-1", reason = "O processo é de Santarém." });
        Assert.That(moved.IsSuccessStatusCode, await moved.Content.ReadAsStringAsync());
        await TestServers.WaitUntilAsync(async () => await outbox.PendingAsync() == 0, TimeSpan.FromSeconds(20), "the notice to be sent");
        var told = await bot.RepliesAsync();
        Assert.That(told, Has.Count.EqualTo(1));
        Assert.That(told[0], Does.StartWith("Sua conversa foi passada para a 1ª Vara do Trabalho de Santarém, que vai responder por aqui até ")
            .And.Not.Contain("O processo é de Santarém"), "where and until when; the reason stays internal");

        using var santarem = await bot.Factory.ClientForNewUserAsync("clerk.santarem@trt8.jus.br", clerkOf: ["trt8-vt-santarem-1"]);
        Assert.That((await santarem.PostAsync($"/api/conversations/{conversation.Id}/close", null)).IsSuccessStatusCode);
        Assert.That((await santarem.PostAsync($"/api/conversations/{conversation.Id}/close", null)).IsSuccessStatusCode, "closing twice is harmless");
        await TestServers.WaitUntilAsync(async () => await outbox.PendingAsync() == 0, TimeSpan.FromSeconds(20), "the notice to be sent");
        Assert.That(await bot.RepliesAsync(), Is.EqualTo(new[]
        {
            "A 1ª Vara do Trabalho de Santarém encerrou este atendimento. Se precisar de mais alguma coisa, é só escrever aqui de novo, a qualquer hora.",
        }), "once");
    }

    [Test]
    public async Task MisreadRequests_AreReadRight_AndTheLastThingAskedWins()
    {
        bot.DataJud.AddHit("api_publica_trt8", Macapa.Digits, Hit);
        await bot.SayAsync("oi");

        // A petition already filed is a question for the clerk, not a filing here.
        Assert.That(string.Concat(await bot.SayAsync("Peticionei ontem na vara de Macapá, já juntaram a petição?")),
            Does.StartWith("Pronto! Sua mensagem foi encaminhada para a 7ª Vara do Trabalho de Macapá").And.Not.Contain("não recebe petições"));

        await bot.SayAsync("menu", to: BotHarness.SantaremNumber);
        Assert.That(string.Concat(await bot.SayAsync("vocês atendem sábado?", to: BotHarness.SantaremNumber)), Does.Contain("segunda a sexta, das 8h às 13h"));
        Assert.That(string.Concat(await bot.SayAsync("quero deixar um recado para a vara", to: BotHarness.SantaremNumber)),
            Does.StartWith("Escreva sua dúvida em uma mensagem"), "a message for the unit: its question is asked for");

        // Hours asked for, then: "esquece, quero o andamento do processo N" while the town is awaited.
        Assert.That(await bot.SayAsync("qual o horário?", from: BotHarness.SmsCitizen, to: BotHarness.SmsCentral), Has.Some.Contain(AskUnit));
        Assert.That(string.Concat(await bot.SayAsync($"esquece, quero o andamento do processo {Macapa.Canonical}", from: BotHarness.SmsCitizen, to: BotHarness.SmsCentral)),
            Does.StartWith(Summary));
    }

    [Test]
    public async Task Close_OutsideTheWhatsAppWindow_TellsNothing_RatherThanTheAnswerWaitingTemplate()
    {
        await bot.SayAsync("Minha audiência foi remarcada?", to: BotHarness.MacapaNumber);
        var conversation = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        bot.Factory.Time.Advance(TimeSpan.FromDays(2));
        using var clerk = await bot.Factory.ClientForNewUserAsync("clerk.macapa@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);

        Assert.That((await clerk.PostAsync($"/api/conversations/{conversation.Id}/close", null)).IsSuccessStatusCode);
        var outbox = bot.Factory.Services.GetRequiredService<Outbox>();
        await TestServers.WaitUntilAsync(async () => await outbox.PendingAsync() == 0, TimeSpan.FromSeconds(20), "nothing pending");
        Assert.That(await bot.RepliesAsync(), Is.Empty, "a close is not 'an answer is waiting'");
        Assert.That((await bot.Conversations.GetMessagesAsync(conversation.Id)).Count(m => m.Author == MessageAuthor.System), Is.Zero);
    }
}

