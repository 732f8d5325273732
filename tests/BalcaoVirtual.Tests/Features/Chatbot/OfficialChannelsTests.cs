using BalcaoVirtual.Web.Features.Chatbot;
using BalcaoVirtual.Web.Features.PublicSite;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Tests.Features.Chatbot;

/// <summary>Whether a number, an address or a link a citizen was sent is the court's (the sample TRT8 catalogue).</summary>
public sealed class OfficialChannelsTests
{
    private static readonly OfficialChannels Channels = new(
        ChatDriver.CatalogOf("trt8"),
        Options.Create(new ChatbotOptions { CourtName = "TRT8", PjeUrl = new Uri("https://pje.trt8.jus.br/primeirograu/") }),
        Options.Create(new PublicSiteOptions { BaseUrl = new Uri("https://balcao.trt8.jus.br/") }));

    [TestCase("+55 91 4008-0001", "1ª Vara do Trabalho de Belém")]
    [TestCase("(91) 4008-0001", "1ª Vara do Trabalho de Belém")]
    [TestCase("5591 40080001", "1ª Vara do Trabalho de Belém")]
    [TestCase("+55 (91) 3000-0000", "Tribunal Regional do Trabalho da 8ª Região (Pará e Amapá)")]
    public void AUnitsOrTheCourtsNumber_InAnyWriting_IsOfficial(string written, string owner)
    {
        var check = Channels.Check("é oficial? " + written).Single();

        Assert.That(check, Is.EqualTo(new ChannelCheck(ChannelKind.Phone, written, owner)));
    }

    [TestCase("5591981234567", "559181234567", true)]
    [TestCase("559181234567", "5591981234567", true)]
    [TestCase("5591981234567", "5591981234567", true)]
    [TestCase("5591981234567", "5591981234568", false)]
    [TestCase("559130000000", "5591930000000", false)] // a landline is no mobile with its ninth digit
    [TestCase("5591981234567", "5592981234567", false)]
    public void AMobile_IsTheSameWithOrWithoutItsNinthDigit(string a, string b, bool same) =>
        Assert.That(OfficialChannels.SamePhone(a, b), Is.EqualTo(same));

    [Test]
    public void TheTrunkZero_IsRead() =>
        Assert.That(Channels.Check("091 3000-0000").Single().Owner, Does.StartWith("Tribunal Regional do Trabalho da 8ª Região"));

    [TestCase("91 98888-7777")]
    [TestCase("+55 91 98888-7777")]
    public void AnyOtherNumber_IsNotOfficial(string written) =>
        Assert.That(Channels.Check(written).Single(), Is.EqualTo(new ChannelCheck(ChannelKind.Phone, written, null)));

    [Test]
    public void ANumberWithoutItsAreaCode_CannotBeChecked() =>
        Assert.That(Channels.Check("o numero é 98888-7777").Single().Incomplete, Is.True);

    [TestCase("vt1belem@trt8.jus.br", true)]
    [TestCase("VT1BELEM@TRT8.JUS.BR", true)]
    [TestCase("vt1belem.trt8@gmail.com", false)]
    [TestCase("alvara@trt8-jus.com.br", false)]
    public void AnAddress_IsOfficialOnlyAsWritten(string address, bool official) =>
        Assert.That(Channels.Check($"recebi um email de {address} pedindo a taxa").Single().Official, Is.EqualTo(official));

    [TestCase("https://pje.trt8.jus.br/consultaprocessual", "Tribunal Regional do Trabalho da 8ª Região (Pará e Amapá)")]
    [TestCase("www.trt8.jus.br/noticias", "Tribunal Regional do Trabalho da 8ª Região (Pará e Amapá)")]
    [TestCase("https://balcao.trt8.jus.br/", "Tribunal Regional do Trabalho da 8ª Região (Pará e Amapá)")]
    [TestCase("https://meet.google.com/bvt-belm-001", "1ª Vara do Trabalho de Belém")]
    [TestCase("https://meet.google.com/abc-defg-hij", null)]
    [TestCase("trt8-alvaras.com/liberar", null)]
    [TestCase("https://trt8.jus.br.alvara-online.site/login", null)]
    [TestCase("trt8.jus.br.alvara.lat/login", null)]
    [TestCase("pje.trt8.jus.br.consulta.icu", null)]
    [TestCase("http://bit.ly/alvara-trt8", null)]
    public void ALink_IsOfficialOnTheCourtsDomainsOrAsAUnitsOwnRoom(string link, string? owner) =>
        Assert.That(Channels.Check("esse link é oficial? " + link).Single(), Is.EqualTo(new ChannelCheck(ChannelKind.Link, link, owner)));

    [Test]
    public void PhoneNumbers_AreCheckedFirst() =>
        Assert.That(Channels.Check("https://pje.trt8.jus.br/a https://pje.trt8.jus.br/b vt1belem@trt8.jus.br e liga 91 98888-7777").Select(c => c.Kind),
            Is.EqualTo(new[] { ChannelKind.Phone, ChannelKind.Email, ChannelKind.Link }));

    [Test]
    public void OnlyTheStartOfALongMessage_IsScanned()
    {
        // What bounds the regexes' work on a hostile message (backtracking over "a-a-a-…"): they never see more than this.
        var padding = string.Concat(Enumerable.Repeat("a-", 1_000));
        Assert.That(Channels.Check(padding[..1_995] + " 91 98888-7777"), Is.Empty, "cut by the first 2,000 characters");
        Assert.That(Channels.Check(padding[..1_900] + " 91 98888-7777"), Has.Count.EqualTo(1));
    }

    [TestCase("meu processo 0001764-62.2023.5.08.0003 e o cpf 123.456.789-09, valor R$ 1.500,00 em 02/12/2026")]
    [TestCase("")]
    [TestCase(null)]
    public void CaseNumbers_Cpfs_SumsAndDates_AreNoChannels(string? text) =>
        Assert.That(Channels.Check(text), Is.Empty);

    [Test]
    public void AtMostThree_AreChecked() =>
        Assert.That(Channels.Check("91 98888-7777, 91 98888-6666, 91 98888-5555, 91 98888-4444"), Has.Count.EqualTo(OfficialChannels.MaxChecked));
}
