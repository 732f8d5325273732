using System.Globalization;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Hangfire;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Privacy;

/// <summary>What one retention run did.</summary>
public sealed record RetentionReport(DateTimeOffset RanAt, DateTimeOffset Cutoff, int Anonymized, long Remaining);

/// <summary>
/// LGPD retention: conversations closed longer than <see cref="PrivacyOptions.ClosedRetention"/> are anonymised
/// (<see cref="Anonymizer"/>). Bounded per run (<see cref="PrivacyOptions.RetentionBatch"/>) and resumable: each
/// conversation leaves the closed index once done, so the next run goes on where this one stopped, and running again
/// changes nothing. Sessions, sign-in counters and caches need no sweep: the store drops each at its own expiry.
/// </summary>
public sealed partial class RetentionJob(
    RedisConnections redis, RedisKeys keys, ConversationStore conversations, Anonymizer anonymizer,
    IOptions<PrivacyOptions> options, TimeProvider time, ILogger<RetentionJob> logger)
{
    public const string JobId = "lgpd-retention";

    [AutomaticRetry(Attempts = 0)]
    [Queue(Sla.SlaJobs.Queue)]
    public async Task<RetentionReport> RunAsync()
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var cutoff = now - o.ClosedRetention;
        var db = redis.GetDatabase();
        var done = 0;
        long remaining = 0;
        foreach (var bucket in RedisKeys.Buckets)
        {
            var index = keys.ClosedConversations(bucket);
            var due = await db.SortedSetRangeByScoreAsync(index, double.NegativeInfinity, cutoff.ToUnixTimeMilliseconds(),
                take: Math.Max(0, o.RetentionBatch - done)).ConfigureAwait(false);
            foreach (var id in due)
            {
                var conversation = await conversations.GetAsync(id!).ConfigureAwait(false);
                if (conversation is { State: ConversationState.Closed, AnonymizedAt: null } && conversation.LastActivityAt <= cutoff)
                {
                    if (await anonymizer.AnonymizeAsync(conversation.Id, "retention").ConfigureAwait(false))
                    {
                        done++;
                    }
                }
                else
                {
                    await db.SortedSetRemoveAsync(index, id).ConfigureAwait(false); // reopened, gone, or done: not ours
                }
            }

            remaining += await db.SortedSetLengthAsync(index, double.NegativeInfinity, cutoff.ToUnixTimeMilliseconds()).ConfigureAwait(false);
        }

        var report = new RetentionReport(now, cutoff, done, remaining);
        await db.HashSetAsync(keys.RetentionStatus(),
        [
            new("ranAt", now.ToString("O")), new("cutoff", cutoff.ToString("O")),
            new("anonymized", done), new("remaining", remaining.ToString(CultureInfo.InvariantCulture)),
        ]).ConfigureAwait(false);
        LogRun(logger, done, remaining, cutoff);
        return report;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention run: {Anonymized} conversation(s) closed before {Cutoff} anonymised, {Remaining} left for the next run")]
    private static partial void LogRun(ILogger logger, int anonymized, long remaining, DateTimeOffset cutoff);
}
