using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Conversations;

/// <summary>What happens to a stored inbound message after the provider got its acknowledgement.</summary>
public interface IInboundHandler
{
    /// <summary>
    /// Decides what the message changes. Returns the conversation as it should be stored (null: unchanged); the
    /// processor writes it together with the "processed" mark, in one transaction.
    /// </summary>
    Task<Conversation?> HandleAsync(Conversation conversation, Message message, CancellationToken cancellationToken);
}

/// <summary>
/// Until the chatbot takes over: a citizen message re-opens the conversation (waiting for its unit, or back to
/// the bot when it has none), refreshes its activity time and puts it in its unit's index.
/// </summary>
internal sealed class ReopenOnInbound(TimeProvider time) : IInboundHandler
{
    public Task<Conversation?> HandleAsync(Conversation conversation, Message message, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var waiting = conversation.UnitId is not null;
        var reopened = conversation.State is ConversationState.Answered or ConversationState.Closed;
        return Task.FromResult<Conversation?>(conversation with
        {
            State = waiting ? ConversationState.Waiting : ConversationState.Bot,
            WaitingSince = waiting ? (reopened || conversation.WaitingSince is null ? now : conversation.WaitingSince) : null,
            LastActivityAt = message.CreatedAt > conversation.LastActivityAt ? message.CreatedAt : conversation.LastActivityAt,
        });
    }
}

/// <summary>
/// Consumes the inbound queue. An item is completed after its handler ran and the message was marked processed;
/// items a crashed node was working on are taken again when their lease (one minute) runs out.
/// </summary>
internal sealed partial class InboundProcessor(
    RedisConnections redis,
    RedisKeys keys,
    ConversationStore conversations,
    IInboundHandler handler,
    TimeProvider time,
    ILogger<InboundProcessor> logger) : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);
    private readonly LeasedWorkList[] queues = [.. RedisKeys.Buckets.Select(b => InboundStore.Queue(redis, keys, time, b))];
    private readonly SemaphoreSlim signal = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
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
                catch (RedisException ex)
                {
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
        catch (RedisException)
        {
            return null; // polling alone still works
        }
    }

    internal async Task<int> ProcessBatchAsync(CancellationToken cancellationToken)
    {
        // One at a time on purpose: running items side by side took durable commits away from the webhooks
        // (measured: half the webhook throughput), and processing is not what a citizen waits on first.
        var count = 0;
        foreach (var queue in queues)
        {
            var items = await queue.TakeAsync(50, Lease).ConfigureAwait(false);
            foreach (var item in items)
            {
                await HandleAsync(redis.GetDatabase(), queue, item, cancellationToken).ConfigureAwait(false);
            }

            count += items.Count;
        }

        return count;
    }

    private async Task HandleAsync(IDatabase db, LeasedWorkList queue, string item, CancellationToken cancellationToken)
    {
        var parts = item.Split('|');
        if (parts.Length != 2)
        {
            await queue.CompleteAsync(item).ConfigureAwait(false);
            return;
        }

        var (conversationId, messageId) = (parts[0], parts[1]);

        var processed = keys.MessageProcessed(conversationId, messageId);
        if (await db.KeyExistsAsync(processed).ConfigureAwait(false))
        {
            await queue.CompleteAsync(item).ConfigureAwait(false);
            return; // a redelivery of something already done
        }

        var conversation = await conversations.GetAsync(conversationId).ConfigureAwait(false);
        var message = await conversations.GetMessageAsync(conversationId, messageId).ConfigureAwait(false);
        if (conversation is null || message is null)
        {
            LogMissing(logger, conversationId, messageId);
            await queue.CompleteAsync(item).ConfigureAwait(false);
            return;
        }

        // One transaction on the bucket's slot (one durable commit): the new record, the mark, the queue item done.
        var updated = await handler.HandleAsync(conversation, message, cancellationToken).ConfigureAwait(false);
        var tran = db.CreateTransaction();
        if (updated is not null)
        {
            conversations.AddSave(tran, updated);
        }

        _ = tran.StringSetAsync(processed, "1", InboundStore.DedupeWindow);
        queue.AddComplete(tran, item);
        await tran.ExecuteAsync().ConfigureAwait(false);
        if (updated is not null)
        {
            await conversations.IndexAsync(conversation, updated).ConfigureAwait(false);
        }

        LogProcessed(logger, conversationId, messageId, conversation.UnitId);
    }

    public override void Dispose()
    {
        signal.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Inbound message {MessageId} of conversation {ConversationId} processed (unit {UnitId})")]
    private static partial void LogProcessed(ILogger logger, string conversationId, string messageId, string? unitId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queued inbound message {MessageId} of conversation {ConversationId} is not in the store; skipped")]
    private static partial void LogMissing(ILogger logger, string conversationId, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbound queue: store error {Error}; retrying")]
    private static partial void LogStoreError(ILogger logger, string error);
}
