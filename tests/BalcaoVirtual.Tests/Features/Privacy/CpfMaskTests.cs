using BalcaoVirtual.Web.Features.Privacy;

namespace BalcaoVirtual.Tests.Features.Privacy;

public sealed class CpfMaskTests
{
    [TestCase("Meu CPF é 529.982.247-25.", "Meu CPF é ***.982.247-**.")]
    [TestCase("cpf 52998224725 ok", "cpf ***.982.247-** ok")]
    [TestCase("CPF 111.111.111-11 (formatted: masked even if invalid)", "CPF ***.111.111-** (formatted: masked even if invalid)")]
    [TestCase("celular 91981234567", "celular 91981234567")]
    [TestCase("processo 0001234-56.2025.5.08.0210", "processo 0001234-56.2025.5.08.0210")]
    [TestCase("", "")]
    public void Mask_HidesAllButTheMiddleSixDigits(string text, string expected) => Assert.That(CpfMask.Mask(text), Is.EqualTo(expected));

    [TestCase("52998224725", true)]
    [TestCase("52998224724", false)]
    [TestCase("00000000000", false)]
    [TestCase("5299822472", false)]
    public void IsValid_ChecksBothCheckDigits(string digits, bool valid) => Assert.That(CpfMask.IsValid(digits), Is.EqualTo(valid));
}
