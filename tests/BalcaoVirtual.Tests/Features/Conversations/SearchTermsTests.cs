using BalcaoVirtual.Web.Features.Conversations;

namespace BalcaoVirtual.Tests.Features.Conversations;

/// <summary>What the inbox's search finds a text by, and what a search asks for.</summary>
public sealed class SearchTermsTests
{
    [Test]
    public void Words_AreFoldedToLowerCaseWithoutAccents_EachOnce_WithoutTheCommonOnes() =>
        Assert.That(SearchTerms.Words("Bom dia! Quando sai o ALVARÁ? O alvará da Audiência de Conciliação."),
            Is.EqualTo(new[] { "quando", "sai", "alvara", "audiencia", "conciliacao" }));

    [Test]
    public void Words_NeverHoldACpf_ItIsMaskedFirst() =>
        Assert.That(SearchTerms.Words("Meu CPF é 529.982.247-25"), Has.None.Contains("529").And.None.Contains("25"));

    [Test]
    public void Words_LeaveOutSingleLettersAndLongRuns() =>
        Assert.That(SearchTerms.Words("x " + new string('a', 41) + " rg"), Is.EqualTo(new[] { "rg" }));

    [Test]
    public void IndexTerms_AreShortWordsWhole_AndEveryBeginningOfFourLettersOrMore_UpToTwelve() =>
        Assert.That(SearchTerms.IndexTerms(["OAB alvará", "desembargadora"]), Is.EquivalentTo(new[]
        {
            "oab", "alva", "alvar", "alvara",
            "dese", "desem", "desemb", "desemba", "desembar", "desembarg", "desembarga", "desembargad",
        }.Append("desembargado")));

    [Test]
    public void QueryTerms_CutEachWordToTheLongestBeginningKept_SoALongWordStillMatches() =>
        Assert.That(SearchTerms.QueryTerms("Desembargadora  de   ALVARÁS"), Is.EqualTo(new[] { "desembargado", "alvaras" }));

    [Test]
    public void QueryTerms_OfOnlyCommonWordsOrSigns_AreNone() =>
        Assert.That(SearchTerms.QueryTerms("de o ? !"), Is.Empty);
}
