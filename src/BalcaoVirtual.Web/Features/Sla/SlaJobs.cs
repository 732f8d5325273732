using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Hangfire;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Sla;

/// <summary>
/// The SLA's checks and Hangfire jobs. A period's checks are driven by the due index (<see cref="CheckDueAsync"/>),
/// not by a stored job per period; alerts are Hangfire jobs. All take ids, read everything again, and are safe to run
/// twice or late: a check writes an event only if it is not written yet (on any node), and a delivery sends each
/// recipient once.
/// </summary>
public sealed partial class SlaJobs(
    SlaStore store,
    ConversationStore conversations,
    IBackgroundJobClient jobs,
    IServiceProvider services,
    IOptions<SlaOptions> options,
    TimeProvider time,
    ILogger<SlaJobs> logger)
{
    public const string Queue = "sla";
    private const int SweepBatch = 500;

    /// <summary>How long a claimed period stays out of other nodes' reach while one checks it.</summary>
    internal static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(1);

    /// <summary>A check scheduled by an earlier version at a period's next point; the due index drives checks now.</summary>
    [Queue(Queue)]
    [AutomaticRetry(Attempts = 5)]
    public async Task CheckAsync(string conversationId, int seq)
    {
        using var activity = Infrastructure.Telemetry.BalcaoTracing.Source.StartActivity("sla.check");
        activity?.SetTag("balcao.conversation_id", conversationId);
        activity?.SetTag("balcao.sla.seq", seq);
        var decision = await CheckOnceAsync(conversationId, seq).ConfigureAwait(false);
        activity?.SetTag("balcao.sla.events", decision?.NewEvents.Count ?? 0);
    }

    /// <summary>Sends the alerts of one event; a failure (SMTP down) throws, and Hangfire retries with backoff.</summary>
    [Queue(Queue)]
    [AutomaticRetry(Attempts = 10)]
    public async Task DeliverAsync(string conversationId, int seq, string key, CancellationToken cancellationToken)
    {
        using var activity = Infrastructure.Telemetry.BalcaoTracing.Source.StartActivity("sla.deliver");
        activity?.SetTag("balcao.conversation_id", conversationId);
        activity?.SetTag("balcao.sla.event", key);
        // Delivered first and tagged after: "activity?.SetTag(..., await ...)" would skip the delivery itself when
        // nobody listens to traces (a null-conditional call does not evaluate its arguments).
        var delivered = await services.GetRequiredService<SlaAlerts>().DeliverAsync(conversationId, seq, key, cancellationToken).ConfigureAwait(false);
        activity?.SetTag("balcao.sla.delivered", delivered);
    }

    /// <summary>
    /// Checks the periods whose next point is due, taken from the due index (each claimed by one node at a time, see
    /// <see cref="SlaStore.ClaimDueAsync"/>), up to <see cref="SlaOptions.Workers"/> at once. Run by
    /// <see cref="SlaDueLoop"/> every <see cref="SlaOptions.DuePollInterval"/>; returns how many it checked.
    /// </summary>
    public async Task<int> CheckDueAsync(CancellationToken cancellationToken)
    {
        var checkedCount = 0;
        foreach (var bucket in RedisKeys.Buckets)
        {
            IReadOnlyList<string> due;
            do
            {
                due = await store.ClaimDueAsync(bucket, time.GetUtcNow(), ClaimLease, SweepBatch).ConfigureAwait(false);
                await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = options.Value.Workers, CancellationToken = cancellationToken },
                    async (id, _) => await CheckOnceAsync(id, null).ConfigureAwait(false)).ConfigureAwait(false);
                checkedCount += due.Count;
            }
            while (due.Count == SweepBatch);
        }

        return checkedCount;
    }

    /// <summary>
    /// Recurring: the due checks of <see cref="CheckDueAsync"/> (for a node whose loop stalled), then delivers again
    /// what was written but not delivered. Returns how many periods it checked.
    /// </summary>
    [Queue(Queue)]
    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public async Task<int> SweepAsync()
    {
        var checkedCount = await CheckDueAsync(CancellationToken.None).ConfigureAwait(false);
        var now = time.GetUtcNow();
        foreach (var bucket in RedisKeys.Buckets)
        {
            foreach (var (conversationId, seq, key) in await store.PendingAlertsAsync(bucket, now - options.Value.RedeliverAfter, SweepBatch).ConfigureAwait(false))
            {
                jobs.Enqueue<SlaJobs>(j => j.DeliverAsync(conversationId, seq, key, CancellationToken.None));
                await store.PostponeRedeliveryAsync(bucket, conversationId, seq, key, now).ConfigureAwait(false);
            }
        }

        if (checkedCount > 0)
        {
            LogSwept(logger, checkedCount);
        }

        return checkedCount;
    }

    /// <summary>One check of a period (the conversation's current one when <paramref name="seq"/> is null).</summary>
    internal async Task<SlaDecision?> CheckOnceAsync(string conversationId, int? seq)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var (current, pointer) = await store.GetCurrentAsync(conversationId).ConfigureAwait(false);
            var stored = seq is { } s && s != current?.Period.Seq ? await store.GetAsync(conversationId, s).ConfigureAwait(false) : current;
            if (stored is null || !stored.Period.IsOpen)
            {
                if (seq is null)
                {
                    // Nothing open to check: it has no business in the due index (unless a period started meanwhile).
                    await store.RemoveFromDueAsync(conversationId, pointer).ConfigureAwait(false);
                }

                return null;
            }

            var period = stored.Period;
            var conversation = await conversations.GetAsync(conversationId).ConfigureAwait(false);
            var messages = await conversations.GetMessagesAsync(conversationId).ConfigureAwait(false);
            var written = await store.WrittenAsync(conversationId, period.Seq).ConfigureAwait(false);
            var decision = SlaRules.Decide(period, conversation, messages, written, time.GetUtcNow());
            if (decision.Ended is { } ended)
            {
                if (!await store.TryEndAsync(stored, ended).ConfigureAwait(false))
                {
                    continue;
                }

                await services.GetRequiredService<SlaPeriods>().AfterEndAsync(ended).ConfigureAwait(false);
                return decision;
            }

            if (!await store.TryWriteEventsAsync(period, decision.NewEvents, decision.NextCheck).ConfigureAwait(false))
            {
                continue; // another check wrote first, or the period changed: decide again on what is stored
            }

            // The write above put the period at its next point in the due index (or took it out): no job to schedule.
            foreach (var e in decision.NewEvents)
            {
                LogEvent(logger, e.Key, period.Seq, conversationId, period.UnitId, e.Suppressed);
                if (!e.Suppressed)
                {
                    jobs.Enqueue<SlaJobs>(j => j.DeliverAsync(conversationId, e.Seq, e.Key, CancellationToken.None));
                }
            }

            return decision;
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SLA sweep checked {Count} periods")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "SLA event {Key} written for period {Seq} of conversation {ConversationId} (unit {UnitId}, suppressed {Suppressed})")]
    private static partial void LogEvent(ILogger logger, string key, int seq, string conversationId, string unitId, bool suppressed);
}
