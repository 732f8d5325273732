using StackExchange.Redis;

namespace BalcaoVirtual.Web.Infrastructure.Storage;

/// <summary>
/// A few multiplexers used in turn. One multiplexer pipelines everything over one connection, and a store that
/// answers each write only after its log commit (the embedded default) then commits one command at a time:
/// several connections let commits overlap (measured in docs/benchmarks.md).
/// Transactions with a condition get connections of their own (<see cref="ForTransactions"/>): StackExchange.Redis
/// sends the condition's check and waits for its answer while it holds the connection's writer, so every command
/// queued on that connection waits too. A bot turn commits that way; a webhook's store must never wait behind one
/// (a sampled trace of the ingest benchmark found the slowest seconds there, docs/benchmarks.md).
/// </summary>
public sealed class RedisConnections(IReadOnlyList<IConnectionMultiplexer> pool, IReadOnlyList<IConnectionMultiplexer> transactions)
{
    private uint next;
    private uint nextTransaction;

    public RedisConnections(IReadOnlyList<IConnectionMultiplexer> pool)
        : this(pool, pool)
    {
    }

    public RedisConnections(IConnectionMultiplexer multiplexer)
        : this([multiplexer])
    {
    }

    /// <summary>The first connection: pub/sub, server commands, health.</summary>
    public IConnectionMultiplexer Primary => pool[0];

    public IDatabase GetDatabase() => pool[(int)(Interlocked.Increment(ref next) % (uint)pool.Count)].GetDatabase();

    /// <summary>
    /// The first connection of the transaction pool: Hangfire's storage, whose locks are transactions with a condition
    /// and whose workers wait on it synchronously.
    /// </summary>
    public IConnectionMultiplexer TransactionsPrimary => transactions[0];

    /// <summary>For a transaction with a condition (<c>CreateTransaction</c> then <c>AddCondition</c>): never a connection webhooks use.</summary>
    public IDatabase ForTransactions() => transactions[(int)(Interlocked.Increment(ref nextTransaction) % (uint)transactions.Count)].GetDatabase();

    public ISubscriber GetSubscriber() => pool[0].GetSubscriber();
}
