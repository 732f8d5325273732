using System.ComponentModel.DataAnnotations;

namespace BalcaoVirtual.Web.Infrastructure.Storage;

public enum StorageMode
{
    /// <summary>An in-process Microsoft Garnet server on 127.0.0.1, persisted in <see cref="StorageOptions.DataDir"/>.</summary>
    Embedded,

    /// <summary>An external Redis 7 (or Garnet) reached through <see cref="StorageOptions.Redis"/>.</summary>
    Redis,
}

/// <summary>What a hard kill of the embedded store may lose.</summary>
public enum StorageDurability
{
    /// <summary>Every write is committed to the append-only log before the store answers: a hard kill loses nothing acknowledged.</summary>
    Always,

    /// <summary>The log is committed every <see cref="StorageOptions.CommitIntervalMs"/> and writes do not wait: a hard kill can lose that window.</summary>
    Interval,
}

public sealed class StorageOptions
{
    public const string Section = "Storage";

    public StorageMode Mode { get; set; } = StorageMode.Embedded;

    /// <summary>StackExchange.Redis connection string, required when <see cref="Mode"/> is Redis.</summary>
    public string? Redis { get; set; }

    /// <summary>Port of the embedded server; 0 picks a free loopback port.</summary>
    [Range(0, 65535)]
    public int EmbeddedPort { get; set; }

    public string DataDir { get; set; } = "./data";

    public StorageDurability Durability { get; set; } = StorageDurability.Always;

    [Range(1, 10_000)]
    public int CommitIntervalMs { get; set; } = 100;

    // Sizes are Garnet's: a number with k, m or g. The defaults keep a court's working set (thousands of
    // conversations) in memory at a small footprint; raise them for a large court (docs/runbook.md).

    /// <summary>Main-log memory (e.g. 32m, 1g): older data beyond it stays on disk and is read back on demand.</summary>
    [RegularExpression("^[0-9]+[kKmMgG]?$")]
    public string MemorySize { get; set; } = "1g";

    /// <summary>Log page size; MemorySize must be at least twice this, and one record must fit in a page.</summary>
    [RegularExpression("^[0-9]+[kKmMgG]?$")]
    public string PageSize { get; set; } = "4m";

    /// <summary>Hash index size (rounded down to a power of two): about 64 keys per KiB before it overflows.</summary>
    [RegularExpression("^[0-9]+[kKmMgG]?$")]
    public string IndexSize { get; set; } = "8m";

    /// <summary>Memory buffer of the append-only log before it spills to disk.</summary>
    [RegularExpression("^[0-9]+[kKmMgG]?$")]
    public string AofMemorySize { get; set; } = "16m";

    /// <summary>Seconds between checkpoints of the embedded store, which also trims its append-only log. 0 turns them off.</summary>
    [Range(0, 86_400)]
    public int CheckpointIntervalSeconds { get; set; } = 300;

    /// <summary>Connections to the store used in turn; more let durable commits overlap.</summary>
    [Range(1, 64)]
    public int Connections { get; set; } = 8;

    /// <summary>
    /// Connections of their own for transactions with a condition (a bot turn's commit): the client holds a connection
    /// while it waits for the condition's answer, and webhooks must not wait behind it.
    /// </summary>
    [Range(1, 64, ErrorMessage = "Storage:TransactionConnections must be from 1 to 64.")]
    public int TransactionConnections { get; set; } = 4;

    /// <summary>
    /// How long a node holds a queue item (a bot turn, a send) without renewing it; a live node renews every third of
    /// it, so this is how long the items of a node that died wait before another node (or the restarted one) takes them.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:03", "00:10:00", ErrorMessage = "Storage:WorkLease must be between 00:00:03 and 00:10:00.")]
    public TimeSpan WorkLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many queue items (bot turns, sends) a node's worker runs at once; never two of one conversation, whose items
    /// keep their order.
    /// </summary>
    [Range(1, 256, ErrorMessage = "Storage:Concurrency must be from 1 to 256.")]
    public int Concurrency { get; set; } = 32;

    /// <summary>
    /// How many bot turns (and, apart, sends) a node starts at once while it is storing inbound messages: during a burst
    /// the webhooks, which providers wait for, get the cores; the queues are worked off at full width after it. 16 on
    /// 2 cores (docs/benchmarks.md): webhooks 4,139 → 6,035/s on Redis, the backlog still gone 13 s after a 10 s peak;
    /// 8 took 8,586/s but left the backlog 16–18 s.
    /// </summary>
    [Range(1, 256, ErrorMessage = "Storage:ConcurrencyUnderIntake must be from 1 to 256.")]
    public int ConcurrencyUnderIntake { get; set; } = 16;

    /// <summary>
    /// Replicas that must hold an inbound message before its webhook is acknowledged (Redis WAIT): 1 with Sentinel and
    /// one replica, so a failover loses nothing acknowledged. 0 (the default) for the embedded store or a single Redis.
    /// </summary>
    [Range(0, 16)]
    public int ReplicasToWait { get; set; }

    /// <summary>How long a webhook waits for <see cref="ReplicasToWait"/> before it answers 503 (the provider retries).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:30", ErrorMessage = "Storage:ReplicaWaitTimeout must be between 00:00:00.050 and 00:00:30.")]
    public TimeSpan ReplicaWaitTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Prefix of every key this service writes, so that several deployments can share one Redis.</summary>
    [Required]
    [RegularExpression("^[a-zA-Z0-9_.-]{1,32}$")]
    public string KeyPrefix { get; set; } = "bv";
}
