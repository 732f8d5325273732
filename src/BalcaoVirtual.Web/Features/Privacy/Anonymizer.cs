using System.Text.Json;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Privacy;

/// <summary>
/// Removes a conversation's personal data and keeps what the SLA reports count: its unit, channel, states, times,
/// deadlines and waiting periods, and how many messages went each way. Message texts, media references, addresses,
/// names, subjects, quoted mail, kept originals, case numbers and the search's words go; the contact's record stops pointing at it (a new
/// message starts a new conversation). Idempotent: an anonymised conversation is left as it is.
/// </summary>
public sealed partial class Anonymizer(
    RedisConnections redis, RedisKeys keys, ConversationStore conversations, ConversationWords words, CaseAlerts.CaseFollows follows,
    Appointments.AppointmentBook appointments, TimeProvider time,
    ILogger<Anonymizer> logger)
{
    public const string Removed = "anonimizado";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>True when this call anonymised it; false when it does not exist or was anonymised already.</summary>
    public async Task<bool> AnonymizeAsync(string conversationId, string reason)
    {
        var db = redis.GetDatabase();
        // The cases this person followed, and the record of those subscriptions, go first (also on a second try).
        await follows.EraseAsync(conversationId).ConfigureAwait(false);
        await appointments.EraseAsync(conversationId, time.GetUtcNow()).ConfigureAwait(false);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var (conversation, raw) = await conversations.GetWithVersionAsync(conversationId).ConfigureAwait(false);
            if (conversation is null || conversation.AnonymizedAt is not null)
            {
                return false;
            }

            var now = time.GetUtcNow();
            var messages = await conversations.GetMessagesAsync(conversationId).ConfigureAwait(false);
            var contactKey = keys.Contact(RedisKeys.ContactOf(conversationId));
            var contact = await db.HashGetAllAsync(contactKey).ConfigureAwait(false);
            var audit = await db.ListRangeAsync(keys.ConversationAudit(conversationId)).ConfigureAwait(false);

            var tran = redis.ForTransactions().CreateTransaction();
            tran.AddCondition(Condition.StringEqual(keys.Conversation(conversationId), raw));
            var after = conversation with
            {
                ContactAddress = Removed,
                ContactName = null,
                Subject = null,
                ProcessNumbers = [],
                Bot = null,
                // The ratings stay in the unit's figures; a comment is the citizen's words.
                Surveys = [.. conversation.Surveys.Select(s => s.Comment is null ? s : s with { Comment = "" })],
                AnonymizedAt = now,
            };
            conversations.AddSave(tran, after);
            foreach (var message in messages)
            {
                conversations.AddUpdate(tran, conversationId, message with
                {
                    Text = "",
                    BotActs = [.. message.BotActs.Select(a => a.Split(' ')[0])], // "follow 0001234-…": the act stays, not the case
                    MediaUrls = [],
                    ProviderId = null,
                    MailId = null,
                    From = null,
                    Quoted = null,
                    Template = message.Template is null ? null : message.Template with { Values = new Dictionary<string, string>() },
                });
                _ = tran.KeyDeleteAsync(keys.MailOriginal(conversationId, message.Id));
                _ = tran.KeyDeleteAsync(keys.LegacyMailOriginal(conversationId, message.Id));
            }

            // The audit keeps who did what and when; a detail (a transfer's reason, a note's id) may quote the citizen.
            if (audit.Length > 0)
            {
                _ = tran.KeyDeleteAsync(keys.ConversationAudit(conversationId));
                _ = tran.ListRightPushAsync(keys.ConversationAudit(conversationId), [.. audit.Select(a => (RedisValue)WithoutDetail(a.ToString()))]);
            }

            _ = tran.KeyDeleteAsync(keys.HeldMessages(conversationId));
            _ = tran.SortedSetRemoveAsync(keys.ContactConversations(RedisKeys.ContactOf(conversationId)), conversationId);
            _ = tran.SortedSetRemoveAsync(keys.ClosedConversations(RedisKeys.BucketOf(conversationId)), conversationId);
            var pointers = contact.Where(e => e.Name.ToString().StartsWith("open:", StringComparison.Ordinal) && e.Value == conversationId).Select(e => e.Name).ToList();
            var others = contact.Count(e => e.Name.ToString().StartsWith("open:", StringComparison.Ordinal)) - pointers.Count;
            if (others == 0)
            {
                _ = tran.KeyDeleteAsync(contactKey); // nothing of this person is left: the record goes
            }
            else
            {
                _ = tran.HashDeleteAsync(contactKey, [.. pointers, "address", "name"]);
            }

            if (!await tran.ExecuteAsync().ConfigureAwait(false))
            {
                continue; // changed meanwhile: look again
            }


            if (conversation.UnitId is { } unit)
            {
                await db.SetRemoveAsync(keys.UnitContactSuffix(unit, ConversationStore.LastFour(conversation.ContactAddress)), conversationId).ConfigureAwait(false);
            }

            foreach (var number in conversation.ProcessNumbers)
            {
                await db.SetRemoveAsync(keys.ProcessConversations(number), conversationId).ConfigureAwait(false);
            }

            await words.RemoveAsync(conversation, messages).ConfigureAwait(false);

            LogAnonymized(logger, conversationId, reason, messages.Count);
            return true;
        }

        return false;
    }

    private static string WithoutDetail(string entry)
    {
        var audit = JsonSerializer.Deserialize<AuditEntry>(entry, Json)!;
        return JsonSerializer.Serialize(audit with { Detail = null }, Json);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Conversation {ConversationId} anonymised ({Reason}, {Messages} messages)")]
    private static partial void LogAnonymized(ILogger logger, string conversationId, string reason, int messages);
}
