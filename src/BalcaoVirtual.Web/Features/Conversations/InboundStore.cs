using System.Globalization;
using System.Text.Json;
using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Conversations;

/// <summary>A message a citizen sent, as a channel received it.</summary>
public sealed record InboundMessage(
    ContactAddress From,
    string ProviderId,
    string Text,
    IReadOnlyList<string> MediaUrls,
    string? ProfileName,
    string? UnitId,
    string ChannelAddress,
    string? ChannelAccount = null,
    IReadOnlyList<string>? MediaTypes = null,
    InboundMail? Mail = null);

/// <summary>
/// What only an e-mail has. <see cref="ThreadConversationId"/>: the conversation its headers thread it into (a reply
/// from another address joins it), or null for the sender's own conversation with the mailbox. <see cref="ReplyTo"/>:
/// where the sender asks answers to go, when that is not the sender (From).
/// </summary>
public sealed record InboundMail(string? MessageId, string Subject, string? Quoted, bool Automatic, string? ThreadConversationId, string? ReplyTo = null);

/// <summary>What storing an inbound message did.</summary>
public sealed record InboundResult(bool IsNew, string ConversationId, string MessageId);

/// <summary>
/// The one atomic store step of every inbound channel: dedupe on the provider id, find or create the contact's
/// open conversation, append the message. All keys share the contact's hash tag, so the Lua script is valid on
/// Redis Cluster. Then the message is queued for processing (chatbot, routing) off the request path.
/// </summary>
public sealed class InboundStore(RedisConnections redis, RedisKeys keys, ContactIds contactIds, ReplicaWait replicas, Infrastructure.Telemetry.BalcaoMetrics metrics, TimeProvider time, IntakeGauge? intake = null)
{
    /// <summary>
    /// What runs the store scripts: the scripts as they are. The crash tests put a version in between that stops
    /// writing after a given number of writes, as a crash that Garnet recovers only in part leaves the store.
    /// </summary>
    internal Func<string, string> Scripts { get; init; } = static script => script;

    // KEYS: 1 dedupe, 2 contact, 3 conversation (the open one, or the new one), 4 its messages, 5 their order,
    //       6 the bucket's inbound queue
    // ARGV: 1 open conversation id the caller saw ('' = none), 2 conversation id of KEYS[3], 3 new conversation JSON,
    //       4 message JSON, 5 now (ms), 6 dedupe TTL (s), 7 message id, 8 raw address, 9 profile name,
    //       10 the contact field that holds the open conversation with this court address
    // Returns {1, conversationId, messageId} stored; {0, conversationId, messageId} duplicate; {-1, open} the contact's
    // open conversation is not the one the caller guessed: open is the one it is ('' = none), to try again with. The guess
    // is checked before the dedupe marker: a retry of a store cut short must compare the marker with the conversation
    // that is open, not with a fresh id a node without a guess made up (it would call the message a duplicate unstored).
    // The writes are ordered so that a store cut short by a crash is finished by the provider's retry. Garnet 2.2.8 was
    // seen (CrashSafetyTests) to recover only the first writes of a script after SIGKILL. Order: the conversation, the
    // dedupe marker, the order entry, the queue entry, and last the message itself (the point after which it counts as
    // stored). A retry that finds the marker but not the message does every write again under the same id: the order
    // list may hold the id twice (readers drop repeats) and the queue may hold it twice (a turn runs once per message,
    // by its processed mark; a duplicate is queued again unless processed, too). Redis runs scripts whole, so there this
    // never happens.
    private const string Script = """
        local open = redis.call('HGET', KEYS[2], ARGV[10])
        if not open then open = '' end
        if open ~= ARGV[1] then return {-1, open} end
        local id = ARGV[7]
        local seen = redis.call('GET', KEYS[1])
        if seen then
          local sep = string.find(seen, '|', 1, true)
          local conversation = string.sub(seen, 1, sep - 1)
          id = string.sub(seen, sep + 1)
          if conversation ~= ARGV[2] or redis.call('HEXISTS', KEYS[4], id) == 1 then
            return {0, conversation, id}
          end
        end
        if open == '' then
          redis.call('SET', KEYS[3], ARGV[3])
          redis.call('HSET', KEYS[2], ARGV[10], ARGV[2])
        end
        local message = ARGV[4]
        if id ~= ARGV[7] then
          -- ids are hex: no pattern characters to escape
          message = string.gsub(message, '"id":"' .. ARGV[7] .. '"', '"id":"' .. id .. '"', 1)
        end
        redis.call('SET', KEYS[1], ARGV[2] .. '|' .. id, 'EX', ARGV[6])
        redis.call('RPUSH', KEYS[5], id)
        redis.call('LPUSH', KEYS[6], ARGV[2] .. '|' .. id)
        redis.call('HSET', KEYS[4], id, message)
        redis.call('HSET', KEYS[2], 'address', ARGV[8], 'lastInboundAt', ARGV[5])
        if ARGV[9] ~= '' then redis.call('HSET', KEYS[2], 'name', ARGV[9]) end
        return {1, ARGV[2], id}
        """;

