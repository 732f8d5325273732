using System.Text.RegularExpressions;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Features.Privacy;

namespace BalcaoVirtual.Tests.Features.Privacy;

/// <summary>The audit page shows every action in Portuguese: each action the code writes has its words.</summary>
public sealed partial class AuditWordsTests
{
    // trail.RecordAsync("signin", …), actions.ApplyAsync(id, user, "claim", …), AnswerAsync(…, "video-link"); not the prefixes
    // ("conversation." + action) nor a data subject request's kind (requests.RecordAsync("export", contacts, …)).
    [GeneratedRegex(@"RecordAsync\(""(?<action>[a-z.\-]*[a-z])"", (?!contacts)|RecordAsync\(id, user, ""(?<conv>[a-z\-]+)""|ApplyAsync\(id, user, ""(?<conv>[a-z\-]+)""|AnswerAsync\([^;]*?""(?<conv>[a-z\-]+)""(, [^)]*)?\)\.ConfigureAwait")]
    private static partial Regex Written();

    private static IEnumerable<string> ActionsInTheCode()
    {
        foreach (var file in Directory.EnumerateFiles(RepoPaths.File("src", "BalcaoVirtual.Web"), "*.cs", SearchOption.AllDirectories))
        {
            foreach (Match m in Written().Matches(File.ReadAllText(file)))
            {
                yield return m.Groups["action"].Success ? m.Groups["action"].Value : "conversation." + m.Groups["conv"].Value;
            }
        }

        // Built from a kind: DataSubjectRequests records "privacy." + "export" or "erasure".
        yield return "privacy.export";
        yield return "privacy.erasure";
    }

    [Test]
    public void EveryActionTheCodeWrites_HasPortugueseWords()
    {
        var actions = ActionsInTheCode().Distinct().Order().ToList();

        Assert.That(actions, Has.Count.GreaterThan(20), "the scan found the actions");
        Assert.That(actions.Where(a => AuditWords.ActionName(a) is null), Is.Empty);
    }

    [Test]
    public void AnUnknownAction_HasNoWords_SoThePageShowsItsCode() =>
        Assert.That(AuditWords.ActionName("something.new"), Is.Null);

    [Test]
    public void Who_IsANameForPeople_AndWordsForTheShellAndStrangers()
    {
        var users = new Dictionary<string, User> { ["u1"] = new() { Id = "u1", Email = "a@b.c", Name = "Ana Souza", PasswordHash = "" } };

        Assert.Multiple(() =>
        {
            Assert.That(AuditWords.WhoName("u1", users), Is.EqualTo("Ana Souza"));
            Assert.That(AuditWords.WhoName("shell", users), Is.EqualTo("Linha de comando do servidor"));
            Assert.That(AuditWords.WhoName("anonymous", users), Is.EqualTo("Sem sessão"));
            Assert.That(AuditWords.WhoName("unknown:abc123", users), Is.EqualTo("E-mail sem conta (abc123)"));
            Assert.That(AuditWords.WhoName("gone", users), Is.EqualTo("gone"));
        });
    }
}
