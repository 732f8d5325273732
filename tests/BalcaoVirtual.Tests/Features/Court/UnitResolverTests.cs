using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Units;

namespace BalcaoVirtual.Tests.Features.Court;

public sealed class UnitResolverTests
{
    private static readonly UnitCatalog Trt8 = UnitCatalogLoader.LoadFile(RepoPaths.File("deploy", "units", "trt8.sample.json"));
    private static readonly UnitCatalog TrePa = UnitCatalogLoader.LoadFile(RepoPaths.File("deploy", "units", "tre-pa.sample.json"));
    private readonly UnitResolver trt8 = new(Trt8);

    [Test]
    public void ByOrigin_FindsTheUnitOwningTheCode()
    {
        Assert.That(trt8.ByOrigin("5.08", "0210").Unit?.Id, Is.EqualTo("trt8-vt-macapa-7"));
        Assert.That(trt8.ByOrigin("5.08", "0131").Unit?.Id, Is.EqualTo("trt8-vt-parauapebas-4"));
        Assert.That(trt8.ByOrigin("5.08", "9999").Kind, Is.EqualTo(UnitMatchKind.NotFound));
        Assert.That(trt8.ByOrigin("5.01", "0210").Kind, Is.EqualTo(UnitMatchKind.NotFound), "same origin, another court");
        Assert.That(trt8.ByNumber(CnjNumber.Create(77, 2025, 5, 8, 210)).Unit?.Id, Is.EqualTo("trt8-vt-macapa-7"));
    }

    [TestCase("Marituba", "trt8-vt-ananindeua-1")]
    [TestCase("moro em santa barbara do para", "trt8-vt-ananindeua-1")]
    [TestCase("MARABÁ", "trt8-vt-maraba-1")]
    [TestCase("maraba", "trt8-vt-maraba-1")]
    [TestCase("paraupebas", "trt8-vt-parauapebas-4")] // a letter missing
    [TestCase("Parauapbeas", "trt8-vt-parauapebas-4")] // two letters swapped
    [TestCase("canaa dos carajas", "trt8-vt-parauapebas-4")]
    [TestCase("santarem", "trt8-vt-santarem-1")]
    [TestCase("Sou de Santana, no Amapá", "trt8-vt-macapa-7")]
    [TestCase("ananideua", "trt8-vt-ananindeua-1")]
    public void ByTown_FindsTheUnitServingTheTown(string typed, string unitId) =>
        Assert.That(trt8.ByTown(typed).Unit?.Id, Is.EqualTo(unitId));

    [Test]
    public void ByTown_ReturnsTheCandidates_WhenSeveralUnitsServeTheTown()
    {
        var match = trt8.ByTown("belem");

        Assert.That(match.Kind, Is.EqualTo(UnitMatchKind.Ambiguous));
        Assert.That(match.Units.Select(u => u.Id), Is.EquivalentTo(new[] { "trt8-vt-belem-1", "trt8-vt-belem-2", "trt8-vt-belem-3" }));
    }

    [TestCase("preciso da segunda via do título")]
    [TestCase("quero a 2ª via da certidão")]
    [TestCase("a segunda parcela do acordo não caiu")]
    public void Resolve_FindsNoUnit_InOrdinalsThatNameNoUnit(string typed) =>
        Assert.That(trt8.Resolve(typed).Kind, Is.EqualTo(UnitMatchKind.NotFound), typed);

    [TestCase("bom dia")]
    [TestCase("quero falar com alguém")]
    [TestCase("Pará")]
    [TestCase("")]
    public void ByTown_FindsNothing_InWordsThatAreNoTown(string typed) =>
        Assert.That(trt8.ByTown(typed).Kind, Is.EqualTo(UnitMatchKind.NotFound));

    [TestCase("7ª vara", "trt8-vt-macapa-7")]
    [TestCase("vara de macapá", "trt8-vt-macapa-7")]
    [TestCase("vara de macapa", "trt8-vt-macapa-7")]
    [TestCase("setima vara do trabalho de macapa", "trt8-vt-macapa-7")]
    [TestCase("2a vara de belem", "trt8-vt-belem-2")]
    [TestCase("segunda vara de belém", "trt8-vt-belem-2")]
    [TestCase("4ª VT de Parauapebas", "trt8-vt-parauapebas-4")]
    [TestCase("vara de santana", "trt8-vt-macapa-7")] // the town it serves, when no unit sits there
    public void ByName_FindsTheUnit(string typed, string unitId) =>
        Assert.That(trt8.ByName(typed).Unit?.Id, Is.EqualTo(unitId));

    [Test]
    public void ByName_WithOrdinalWords_AndAmbiguity()
    {
        var units = Trt8.Units.Select(u => u.Id == "trt8-vt-belem-3" ? u with { Id = "trt8-vt-belem-10", Name = "10ª Vara do Trabalho de Belém" } : u).ToList();
        var resolver = new UnitResolver(new UnitCatalog(Trt8.Courts, units));

        Assert.That(resolver.ByName("10ª vara").Unit?.Id, Is.EqualTo("trt8-vt-belem-10"));
        Assert.That(resolver.ByName("decima vara de belem").Unit?.Id, Is.EqualTo("trt8-vt-belem-10"));
        Assert.That(resolver.ByName("Décima Vara").Unit?.Id, Is.EqualTo("trt8-vt-belem-10"));
        var first = resolver.ByName("1ª vara");
        Assert.That(first.Kind, Is.EqualTo(UnitMatchKind.Ambiguous), "1ª of Belém, Ananindeua, Marabá and Santarém");
        Assert.That(first.Units, Has.Count.EqualTo(4));
        Assert.That(resolver.ByName("vara de belem").Kind, Is.EqualTo(UnitMatchKind.Ambiguous));
        Assert.That(resolver.ByName("vara").Kind, Is.EqualTo(UnitMatchKind.NotFound));
        Assert.That(resolver.ByName("decima primeira vara").Kind, Is.EqualTo(UnitMatchKind.NotFound), "11ª does not exist");
    }

    [Test]
    public void ElectoralZones_ByNumberNameAndTown()
    {
        var tre = new UnitResolver(TrePa);

        Assert.That(tre.ByName("6ª zona").Unit?.Id, Is.EqualTo("tre-pa-ze-6"));
        Assert.That(tre.ByName("zona eleitoral de igarape miri").Unit?.Id, Is.EqualTo("tre-pa-ze-6"));
        Assert.That(tre.ByTown("Igarapé-Miri").Unit?.Id, Is.EqualTo("tre-pa-ze-6"));
        Assert.That(tre.ByOrigin("6.14", "0096").Unit?.Id, Is.EqualTo("tre-pa-ze-96"));
        Assert.That(tre.ByTown("marituba").Unit?.Id, Is.EqualTo("tre-pa-ze-96"));
    }

    [Test]
    public void Resolve_TriesTheCaseNumberFirst_ThenNames_ThenTowns()
    {
        var number = CnjNumber.Create(5, 2025, 5, 8, 131).Canonical;

        Assert.That(trt8.Resolve($"Sou de Belém, processo {number}").Unit?.Id, Is.EqualTo("trt8-vt-parauapebas-4"));
        Assert.That(trt8.Resolve("7a vara").Unit?.Id, Is.EqualTo("trt8-vt-macapa-7"));
        Assert.That(trt8.Resolve("moro em marituba").Unit?.Id, Is.EqualTo("trt8-vt-ananindeua-1"));
    }
}
