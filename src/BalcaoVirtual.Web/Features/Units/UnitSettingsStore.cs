using System.Security.Claims;
using System.Text.Json;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Units;

/// <summary>The catalogue file as read at start-up, before admins' changes are laid over it.</summary>
internal sealed record UnitCatalogFile(string Path, CatalogDocument Document);

/// <summary>One change of a unit's settings in the audit trail.</summary>
public sealed record UnitSettingsAuditEntry(string UnitId, string Action, string ById, string By, DateTimeOffset At, UnitSettings? Settings);

/// <summary>
/// Units settings changed by admins (video-desk link, hours, SLA policy, managers), kept in the store and laid over the
/// catalogue file on every node. A change is tried on the whole catalogue with the file's own rules before it is kept, so
/// the page is exactly as strict as the file. Conversations already waiting keep the due time they were given.
/// </summary>
internal sealed partial class UnitSettingsStore(
    UnitCatalogFile file, UnitCatalog catalog, RedisConnections redis, RedisKeys keys, TimeProvider time, ILogger<UnitSettingsStore> logger)
    : IDisposable
{
    private const int AuditLength = 1000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SemaphoreSlim gate = new(1, 1);
    private Dictionary<string, UnitSettingsChange> changes = new(StringComparer.Ordinal);
    private long appliedVersion = -1;

    public UnitSettingsChange? ChangeOf(string unitId) => changes.GetValueOrDefault(unitId);

    public void Dispose() => gate.Dispose();

    /// <summary>Re-reads the changes and applies them; unless forced, only when the store's version moved.</summary>
    public async Task ReloadAsync(bool force)
    {
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await ReloadLockedAsync(force).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<IReadOnlyList<(string Field, string Message)>> SaveAsync(string unitId, UnitSettings settings, ClaimsPrincipal user)
    {
        var (change, errors) = UnitSettingsMapping.ToChange(settings, user.UserId(), user.FindFirstValue(ClaimTypes.Name) ?? "", time.GetUtcNow());
        if (change is null)
        {
            return errors;
        }

        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await ReloadLockedAsync(force: true).ConfigureAwait(false);
            if (!change.AppointmentsChanged && changes.GetValueOrDefault(unitId) is { AppointmentsChanged: true } earlier)
            {
                // Appointments left out of the change stay as an earlier change set them.
                change = change with { AppointmentsChanged = true, Appointments = earlier.Appointments };
            }

            var trial = new Dictionary<string, UnitSettingsChange>(changes, StringComparer.Ordinal) { [unitId] = change };
            try
            {
                Build(trial);
            }
            catch (UnitCatalogException ex)
            {
                var own = ex.Problems.Where(p => p.Unit == unitId).ToList();
                return (own.Count > 0 ? own : ex.Problems).Select(UnitSettingsMapping.Describe).Distinct().ToList();
            }

            await WriteAsync(unitId, change, "changed", change.ChangedById, change.ChangedBy, settings).ConfigureAwait(false);
            return [];
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Drops an admin's change: the unit is again as the catalogue file says.</summary>
    public async Task RestoreAsync(string unitId, ClaimsPrincipal user)
    {
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await WriteAsync(unitId, null, "restored", user.UserId(), user.FindFirstValue(ClaimTypes.Name) ?? "", null).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<IReadOnlyList<UnitSettingsAuditEntry>> AuditAsync(string unitId, int count)
    {
        var entries = await redis.GetDatabase().ListRangeAsync(keys.UnitSettingsAudit(), 0, AuditLength - 1).ConfigureAwait(false);
        return entries.Select(e => JsonSerializer.Deserialize<UnitSettingsAuditEntry>(e.ToString(), Json))
            .OfType<UnitSettingsAuditEntry>().Where(e => e.UnitId == unitId).Take(count).ToList();
    }

    private async Task WriteAsync(string unitId, UnitSettingsChange? change, string action, string byId, string by, UnitSettings? settings)
    {
        var entry = new UnitSettingsAuditEntry(unitId, action, byId, by, time.GetUtcNow(), settings);
        var transaction = redis.GetDatabase().CreateTransaction();
        _ = change is null
            ? transaction.HashDeleteAsync(keys.UnitSettings(), unitId)
            : transaction.HashSetAsync(keys.UnitSettings(), unitId, JsonSerializer.Serialize(change, Json));
        _ = transaction.StringIncrementAsync(keys.UnitSettingsVersion());
        _ = transaction.ListLeftPushAsync(keys.UnitSettingsAudit(), JsonSerializer.Serialize(entry, Json));
        _ = transaction.ListTrimAsync(keys.UnitSettingsAudit(), 0, AuditLength - 1);
        await transaction.ExecuteAsync().ConfigureAwait(false);
        LogChanged(logger, unitId, action);

        // Re-read everything rather than add this one change: another node may have saved another unit meanwhile.
        await ReloadLockedAsync(force: true).ConfigureAwait(false);
        await redis.GetSubscriber().PublishAsync(keys.UnitSettingsChanged(), unitId).ConfigureAwait(false);
    }

    private async Task ReloadLockedAsync(bool force)
    {
        var db = redis.GetDatabase();

        // The version is read before the changes: a change landing in between is seen now and reloaded once more later.
        var version = (long?)await db.StringGetAsync(keys.UnitSettingsVersion()).ConfigureAwait(false) ?? 0;
        if (!force && version == appliedVersion)
        {
            return;
        }

        var loaded = new Dictionary<string, UnitSettingsChange>(StringComparer.Ordinal);
        foreach (var field in await db.HashGetAllAsync(keys.UnitSettings()).ConfigureAwait(false))
        {
            try
            {
                if (JsonSerializer.Deserialize<UnitSettingsChange>(field.Value.ToString(), Json) is { } change)
                {
                    loaded[field.Name.ToString()] = change;
                }
            }
            catch (JsonException)
            {
                LogUnreadable(logger, field.Name.ToString());
            }
        }

        // A change that no longer fits the file (its unit is gone, or the file changed under it) is set aside, not fatal:
        // the unit runs as the file says and the admin page shows the file's values.
        while (true)
        {
            foreach (var gone in loaded.Keys.Where(id => !file.Document.Units!.Any(u => u.Id == id)).ToList())
            {
                loaded.Remove(gone);
                LogSetAside(logger, gone, "the unit is no longer in the catalogue file");
            }

            try
            {
                catalog.Replace(Build(loaded));
                break;
            }
            catch (UnitCatalogException ex)
            {
                var culprits = ex.Problems.Select(p => p.Unit).OfType<string>().Where(loaded.ContainsKey).Distinct().ToList();
                if (culprits.Count == 0)
                {
                    throw;
                }

                foreach (var unit in culprits)
                {
                    loaded.Remove(unit);
                    LogSetAside(logger, unit, ex.Problems.First(p => p.Unit == unit).Text);
                }
            }
        }

        changes = loaded;
        appliedVersion = version;
    }

    private UnitCatalog Build(Dictionary<string, UnitSettingsChange> overlay)
    {
        var document = UnitCatalogLoader.Clone(file.Document);
        foreach (var unit in document.Units ?? [])
        {
            if (unit.Id is not null && overlay.TryGetValue(unit.Id, out var change))
            {
                change.ApplyTo(unit);
            }
        }

        return UnitCatalogLoader.Build(document, file.Path);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Settings of unit {UnitId} {Action} by an admin")]
    private static partial void LogChanged(ILogger logger, string unitId, string action);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored settings of unit {UnitId} cannot be read; the unit runs as the catalogue file says")]
    private static partial void LogUnreadable(ILogger logger, string unitId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored settings of unit {UnitId} set aside, the unit runs as the catalogue file says: {Problem}")]
    private static partial void LogSetAside(ILogger logger, string unitId, string problem);
}

/// <summary>
/// Keeps this node's catalogue in step with the admins' changes: loads them before the service takes requests, reloads on
/// every change notice, and checks the version every half minute in case a notice was missed.
/// </summary>
internal sealed partial class UnitSettingsSync(UnitSettingsStore store, RedisConnections redis, RedisKeys keys, TimeProvider time, ILogger<UnitSettingsSync> logger)
    : BackgroundService
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(30);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await TryReloadAsync(force: true).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ChannelMessageQueue? queue = null;
        try
        {
            queue = await redis.GetSubscriber().SubscribeAsync(keys.UnitSettingsChanged()).ConfigureAwait(false);
            queue.OnMessage(_ => TryReloadAsync(force: true));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogReloadFailed(logger, ex.GetType().Name); // the periodic check below still catches up
        }

        using var timer = new PeriodicTimer(CheckEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await TryReloadAsync(force: false).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
        finally
        {
            if (queue is not null)
            {
                await queue.UnsubscribeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task TryReloadAsync(bool force)
    {
        try
        {
            await store.ReloadAsync(force).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogReloadFailed(logger, ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Units settings could not be reloaded ({Error}); this node keeps the ones it has")]
    private static partial void LogReloadFailed(ILogger logger, string error);
}
