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
}

