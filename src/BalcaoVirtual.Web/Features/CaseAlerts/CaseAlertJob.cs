using System.Globalization;
using System.Text.Json;
using BalcaoVirtual.Web.Features.Chatbot;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Court.DataJud;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Storage;
using BalcaoVirtual.Web.Resources;
using Hangfire;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.CaseAlerts;

/// <summary>What one run of the alert job did.</summary>
public sealed record CaseAlertRun(int Checked, int Queries, int Alerts, int Failed);

/// <summary>
/// The recurring job behind "me avise quando meu processo andar": takes the followed cases due their daily check
/// (leased, so two nodes never take the same case), asks DataJud for them in batches per court index, and for a case
/// whose latest movement is newer than the one seen, queues one short message to each follower, at most one per case
/// and court day (the follow's record and the message commit together). Outside WhatsApp's 24-hour window the alert
/// goes as the court's approved template, or not at all. Sealed cases end their subscriptions; expired ones end.
/// </summary>
public sealed partial class CaseAlertJob(
    RedisConnections redis,
    RedisKeys keys,
    CaseFollows follows,
    DataJudClient dataJud,
    ConversationStore conversations,
    Outbox outbox,
    WhatsAppWindowGuard window,
    UnitCatalog catalog,
    IOptions<CaseAlertOptions> options,
    TimeProvider time,
    ILogger<CaseAlertJob> logger)
{
    public const string JobId = "case-movement-alerts";

    /// <summary>The template kind of a movement alert outside WhatsApp's window.</summary>
    public const string TemplateKind = "caseMovement";

    /// <summary>How long a taken case is not taken by another run (longer than a run's DataJud queries take).</summary>
    internal static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);

    private IDatabase Db => redis.GetDatabase();

    [AutomaticRetry(Attempts = 0)]
    [Queue(Sla.SlaJobs.Queue)]
    public async Task<CaseAlertRun> RunAsync()
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var due = await DueIndex.ClaimAsync(Db, keys.CasesDue(), now, Lease, o.MaxPerRun).ConfigureAwait(false);
        var (queries, alerts, failed) = (0, 0, 0);
        var numbers = new List<CnjNumber>();
        foreach (var digits in due)
        {
            if (CnjNumber.TryParse(digits, out var number) == CnjNumberError.None)
            {
                numbers.Add(number);
            }
            else
            {
                await Db.SortedSetRemoveAsync(keys.CasesDue(), digits).ConfigureAwait(false); // nothing that is not a case number stays
            }
        }

        foreach (var court in numbers.GroupBy(n => dataJud.IndexFor(n) ?? ""))
        {
            var batches = new Queue<CnjNumber[]>(court.Chunk(o.BatchSize));
            while (batches.TryDequeue(out var batch))
            {
                queries++;
                var answer = await dataJud.GetManyAsync(batch).ConfigureAwait(false);
                if (answer.Truncated && batch.Length > 1)
                {
                    // More hits than DataJud returned: a case may be missing or cut short; read the batch in halves.
                    batches.Enqueue(batch[..(batch.Length / 2)]);
                    batches.Enqueue(batch[(batch.Length / 2)..]);
                    continue;
                }

                foreach (var number in batch)
                {
                    if (answer.Failure is not null)
                    {
                        // Tried again after the pause DataJud asked for, and only in the checking hours (no alert at 2h).
                        failed++;
                        var earliest = answer.Failure.RetryAfter is { } paused && paused > now + o.RetryAfter ? paused : now + o.RetryAfter;
                        await Db.SortedSetAddAsync(keys.CasesDue(), number.Digits, follows.RetryAt(number.Digits, earliest).ToUnixTimeMilliseconds(), SortedSetWhen.Exists)
                            .ConfigureAwait(false);
                        continue;
                    }

                    alerts += await CheckAsync(number, answer.Found.GetValueOrDefault(number.Digits), now).ConfigureAwait(false);
                }
            }
        }

        LogRun(logger, due.Count, queries, alerts, failed);
        return new CaseAlertRun(due.Count, queries, alerts, failed);
    }

    /// <summary>One case's check: its followers told of a newer movement; the case out of the index once nobody follows it.</summary>
    private async Task<int> CheckAsync(CnjNumber number, CaseSummary? summary, DateTimeOffset now)
    {
        var digits = number.Digits;
        var followers = new List<(string ConversationId, RedisValue Raw, CaseFollow Follow)>();
        foreach (var member in await Db.SetMembersAsync(keys.CaseFollowers(digits)).ConfigureAwait(false))
        {
            // Each day's check also ends the subscriptions that ran out (a quiet case has no alert to find them).
            var conversationId = member.ToString();
            var (raw, follow) = await follows.ReadAsync(conversationId, digits).ConfigureAwait(false);
            if (follow is null || follow.EndedAt is not null)
            {
                await Db.SetRemoveAsync(keys.CaseFollowers(digits), conversationId).ConfigureAwait(false);
            }
            else if (follow.ExpiresAt <= now)
            {
                await follows.WriteEndAsync(conversationId, follow, now, "expired").ConfigureAwait(false);
            }
            else
            {
                followers.Add((conversationId, raw, follow));
            }
        }

        if (followers.Count == 0)
        {
            await ForgetAsync(digits).ConfigureAwait(false);
            return 0;
        }

        var sent = 0;
        if (summary is { SecrecyLevel: > 0 })
        {
            // Under secrecy now: nothing of it is told, and nobody follows it any more.
            foreach (var (conversationId, _, follow) in followers)
            {
                await follows.WriteEndAsync(conversationId, follow, now, "sealed").ConfigureAwait(false);
            }

            await ForgetAsync(digits).ConfigureAwait(false);
            return 0;
        }

        var latest = summary?.LatestMovements.FirstOrDefault(m => m.At is not null);
        if (latest is not null)
        {
            // News to each follower by their own last movement told: one skipped today (the window closed) is told later.
            foreach (var (conversationId, raw, follow) in followers)
            {
                sent += await AlertAsync(conversationId, raw, follow, number, summary!, latest, now).ConfigureAwait(false) ? 1 : 0;
            }
        }

        await Db.SortedSetAddAsync(keys.CasesDue(), digits, follows.NextCheck(digits, now).ToUnixTimeMilliseconds(), SortedSetWhen.Exists).ConfigureAwait(false);
        return sent;
    }

    /// <summary>
    /// Takes a case nobody follows off the index. A citizen who subscribed meanwhile puts it back (their subscription
    /// adds it again if it is missing), and so does this: it looks at the followers once more after removing it.
    /// </summary>
    private async Task ForgetAsync(string digits)
    {
        await Db.SortedSetRemoveAsync(keys.CasesDue(), digits).ConfigureAwait(false);
        if (await Db.SetLengthAsync(keys.CaseFollowers(digits)).ConfigureAwait(false) > 0)
        {
            await Db.SortedSetAddAsync(keys.CasesDue(), digits, follows.NextCheck(digits, time.GetUtcNow()).ToUnixTimeMilliseconds(), SortedSetWhen.NotExists)
                .ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Queues the alert to one follower, unless they were told of this case today, the subscription ended or expired, or
    /// WhatsApp's window is closed and the court has no approved template. The follow's day and the message commit
    /// together, only if the follow is still as read (<paramref name="raw"/>): a change meanwhile, or another node telling
    /// it first, and nothing is sent.
    /// </summary>
    private async Task<bool> AlertAsync(
        string conversationId, RedisValue raw, CaseFollow follow, CnjNumber number, CaseSummary summary, CaseMovement latest, DateTimeOffset now)
    {
        var digits = number.Digits;
        var court = catalog.Courts.FirstOrDefault(c => c.CnjCode == number.CourtKey) ?? (catalog.Courts.Count > 0 ? catalog.Courts[0] : null);
        var zone = court is null ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(court.TimeZone);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        if (follow.Told is { } told && latest.At <= told)
        {
            return false; // nothing newer than what this citizen knows
        }

        if (follow.AlertedOn == today || await conversations.GetAsync(conversationId).ConfigureAwait(false) is not { AnonymizedAt: null } conversation)
        {
            return false;
        }

        var date = TimeZoneInfo.ConvertTime(latest.At!.Value, zone).ToString("dd/MM", CultureInfo.InvariantCulture);
        var text = Texts.Format("CaseAlert", summary.Number, date, latest.Name);
        var (allowed, template) = await window.CourtFirstAsync(conversation, TemplateKind, null, court?.Id, () => new(StringComparer.Ordinal)
        {
            ["number"] = summary.Number,
            ["date"] = date,
            ["movement"] = latest.Name,
            ["court"] = court?.Name ?? "",
            ["courtId"] = court?.Id ?? "",
        }).ConfigureAwait(false);
        if (!allowed)
        {
            LogNoTemplate(logger, conversationId);
            return false;
        }

        var tran = redis.ForTransactions().CreateTransaction();
        tran.AddCondition(Condition.HashEqual(keys.CaseFollows(conversationId), digits, raw));
        _ = tran.HashSetAsync(keys.CaseFollows(conversationId), digits, JsonSerializer.Serialize(follow with { AlertedOn = today, Told = latest.At }, CaseFollows.Json));
        outbox.AddQueue(tran, conversation, text, MessageAuthor.System, null, template, acts: ["case-alert"]);
        if (!await tran.ExecuteAsync().ConfigureAwait(false))
        {
            return false; // another node told this follower meanwhile
        }

        await outbox.SignalAsync().ConfigureAwait(false);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Case alerts: {Checked} cases checked in {Queries} DataJud queries, {Alerts} alerts queued, {Failed} to retry")]
    private static partial void LogRun(ILogger logger, int @checked, int queries, int alerts, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A case alert to conversation {ConversationId} is outside WhatsApp's window and no 'caseMovement' template is configured (WhatsApp:CaseMovement): not sent")]
    private static partial void LogNoTemplate(ILogger logger, string conversationId);
}
