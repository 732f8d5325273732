using System.Globalization;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Storage;

namespace BalcaoVirtual.Web.Infrastructure.Telemetry;

/// <summary>Reads the store's gauges (outbox depth and age, waiting and overdue conversations) every few seconds.</summary>
internal sealed partial class MetricsSampler(
    BalcaoMetrics metrics, Outbox outbox, UnitCatalog catalog, RedisConnections redis, RedisKeys keys, TimeProvider time, ILogger<MetricsSampler> logger)
    : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SampleAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex.GetType().Name); // the gauges keep their last values; a store outage shows in readiness
            }

            try
            {
                await Task.Delay(Every, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    internal async Task SampleAsync()
    {
        var db = redis.GetDatabase();
        var now = time.GetUtcNow();
        metrics.OutboxPending = await outbox.PendingAsync().ConfigureAwait(false);
        var oldest = now;
        foreach (var bucket in RedisKeys.Buckets)
        {
            // Items are pushed on the left: the oldest is on the right. Message ids start with their Unix ms in hex.
            var item = (string?)await db.ListGetByIndexAsync(keys.OutboxQueue(bucket), -1).ConfigureAwait(false);
            if (item?.Split('|') is [_, var messageId] && messageId.Length >= 11
                && long.TryParse(messageId[..11], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var ms))
            {
                var at = DateTimeOffset.FromUnixTimeMilliseconds(ms);
                oldest = at < oldest ? at : oldest;
            }
        }

        metrics.OutboxOldestAgeSeconds = (now - oldest).TotalSeconds;
        long waiting = 0, overdue = 0;
        foreach (var unit in catalog.Units)
        {
            waiting += await db.SortedSetLengthAsync(keys.UnitConversations(unit.Id, "waiting")).ConfigureAwait(false);
            overdue += await db.SortedSetLengthAsync(keys.UnitDue(unit.Id), double.NegativeInfinity, now.ToUnixTimeMilliseconds()).ConfigureAwait(false);
        }

        metrics.Waiting = waiting;
        metrics.Overdue = overdue;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Metrics sample failed ({Error}); kept the last values")]
    private static partial void LogFailed(ILogger logger, string error);
}
