using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BalcaoVirtual.IntegrationTests.Support;

public enum Backend
{
    Garnet,
    Redis,

    /// <summary>The shared Redis Cluster (three masters with a replica each), started on first use.</summary>
    Cluster,
}

/// <summary>
/// One store for a test fixture: an embedded Garnet in its own folder, or the shared redis-server or Redis Cluster
/// under a key prefix of its own, so fixtures never see each other's data.
/// </summary>
internal sealed class StoreBackend : IAsyncDisposable
{
    private EmbeddedGarnet? garnet;

    private StoreBackend(Backend backend, StorageOptions options)
    {
        Kind = backend;
        Options = options;
    }

    public Backend Kind { get; }

    public StorageOptions Options { get; }

    public IConnectionMultiplexer Multiplexer { get; private set; } = null!;

    public RedisConnections Connections => new(Multiplexer);

    /// <summary>Where the store listens ("127.0.0.1:port"), for a service pointed at it with Storage:Mode=Redis.</summary>
    public string ConnectionString => Kind == Backend.Garnet ? garnet!.ConnectionString : Options.Redis!;

    /// <summary>The cluster every <see cref="Backend.Cluster"/> fixture shares, stopped when the test run ends.</summary>
    public static Task<RedisCluster> SharedClusterAsync() => SharedCluster.Value;

    private static readonly Lazy<Task<RedisCluster>> SharedCluster = new(() => RedisCluster.StartAsync(TestServers.TempDir("cluster")));

    /// <summary>Stops the shared cluster if a fixture started it.</summary>
    public static async Task StopSharedClusterAsync()
    {
        if (SharedCluster.IsValueCreated && SharedCluster.Value.IsCompletedSuccessfully)
        {
            await (await SharedCluster.Value).DisposeAsync();
        }
    }

    public RedisKeys Keys => new(Microsoft.Extensions.Options.Options.Create(Options));

    public static async Task<StoreBackend> StartAsync(Backend backend)
    {
        var options = new StorageOptions
        {
            Mode = backend == Backend.Garnet ? StorageMode.Embedded : StorageMode.Redis,
            DataDir = backend == Backend.Garnet ? TestServers.TempDir("garnet") : "./unused",
            Redis = backend switch
            {
                Backend.Redis => TestServers.Redis,
                Backend.Cluster => (await SharedClusterAsync()).ConnectionString,
                _ => null,
            },
            KeyPrefix = "t" + Guid.NewGuid().ToString("N")[..12],
        };
        var store = new StoreBackend(backend, options);
        await store.ConnectAsync();
        return store;
    }

    /// <summary>Stops the embedded server and starts a new one on the same data folder (Garnet only).</summary>
    public async Task RestartEmbeddedAsync()
    {
        await Multiplexer.DisposeAsync();
        garnet!.Dispose();
        await ConnectAsync();
    }

    private async Task ConnectAsync()
    {
        string connection;
        if (Kind == Backend.Garnet)
        {
            garnet = EmbeddedGarnet.Start(Options);
            connection = garnet.ConnectionString;
        }
        else
        {
            connection = Options.Redis!;
        }

        Multiplexer = await ConnectionMultiplexer.ConnectAsync(connection);
    }

    public async ValueTask DisposeAsync()
    {
        if (Kind != Backend.Garnet)
        {
            var db = Multiplexer.GetDatabase();
            foreach (var server in Multiplexer.GetServers().Where(s => !s.IsReplica))
            {
                await foreach (var key in server.KeysAsync(pattern: Options.KeyPrefix + ":*"))
                {
                    await db.KeyDeleteAsync(key);
                }
            }
        }

        await Multiplexer.DisposeAsync();
        garnet?.Dispose();
        if (Kind == Backend.Garnet)
        {
            TryDelete(Options.DataDir);
        }
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    public IOptions<StorageOptions> AsOptions() => Microsoft.Extensions.Options.Options.Create(Options);
}
