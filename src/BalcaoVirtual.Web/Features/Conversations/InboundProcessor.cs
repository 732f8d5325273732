using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Conversations;

/// <summary>What a turn decided: the conversation as it should be stored (null: unchanged) and the texts to send back.</summary>
/// <param name="NoticeVersion">The privacy notice version the replies carry, recorded on the contact with them.</param>
/// <param name="Acts">What the bot did, by substance ("menu", "handoff …"): kept on its first reply for the clerk's summary.</param>
public sealed record InboundOutcome(Conversation? Updated, IReadOnlyList<string> Replies, string? NoticeVersion = null, IReadOnlyList<string>? Acts = null)
{
    public static readonly InboundOutcome Unchanged = new(null, []);
}

/// <summary>What happens to a stored inbound message after the provider got its acknowledgement (the chatbot's turn).</summary>
public interface IInboundHandler
{
    /// <summary>
    /// Decides what the message changes. The processor writes the outcome (record, replies in the outbox) together with
    /// the "processed" mark in one transaction, and only if the conversation did not change meanwhile.
    /// </summary>
    Task<InboundOutcome> HandleAsync(Conversation conversation, Message message, CancellationToken cancellationToken);
}

/// <summary>
/// Consumes the inbound queue. An item is completed after its handler ran and the message was marked processed;
/// items a crashed node was working on are taken again when their lease (Storage:WorkLease) runs out.
/// </summary>
internal sealed partial class InboundProcessor(
    RedisConnections redis,
    RedisKeys keys,
    ConversationStore conversations,
    ConversationChanges changes,
    IInboundHandler handler,
    WhatsAppWindowGuard window,
    Privacy.PrivacyNotices notices,
    Microsoft.Extensions.Options.IOptions<StorageOptions> storage,
    TimeProvider time,
    ILogger<InboundProcessor> logger,
    ContactIds? contactIds = null,
    IntakeGauge? intake = null) : BackgroundService
{
    private readonly IntakeGauge.Throttle throttle = intake?.NewThrottle() ?? IntakeGauge.Throttle.None;
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);
    private readonly LeasedWorkList[] queues = [.. RedisKeys.Buckets.Select(b => InboundStore.Queue(redis, keys, time, b))];
    private readonly SemaphoreSlim signal = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await (contactIds?.Ready ?? Task.CompletedTask).WaitAsync(stoppingToken).ConfigureAwait(false); // ids keyed before any turn
        var subscription = await SubscribeAsync().ConfigureAwait(false);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var handled = await ProcessBatchAsync(stoppingToken).ConfigureAwait(false);
                    if (handled == 0)
                    {
                        // Woken at once by the signal a new message publishes; the timeout is the safety net.
                        await signal.WaitAsync(IdlePoll, stoppingToken).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A store hiccup or anything unexpected outside a turn: never stop processing for good.
                    LogStoreError(logger, ex.GetType().Name);
                    await Task.Delay(IdlePoll, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
        finally
        {
            if (subscription is not null)
            {
                await subscription.UnsubscribeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<ChannelMessageQueue?> SubscribeAsync()
    {
        try
        {
            var queue = await redis.GetSubscriber().SubscribeAsync(keys.InboundSignal()).ConfigureAwait(false);
            queue.OnMessage(_ => signal.Release());
            return queue;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null; // polling alone still works (a timeout is no RedisException)
        }
    }

    internal async Task<int> ProcessBatchAsync(CancellationToken cancellationToken)
    {
        // Different conversations side by side (Storage:Concurrency, over all buckets), each conversation's messages in order.
        return await LeasedWorkList.TakeAndRunAsync(queues, 50, storage.Value.WorkLease, ConversationOf, storage.Value.Concurrency, async (queue, item) =>
        {
            try
            {
                await throttle.RunAsync(() => HandleAsync(redis.GetDatabase(), queue, item, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not (RedisException or OperationCanceledException))
            {
                // A turn that fails must not stop every other citizen's: the item stays leased and is tried again
                // when its lease runs out. Only the exception type is logged (messages may quote the citizen).
                LogTurnFailed(logger, ConversationOf(item), ex.GetType().Name);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The conversation of a queue item ("conversation|message"): what keeps items in order.</summary>
    internal static string ConversationOf(string item) => item.Split('|')[0];

    private async Task HandleAsync(IDatabase db, LeasedWorkList queue, string item, CancellationToken cancellationToken)
    {
        var parts = item.Split('|');
        if (parts.Length != 2)
        {
            await queue.CompleteAsync(item).ConfigureAwait(false);
            return;
        }

        var (conversationId, messageId) = (parts[0], parts[1]);
        using var activity = Infrastructure.Telemetry.BalcaoTracing.Source.StartActivity("bot.turn");
        activity?.SetTag("balcao.conversation_id", conversationId);
        activity?.SetTag("balcao.message_id", messageId);

        // What the turn reads, in one round trip: the mark, the message, the record (its first attempt) and the held answers.
        var processed = keys.MessageProcessed(conversationId, messageId);
        var done = db.KeyExistsAsync(processed);
        var read = conversations.GetMessageAsync(conversationId, messageId);
        var record = conversations.GetRawAsync(conversationId);
        var heldAtStart = window.HeldCountAsync(conversationId);
        await Task.WhenAll(done, read, record, heldAtStart).ConfigureAwait(false);
        if (await done.ConfigureAwait(false))
        {
            await queue.CompleteAsync(item).ConfigureAwait(false);
            return; // a redelivery of something already done
        }

        var message = await read.ConfigureAwait(false);
        var firstAttempt = true;
        var replies = 0;
        var result = message is null ? new ChangeResult(ChangeOutcome.Missing) : await changes.ApplyAsync(conversationId, async (conversation, now) =>
        {
            if (!firstAttempt && await db.KeyExistsAsync(processed).ConfigureAwait(false))
            {
                // Another worker took the same message (a redelivered duplicate is queued again) and committed its turn
                // first: this one only completes its queue item.
                return new ConversationChange { With = tran => queue.AddComplete(tran, item) };
            }

            // The citizen wrote on WhatsApp: the window is open again, and the answers held outside it go first. The
            // release commits only if the count still holds, so the count read with the record serves its first attempt.
            var heldCount = message.Channel != Channel.WhatsApp ? 0
                : firstAttempt ? await heldAtStart.ConfigureAwait(false)
                : await window.HeldCountAsync(conversationId).ConfigureAwait(false);
            firstAttempt = false;
            var held = heldCount > 0 ? await window.HeldAsync(conversationId).ConfigureAwait(false) : [];
            var outcome = await handler.HandleAsync(conversation, message, cancellationToken).ConfigureAwait(false);
            // Every citizen message is counted on the record (the clerks' unread marks), and so reaches the live inbox.
            var target = (outcome.Updated ?? conversation) with { CitizenMessages = conversation.CitizenMessages + 1 };
            replies = outcome.Replies.Count;
            // One durable commit with the turn: the held answers released, the notice recorded, the mark, the item done.
            return new ConversationChange
            {
                After = target,
                Send = [.. outcome.Replies.Select((r, i) => new Outgoing(r, MessageAuthor.Bot, Acts: i == 0 ? outcome.Acts : null))],
                Words = [message.Text],
                WakesSender = held.Count > 0,
                Before = heldCount > 0 ? tran => window.AddRelease(tran, target, held, heldCount) : null,
                With = tran =>
                {
                    if (outcome.NoticeVersion is { } version)
                    {
                        notices.AddRecord(tran, RedisKeys.ContactOf(conversationId), version, now);
                    }

                    // Only if no other worker's turn of this message committed meanwhile (the mark read above may be
                    // older than the record): else the change is decided again, and finds the mark.
                    tran.AddCondition(Condition.KeyNotExists(processed));
                    _ = tran.StringSetAsync(processed, "1", InboundStore.DedupeWindow);
                    queue.AddComplete(tran, item);
                },
            };
        }, await record.ConfigureAwait(false)).ConfigureAwait(false);
        switch (result.Outcome)
        {
            case ChangeOutcome.Missing:
                // A read during a failover can reach a node that came back empty: a first miss leaves the item leased, to
                // be taken again after its lease; only a second miss drops it (the marker's TTL only cleans up).
                if (await db.StringSetAsync(keys.MessageMissed(conversationId, messageId), "1", TimeSpan.FromDays(1), When.NotExists).ConfigureAwait(false))
                {
                    LogMissingOnce(logger, conversationId, messageId);
                    break;
                }

                LogMissing(logger, conversationId, messageId);
                await queue.CompleteAsync(item).ConfigureAwait(false);
                break;
            case ChangeOutcome.Busy:
                // Left leased: taken again when the lease runs out.
                LogContended(logger, conversationId, messageId);
                break;
            default:
                var unitId = result.After!.UnitId;
                activity?.SetTag("balcao.unit_id", unitId);
                activity?.SetTag("balcao.replies", replies);
                LogProcessed(logger, conversationId, messageId, unitId, replies);
                break;
        }
    }

    public override void Dispose()
    {
        signal.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Inbound message {MessageId} of conversation {ConversationId} processed (unit {UnitId}, {Replies} replies)")]
    private static partial void LogProcessed(ILogger logger, string conversationId, string messageId, string? unitId, int replies);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbound message {MessageId} of conversation {ConversationId}: the conversation kept changing; retried after the lease")]
    private static partial void LogContended(ILogger logger, string conversationId, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queued inbound message {MessageId} of conversation {ConversationId} is not in the store yet; taken again after its lease")]
    private static partial void LogMissingOnce(ILogger logger, string conversationId, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queued inbound message {MessageId} of conversation {ConversationId} is not in the store; skipped")]
    private static partial void LogMissing(ILogger logger, string conversationId, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Turn of conversation {ConversationId} failed with {Error}; retried after its lease")]
    private static partial void LogTurnFailed(ILogger logger, string conversationId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbound queue: {Error}; retrying")]
    private static partial void LogStoreError(ILogger logger, string error);
}
