using StackExchange.Redis;

namespace BalcaoVirtual.Web.Infrastructure.Storage;

/// <summary>
/// A few multiplexers used in turn. One multiplexer pipelines everything over one connection, and a store that
/// answers each write only after its log commit (the embedded default) then commits one command at a time:
/// several connections let commits overlap (measured in docs/benchmarks.md).
/// </summary>
public sealed class RedisConnections(IReadOnlyList<IConnectionMultiplexer> pool)
{
    private uint next;

    public RedisConnections(IConnectionMultiplexer multiplexer)
        : this([multiplexer])
    {
    }

    /// <summary>The first connection: pub/sub, server commands, health.</summary>
    public IConnectionMultiplexer Primary => pool[0];

    public IDatabase GetDatabase() => pool[(int)(Interlocked.Increment(ref next) % (uint)pool.Count)].GetDatabase();

    public ISubscriber GetSubscriber() => pool[0].GetSubscriber();
}
