using System.Globalization;
using System.Net;
using System.Reflection;
using System.Net.Sockets;
using System.Security.Cryptography;
using Garnet;

namespace BalcaoVirtual.Web.Infrastructure.Storage;

/// <summary>
/// A Microsoft Garnet server inside this process, bound to 127.0.0.1 and persisted with an append-only log
/// plus periodic checkpoints in one data folder. It is what `dotnet run` uses when no Redis is configured.
/// </summary>
public sealed class EmbeddedGarnet : IDisposable
{
    /// <summary>Held (locked) by the running server: two servers on one data folder would corrupt its log.</summary>
    internal const string LockFile = "store.lock";

    /// <summary>The running server's port, for the service's own commands run beside it (<c>admin reset-password</c>).</summary>
    internal const string PortFile = "store.port";

    /// <summary>
    /// The store's password, made on the first start and readable by the service's user alone: without it any local
    /// process could connect to the loopback port and, say, write itself a session token.
    /// </summary>
    internal const string SecretFile = "store.secret";

    private readonly GarnetServer server;
    private readonly FileStream folderLock;
    private int disposed;

    private readonly string secret;

    private EmbeddedGarnet(GarnetServer server, FileStream folderLock, int port, string dataDir, string secret)
    {
        this.server = server;
        this.folderLock = folderLock;
        this.secret = secret;
        Port = port;
        DataDir = dataDir;
    }

    /// <summary>Thread-pool minimum while the embedded store runs in this process.</summary>
    internal const int MinThreads = 64;

    public int Port { get; }

