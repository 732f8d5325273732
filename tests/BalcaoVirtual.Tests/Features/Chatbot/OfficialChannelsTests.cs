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
    [TestCase("559140080001", "5591940080001", true)]
    [TestCase("5591981234567", "5592981234567", false)]
    public void AMobile_IsTheSameWithOrWithoutItsNinthDigit(string a, string b, bool same) =>
        Assert.That(OfficialChannels.SamePhone(a, b), Is.EqualTo(same));

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

    [TestCase("https://pje.trt8.jus.br/consultaprocessual", true)]
    [TestCase("www.trt8.jus.br/noticias", true)]
    [TestCase("https://balcao.trt8.jus.br/", true)]
    [TestCase("https://meet.google.com/bvt-belm-001", true)]
    [TestCase("https://meet.google.com/abc-defg-hij", false)]
    [TestCase("trt8-alvaras.com/liberar", false)]
    [TestCase("https://trt8.jus.br.alvara-online.site/login", false)]
    [TestCase("http://bit.ly/alvara-trt8", false)]
    public void ALink_IsOfficialOnTheCourtsDomainsOrAsAUnitsOwnRoom(string link, bool official) =>
        Assert.That(Channels.Check("esse link é oficial? " + link).Single(), Is.EqualTo(new ChannelCheck(ChannelKind.Link, link, official ? Channels.Check(link).Single().Owner : null))
            .And.Property(nameof(ChannelCheck.Official)).EqualTo(official));

    [TestCase("meu processo 0001764-62.2023.5.08.0003 e o cpf 123.456.789-09, valor R$ 1.500,00 em 02/12/2026")]
    [TestCase("")]
    [TestCase(null)]
    public void CaseNumbers_Cpfs_SumsAndDates_AreNoChannels(string? text) =>
        Assert.That(Channels.Check(text), Is.Empty);

    [Test]
    public void AtMostThree_AreChecked() =>
        Assert.That(Channels.Check("91 98888-7777, 91 98888-6666, 91 98888-5555, 91 98888-4444"), Has.Count.EqualTo(OfficialChannels.MaxChecked));
}
