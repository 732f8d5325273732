using System.Globalization;
using System.Text;
using BalcaoVirtual.Web.Features.Chatbot;
using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Units;

namespace BalcaoVirtual.Tests.Fuzz;

/// <summary>
/// CNJ numbers as citizens type them, and the chatbot's reading of any message: properties over generated numbers
/// (every valid number is read back whatever its punctuation; every one-digit typo and every swap of two different
/// digits is caught by the check digits), and no throw or hang on any text.
/// </summary>
public sealed class CnjNumberPropertyTests
{
    private static readonly string[] Separators = ["", ".", "-", " ", "/", "_", ",", "–", "—", ". ", " - ", "  "];
    private static readonly UnitResolver Resolver = new(UnitCatalogLoader.LoadFile(RepoPaths.File("deploy", "units", "trt8.sample.json")));

    [Test]
    public void EveryValidNumber_IsReadBack_InAnyPunctuation_AmongAnyWords() => Fuzzer.Run("cnj-roundtrip", 100_000,
        r =>
        {
            var number = RandomNumber(r);
            return (Number: number, Text: Mutator.AnyText(r, 40) + " processo " + Typed(r, number) + " obrigado " + Mutator.AnyText(r, 40));
        },
        input =>
        {
            var found = CnjNumber.FindAll(input.Text);
            Assert.That(found.Any(c => c.IsValid && c.Number.Digits == input.Number.Digits), Is.True, $"{input.Number} in the text is found");
            Assert.That(CnjNumber.TryParse(input.Number.Canonical, out var parsed), Is.EqualTo(CnjNumberError.None));
            Assert.That(parsed, Is.EqualTo(input.Number));
        },
        input => Encoding.UTF8.GetBytes(input.Text));

    [Test]
    public void EveryOneDigitTypo_AndEverySwapOfTwoDigits_FailsTheCheckDigits() => Fuzzer.Run("cnj-typos", 100_000,
        r =>
        {
            var digits = RandomNumber(r).Digits.ToCharArray();
            if (r.Next(2) == 0)
            {
                var at = r.Next(20);
                digits[at] = (char)('0' + ((digits[at] - '0' + 1 + r.Next(9)) % 10));
            }
            else
            {
                int a, b;
                do
                {
                    (a, b) = (r.Next(20), r.Next(20));
                }
                while (digits[a] == digits[b]);
                (digits[a], digits[b]) = (digits[b], digits[a]);
            }

            return new string(digits);
        },
        typo => Assert.That(CnjNumber.TryParse(typo, out _), Is.EqualTo(CnjNumberError.WrongCheckDigits), $"{typo} is not taken for a valid number"));

    [Test]
    public void AnyText_IsReadByTheChatbot_NeverThrows() => Fuzzer.Run("chatbot-text", 60_000,
        r => r.Next(3) switch
        {
            0 => Mutator.AnyText(r, 200),
            1 => Mutator.Text(r, ["0001234-56.2024.5.08.0001", "processo 1234-56.2024.5.8.1 da vara de Macapá", "1", "quero falar com atendente"],
                ["0", "1", "9", ".", "-", " ", "/", "2024", "5.08", "0001", "vara", "macapa", "processo", "menu"]),
            _ => string.Concat(Enumerable.Range(0, r.Next(400)).Select(_ => r.Next(3) == 0 ? Separators[r.Next(Separators.Length)] : ((char)('0' + r.Next(10))).ToString())),
        },
        text =>
        {
            _ = CnjNumber.TryParse(text, out _);
            _ = IntentReader.Read(text, Resolver);
        });

    private static CnjNumber RandomNumber(Random r) =>
        CnjNumber.Create(r.Next(0, 10_000_000), r.Next(1990, 2031), r.Next(1, 10), r.Next(0, 100), r.Next(0, 10_000));

    /// <summary>The number as someone might type it: any separators, sometimes without the sequence's leading zeros.</summary>
    private static string Typed(Random r, CnjNumber n)
    {
        string Sep(bool required) => required ? Separators[1 + r.Next(Separators.Length - 1)] : Separators[r.Next(Separators.Length)];
        var sequence = n.Sequence;
        var trimmed = r.Next(3) == 0 && sequence.TrimStart('0').Length is > 0 and < 7;
        var first = trimmed ? sequence.TrimStart('0') : sequence;
        return string.Concat(first, Sep(trimmed), n.CheckDigits, Sep(false), n.Year, Sep(false), n.Segment.ToString(CultureInfo.InvariantCulture), Sep(false), n.CourtCode, Sep(false), n.Origin);
    }
}
