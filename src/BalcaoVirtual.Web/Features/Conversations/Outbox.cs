using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Conversations;

/// <summary>How one send attempt ended.</summary>
public abstract record SendOutcome
{
    public sealed record Sent(string ProviderId, string Status) : SendOutcome;

    /// <summary>
    /// Not processed, or maybe not: safe to try again later (429, 5xx, connection failure, timeout); not before
    /// <paramref name="After"/> when the provider said how long to wait (Retry-After).
    /// </summary>
    public sealed record Retry(string Reason, TimeSpan? After = null) : SendOutcome;

    /// <summary>Refused for good (invalid number, opted out, …): recorded on the message, never retried.</summary>
    public sealed record Failed(string ErrorCode, string Reason) : SendOutcome;
}

/// <summary>A way out to the citizen, registered keyed by its <see cref="Channel"/>: Twilio (or the local outbox when no provider is configured) and e-mail.</summary>
public interface IOutboundTransport
{
    Task<SendOutcome> SendAsync(Conversation conversation, Message message, CancellationToken cancellationToken);
}

/// <summary>
/// Every outbound message is recorded on its conversation (status "pending") and queued in one transaction on the
/// conversation's slot; the sender takes it from the queue. A crash between sending and recording the result sends
/// again rather than forgets.
/// </summary>
public sealed class Outbox(ConversationStore conversations, RedisConnections redis, RedisKeys keys, TimeProvider time)
{
    public const string Pending = "pending";

    /// <summary>One work list per bucket, so that recording and queueing share a slot.</summary>
    internal IReadOnlyList<LeasedWorkList> Work { get; } =
        [.. RedisKeys.Buckets.Select(b => new LeasedWorkList(redis, keys.OutboxQueue(b), keys.OutboxLeases(b), time))];

    /// <summary>Messages queued or being sent, over all buckets.</summary>
    public async Task<long> PendingAsync()
    {
        long total = 0;
        foreach (var work in Work)
        {
            total += await work.LengthAsync().ConfigureAwait(false);
        }

        return total;
    }

    public async Task<Message> QueueAsync(Conversation conversation, string text, MessageAuthor author, string? authorId, MessageTemplate? template = null)
    {
        var tran = redis.GetDatabase().CreateTransaction();
        var message = AddQueue(tran, conversation, text, author, authorId, template);
        await tran.ExecuteAsync().ConfigureAwait(false);
        await SignalAsync().ConfigureAwait(false);
        return message;
    }

    /// <summary>
    /// Queues a message only if none was queued for <paramref name="purpose"/> on this conversation before: the
    /// marker commits with the message, so a caller that crashed after queueing and runs again queues nothing.
    /// </summary>
    public async Task<bool> QueueOnceAsync(Conversation conversation, string purpose, string text, MessageAuthor author)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var once = keys.OutboundOnce(conversation.Id, purpose);
        var tran = redis.ForTransactions().CreateTransaction();
        tran.AddCondition(Condition.KeyNotExists(once));
        _ = tran.StringSetAsync(once, "1", OnceKept);
        AddQueue(tran, conversation, text, author, null);
        if (!await tran.ExecuteAsync().ConfigureAwait(false))
        {
            return false;
        }

        await SignalAsync().ConfigureAwait(false);
        return true;
    }

    /// <summary>How long a once-marker lasts: longer than any retry of the job that wrote it.</summary>
    private static readonly TimeSpan OnceKept = TimeSpan.FromDays(30);

    /// <summary>
    /// Adds the recording and queueing of an outbound message to a transaction on the conversation's slot, so that it
    /// commits together with the caller's own writes (a bot turn and its replies). Call <see cref="SignalAsync"/> after.
    /// </summary>
    public Message AddQueue(
        ITransaction tran, Conversation conversation, string text, MessageAuthor author, string? authorId, MessageTemplate? template = null, string? id = null,
        IReadOnlyList<string>? acts = null)
    {
        var now = time.GetUtcNow();
        var message = new Message
        {
            Id = id ?? InboundStore.NewId(now),
            Direction = MessageDirection.Outbound,
            Channel = conversation.Channel,
            Author = author,
            AuthorId = authorId,
            Text = text,
            Status = Pending,
            StatusAt = now,
            CreatedAt = now,
            Template = template,
            BotActs = acts ?? [],
        };
        conversations.AddAppend(tran, conversation.Id, message);
        _ = tran.ListLeftPushAsync(keys.OutboxQueue(RedisKeys.BucketOf(conversation.Id)), $"{conversation.Id}|{message.Id}");
        return message;
    }

    /// <summary>Adds putting an existing message (as given, e.g. pending again) back in the queue to a transaction on its slot.</summary>
    public void AddRequeue(ITransaction tran, Conversation conversation, Message message)
    {
        conversations.AddUpdate(tran, conversation.Id, message);
        _ = tran.ListLeftPushAsync(keys.OutboxQueue(RedisKeys.BucketOf(conversation.Id)), $"{conversation.Id}|{message.Id}");
    }

    /// <summary>Wakes the sender at once (it also polls, so the signal is not waited for).</summary>
    public Task SignalAsync() => redis.GetSubscriber().PublishAsync(keys.OutboxSignal(), "1", CommandFlags.FireAndForget);
}
