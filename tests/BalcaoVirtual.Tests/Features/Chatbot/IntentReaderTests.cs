using BalcaoVirtual.Web.Features.Chatbot;
using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Units;

namespace BalcaoVirtual.Tests.Features.Chatbot;

/// <summary>Readings the corpus's 95 % floor could let slip: each of these went wrong for a citizen once.</summary>
public sealed class IntentReaderTests
{
    private static readonly UnitResolver Trt8 = new(UnitCatalogLoader.LoadFile(RepoPaths.File("deploy", "units", "trt8.sample.json")));

    [TestCase("obrigado, era só isso", Intent.Thanks)]
    [TestCase("obrigada, era so isso mesmo", Intent.Thanks)]
    [TestCase("Valeu, me ajudou muito", Intent.Thanks)]
    [TestCase("obrigado pela ajuda, até logo", Intent.Exit)]
    [TestCase("Muito obrigada pela atenção, tchau!", Intent.Exit)]
    [TestCase("não, obrigado", Intent.No)]
    [TestCase("obrigado, segue a petição", Intent.Petition)]
    public void Courtesy_HoweverLong_IsCourtesy_ButARequestBesideItIsTheRequest(string text, Intent intent) =>
        Assert.That(IntentReader.Read(text, Trt8).Reading.Intent, Is.EqualTo(intent), text);

    [TestCase("preciso da segunda via do título de eleitor")]
    [TestCase("quero a segunda via da certidão")]
    public void SecondCopy_NamesNoUnit(string text) =>
        Assert.That(IntentReader.Read(text, Trt8).Unit.Kind, Is.EqualTo(UnitMatchKind.NotFound), text);

    // Found by review: words that end, thank, claim, name a matter or ask the hours in other senses.
    [TestCase("não entendi o que o juiz falou")]
    [TestCase("o prazo da defesa é até amanhã")]
    [TestCase("Sou obrigada a ir na audiência")]
    [TestCase("Obrigada. A empresa não pagou minha rescisão")]
    [TestCase("Trabalhei todos os feriados e não recebi")]
    [TestCase("meu contrato de trabalho acabou e não recebi nada")]
    public void WordsInOtherSenses_AreNotGoodbyeThanksOrHours(string text) =>
        Assert.That(IntentReader.Read(text, Trt8).Reading.Intent, Is.Not.AnyOf(Intent.Exit, Intent.Thanks, Intent.Hours), text);

    [TestCase("Meu processo na justiça do trabalho está parado", false)]
    [TestCase("quero botar meu patrao na justiça", true)]
    public void NewClaim_IsAClaimNotYetMade(string text, bool claim) => Assert.That(IntentReader.Read(text).NewClaim, Is.EqualTo(claim), text);

    [TestCase("O banco não liberou meu alvará")]
    [TestCase("Onde fica o fórum de Marabá?")]
    public void ACommonWord_AloneIsNoOtherBranchsMatter(string text) => Assert.That(IntentReader.Read(text).Matters, Is.Empty, text);

    [Test]
    public void ATownsShortName_MustBeSpelledRight() =>
        Assert.That((IntentReader.Read("Esse canal funciona?", Trt8).Unit.Kind, IntentReader.Read("moro em canaã", Trt8).Unit.Unit?.Id),
            Is.EqualTo((UnitMatchKind.NotFound, "trt8-vt-parauapebas-4")));

    // The fake-lawyer scam: what it asks for, as victims forward or retell it.
    [TestCase("Dr. Carlos aqui, seu alvará saiu! Para liberar faça um pix da taxa de R$ 380")]
    [TestCase("o advogado me pediu 2 mil pra liberar o dinheiro")]
    [TestCase("me pediram um depósito para liberar o alvará")]
    [TestCase("a advogada está pedindo dinheiro pra soltar o valor")]
    [TestCase("ganhei o processo e tenho que pagar uma taxa")]
    [TestCase("me mandaram um boleto de custas pra receber a indenização")]
    [TestCase("é do escritório do falso advogado?")]
    [TestCase("estão cobrando impostos pra liberar meu alvará")]
    public void APaymentDemand_IsMentionedPayment(string text) =>
        Assert.That(IntentReader.Read(text).MentionsPayment, Is.True);

    // Money matters of a real case, and an electoral fine, which is paid by boleto.
    [TestCase("queria saber quando vou receber o pagamento do acordo")]
    [TestCase("A empresa já vai depositar? Quando libera o alvará?")]
    [TestCase("Pode transferir o valor do alvará pra minha conta?")]
    [TestCase("minha chave pix é 91988887777, pra transferirem o alvará")]
    [TestCase("QUERO PAGAR MINHA MULTA ELEITORAL ME MANDA O BOLETO")]
    [TestCase("Paguei o boleto da multa, quando meu título será liberado?")]
    [TestCase("preciso pagar a multa pra desbloquear o título")]
    [TestCase("o juiz pediu os documentos para liberar o alvará")]
    [TestCase("a vara pediu o valor da causa")]
    public void AMoneyQuestion_IsNoPaymentDemand(string text) =>
        Assert.That(IntentReader.Read(text).MentionsPayment, Is.False);

