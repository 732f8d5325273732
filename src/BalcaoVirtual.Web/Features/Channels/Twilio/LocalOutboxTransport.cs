using System.Text.Json;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Channels.Twilio;

/// <summary>
/// With no Twilio account (the `dotnet run` default), "sending" appends to a local outbox in the store, which
/// the /dev/phone page shows. Nothing leaves the machine.
/// </summary>
internal sealed class LocalOutboxTransport(RedisConnections redis, RedisKeys keys, TimeProvider time) : IOutboundTransport
{
    public const int Keep = 500;

    public async Task<SendOutcome> SendAsync(Conversation conversation, Message message, CancellationToken cancellationToken)
    {
        var id = "LOCAL" + message.Id;
        var entry = JsonSerializer.Serialize(new LocalMessage(id, conversation.ContactAddress, conversation.ChannelAddress, message.Text, time.GetUtcNow()), JsonSerializerOptions.Web);
        var db = redis.GetDatabase();
        await db.ListLeftPushAsync(keys.LocalOutbox(), entry).ConfigureAwait(false);
        await db.ListTrimAsync(keys.LocalOutbox(), 0, Keep - 1).ConfigureAwait(false);
        return new SendOutcome.Sent(id, "delivered");
    }
}

public sealed record LocalMessage(string Id, string To, string? From, string Text, DateTimeOffset At);
