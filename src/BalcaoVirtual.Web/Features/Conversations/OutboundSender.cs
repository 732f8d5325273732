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

    internal async Task<int> SendBatchAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var work in outbox.Work)
        {
            count += await work.TakeAndRunAsync(
                50, storage.Value.WorkLease, InboundProcessor.ConversationOf, storage.Value.Concurrency, item => SendOneAsync(work, item, cancellationToken)).ConfigureAwait(false);
        }

        return count;
    }

    private async Task SendOneAsync(LeasedWorkList work, string item, CancellationToken cancellationToken)
    {
        var parts = item.Split('|');
        var conversation = parts.Length == 2 ? await conversations.GetAsync(parts[0]).ConfigureAwait(false) : null;
        var message = conversation is null ? null : await conversations.GetMessageAsync(parts[0], parts[1]).ConfigureAwait(false);
        if (conversation is null || message is null || message.Status != Outbox.Pending)
        {
            await work.CompleteAsync(item).ConfigureAwait(false);
            return;
        }

        if (WhatsAppWindowGuard.Guards(conversation) && message.Template is null && !await window.IsOpenAsync(conversation).ConfigureAwait(false))
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
                await redis.GetDatabase().StringSetAsync(
                    keys.OutboundByProviderId(ContactOf(conversation), sent.ProviderId), item, TimeSpan.FromDays(30)).ConfigureAwait(false);
                var stored = await conversations.UpdateMessageAsync(conversation.Id, message.Id, m => m.Status == Outbox.Pending
                    ? m with { ProviderId = sent.ProviderId, Status = sent.Status, StatusAt = now, SentAt = now, Attempts = attempts }
                    : null).ConfigureAwait(false);
                await work.CompleteAsync(item).ConfigureAwait(false);
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