    // Asking about the wait for the unit's answer, as citizens nudge.
    [TestCase("e aí?")]
    [TestCase("E aiii")]
    [TestCase("alô?")]
    [TestCase("quando vão me responder??")]
    [TestCase("ninguem respondeu ate agora")]
    [TestCase("cadê a resposta")]
    [TestCase("ainda estou esperando")]
    [TestCase("tem previsão?")]
    [TestCase("vai demorar muito?")]
    [TestCase("tem alguém aí")]
    public void ANudge_AsksAboutTheWait(string text) =>
        Assert.That(IntentReader.Read(text).AsksAboutWait, Is.True);

    [TestCase("e aí, a audiência foi remarcada mesmo? preciso saber se vou ou não")]
    [TestCase("oi")]
    [TestCase("Quando vai ser a audiência?")]
    [TestCase("quando vou receber o alvará")]
    [TestCase("obrigado pela resposta")]
    [TestCase("Aguardo retorno.")]
    [TestCase("Tem previsão para o pagamento do RPV?")]
    [TestCase("Estou aguardando retorno do INSS sobre o benefício, o que eu faço agora?")]
    public void AQuestionOrCourtesy_DoesNotAskAboutTheWait(string text) =>
        Assert.That(IntentReader.Read(text).AsksAboutWait, Is.False);

    [TestCase("não quero pesquisa")]
    [TestCase("Não me mandem pesquisa, obrigado")]
    [TestCase("nao quero receber mensagens de voces")]
    [TestCase("por favor, parar pesquisas")]
    public void AskingForNoSurveys_DeclinesSurveys(string text) => Assert.That(IntentReader.Read(text).DeclinesSurveys, Is.True);

    [TestCase("a pesquisa de preço do leilão")]
    [TestCase("O juiz arquivou sem pesquisa de bens, posso pedir desarquivamento?")]
    [TestCase("quero receber mensagens sobre meu processo")]
    [TestCase("5")]
    public void OtherWords_DoNotDeclineSurveys(string text) => Assert.That(IntentReader.Read(text).DeclinesSurveys, Is.False);

    [TestCase("me avise quando meu processo andar")]
    [TestCase("avisar")]
    [TestCase("Avisar 0001234-82.2024.5.08.0210")]
    [TestCase("quero receber avisos do processo 0001234-82.2024.5.08.0210")]
    [TestCase("pode me avisar quando tiver novidade no processo?")]
    public void AskingForAlerts_Follows(string text) => Assert.That(IntentReader.Read(text).AsksToFollow, Is.True);

    [TestCase("a vara vai me avisar da data da audiência?")]
    [TestCase("meu advogado não me avisou de nada e perdi o prazo")]
    [TestCase("parar de avisar")]
    [TestCase("não quero avisos")]
    [TestCase("não precisa me avisar")]
    [TestCase("vão me avisar?")]
    [TestCase("não consigo acompanhar meu processo no PJe, como faço?")]
    public void OtherWords_DoNotFollow(string text) => Assert.That(IntentReader.Read(text).AsksToFollow, Is.False);

    [TestCase("parar", true)]
    [TestCase("PARAR 0001234-82.2024.5.08.0210", true)]
    [TestCase("parar de trabalhar", false)]
    [TestCase("para", false)]
    public void Parar_AloneIsTheStopWord(string text, bool stop) => Assert.That(IntentReader.Read(text).SaysStop, Is.EqualTo(stop));

    [TestCase("isso é oficial? (91) 98888-7777")]
    [TestCase("esse numero é de voces?")]
    [TestCase("recebi esse link, será que é golpe?")]
    [TestCase("verificar")]
    [TestCase("verificar 91 98888-7777")]
    [TestCase("o falso advogado me mandou mensagem")]
    public void AskingIfSomethingIsTheCourts_IsAsksIfOfficial(string text) =>
        Assert.That(IntentReader.Read(text).AsksIfOfficial, Is.True);

    [TestCase("Poderia verificar a movimentação da RT 0001764-62.2023.5.08.0003 por gentileza?")]
    [TestCase("verifica meu processo")]
    [TestCase("verificar andamento")]
    [TestCase("é da vara do trabalho de Marabá")]
    [TestCase("Poderia conferir se o alvará foi expedido?")]
    [TestCase("o oficial de justiça veio aqui e oficial disse que era pra ligar")]
    [TestCase("meu marido é oficial de justiça")]
    public void AQuestionForTheClerk_IsNoCheck(string text) =>
        Assert.That(IntentReader.Read(text).AsksIfOfficial, Is.False);
}
