using BalcaoVirtual.Web.Features.Chatbot;
using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Units;

namespace BalcaoVirtual.Tests.Features.Chatbot;

/// <summary>
/// Realistic citizen messages (typos, no accents, "vc", "pfv", "processo n°", several numbers, mixed content) with the
/// intent and unit a person would read in them. The reader may miss a few; below 95% it is not good enough to ship.
/// </summary>
public sealed class IntentCorpusTests
{
    private static readonly UnitCatalog Trt8 = UnitCatalogLoader.LoadFile(RepoPaths.File("deploy", "units", "trt8.sample.json"));

    [Test]
    public void Corpus_IsReadWithAtLeast95PercentAccuracy_ForIntentAndUnit()
    {
        var resolver = new UnitResolver(Trt8);
        var rows = File.ReadLines(RepoPaths.File("tests", "BalcaoVirtual.Tests", "Features", "Chatbot", "corpus.tsv"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('\t'))
            .ToList();
        var misses = new List<string>();
        foreach (var row in rows)
        {
            var (expectedIntent, expectedUnit, text) = (row[0], row[1], row[2]);
            var (reading, match) = IntentReader.Read(text, resolver);
            var unit = match.Kind switch
            {
                UnitMatchKind.Found => match.Unit!.Id,
                UnitMatchKind.Ambiguous => "ambiguous",
                _ => "-",
            };
            var intent = char.ToLowerInvariant(reading.Intent.ToString()[0]) + reading.Intent.ToString()[1..];
            if (intent != expectedIntent || unit != expectedUnit)
            {
                misses.Add($"\"{text}\": expected {expectedIntent}/{expectedUnit}, read {intent}/{unit}");
            }
        }

        var accuracy = 1.0 - ((double)misses.Count / rows.Count);
        TestContext.Out.WriteLine($"Corpus: {rows.Count} messages, {rows.Count - misses.Count} read right, accuracy {accuracy:P1}");
        foreach (var miss in misses)
        {
            TestContext.Out.WriteLine("  miss: " + miss);
        }

        Assert.That(rows, Has.Count.GreaterThanOrEqualTo(150), "the corpus must stay large enough to mean something");
        Assert.That(accuracy, Is.GreaterThanOrEqualTo(0.95), string.Join(Environment.NewLine, misses));
    }
}
