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
}
