using System.Globalization;
using StackExchange.Redis;

namespace BalcaoVirtual.IntegrationTests.Support;

/// <summary>
/// A real Redis Cluster on loopback, as the runbook sets one up: three masters and one replica each, Debian's
/// redis-server in cluster mode with append-only persistence (fsync always), a node judged down after 1 s, created by
/// <c>redis-cli --cluster create</c>. A master can be killed (SIGKILL) and started again on its folder: it rejoins as
/// the replica of the one promoted in its place.
/// </summary>
internal sealed class RedisCluster : IAsyncDisposable
{
    private const int Masters = 3;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private RedisCluster(List<RedisServerProcess> nodes) => Nodes = nodes;

    public IReadOnlyList<RedisServerProcess> Nodes { get; }

    /// <summary>Every node, as a service's Storage:Redis (the client discovers the slots and follows failovers).</summary>
    public string ConnectionString => string.Join(',', Nodes.Select(n => n.ConnectionString));

    public static async Task<RedisCluster> StartAsync(string dir)
    {
        var nodes = Enumerable.Range(0, Masters * 2).Select(i => new RedisServerProcess(
            Path.Combine(dir, $"node{i}"),
            "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "1000",
            // Its own bus port: the default (port + 10000) may be taken or beyond 65535.
            "--cluster-port", TestServers.FreePort().ToString(Inv))).ToList();
        var cluster = new RedisCluster(nodes);
        try
        {
            await Task.WhenAll(nodes.Select(n => n.StartAsync()));
            var (exit, output) = await Commands.RunAsync("redis-cli",
                ["--cluster", "create", .. nodes.Select(n => n.ConnectionString), "--cluster-replicas", "1", "--cluster-yes"]);
            Assert.That(exit, Is.Zero, $"redis-cli --cluster create failed:{Environment.NewLine}{output}");
            await WaitHealthyAsync(nodes);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The node that is now master of <paramref name="key"/>'s slot.</summary>
    public async Task<RedisServerProcess> MasterOfAsync(RedisKey key)
    {
        await using var client = await ConnectionMultiplexer.ConnectAsync(ConnectionString);
        var endpoint = (System.Net.IPEndPoint)(await client.GetDatabase().IdentifyEndpointAsync(key, CommandFlags.DemandMaster))!;
        return Nodes.Single(n => n.Port == endpoint.Port);
    }

    /// <summary>The node that is now master of <paramref name="key"/>'s slot, and its replica.</summary>
    public async Task<(RedisServerProcess Master, RedisServerProcess Replica)> MasterAndReplicaOfAsync(RedisKey key)
    {
        var master = await MasterOfAsync(key);
        // "<id> <ip:port@bus> <flags> <master id or -> ...", one line per node.
        var nodes = (await master.CliAsync("CLUSTER", "NODES")).Select(line => line.Split(' ')).ToList();
        int PortOf(string[] node) => int.Parse(node[1][(node[1].IndexOf(':', StringComparison.Ordinal) + 1)..node[1].IndexOf('@', StringComparison.Ordinal)], Inv);
        var masterId = nodes.Single(n => PortOf(n) == master.Port)[0];
        var replicaPort = PortOf(nodes.Single(n => n[3] == masterId));
        return (master, Nodes.Single(n => n.Port == replicaPort));
    }

    /// <summary>Until every running node sees all slots served (cluster_state:ok) and every master with a synced replica.</summary>
    public Task WaitHealthyAsync() => WaitHealthyAsync(Nodes);

    private static Task WaitHealthyAsync(IReadOnlyList<RedisServerProcess> nodes) => TestServers.WaitUntilAsync(async () =>
    {
        foreach (var node in nodes)
        {
            var info = await node.CliAsync("CLUSTER", "INFO");
            // "<id> <address> <flags> ...", the flags such as "myself,slave" or "master,fail".
            var replicas = (await node.CliAsync("CLUSTER", "NODES"))
                .Select(line => line.Split(' ')[2].Split(','))
                .Count(flags => flags.Contains("slave") && !flags.Any(f => f.StartsWith("fail", StringComparison.Ordinal)));
            if (!info.Contains("cluster_state:ok") || replicas < Masters)
            {
                return false;
            }

            // A replica counts once it has synced with its master (before that, WAIT cannot count it).
            var replication = await node.CliAsync("INFO", "replication");
            if (replication.Contains("role:slave") && !replication.Contains("master_link_status:up"))
            {
                return false;
            }
        }

        return true;
    }, TimeSpan.FromSeconds(60), "the Redis Cluster to serve every slot with a replica per master",
        () => string.Join(Environment.NewLine, nodes[0].CliAsync("CLUSTER", "NODES").GetAwaiter().GetResult()));

    public ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            node.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
