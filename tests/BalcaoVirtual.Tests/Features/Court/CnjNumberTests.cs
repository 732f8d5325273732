using System.Globalization;
using BalcaoVirtual.Web.Features.Court;

namespace BalcaoVirtual.Tests.Features.Court;

public sealed class CnjNumberTests
{
    // domain.md's worked example, and a number of the 7ª VT de Macapá (origin 0210) built from the algorithm.
    private const string Example = "0000001-04.2001.5.08.0001";

    [Test]
    public void CheckDigits_MatchTheWorkedExample()
    {
        Assert.That(CnjNumber.ComputeCheckDigits("000000120015080001"), Is.EqualTo("04"));
        Assert.That(CnjNumber.Create(1, 2001, 5, 8, 1).Canonical, Is.EqualTo(Example));
    }

    [Test]
    public void Parse_GivesTheParts()
    {
        Assert.That(CnjNumber.TryParse(Example, out var n), Is.EqualTo(CnjNumberError.None));
        Assert.That(n.Sequence, Is.EqualTo("0000001"));
        Assert.That(n.CheckDigits, Is.EqualTo("04"));
        Assert.That(n.Year, Is.EqualTo("2001"));
        Assert.That(n.Segment, Is.EqualTo(5));
        Assert.That(n.CourtCode, Is.EqualTo("08"));
        Assert.That(n.Origin, Is.EqualTo("0001"));
        Assert.That(n.CourtKey, Is.EqualTo("5.08"));
        Assert.That(n.Digits, Is.EqualTo("00000010420015080001"));
    }

    [TestCase("0000001-04.2001.5.08.0001")]
    [TestCase("00000010420015080001")]
    [TestCase("0000001 04 2001 5 08 0001")]
    [TestCase("0000001.04.2001.5.08.0001")]
    [TestCase("0000001-04-2001-5-08-0001")]
    [TestCase("0000001/04.2001.5.08.0001")]
    [TestCase("0000001 - 04 . 2001 . 5 . 08 . 0001")]
    [TestCase("000000104.2001.5.08.0001")]
    [TestCase("0000001–04.2001.5.08.0001")] // en dash from a phone keyboard
    [TestCase("1-04.2001.5.08.0001")] // leading zeros left out
    [TestCase("processo nº 0000001-04.2001.5.08.0001, por favor")]
    [TestCase("Processo n. 0000001-04.2001.5.08.0001")]
    [TestCase("meu processo é o 00000010420015080001?")]
    public void Parse_AcceptsEveryShapeCitizensType(string typed)
    {
        Assert.That(CnjNumber.TryParse(typed, out var n), Is.EqualTo(CnjNumberError.None));
        Assert.That(n.Canonical, Is.EqualTo(Example));
    }

    [TestCase("0000001-05.2001.5.08.0001")]
    [TestCase("0000002-04.2001.5.08.0001")]
    [TestCase("00000010420015080002")]
    public void Parse_RejectsWrongCheckDigits(string typed) =>
        Assert.That(CnjNumber.TryParse(typed, out _), Is.EqualTo(CnjNumberError.WrongCheckDigits));

    [TestCase("")]
    [TestCase("   ")]
    [TestCase(null)]
    [TestCase("0000001-04.2001.5.08.000")] // 19 digits
    [TestCase("0000001-04.2001.5.08.00011")] // 21 digits
    [TestCase("quero saber do meu processo")]
    public void Parse_RejectsWrongLength(string? typed) =>
        Assert.That(CnjNumber.TryParse(typed, out _), Is.EqualTo(CnjNumberError.WrongLength));

    [Test]
    public void FindAll_FindsSeveralNumbersInOneMessage_InOrder_WithTheirValidity()
    {
        var macapa = CnjNumber.Create(1234, 2024, 5, 8, 210);
        var electoral = CnjNumber.Create(600, 2022, 6, 14, 6);
        var text = $"Bom dia! Tenho os processos nº {macapa.Canonical} e {electoral.Digits}; " +
                   "também o 0000001-05.2001.5.08.0001 (acho). Telefone 91 98123-4567.";

        var found = CnjNumber.FindAll(text);

        Assert.That(found.Select(f => f.Number.Canonical), Is.EqualTo(new[] { macapa.Canonical, electoral.Canonical, "0000001-05.2001.5.08.0001" }));
        Assert.That(found.Select(f => f.IsValid), Is.EqualTo(new[] { true, true, false }));
        Assert.That(text.Substring(found[0].Index, found[0].Length), Is.EqualTo(macapa.Canonical));
    }

