using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Conversations;

/// <summary>
/// The conversation between a contact and one of the court's addresses when the court writes first (a booking made on
/// the public page is confirmed through the channel the citizen chose): the one open there if any, else a new one,
/// closed (a reply starts with the chatbot, as after any closed conversation). The contact's record points at it, in
/// one step on the contact's slot, so a citizen who writes meanwhile lands in the same conversation.
/// </summary>
public sealed class ConversationOpener(RedisConnections redis, RedisKeys keys, ContactIds contactIds, ConversationStore conversations, TimeProvider time)
{
    /// <param name="channelAccount">The provider account the court's address is at ("meta:&lt;phone_number_id&gt;" for a number hosted at Meta).</param>
    public async Task<Conversation> OpenAsync(ContactAddress contact, string channelAddress, string? unitId, string? name, string? channelAccount = null)
    {
        ArgumentNullException.ThrowIfNull(contact);
        var contactId = contactIds.Of(contact);
        var contactKey = keys.Contact(contactId);
        var field = InboundStore.OpenField(channelAddress);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var open = await redis.GetDatabase().HashGetAsync(contactKey, field).ConfigureAwait(false);
            if (!open.IsNullOrEmpty && await conversations.GetAsync(open.ToString()).ConfigureAwait(false) is { AnonymizedAt: null } existing)
            {
                // Active again: the retention of closed conversations counts from now (it would erase the new booking too).
                var touched = existing with { LastActivityAt = time.GetUtcNow() };
                await conversations.SaveAsync(touched).ConfigureAwait(false);
                return touched;
            }

            var now = time.GetUtcNow();
            var conversation = new Conversation
            {
                Id = $"{contactId}-{InboundStore.NewId(now)}",
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
}
