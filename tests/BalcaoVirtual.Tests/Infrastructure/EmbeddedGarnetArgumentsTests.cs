using BalcaoVirtual.Web.Infrastructure.Storage;

namespace BalcaoVirtual.Tests.Infrastructure;

public sealed class EmbeddedGarnetArgumentsTests
{
    [Test]
    public void BuildArguments_WaitsForCommit_WhenDurabilityIsAlways()
    {
        var args = EmbeddedGarnet.BuildArguments(new StorageOptions { Durability = StorageDurability.Always }, 7000, "/l", "/c");

        Assert.That(args, Does.Contain("--aof-commit-wait"));
        Assert.That(ValueOf(args, "--aof-commit-freq"), Is.EqualTo("0"));
    }

    [Test]
    public void BuildArguments_CommitsOnInterval_WhenDurabilityIsInterval()
    {
        var args = EmbeddedGarnet.BuildArguments(new StorageOptions { Durability = StorageDurability.Interval, CommitIntervalMs = 250 }, 7000, "/l", "/c");

        Assert.That(args, Does.Not.Contain("--aof-commit-wait"));
        Assert.That(ValueOf(args, "--aof-commit-freq"), Is.EqualTo("250"));
    }

    [Test]
    public void BuildArguments_BindsLoopbackOnlyAndRecovers()
    {
        var args = EmbeddedGarnet.BuildArguments(new StorageOptions(), 7001, "/l", "/c");

        Assert.Multiple(() =>
        {
            Assert.That(ValueOf(args, "--bind"), Is.EqualTo("127.0.0.1"));
            Assert.That(ValueOf(args, "--port"), Is.EqualTo("7001"));
            Assert.That(args, Does.Contain("--recover").And.Contain("--aof").And.Contain("--lua"));
        });
    }

    private static string ValueOf(string[] args, string name) => args[Array.IndexOf(args, name) + 1];
}
