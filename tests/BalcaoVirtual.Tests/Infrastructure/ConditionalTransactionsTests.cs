using System.Text.RegularExpressions;

namespace BalcaoVirtual.Tests.Infrastructure;

/// <summary>
/// StackExchange.Redis blocks the calling thread and holds the connection's writer while it checks a transaction's
/// condition; webhooks must never wait behind one (docs/benchmarks.md), so such transactions are created on
/// <c>RedisConnections.ForTransactions()</c>, whose connections webhooks never use.
/// </summary>
public sealed partial class ConditionalTransactionsTests
{
    [Test]
    public void EveryTransactionGivenACondition_IsCreatedOnTheTransactionConnections()
    {
        var offenders = new List<string>();
        foreach (var file in Directory.EnumerateFiles(RepoPaths.File("src", "BalcaoVirtual.Web"), "*.cs", SearchOption.AllDirectories))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (Created().Match(lines[i]) is not { Success: true } created || lines[i].Contains("ForTransactions()", StringComparison.Ordinal))
                {
                    continue;
                }

                // The condition follows the creation within the same few lines, before the transaction runs.
                var name = created.Groups["name"].Value;
                var following = lines.Skip(i + 1).Take(8).TakeWhile(l => !l.Contains($"{name}.ExecuteAsync", StringComparison.Ordinal));
                if (following.Any(l => l.Contains($"{name}.AddCondition(", StringComparison.Ordinal)))
                {
                    offenders.Add($"{Path.GetRelativePath(RepoPaths.Root, file)}:{i + 1}");
                }
            }
        }

        Assert.That(offenders, Is.Empty);
    }

    [Test]
    public void TheCheck_FindsATransactionWithAConditionOnAWebhookConnection()
    {
        var line = "        var tran = redis.GetDatabase().CreateTransaction();";
        Assert.That(Created().Match(line).Groups["name"].Value, Is.EqualTo("tran"));
    }

    [GeneratedRegex(@"var (?<name>\w+) = .*\.CreateTransaction\(\)")]
    private static partial Regex Created();
}