    [Test]
    public void FindAll_SplitsTwoBareNumbersSeparatedOnlyByASpace_AndIgnoresLongerDigitRuns()
    {
        var a = CnjNumber.Create(1, 2020, 5, 8, 1);
        var b = CnjNumber.Create(2, 2021, 5, 8, 2);

        Assert.That(CnjNumber.FindAll($"{a.Digits} {b.Digits}").Select(f => f.Number), Is.EqualTo(new[] { a, b }));
        Assert.That(CnjNumber.FindAll("1" + a.Digits), Is.Empty, "21 digits in a row are not a case number");
        Assert.That(CnjNumber.FindAll($"{a.Canonical} de novo {a.Digits}"), Has.Count.EqualTo(1), "the same number twice is one");
    }

    [Test]
    public void FindAll_IgnoresDigitsThatAreNotCaseNumbers()
    {
        Assert.That(CnjNumber.FindAll("CPF 123.456.789-09, telefone (91) 98123-4567, CEP 66000-000, 12/05/2026"), Is.Empty);
        Assert.That(CnjNumber.FindAll("٠٠٠٠٠٠١٠٤٢٠٠١٥٠٨٠٠٠١"), Is.Empty, "other scripts' digits are not read as 0-9");
    }

    [Test]
    public void CheckDigits_DoNotOverflow_WithTheLargestBases()
    {
        // 18 nines (and 20 nines) exceed a 64-bit integer when multiplied by 100: the arithmetic must not wrap.
        var dd = CnjNumber.ComputeCheckDigits(new string('9', 18));
        var expected = 98 - (int)(System.Numerics.BigInteger.Parse(new string('9', 18) + "00", CultureInfo.InvariantCulture) % 97);
        Assert.That(dd, Is.EqualTo(expected.ToString("00", CultureInfo.InvariantCulture)));
        var full = "9999999" + dd + "99999999999";
        Assert.That(CnjNumber.TryParse(full, out _), Is.EqualTo(CnjNumberError.None));
    }

    [Test]
    public void Property_GeneratedNumbersValidate_AndAnySingleDigitChangeIsRejected()
    {
        var random = new Random(20261122);
        for (var i = 0; i < 2_000; i++)
        {
            var number = CnjNumber.Create(random.Next(0, 10_000_000), random.Next(1990, 2030), random.Next(1, 10), random.Next(0, 100), random.Next(0, 10_000));
            var digits = number.Digits;
            Assert.That(CnjNumber.TryParse(digits, out var parsed), Is.EqualTo(CnjNumberError.None), digits);
            Assert.That(parsed, Is.EqualTo(number));
            Assert.That(CnjNumber.TryParse(number.Canonical, out _), Is.EqualTo(CnjNumberError.None));

            // ISO 7064 mod 97-10 catches every single-digit substitution.
            var position = random.Next(0, 20);
            var replacement = (char)('0' + ((digits[position] - '0' + random.Next(1, 10)) % 10));
            var perturbed = string.Concat(digits.AsSpan(0, position), replacement.ToString(), digits.AsSpan(position + 1));
            Assert.That(CnjNumber.TryParse(perturbed, out _), Is.EqualTo(CnjNumberError.WrongCheckDigits), $"{digits} → {perturbed}");

            // ... and every swap of two adjacent different digits.
            var swap = random.Next(0, 19);
            if (digits[swap] != digits[swap + 1])
            {
                var chars = digits.ToCharArray();
                (chars[swap], chars[swap + 1]) = (chars[swap + 1], chars[swap]);
                Assert.That(CnjNumber.TryParse(new string(chars), out _), Is.EqualTo(CnjNumberError.WrongCheckDigits), $"{digits} swap at {swap}");
            }
        }
    }

    [TestCase("5.08", "TRT8")]
    [TestCase("5.00", "TST")]
    [TestCase("6.14", "TRE-PA")]
    [TestCase("6.03", "TRE-AP")]
    [TestCase("8.14", "TJPA")]
    [TestCase("4.01", "TRF1")]
    [TestCase("5.24", "TRT24")]
    public void Courts_AreKnownByTheirJtrCode(string key, string acronym) =>
        Assert.That(CnjCourts.Find(key)?.Acronym, Is.EqualTo(acronym));

    [TestCase("5.25")]
    [TestCase("6.28")]
    [TestCase("0.00")]
    [TestCase("8.90")]
    public void Courts_UnknownCodesAreNull(string key) => Assert.That(CnjCourts.Find(key), Is.Null);
}
