using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Conversations;

/// <summary>How one send attempt ended.</summary>
public abstract record SendOutcome
{
    public sealed record Sent(string ProviderId, string Status) : SendOutcome;

    /// <summary>Not processed, or maybe not: safe to try again later (429, 5xx, connection failure, timeout).</summary>
    public sealed record Retry(string Reason) : SendOutcome;

    /// <summary>Refused for good (invalid number, opted out, …): recorded on the message, never retried.</summary>
    public sealed record Failed(string ErrorCode, string Reason) : SendOutcome;
}

/// <summary>A way out to the citizen: Twilio, or the local outbox when no provider is configured.</summary>
public interface IOutboundTransport
{
    Task<SendOutcome> SendAsync(Conversation conversation, Message message, CancellationToken cancellationToken);
}

/// <summary>
/// Every outbound message is first recorded on its conversation (status "pending"), then queued; the sender
/// takes it from the queue. A crash between sending and recording the result sends again rather than forgets.
/// </summary>
public sealed class Outbox(ConversationStore conversations, RedisConnections redis, RedisKeys keys, TimeProvider time)
{
    public const string Pending = "pending";

    internal LeasedWorkList Work { get; } = new(redis, keys.OutboxQueue(), keys.OutboxLeases(), time);

    public async Task<Message> QueueAsync(Conversation conversation, string text, MessageAuthor author, string? authorId)
    {
        var now = time.GetUtcNow();
        var message = new Message
        {
            Id = InboundStore.NewId(now),
            Direction = MessageDirection.Outbound,
            Channel = conversation.Channel,
            Author = author,
            AuthorId = authorId,
            Text = text,
            Status = Pending,
            StatusAt = now,
            CreatedAt = now,
        };
        await conversations.AppendMessageAsync(conversation.Id, message).ConfigureAwait(false);
        await Work.EnqueueAsync($"{conversation.Id}|{message.Id}").ConfigureAwait(false);
        await redis.GetSubscriber().PublishAsync(keys.OutboxSignal(), "1").ConfigureAwait(false);
        return message;
    }
}