    // A mail that threads into a known conversation (In-Reply-To, References, plus address) joins it whoever sent it.
    // KEYS: 1 dedupe (under the conversation's contact), 2 conversation, 3 its messages, 4 their order, 5 inbound queue
    // ARGV: 1 conversation id, 2 message JSON, 3 dedupe TTL (s), 4 message id
    // Returns as above; {-2} when the conversation is gone (the caller stores the mail as the sender's own).
    // Written in the same order as the script above, for the same reason: a store cut short is finished by the next poll.
    private const string ThreadScript = """
        local id = ARGV[4]
        local message = ARGV[2]
        local seen = redis.call('GET', KEYS[1])
        if seen then
          local sep = string.find(seen, '|', 1, true)
          local conversation = string.sub(seen, 1, sep - 1)
          id = string.sub(seen, sep + 1)
          if conversation ~= ARGV[1] or redis.call('HEXISTS', KEYS[3], id) == 1 then
            return {0, conversation, id}
          end
          message = string.gsub(message, '"id":"' .. ARGV[4] .. '"', '"id":"' .. id .. '"', 1)
        end
        if redis.call('EXISTS', KEYS[2]) == 0 then return {-2} end
        redis.call('SET', KEYS[1], ARGV[1] .. '|' .. id, 'EX', ARGV[3])
        redis.call('RPUSH', KEYS[4], id)
        redis.call('LPUSH', KEYS[5], ARGV[1] .. '|' .. id)
        redis.call('HSET', KEYS[3], id, message)
        return {1, ARGV[1], id}
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>How many contacts' open conversations a node remembers (about 200 bytes each).</summary>
    internal const int OpenHintLimit = 50_000;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> openHints = new(StringComparer.Ordinal);

    /// <summary>How long a provider id is remembered; Meta retries for up to 7 days.</summary>
    public static readonly TimeSpan DedupeWindow = TimeSpan.FromDays(8);

    private IDatabase Db => redis.GetDatabase();

    public async Task<InboundResult> AppendAsync(InboundMessage inbound)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        using var storing = intake?.Enter();
        using var activity = Infrastructure.Telemetry.BalcaoTracing.Source.StartActivity("inbound.store");
        activity?.SetTag("balcao.channel", ChannelName(inbound.From.Channel));
        var result = await AppendCoreAsync(inbound).ConfigureAwait(false);
        activity?.SetTag("balcao.conversation_id", result.ConversationId);
        activity?.SetTag("balcao.message_id", result.MessageId);
        activity?.SetTag("balcao.new", result.IsNew);
        return result;
    }

    private async Task<InboundResult> AppendCoreAsync(InboundMessage inbound)
    {
        var contactId = contactIds.Of(inbound.From);
        var now = time.GetUtcNow();
        var messageId = NewId(now);
        var message = new Message
        {
            Id = messageId,
            Direction = MessageDirection.Inbound,
            Channel = inbound.From.Channel,
            Author = MessageAuthor.Citizen,
            Text = inbound.Text,
            MediaUrls = inbound.MediaUrls,
            MediaTypes = inbound.MediaTypes ?? [],
            ProviderId = inbound.ProviderId,
            Status = "received",
            CreatedAt = now,
            MailId = inbound.Mail?.MessageId,
            Quoted = inbound.Mail?.Quoted,
            ReplyTo = inbound.Mail?.ReplyTo,
            Automatic = inbound.Mail?.Automatic ?? false,
        };

        if (inbound.Mail?.ThreadConversationId is { } thread && await AppendToThreadAsync(inbound, thread, message).ConfigureAwait(false) is { } joined)
        {
            return joined;
        }

        var messageJson = JsonSerializer.Serialize(message, Json);

        // The contact's open conversation as this node last saw it: a citizen writes several messages in a row, so the
        // guess is usually right and the webhook costs one store round trip. The script checks it; a wrong guess (a
        // first message on this node, a conversation erased, or opened on another node) comes back with the right one.
        var openField = OpenField(inbound.ChannelAddress);
        var hintKey = contactId + "\n" + openField;
        var open = openHints.TryGetValue(hintKey, out var hint) ? hint : "";
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var conversationId = open.Length > 0 ? open : $"{contactId}-{NewId(now)}";
            var db = Db;
            var master = await replicas.MasterBeforeWriteAsync(db, keys.Contact(contactId)).ConfigureAwait(false);
            var result = (RedisResult[])(await db.ScriptEvaluateAsync(
                Scripts(Script),
                [
                    keys.ProviderMessage(contactId, inbound.ProviderId), keys.Contact(contactId),
                    keys.Conversation(conversationId), keys.ConversationMessages(conversationId),
                    keys.ConversationMessageOrder(conversationId), keys.InboundQueue(RedisKeys.BucketOf(contactId)),
                ],
                [
                    open, conversationId, open.Length > 0 ? "" : JsonSerializer.Serialize(NewConversation(inbound, conversationId, now), Json), messageJson,
                    now.ToUnixTimeMilliseconds(), (long)DedupeWindow.TotalSeconds, messageId, inbound.From.Raw, inbound.ProfileName ?? "", openField,
                ]).ConfigureAwait(false))!;
            if ((int)result[0] == -1)
            {
                open = (string?)result[1] ?? ""; // not the conversation guessed: try again with the one the store has
                continue;
            }

            await replicas.EnsureAsync(db, keys.Contact(contactId), master).ConfigureAwait(false);
            var stored = await StoredAsync(result, inbound).ConfigureAwait(false);
            if (stored.IsNew)
            {
                RememberOpen(hintKey, stored.ConversationId);
            }

            return stored;
        }

        throw new InvalidOperationException("The contact's conversation kept changing while storing an inbound message.");
    }

    private static Conversation NewConversation(InboundMessage inbound, string conversationId, DateTimeOffset now) => new()
    {
        Id = conversationId,
        UnitId = inbound.UnitId,
        Channel = inbound.From.Channel,
        ContactAddress = inbound.From.Raw,
        ContactName = inbound.ProfileName,
        ChannelAddress = inbound.ChannelAddress,
        ChannelAccount = inbound.ChannelAccount,
        Subject = inbound.Mail?.Subject,
        // The chatbot meets every new conversation, also one written to a unit's own number (it then
        // knows the unit); it hands the conversation to the unit's inbox when a clerk is needed.
        State = ConversationState.Bot,
        CreatedAt = now,
        LastActivityAt = now,
    };

    /// <summary>
    /// Remembers a contact's open conversation for the next message's guess. Bounded: past <see cref="OpenHintLimit"/>
    /// contacts it starts over (a guess is only a guess; the store decides). Keyed by the contact id, never the address.
    /// </summary>
    private void RememberOpen(string hintKey, string conversationId)
    {
        if (openHints.Count >= OpenHintLimit)
        {
            openHints.Clear();
        }

        openHints[hintKey] = conversationId;
    }

    /// <summary>Appends a threaded mail to its conversation; null when that conversation no longer exists.</summary>
    private async Task<InboundResult?> AppendToThreadAsync(InboundMessage inbound, string conversationId, Message message)
    {
        var owner = RedisKeys.ContactOf(conversationId);
        if (owner != contactIds.Of(inbound.From))
        {
            message = message with { From = inbound.From.Raw };
        }

        var db = Db;
        var master = await replicas.MasterBeforeWriteAsync(db, keys.Conversation(conversationId)).ConfigureAwait(false);
        var result = (RedisResult[])(await db.ScriptEvaluateAsync(
            Scripts(ThreadScript),
            [
                keys.ProviderMessage(owner, inbound.ProviderId), keys.Conversation(conversationId),
                keys.ConversationMessages(conversationId), keys.ConversationMessageOrder(conversationId),
                keys.InboundQueue(RedisKeys.BucketOf(conversationId)),
            ],
            [conversationId, JsonSerializer.Serialize(message, Json), (long)DedupeWindow.TotalSeconds, message.Id]).ConfigureAwait(false))!;
        if ((int)result[0] == -2)
        {
            return null;
        }

        await replicas.EnsureAsync(db, keys.Conversation(conversationId), master).ConfigureAwait(false);
        return await StoredAsync(result, inbound).ConfigureAwait(false);
    }

    private async Task<InboundResult> StoredAsync(RedisResult[] result, InboundMessage inbound)
    {
        var stored = new InboundResult((int)result[0] == 1, (string)result[1]!, (string)result[2]!);
        if (stored.IsNew)
        {
            metrics.MessageIn(ChannelName(inbound.From.Channel));
            // Queued by the script itself; only wake the processor, which also polls, so no round trip is spent.
            await redis.GetSubscriber().PublishAsync(keys.InboundSignal(), "1", CommandFlags.FireAndForget).ConfigureAwait(false);
        }
        else
        {
            await RequeueUnlessProcessedAsync(stored).ConfigureAwait(false);
        }

        return stored;
    }

    /// <summary>
    /// A redelivered duplicate whose processing is not done yet is queued again (the processor ignores what it already
    /// did). The first delivery queued it in the store step; this covers a queue entry lost with a crashed worker.
    /// </summary>
    private async Task RequeueUnlessProcessedAsync(InboundResult stored)
    {
        if (await Db.KeyExistsAsync(keys.MessageProcessed(stored.ConversationId, stored.MessageId)).ConfigureAwait(false))
        {
            return;
        }

        await Queue(redis, keys, time, RedisKeys.BucketOf(stored.ConversationId)).EnqueueAsync($"{stored.ConversationId}|{stored.MessageId}").ConfigureAwait(false);
        await redis.GetSubscriber().PublishAsync(keys.InboundSignal(), "1", CommandFlags.FireAndForget).ConfigureAwait(false);
    }

    /// <summary>
    /// A citizen has one open conversation per court address they write to: a message to the 7ª VT de Macapá's number
    /// and one to the central number are two conversations, each answered from the number it went to.
    /// </summary>
    public static string OpenField(string channelAddress) => "open:" + channelAddress;

    internal static LeasedWorkList Queue(RedisConnections redis, RedisKeys keys, TimeProvider time, string bucket) =>
        new(redis, keys.InboundQueue(bucket), keys.InboundLeases(bucket), time);

    /// <summary>A channel as metrics and the API name it: "whatsApp", "sms", "email".</summary>
    internal static string ChannelName(Channel channel) => channel switch
    {
        Channel.WhatsApp => "whatsApp",
        Channel.Sms => "sms",
        _ => "email",
    };

    /// <summary>Time-ordered, unique ids: Unix ms in hex plus random bits.</summary>
    internal static string NewId(DateTimeOffset now) =>
        now.ToUnixTimeMilliseconds().ToString("x11", CultureInfo.InvariantCulture) +
        Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(5));
}
