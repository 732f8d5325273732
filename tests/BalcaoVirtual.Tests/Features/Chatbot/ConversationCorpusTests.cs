using System.Globalization;
using BalcaoVirtual.Web.Features.Chatbot;
using BalcaoVirtual.Web.Features.Conversations;

namespace BalcaoVirtual.Tests.Features.Chatbot;

/// <summary>
/// The conversation corpus (Conversations/*.txt, format in its README): every conversation played through the real
/// dialog, each turn judged by what the bot did. Prints the accuracy per category; below the floor it fails.
/// </summary>
public sealed class ConversationCorpusTests
{
    /// <summary>The share of conversations the bot must serve right (issue 22's goal; docs/chatbot.md records the run).</summary>
    private const double Floor = 0.98;

    private static readonly string Folder = RepoPaths.File("tests", "BalcaoVirtual.Tests", "Features", "Chatbot", "Conversations");

    [Test]
    public async Task Corpus_IsServedRight_AtLeast98Percent_AndEveryMessageFitsTwilio()
    {
        var results = new List<(string File, string Category, string Title, string? Failure)>();
        foreach (var file in Directory.GetFiles(Folder, "*.txt").Order(StringComparer.Ordinal))
        {
            var catalogue = Path.GetFileNameWithoutExtension(file);
            foreach (var conversation in CorpusConversation.Parse(file))
            {
                results.Add((catalogue, conversation.Category, conversation.Title, await PlayAsync(catalogue, conversation)));
            }
        }

        var report = new List<string>();
        foreach (var group in results.GroupBy(r => r.Category).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var right = group.Count(r => r.Failure is null);
            report.Add(string.Create(CultureInfo.InvariantCulture, $"  {group.Key,-16} {right,4} / {group.Count(),-4} {(double)right / group.Count(),7:P1}"));
        }

        var served = results.Count(r => r.Failure is null);
        var accuracy = (double)served / results.Count;
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Conversation corpus: {results.Count} conversations, {served} served right, {accuracy:P1}"));
        report.ForEach(TestContext.Out.WriteLine);
        foreach (var failure in results.Where(r => r.Failure is not null))
        {
            TestContext.Out.WriteLine($"  miss [{failure.File}/{failure.Category}] {failure.Title}: {failure.Failure}");
        }

        Assert.That(results, Has.Count.GreaterThanOrEqualTo(500), "the corpus must stay large enough to mean something");
        Assert.That(accuracy, Is.GreaterThanOrEqualTo(Floor),
            string.Join(Environment.NewLine, results.Where(r => r.Failure is not null).Select(r => $"{r.Title}: {r.Failure}")));
    }

    /// <summary>Plays one conversation; null when every turn did what its label says, else what went wrong first.</summary>
    private static async Task<string?> PlayAsync(string catalogue, CorpusConversation conversation)
    {
        var driver = new ChatDriver(catalogue, conversation.To, conversation.Sms ? Channel.Sms : Channel.WhatsApp);
        var at = conversation.At;
        foreach (var turn in conversation.Turns)
        {
            var outcome = await driver.SayAsync(turn.Text, at, turn.Media);
            at = at.AddMinutes(1);
            var acts = outcome.Acts.Select(a => a.ToString()).ToList();
            var longest = Dialog.Pack(outcome.Replies).Select(m => m.Length).DefaultIfEmpty(0).Max();
            if (longest > Dialog.MaxMessageLength)
            {
                return $"\"{turn.Text}\": a message of {longest} characters";
            }

            var missing = turn.Expected.Where(e => !Happened(e, acts, outcome)).ToList();
            if (missing.Count > 0)
            {
                return $"\"{turn.Text}\": expected {string.Join(", ", turn.Expected)}; did {(acts.Count == 0 ? "nothing" : string.Join(", ", acts))}";
            }
        }

        return null;
    }

    private static bool Happened(string expected, List<string> acts, ChatOutcome outcome) =>
        expected == "silent"
            ? outcome.Replies.Count == 0
            : acts.Any(a => a == expected || (!expected.Contains(' ', StringComparison.Ordinal) && a.StartsWith(expected + " ", StringComparison.Ordinal)));
}

/// <summary>One conversation of the corpus file, as its README describes.</summary>
internal sealed record CorpusConversation(string Category, string Title, string? To, DateTimeOffset At, bool Sms, IReadOnlyList<CorpusTurn> Turns)
{
    public static IEnumerable<CorpusConversation> Parse(string path)
    {
        CorpusConversation? current = null;
        var turns = new List<CorpusTurn>();
        string[] media = [];
        string? said = null;
        var n = 0;
        foreach (var raw in File.ReadLines(path))
        {
            n++;
            var line = raw.TrimEnd();
            if (line.StartsWith("==", StringComparison.Ordinal))
            {
                if (current is not null)
                {
                    yield return current with { Turns = turns };
                }

                var header = line[2..].Trim();
                var colon = header.IndexOf(':', StringComparison.Ordinal);
                current = new CorpusConversation(colon < 0 ? header : header[..colon].Trim(), $"{Path.GetFileName(path)}:{n} {header}", null, ChatDriver.Tuesday10, false, []);
                turns = [];
            }
            else if (current is null || line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            else if (line.StartsWith('@'))
            {
                var parts = line[1..].Trim().Split(' ', 2);
                current = parts[0] switch
                {
                    "to" => current with { To = parts[1].Trim() },
                    "at" => current with { At = new DateTimeOffset(DateTime.ParseExact(parts[1].Trim(), "yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture), TimeSpan.FromHours(-3)) },
                    "sms" => current with { Sms = true },
                    _ => current,
                };
                media = parts[0] switch
                {
                    "photo" => ["image/jpeg"],
                    "pdf" => ["application/pdf"],
                    "audio" => ["audio/ogg"],
                    _ => media,
                };
            }
            else if (line.StartsWith('>'))
            {
                said = line[1..].Trim().Replace("\\n", "\n", StringComparison.Ordinal);
            }
            else if (line.StartsWith('<') && said is not null)
            {
                var expected = line[1..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(e => string.Join(' ', e.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
                    .ToList();
                turns.Add(new CorpusTurn(said, media, expected));
                said = null;
                media = [];
            }
        }

        if (current is not null)
        {
            yield return current with { Turns = turns };
        }
    }
}

internal sealed record CorpusTurn(string Text, string[] Media, IReadOnlyList<string> Expected);
