using System.Net;
using System.Reflection;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BalcaoVirtual.Tests.Infrastructure;

/// <summary>
/// The WAIT after an inbound write, when a Sentinel failover demotes the master between the write and the WAIT:
/// seen in the Sentinel test as a 500 ("Command cannot be issued to a replica: WAIT"); it must be an outage (503).
/// </summary>
public sealed class ReplicaWaitTests
{
    private static readonly EndPoint Master = new IPEndPoint(IPAddress.Loopback, 6379);
    private static readonly ReplicaWait OneReplica = new(Options.Create(new StorageOptions { ReplicasToWait = 1 }));

    [Test]
    public void AMasterDemotedBeforeItsWait_IsNotReplicated_SoTheWebhookIsAnswered503()
    {
        var db = Database(Server(isReplica: true, wait: () => throw new RedisCommandException("Command cannot be issued to a replica: WAIT")));

        var refused = Assert.ThrowsAsync<StoreNotReplicatedException>(() => OneReplica.EnsureAsync(db, "k"));

        Assert.That(Web.Infrastructure.Http.StoreOutageHandler.IsOutage(refused!), Is.True);
    }

    [Test]
    public void AMasterDemotedBeforeTheClientKnows_RefusingWaitItself_IsNotReplicated()
    {
        var db = Database(Server(isReplica: false, wait: () => throw new RedisServerException(RedisErrorKind.UnknownError, CommandFlags.None, "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.")));

        Assert.ThrowsAsync<StoreNotReplicatedException>(() => OneReplica.EnsureAsync(db, "k"));
    }

    [Test]
    public void AMasterThatChangedBetweenTheWriteAndItsWait_IsNotReplicated_EvenIfTheNewOneHasReplicas()
    {
        var db = Database(Server(isReplica: false, wait: () => RedisResult.Create(1)));
        var before = new IPEndPoint(IPAddress.Loopback, 6380); // the old master, that took the write

        Assert.ThrowsAsync<StoreNotReplicatedException>(() => OneReplica.EnsureAsync(db, "k", before));
        Assert.DoesNotThrowAsync(() => OneReplica.EnsureAsync(db, "k", Master));
    }

    [Test]
    public async Task NoReplicasAwaited_CostsNoRoundTripBeforeTheWrite() =>
        Assert.That(await new ReplicaWait(Options.Create(new StorageOptions())).MasterBeforeWriteAsync(Database(Server(false, () => RedisResult.Create(0))), "k"), Is.Null);

    [Test]
    public void AnotherCommandError_OnAMaster_StaysABug()
    {
        var db = Database(Server(isReplica: false, wait: () => throw new RedisCommandException("something else")));

        Assert.ThrowsAsync<RedisCommandException>(() => OneReplica.EnsureAsync(db, "k"));
    }

    [Test]
    public void EnoughReplicas_IsAcknowledged_AndTooFewIsNot()
    {

        Assert.DoesNotThrowAsync(() => OneReplica.EnsureAsync(Database(Server(isReplica: false, wait: () => RedisResult.Create(1))), "k"));
        Assert.ThrowsAsync<StoreNotReplicatedException>(() => OneReplica.EnsureAsync(Database(Server(isReplica: false, wait: () => RedisResult.Create(0))), "k"));
    }

    private static IServer Server(bool isReplica, Func<RedisResult> wait) => Stub.Of<IServer>((method, args) => method.Name switch
    {
        nameof(IServer.IsReplica) or "get_IsReplica" => isReplica,
        nameof(IServer.ExecuteAsync) when (string)args![0]! == "WAIT" => Run(wait),
        _ => throw new NotSupportedException(method.Name),
    });

    private static IDatabase Database(IServer server)
    {
        var multiplexer = Stub.Of<IConnectionMultiplexer>((method, _) => method.Name == nameof(IConnectionMultiplexer.GetServer) ? server : throw new NotSupportedException(method.Name));
        return Stub.Of<IDatabase>((method, _) => method.Name switch
        {
            nameof(IDatabase.IdentifyEndpointAsync) => Task.FromResult<EndPoint?>(Master),
            "get_Multiplexer" => multiplexer,
            _ => throw new NotSupportedException(method.Name),
        });
    }

    private static Task<RedisResult> Run(Func<RedisResult> wait)
    {
        try
        {
            return Task.FromResult(wait());
        }
        catch (Exception ex)
        {
            return Task.FromException<RedisResult>(ex);
        }
    }
}

/// <summary>An interface answered by one function of the method called and its arguments (for the few members a test uses).</summary>
public static class Stub
{
    public static T Of<T>(Func<MethodInfo, object?[]?, object?> answer)
        where T : class
    {
        var proxy = DispatchProxy.Create<T, StubProxy>();
        ((StubProxy)(object)proxy).Answer = answer;
        return proxy;
    }
}

public class StubProxy : DispatchProxy
{
    internal Func<MethodInfo, object?[]?, object?> Answer { get; set; } = null!;

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => Answer(targetMethod!, args);
}