    /// <summary>The Garnet package version this build runs ("2.2.12"), for reports and logs.</summary>
    public static string GarnetVersion { get; } =
        typeof(GarnetServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(GarnetServer).Assembly.GetName().Version?.ToString(3) ?? "unknown";

    public string DataDir { get; }

    public string ConnectionString => Connection(Port, secret);

    public static EmbeddedGarnet Start(StorageOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var dataDir = Path.GetFullPath(options.DataDir);
        var logDir = Path.Combine(dataDir, "log");
        var checkpointDir = Path.Combine(dataDir, "checkpoints");
        if (!Directory.Exists(dataDir) && !OperatingSystem.IsWindows())
        {
            // Citizens' messages live in this folder: a new one is the service user's alone.
            Directory.CreateDirectory(dataDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Directory.CreateDirectory(logDir);
        Directory.CreateDirectory(checkpointDir);
        var folderLock = TryLock(dataDir) ?? throw new InvalidOperationException(
            $"The embedded store could not start: its data folder '{dataDir}' is in use by another running instance of the service " +
            "(setting Storage:DataDir). Stop that one, or give this one a folder of its own.");
        // Written again once the server listens: until then no command may take an earlier run's port for this one's.
        File.Delete(Path.Combine(dataDir, PortFile));

        // Garnet holds thread-pool threads while a write waits for its log commit. With the pool's default minimum
        // (one thread per core) a burst starves it and the pool grows by about one thread per half second: the first
        // burst after start ran at 1,800 writes/s for seconds instead of 15,000 (docs/benchmarks.md).
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, MinThreads), Math.Max(io, MinThreads));

        var port = options.EmbeddedPort == 0 ? FreeLoopbackPort() : options.EmbeddedPort;
        var secret = Secret(dataDir);
        var args = BuildArguments(options, port, logDir, checkpointDir).Concat(["--auth", "Password", "--password", secret]).ToArray();
        GarnetServer? server = null;
        try
        {
            server = new GarnetServer(args, loggerFactory, cleanupDir: false);
            server.Start();
            File.WriteAllText(Path.Combine(dataDir, PortFile), port.ToString(CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            server?.Dispose();
            folderLock.Dispose();
            throw new InvalidOperationException(
                $"The embedded store could not start on 127.0.0.1:{port} with data in '{dataDir}': {ex.Message}. " +
                "Check Storage:EmbeddedPort, Storage:DataDir (no other instance may use the same folder), " +
                "Storage:MemorySize (at least twice Storage:PageSize), Storage:PageSize and Storage:IndexSize.",
                ex);
        }

        return new EmbeddedGarnet(server, folderLock, port, dataDir, secret);
    }

    private static string Connection(int port, string secret) =>
        string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port},password={secret}");

    /// <summary>The folder's store password; made (owner-only) when there is none yet. Called under the folder's lock.</summary>
    private static string Secret(string dataDir)
    {
        var path = Path.Combine(dataDir, SecretFile);
        if (!File.Exists(path))
        {
            var made = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var writer = new StreamWriter(path, System.Text.Encoding.ASCII, create))
            {
                writer.Write(made);
            }
        }

        return File.ReadAllText(path).Trim();
    }

    /// <summary>How to reach the service's embedded store running on <paramref name="dataDir"/> now; null when none runs there.</summary>
    public static string? RunningConnection(string dataDir)
    {
        var folder = Path.GetFullPath(dataDir);
        if (!File.Exists(Path.Combine(folder, LockFile)))
        {
            return null;
        }

        using (var free = TryLock(folder))
        {
            if (free is not null)
            {
                return null;
            }
        }

        var portFile = Path.Combine(folder, PortFile);
        var secretFile = Path.Combine(folder, SecretFile);
        return File.Exists(portFile) && File.Exists(secretFile)
            && int.TryParse(File.ReadAllText(portFile), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? Connection(port, File.ReadAllText(secretFile).Trim())
            : null;
    }

    // FileShare.None is an exclusive lock (flock) on Unix and a share mode on Windows; either way it ends with the process.
    private static FileStream? TryLock(string dataDir)
    {
        try
        {
            return new FileStream(Path.Combine(dataDir, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"The embedded store's data folder '{dataDir}' cannot be opened by this user (setting Storage:DataDir): run as the user the service runs as.");
        }
    }

    internal static string[] BuildArguments(StorageOptions options, int port, string logDir, string checkpointDir)
    {
        var args = new List<string>
        {
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--lua",
            // Without it Garnet runs scripts without isolation: two concurrent first messages of one citizen both saw
            // "no open conversation" and each opened one (found by HardKillTests). Redis always isolates scripts.
            "--lua-transaction-mode",
            "--aof",
            "--storage-tier",
            // The native device needs libaio, which a plain Debian machine lacks.
            "--device-type", "RandomAccess",
            "--logdir", logDir,
            "--checkpointdir", checkpointDir,
            "--recover",
            "--memory", options.MemorySize,
            "--page", options.PageSize,
            "--index", options.IndexSize,
            "--aof-memory", options.AofMemorySize,
            // Garnet wants the log's page at least twice the store's page.
            "--aof-page-size", (2 * (StorageOptionsValidator.ParseSize(options.PageSize) ?? 4 << 20) / 1024).ToString(CultureInfo.InvariantCulture) + "k",
        };

        if (options.Durability == StorageDurability.Always)
        {
            // Commit on every write and answer only after the commit: nothing acknowledged is lost on a hard kill.
            // (Committing in groups from the service instead, after each request, lost acknowledged script writes
            // under --lua-transaction-mode on SIGKILL with Garnet 2.2.8 and 2.2.12: Garnet must commit them itself, ADR 0007.)
            args.AddRange(["--aof-commit-freq", "0", "--aof-commit-wait"]);
        }
        else
        {
            args.AddRange(["--aof-commit-freq", options.CommitIntervalMs.ToString(CultureInfo.InvariantCulture)]);
        }

        if (options.CheckpointIntervalSeconds > 0)
        {
            args.AddRange(["--checkpoint-freq", options.CheckpointIntervalSeconds.ToString(CultureInfo.InvariantCulture)]);
        }

        return [.. args];
    }

    internal static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Stops the server; safe to call twice (Garnet itself throws on a second dispose).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            server.Dispose();
            File.Delete(Path.Combine(DataDir, PortFile));
            folderLock.Dispose();
        }
    }
}
