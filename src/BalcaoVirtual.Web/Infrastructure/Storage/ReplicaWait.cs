using System.Net;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Infrastructure.Storage;

/// <summary>
/// With Redis replicated (Sentinel or Cluster), an inbound message is acknowledged to its provider only once
/// <see cref="StorageOptions.ReplicasToWait"/> replicas hold it (Redis WAIT on the connection that wrote it): a
/// failover then cannot lose a message Twilio or Meta was told is stored. Too few replicas in time is an outage (503,
/// the provider retries, and the retry finds the message already stored).
/// </summary>
public sealed class ReplicaWait(IOptions<StorageOptions> options)
{
    /// <summary>No replicas to wait for (the embedded store, a single Redis).</summary>
    public static readonly ReplicaWait None = new(Options.Create(new StorageOptions()));

    /// <summary>
    /// The master a write of <paramref name="key"/> is about to go to, to give to <see cref="EnsureAsync"/> after the
    /// write; null when no replicas are awaited (no round trip then).
    /// </summary>
    public async Task<EndPoint?> MasterBeforeWriteAsync(IDatabase db, RedisKey key)
    {
        ArgumentNullException.ThrowIfNull(db);
        return options.Value.ReplicasToWait == 0 ? null : await db.IdentifyEndpointAsync(key, CommandFlags.DemandMaster).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits until the writes made so far on <paramref name="db"/>'s connection to the master of
    /// <paramref name="written"/> reached enough replicas. With <paramref name="masterBefore"/> (see
    /// <see cref="MasterBeforeWriteAsync"/>), a master that changed since is refused: the WAIT would go to the new master
    /// over a connection that wrote nothing, and count its replicas for a write the old master may drop.
    /// </summary>
    public async Task EnsureAsync(IDatabase db, RedisKey written, EndPoint? masterBefore = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        var o = options.Value;
        if (o.ReplicasToWait == 0)
        {
            return;
        }

        // WAIT counts the writes of one connection to one master. On a cluster a keyless command goes to any master,
        // so it is sent to the master of the key written, over the same connection (one per server and multiplexer).
        var endpoint = await db.IdentifyEndpointAsync(written, CommandFlags.DemandMaster).ConfigureAwait(false)
            ?? throw new StoreNotReplicatedException(o.ReplicasToWait, 0);
        if (masterBefore is not null && !masterBefore.Equals(endpoint))
        {
            throw new StoreNotReplicatedException(o.ReplicasToWait, 0);
        }

        var server = db.Multiplexer.GetServer(endpoint);
        long reached;
        try
        {
            reached = (long)await server.ExecuteAsync("WAIT", [o.ReplicasToWait, (long)o.ReplicaWaitTimeout.TotalMilliseconds], CommandFlags.DemandMaster)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (Demoted(ex, server))
        {
            // A failover demoted the master between the write and its WAIT: the client refuses to send WAIT to a server it
            // knows is a replica, and one it does not know yet refuses WAIT itself. What it took may be lost with it, so
            // nothing is acknowledged; the provider's retry goes to the new master.
            throw new StoreNotReplicatedException(o.ReplicasToWait, 0);
        }

        if (reached < o.ReplicasToWait)
        {
            throw new StoreNotReplicatedException(o.ReplicasToWait, reached);
        }
    }

    private static bool Demoted(Exception exception, IServer server) => exception switch
    {
        RedisCommandException => server.IsReplica,
        RedisServerException refused => refused.Message.Contains("WAIT cannot be used with replica", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };
}

/// <summary>Something the service reads from the store once (a key) is not read yet: the store was down when it started.</summary>
public sealed class StoreNotReadyException(string what)
    : Exception($"{what} could not be read from the store yet (it was unreachable at start-up); retried until it answers.");

/// <summary>A write reached fewer replicas than <see cref="StorageOptions.ReplicasToWait"/> in time: not acknowledged.</summary>
public sealed class StoreNotReplicatedException(int wanted, long reached)
    : Exception($"The write reached {reached} of the {wanted} replica(s) Storage:ReplicasToWait asks for.");
