using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Conversations;

/// <summary>
/// The conversation between a contact and one of the court's addresses when the court writes first (a booking made on
/// the public page is confirmed through the channel the citizen chose): the one open there if any, else a new one,
/// closed (a reply starts with the chatbot, as after any closed conversation). The contact's record points at it, in
/// one step on the contact's slot, so a citizen who writes meanwhile lands in the same conversation. A caller that may
/// still be refused (a slot taken meanwhile) asks for the id first and opens only once it has something to say, so a
/// refusal leaves nothing of the contact stored.
/// </summary>
public sealed class ConversationOpener(RedisConnections redis, RedisKeys keys, ContactIds contactIds, ConversationStore conversations, TimeProvider time)
{
    /// <summary>The id of the conversation <see cref="OpenAsync"/> would give now: the open one's, or a new one's (nothing is stored).</summary>
    public async Task<string> IdForAsync(ContactAddress contact, string channelAddress)
    {
        ArgumentNullException.ThrowIfNull(contact);
        var contactId = contactIds.Of(contact);
        return (await ReadOpenAsync(contactId, channelAddress).ConfigureAwait(false)).Open?.Id ?? NewId(contactId);
    }

    /// <param name="channelAccount">The provider account the court's address is at ("meta:&lt;phone_number_id&gt;" for a number hosted at Meta).</param>
    /// <param name="newId">
    /// The id a new conversation takes (one from <see cref="IdForAsync"/>); a fresh one when null, not the contact's, or
    /// already a conversation's (one closed and erased since the id was given: its record is never written over).
    /// </param>
    public async Task<Conversation> OpenAsync(ContactAddress contact, string channelAddress, string? unitId, string? name, string? channelAccount = null, string? newId = null)
    {
        ArgumentNullException.ThrowIfNull(contact);
        var contactId = contactIds.Of(contact);
        var contactKey = keys.Contact(contactId);
        var field = InboundStore.OpenField(channelAddress);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var (open, existing) = await ReadOpenAsync(contactId, channelAddress).ConfigureAwait(false);
            if (existing is not null)
            {
                // Active again: the retention of closed conversations counts from now (it would erase the new booking too).
                var touched = existing with { LastActivityAt = time.GetUtcNow() };
                await conversations.SaveAsync(touched).ConfigureAwait(false);
                return touched;
            }

            var now = time.GetUtcNow();
            var planned = newId is not null && RedisKeys.ContactOf(newId) == contactId
                && !await redis.GetDatabase().KeyExistsAsync(keys.Conversation(newId)).ConfigureAwait(false);
            var conversation = new Conversation
            {
                Id = planned ? newId! : NewId(contactId),
                UnitId = unitId,
                Channel = contact.Channel,
                ContactAddress = contact.Raw,
                ContactName = name,
                ChannelAddress = channelAddress,
                ChannelAccount = channelAccount,
                State = ConversationState.Closed,
                CreatedAt = now,
                LastActivityAt = now,
            };
            var tran = redis.ForTransactions().CreateTransaction();
            tran.AddCondition(open.IsNullOrEmpty ? Condition.HashNotExists(contactKey, field) : Condition.HashEqual(contactKey, field, open));
            tran.AddCondition(Condition.KeyNotExists(keys.Conversation(conversation.Id)));
            conversations.AddSave(tran, conversation);
            _ = tran.HashSetAsync(contactKey, [new(field, conversation.Id), new("address", contact.Raw)]);
            if (await tran.ExecuteAsync().ConfigureAwait(false))
            {
                await conversations.IndexAsync(conversation).ConfigureAwait(false);
                return conversation;
            }
        }

        throw new InvalidOperationException("The contact's conversation kept changing while opening one.");
    }

    private string NewId(string contactId) => $"{contactId}-{InboundStore.NewId(time.GetUtcNow())}";

    /// <summary>What the contact's record says is open at the address (its field), and that conversation when it is there and not anonymised.</summary>
    private async Task<(RedisValue Field, Conversation? Open)> ReadOpenAsync(string contactId, string channelAddress)
    {
        var open = await redis.GetDatabase().HashGetAsync(keys.Contact(contactId), InboundStore.OpenField(channelAddress)).ConfigureAwait(false);
        return (open, open.IsNullOrEmpty ? null : await conversations.GetAsync(open.ToString()).ConfigureAwait(false) is { AnonymizedAt: null } existing ? existing : null);
    }
}
