using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Conversations;

/// <summary>
/// Sends what the outbox holds. Retryable failures wait with jittered exponential backoff (2 s doubling, at most
/// 5 min, 10 attempts); permanent ones are recorded on the message and never retried.
/// </summary>
internal sealed partial class OutboundSender(
    Outbox outbox,
    ConversationStore conversations,
    IServiceProvider services,
    WhatsAppWindowGuard window,
    Infrastructure.Telemetry.BalcaoMetrics metrics,
    ConversationObservers observers,
    RedisConnections redis,
    RedisKeys keys,
    Microsoft.Extensions.Options.IOptions<StorageOptions> storage,
    TimeProvider time,
    ILogger<OutboundSender> logger) : BackgroundService
{
    public const int MaxAttempts = 10;

    /// <summary>The longest Retry-After a provider is waited for.</summary>
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim signal = new(0);
    private readonly IntakeGauge.Throttle throttle = services.GetService<IntakeGauge>()?.NewThrottle() ?? IntakeGauge.Throttle.None;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await services.GetRequiredService<ContactIds>().Ready.WaitAsync(stoppingToken).ConfigureAwait(false); // ids keyed before any send
        try
        {
            (await redis.GetSubscriber().SubscribeAsync(keys.OutboxSignal()).ConfigureAwait(false)).OnMessage(_ => signal.Release());
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // polling alone still works (a timeout is no RedisException)
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await SendBatchAsync(stoppingToken).ConfigureAwait(false) == 0)
                {
                    await signal.WaitAsync(IdlePoll, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Nothing may stop the sender for good (a store hiccup, a contended update, a provider timeout): the item
                // stays leased and is taken again; the loop goes on.
                LogStoreError(logger, ex.GetType().Name);
                try
                {
                    await Task.Delay(IdlePoll, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    internal Task<int> SendBatchAsync(CancellationToken cancellationToken) =>
        LeasedWorkList.TakeAndRunAsync(
            outbox.Work, 50, storage.Value.WorkLease, InboundProcessor.ConversationOf, storage.Value.Concurrency, (work, item) =>
                throttle.RunAsync(() => SendOneAsync(work, item, cancellationToken), cancellationToken), cancellationToken);

    private async Task SendOneAsync(LeasedWorkList work, string item, CancellationToken cancellationToken)
    {
        var parts = item.Split('|');
        if (parts.Length != 2)
        {
            await work.CompleteAsync(item).ConfigureAwait(false);
            return;
        }

        // What the send reads, in one round trip: the record, the message as stored (for the write after) and the window.
        var recordRead = conversations.GetRawAsync(parts[0]);
        var messageRead = conversations.GetMessageRawAsync(parts[0], parts[1]);
        var lastInbound = window.LastInboundAsync(parts[0]);
        await Task.WhenAll(recordRead, messageRead, lastInbound).ConfigureAwait(false);
        var conversation = ConversationStore.Parse(await recordRead.ConfigureAwait(false));
        var messageRaw = await messageRead.ConfigureAwait(false);
        var message = conversation is null ? null : ConversationStore.ParseMessage(messageRaw);
        if (conversation is null || message is null || message.Status != Outbox.Pending)
        {
            await work.CompleteAsync(item).ConfigureAwait(false);
            return;
        }

        if (WhatsAppWindowGuard.Guards(conversation) && message.Template is null && !window.IsOpen(await lastInbound.ConfigureAwait(false)))
        {
            // Free text would be refused outside the 24-hour window: the answer waits, the citizen gets the template.
            // The unit answered now; the SLA counts it from now.
            var held = await window.HoldAsync(conversation, message, null).ConfigureAwait(false);
            await work.CompleteAsync(item).ConfigureAwait(false);
            if (held is not null)
            {
                await NotifyObserversAsync(conversation, held with { SentAt = time.GetUtcNow() }).ConfigureAwait(false);
            }

            return;
        }

        // Each channel has its way out (Twilio for WhatsApp and SMS, the unit's SMTP for e-mail).
        var transport = services.GetKeyedService<IOutboundTransport>(conversation.Channel);
        using var activity = Infrastructure.Telemetry.BalcaoTracing.Source.StartActivity("outbound.send");
        activity?.SetTag("balcao.channel", InboundStore.ChannelName(conversation.Channel));
        activity?.SetTag("balcao.conversation_id", conversation.Id);
        activity?.SetTag("balcao.message_id", message.Id);
        activity?.SetTag("balcao.attempt", message.Attempts + 1);
        var outcome = transport is null
            ? new SendOutcome.Failed("no-transport", $"no way out for {conversation.Channel}")
            : await transport.SendAsync(conversation, message, cancellationToken).ConfigureAwait(false);
        activity?.SetTag("balcao.outcome", outcome switch { SendOutcome.Sent => "sent", SendOutcome.Retry => "retry", _ => "failed" });
        if (outcome is SendOutcome.Failed { ErrorCode: var code })
        {
            Infrastructure.Telemetry.BalcaoTracing.Failed(activity, code);
        }
        var now = time.GetUtcNow();
        var attempts = message.Attempts + 1;
        var channel = InboundStore.ChannelName(conversation.Channel);
        switch (outcome)
        {
            case SendOutcome.Sent:
                metrics.MessageOut(channel);
                break;
            case SendOutcome.Retry:
                metrics.SendFailed(channel, "retry");
                break;
            case SendOutcome.Failed failed:
                metrics.SendFailed(channel, failed.ErrorCode);
                break;
        }

        switch (outcome)
        {
            case SendOutcome.Sent sent:
                var stored = await RecordSentAsync(work, item, conversation, message, messageRaw, sent, now, attempts).ConfigureAwait(false);
                await NotifyObserversAsync(conversation, stored ?? message with { SentAt = now }).ConfigureAwait(false);

                LogSent(logger, message.Id, conversation.Id, sent.ProviderId, attempts);
                break;
            case SendOutcome.Retry retry when attempts < MaxAttempts:
                await conversations.UpdateMessageAsync(conversation.Id, message.Id, m => m with { Attempts = attempts }).ConfigureAwait(false);
                var delay = Backoff(attempts, retry.After);
                await work.RetryLaterAsync(item, delay).ConfigureAwait(false);
                LogRetry(logger, message.Id, conversation.Id, attempts, retry.Reason, delay.TotalSeconds);
                break;
            case SendOutcome.Retry retry:
                await Fail(work, conversation, message, item, "retries-exhausted", retry.Reason, attempts).ConfigureAwait(false);
                break;
            case SendOutcome.Failed failed when failed.ErrorCode is OutsideWindowTwilio or OutsideWindowMeta && WhatsAppWindowGuard.Guards(conversation):
                // Refused for being outside the window after all (the clock said otherwise): held, the template goes.
                await window.HoldAsync(conversation, message, failed.ErrorCode).ConfigureAwait(false);
                await work.CompleteAsync(item).ConfigureAwait(false);
                break;
            case SendOutcome.Failed failed:
                await Fail(work, conversation, message, item, failed.ErrorCode, failed.Reason, attempts).ConfigureAwait(false);
                break;
        }
    }

    // KEYS: provider id index, the conversation's messages, the outbox leases (one slot: a conversation id begins with its
    // contact's). ARGV: item, index TTL s, message id, message as read, message as sent. Write order: the index (the
    // provider's status callbacks find the message), the message, then the item done; a script cut short leaves the item
    // leased, and the send taken again finds the message no longer pending. Returns 0 if the message changed meanwhile.
    private const string SentScript = """
        redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
        if redis.call('HGET', KEYS[2], ARGV[3]) ~= ARGV[4] then return 0 end
        redis.call('HSET', KEYS[2], ARGV[3], ARGV[5])
        redis.call('ZREM', KEYS[3], ARGV[1])
        return 1
        """;

    private static readonly TimeSpan ProviderIdKept = TimeSpan.FromDays(30);

    /// <summary>Records a send and completes its item in one round trip; on a message changed meanwhile, the slow way.</summary>
    private async Task<Message?> RecordSentAsync(
        LeasedWorkList work, string item, Conversation conversation, Message message, RedisValue messageRaw, SendOutcome.Sent sent, DateTimeOffset now, int attempts)
    {
        Message AsSent(Message m) => m with { ProviderId = sent.ProviderId, Status = sent.Status, StatusAt = now, SentAt = now, Attempts = attempts };
        var updated = AsSent(message);
        var done = await redis.GetDatabase().ScriptEvaluateAsync(
            work.Scripts(SentScript),
            [keys.OutboundByProviderId(ContactOf(conversation), sent.ProviderId), keys.ConversationMessages(conversation.Id), work.LeaseKey],
            [item, (long)ProviderIdKept.TotalSeconds, message.Id, messageRaw, ConversationStore.SerializeMessage(updated)]).ConfigureAwait(false);
        if ((long)done == 1)
        {
            return updated;
        }

        var stored = await conversations.UpdateMessageAsync(conversation.Id, message.Id, m => m.Status == Outbox.Pending ? AsSent(m) : null).ConfigureAwait(false);
        await work.CompleteAsync(item).ConfigureAwait(false);
        return stored;
    }

    private async Task Fail(LeasedWorkList work, Conversation conversation, Message message, string item, string code, string reason, int attempts)
    {
        await conversations.UpdateMessageAsync(conversation.Id, message.Id, m =>
            m with { Status = "failed", ErrorCode = code, StatusAt = time.GetUtcNow(), Attempts = attempts }).ConfigureAwait(false);
        await work.CompleteAsync(item).ConfigureAwait(false);
        LogFailed(logger, message.Id, conversation.Id, code, reason);
    }

    /// <summary>Twilio's and Meta's codes for "outside the 24-hour window: send a template".</summary>
    public const string OutsideWindowTwilio = "63016";

    public const string OutsideWindowMeta = "131047";

    private async Task NotifyObserversAsync(Conversation conversation, Message message)
    {
        try
        {
            await observers.SentAsync(conversation, message).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The message is out; what observes it (the SLA) reads the stored message again in its next check.
            LogObserverFailed(logger, message.Id, conversation.Id, ex.GetType().Name);
        }
    }

    /// <summary>
    /// 2 s doubling to 5 min, ±20 %; never sooner than the provider's Retry-After, which is believed up to an hour.
    /// </summary>
    internal static TimeSpan Backoff(int attempt, TimeSpan? retryAfter = null)
    {
        var seconds = Math.Min(300, 2 * Math.Pow(2, attempt - 1));
        var backoff = TimeSpan.FromSeconds(seconds * (0.8 + (Random.Shared.NextDouble() * 0.4)));
        return retryAfter is { } after && after > backoff ? TimeSpan.FromTicks(Math.Min(after.Ticks, MaxRetryAfter.Ticks)) : backoff;
    }

    private static string ContactOf(Conversation conversation) => RedisKeys.ContactOf(conversation.Id);

    public override void Dispose()
    {
        signal.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} of conversation {ConversationId} sent as {ProviderId} (attempt {Attempt})")]
    private static partial void LogSent(ILogger logger, string messageId, string conversationId, string providerId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} of conversation {ConversationId}: attempt {Attempt} failed ({Reason}); retry in {DelaySeconds:F0} s")]
    private static partial void LogRetry(ILogger logger, string messageId, string conversationId, int attempt, string reason, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} of conversation {ConversationId} failed for good: {ErrorCode} {Reason}")]
    private static partial void LogFailed(ILogger logger, string messageId, string conversationId, string errorCode, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} of conversation {ConversationId} sent; telling its observers failed with {Error}")]
    private static partial void LogObserverFailed(ILogger logger, string messageId, string conversationId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox: {Error}; retrying")]
    private static partial void LogStoreError(ILogger logger, string error);
}
