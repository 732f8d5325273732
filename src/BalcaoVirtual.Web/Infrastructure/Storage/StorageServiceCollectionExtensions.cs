using BalcaoVirtual.Web.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Infrastructure.Storage;

public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStrictOptions<StorageOptions>(configuration, StorageOptions.Section)
            .ValidateDataAnnotations();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddSingleton<RedisKeys>();
        services.AddSingleton<ReplicaWait>();
        services.AddSingleton<StoreConnection>();
        services.AddSingleton<IConnectionMultiplexer>(sp => sp.GetRequiredService<StoreConnection>().Multiplexer);
        services.AddSingleton(sp => sp.GetRequiredService<StoreConnection>().Connections);
        services.AddHostedService<StoreStartup>();

        // Antiforgery tokens and other protected data must read the same on every node: the keys live in the store,
        // encrypted with the court's certificate when one is given (every node loads the same file).
        services.AddStrictOptions<KeyProtectionOptions>(configuration, KeyProtectionOptions.Section);
        var protection = services.AddDataProtection().SetApplicationName("BalcaoVirtual");
        if (KeyProtectionOptions.Certificate(configuration) is { } certificate)
        {
            protection.ProtectKeysWithCertificate(certificate);
        }

        services.AddOptions<KeyManagementOptions>().Configure<RedisConnections, RedisKeys>((o, redis, keys) =>
            o.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), keys.DataProtectionKeys()));
        return services;
    }
}

/// <summary>
/// The certificate (PKCS#12 with its private key) that encrypts the data-protection keys kept in the store. Without
/// one they are kept as they are: whoever reads the store could forge antiforgery tokens.
/// </summary>
public sealed class KeyProtectionOptions
{
    public const string Section = "DataProtection";

    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>The configured certificate; null when none is; a start-up error naming the setting when it cannot be used.</summary>
    internal static System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<KeyProtectionOptions>();
        if (string.IsNullOrWhiteSpace(options?.CertificatePath))
        {
            return null;
        }

        try
        {
            var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(
                options.CertificatePath, options.CertificatePassword);
            return certificate.HasPrivateKey
                ? certificate
                : throw new OptionsValidationException(Section, typeof(KeyProtectionOptions),
                    [$"DataProtection:CertificatePath '{options.CertificatePath}' has no private key: give the PKCS#12 (.pfx) file with its key."]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new OptionsValidationException(Section, typeof(KeyProtectionOptions),
                [$"DataProtection:CertificatePath '{options.CertificatePath}' cannot be read as a PKCS#12 certificate with DataProtection:CertificatePassword ({ex.GetType().Name})."]);
        }
    }
}

/// <summary>Owns the embedded server (when there is one) and the one shared multiplexer.</summary>
public sealed class StoreConnection : IDisposable
{
    private readonly Lazy<(EmbeddedGarnet? Embedded, IConnectionMultiplexer[] Pool)> state;
    private RedisConnections? connections;

    private readonly IOptions<StorageOptions> options;

    public StoreConnection(IOptions<StorageOptions> options, ILoggerFactory loggerFactory)
    {
        this.options = options;
        var o = options.Value;
        state = new(() =>
        {
            EmbeddedGarnet? embedded = null;
            string connection;
            if (o.Mode == StorageMode.Embedded)
            {
                embedded = EmbeddedGarnet.Start(o, new MinimumLevelLoggerFactory(loggerFactory, LogLevel.Error));
                connection = embedded.ConnectionString;
            }
            else
            {
                connection = o.Redis!;
            }

            var config = ConfigurationOptions.Parse(connection);
            config.AbortOnConnectFail = false;
            // In parallel: with the store down, each connection waits out its connect timeout.
            var pool = Task.WhenAll(Enumerable.Range(0, o.Connections + o.TransactionConnections).Select(async _ =>
                    (IConnectionMultiplexer)await ConnectionMultiplexer.ConnectAsync(config).ConfigureAwait(false)))
                .GetAwaiter().GetResult();
            return (embedded, pool);
        });
    }

    public IConnectionMultiplexer Multiplexer => state.Value.Pool[0];

    public RedisConnections Connections => connections ??= new(state.Value.Pool[..options.Value.Connections], state.Value.Pool[options.Value.Connections..]);

    public EmbeddedGarnet? Embedded => state.Value.Embedded;

    public void Dispose()
    {
        if (!state.IsValueCreated)
        {
            return;
        }

        foreach (var multiplexer in state.Value.Pool)
        {
            multiplexer.Dispose();
        }

        state.Value.Embedded?.Dispose();
    }
}

/// <summary>Connects at start-up, so a wrong store setting stops the service instead of failing the first request.</summary>
internal sealed partial class StoreStartup(StoreConnection store, IOptions<StorageOptions> options, ILogger<StoreStartup> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var multiplexer = store.Multiplexer;
        if (store.Embedded is { } embedded)
        {
            LogEmbedded(logger, EmbeddedGarnet.GarnetVersion, embedded.Port, embedded.DataDir, options.Value.Durability);
        }
        else
        {
            LogExternal(logger, multiplexer.IsConnected);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded store (Garnet {GarnetVersion}) listening on 127.0.0.1:{Port}, data in {DataDir}, durability {Durability}")]
    private static partial void LogEmbedded(ILogger logger, string garnetVersion, int port, string dataDir, StorageDurability durability);

    [LoggerMessage(Level = LogLevel.Information, Message = "External Redis store configured; connected now: {Connected}")]
    private static partial void LogExternal(ILogger logger, bool connected);
}
