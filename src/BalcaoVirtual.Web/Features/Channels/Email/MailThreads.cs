using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure.Storage;
using MimeKit;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Channels.Email;

/// <summary>
/// Which conversation a mail belongs to by its headers: every Message-ID the service saw or sent, and every plus-address
/// token it gave, is remembered with its conversation. Only ids remembered here count, so a reply cannot be pushed into
/// a conversation by a made-up header, and never by the subject alone.
/// </summary>
public sealed class MailThreads(RedisConnections redis, RedisKeys keys, ConversationStore conversations)
{
    /// <summary>How long a thread can be picked up again by a reply.</summary>
    public static readonly TimeSpan Keep = TimeSpan.FromDays(400);

    private IDatabase Db => redis.GetDatabase();

    /// <summary>The plus-address token of a conversation: the random end of its id, short enough for any local part.</summary>
    public static string TokenOf(string conversationId) => conversationId[^16..];

    /// <summary>Our Message-ID of an outbound message: the same on every attempt, so a retried send is one mail.</summary>
    public static string OutboundMessageId(string messageId, string mailboxAddress) =>
        $"balcao.{messageId}@{mailboxAddress[(mailboxAddress.LastIndexOf('@') + 1)..]}";

    public Task RememberAsync(string conversationId, string messageId) =>
        Db.StringSetAsync(keys.MailReference(messageId), conversationId, Keep);

    public Task RememberTokenAsync(string conversationId) =>
        Db.StringSetAsync(keys.MailToken(TokenOf(conversationId)), conversationId, Keep);

    /// <summary>The conversation of this mailbox that the mail replies to: by In-Reply-To, then References, then a plus address.</summary>
    public async Task<string?> FindAsync(MimeMessage message, string mailboxAddress)
    {
        foreach (var id in MailHeaders.ThreadIds(message))
        {
            if (await OfMailboxAsync((string?)await Db.StringGetAsync(keys.MailReference(id)).ConfigureAwait(false), mailboxAddress).ConfigureAwait(false) is { } found)
            {
                return found;
            }
        }

        return MailHeaders.PlusToken(message, mailboxAddress) is { } token
            ? await OfMailboxAsync((string?)await Db.StringGetAsync(keys.MailToken(token)).ConfigureAwait(false), mailboxAddress).ConfigureAwait(false)
            : null;
    }

    /// <summary>The conversation of a Message-ID we sent or stored (for delivery reports), whatever the mailbox.</summary>
    public async Task<string?> FindByMessageIdAsync(string messageId) =>
        await Db.StringGetAsync(keys.MailReference(messageId)).ConfigureAwait(false);

    /// <summary>A mail to one unit's mailbox never joins a conversation held by another mailbox.</summary>
    private async Task<string?> OfMailboxAsync(string? conversationId, string mailboxAddress)
    {
        if (conversationId is null)
        {
            return null;
        }

        var conversation = await conversations.GetAsync(conversationId).ConfigureAwait(false);
        return conversation is { Channel: Channel.Email } && string.Equals(conversation.ChannelAddress, mailboxAddress, StringComparison.OrdinalIgnoreCase)
            ? conversationId
            : null;
    }
}
