using System.Diagnostics;
using System.Globalization;
using System.Text;
using BalcaoVirtual.Web.Features.Court;
using static BalcaoVirtual.Bench.BenchReport;

namespace BalcaoVirtual.Bench;

/// <summary>
/// Case-number extraction and validation over a generated corpus of citizens' messages: most with no number, some
/// with one or two in the shapes people type (punctuated, bare, spaced, wrong separators, leading zeros left out,
/// a wrong check digit), with phone numbers, CPFs, dates and CEPs as decoys. Reports messages/s, MB/s, numbers/s.
/// </summary>
internal static class CnjBench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly string[] Openers =
    [
        "Bom dia, gostaria de saber do meu processo", "Boa tarde! Qual a situação do processo", "oi quero saber do processo nº",
        "Preciso falar com a vara sobre o processo", "Olá, sou advogada e acompanho os autos", "meu processo é o",
        "Boa noite. Tenho audiência marcada, processo n.", "Quero saber se já saiu a sentença do",
    ];

    private static readonly string[] Fillers =
    [
        "Meu telefone é (91) 98123-4567 e meu CPF 123.456.789-09.", "Moro em Marituba, CEP 67200-000.",
        "A audiência foi em 12/05/2026 às 10h.", "Obrigado pela atenção!", "Não consigo acessar o PJe pelo celular.",
        "Já enviei e-mail para a secretaria e ninguém respondeu.", "Fui demitido em 2025 e não recebi as verbas.",
    ];

    public static int Run(string[] args)
    {
        var messages = int.Parse(Arg(args, "--messages") ?? "200000", Inv);
        var corpus = Corpus(messages, new Random(20261122));
        var bytes = corpus.Sum(m => Encoding.UTF8.GetByteCount(m));

        // Warm-up (JIT, regex), then three timed passes; the best is reported.
        Extract(corpus.Take(5_000).ToList());
        var best = double.MaxValue;
        var found = 0;
        var valid = 0;
        for (var pass = 0; pass < 3; pass++)
        {
            var watch = Stopwatch.StartNew();
            (found, valid) = Extract(corpus);
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }

        var numbers = corpus.Select(_ => CnjNumber.Create(Random.Shared.Next(10_000_000), 2024, 5, 8, Random.Shared.Next(10_000)).Canonical).Take(200_000).ToList();
        var parseWatch = Stopwatch.StartNew();
        var parsed = numbers.Count(n => CnjNumber.TryParse(n, out _) == CnjNumberError.None);
        var parseSeconds = parseWatch.Elapsed.TotalSeconds;

        var report = BenchReport.Start("Case-number extraction benchmark", "; one thread.");
        report.AppendLine(Inv, $"Corpus: {messages:N0} generated messages, {bytes / 1048576.0:F1} MiB UTF-8, {found:N0} number-shaped sequences ({valid:N0} with valid check digits).");
        report.AppendLine();
        report.AppendLine("| operation | per second | total |");
        report.AppendLine("|---|---:|---:|");
        report.AppendLine(Inv, $"| `CnjNumber.FindAll` over messages (best of 3 passes) | {messages / best:N0} messages, {bytes / 1048576.0 / best:F1} MiB, {found / best:N0} numbers | {best * 1000:F0} ms |");
        report.AppendLine(Inv, $"| `CnjNumber.TryParse` of canonical numbers (check digits included) | {parsed / parseSeconds:N0} numbers | {parseSeconds * 1000:F0} ms for {parsed:N0} |");
        BenchReport.Finish(report, args);

        return found > 0 && parsed == numbers.Count ? 0 : 1;
    }

    private static (int Found, int Valid) Extract(List<string> corpus)
    {
        var found = 0;
        var valid = 0;
        foreach (var message in corpus)
        {
            foreach (var candidate in CnjNumber.FindAll(message))
            {
                found++;
                valid += candidate.IsValid ? 1 : 0;
            }
        }

        return (found, valid);
    }

    private static List<string> Corpus(int count, Random random)
    {
        var list = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var text = new StringBuilder(Openers[random.Next(Openers.Length)]);
            var numbers = random.Next(10) switch { < 5 => 0, < 9 => 1, _ => 2 };
            for (var n = 0; n < numbers; n++)
            {
                text.Append(' ').Append(Shape(CnjNumber.Create(random.Next(10_000_000), random.Next(2010, 2027), 5, 8, random.Next(1, 300)), random));
            }

            for (var f = random.Next(1, 4); f > 0; f--)
            {
                text.Append(' ').Append(Fillers[random.Next(Fillers.Length)]);
            }

            list.Add(text.ToString());
        }

        return list;
    }

    private static string Shape(CnjNumber number, Random random) => random.Next(7) switch
    {
        0 => number.Digits,
        1 => number.Canonical.Replace('.', ' ').Replace('-', ' '),
        2 => number.Canonical.Replace('.', '-'),
        3 => number.Canonical.TrimStart('0'),
        4 => number.Canonical[..^1] + (char)('0' + ((number.Canonical[^1] - '0' + 1) % 10)), // a typo
        _ => number.Canonical,
    };
}
