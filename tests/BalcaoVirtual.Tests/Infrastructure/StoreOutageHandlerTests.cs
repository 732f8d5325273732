using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Tests.Infrastructure;

/// <summary>What counts as the store being away for now (503, the provider retries) and what stays a bug (500).</summary>
public sealed class StoreOutageHandlerTests
{
    [TestCase(RedisErrorKind.ReadOnly, "READONLY You can't write against a read only replica.")]
    [TestCase(RedisErrorKind.Loading, "LOADING Redis is loading the dataset in memory")]
    [TestCase(RedisErrorKind.MasterDown, "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.")]
    [TestCase(RedisErrorKind.NoReplicas, "NOREPLICAS Not enough good replicas to write.")]
    [TestCase(RedisErrorKind.TryAgain, "TRYAGAIN Multiple keys request during rehashing of slot")]
    [TestCase(RedisErrorKind.ClusterDown, "CLUSTERDOWN The cluster is down")]
    [TestCase(RedisErrorKind.Busy, "BUSY Redis is busy running a script.")]
    public void ARedisThatCannotTakeWritesForNow_IsAnOutage(RedisErrorKind kind, string error) =>
        Assert.That(StoreOutageHandler.IsOutage(new RedisServerException(kind, CommandFlags.None, error)), Is.True);

    [TestCase(RedisErrorKind.UnknownCommand, "ERR unknown command 'FOO'")]
    [TestCase(RedisErrorKind.WrongType, "WRONGTYPE Operation against a key holding the wrong kind of value")]
    [TestCase(RedisErrorKind.UnknownError, "ERR Error running script: attempt to compare nil with number")]
    public void ABadCommand_StaysABug(RedisErrorKind kind, string error) =>
        Assert.That(StoreOutageHandler.IsOutage(new RedisServerException(kind, CommandFlags.None, error)), Is.False);

    [Test]
    public void TooFewReplicas_AndWrappedConnectionErrors_AreOutages()
    {
        Assert.That(StoreOutageHandler.IsOutage(new StoreNotReplicatedException(1, 0)), Is.True);
        Assert.That(StoreOutageHandler.IsOutage(new InvalidOperationException("x", new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "down", null, CommandStatus.Unknown))), Is.True);
        Assert.That(StoreOutageHandler.IsOutage(new InvalidOperationException("x")), Is.False);
    }
}
