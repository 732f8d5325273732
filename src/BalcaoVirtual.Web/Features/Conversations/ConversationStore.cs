using System.Text.Json;
using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Conversations;

/// <summary>
/// Conversations and their messages. A conversation's record and messages share one hash tag; the per-unit
/// indexes live elsewhere and are updated as a second, idempotent step (see docs/adr/0002-keys-and-cluster.md).
/// </summary>
public sealed class ConversationStore(RedisConnections redis, RedisKeys keys)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private IDatabase Db => redis.GetDatabase();

    public async Task<Conversation?> GetAsync(string id)
    {
        var value = await Db.StringGetAsync(keys.Conversation(id)).ConfigureAwait(false);
        return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<Conversation>(value.ToString(), Json);
    }

    /// <summary>The record and its stored form, for a write that must hold only if nobody changed it meanwhile.</summary>
    public async Task<(Conversation? Conversation, RedisValue Raw)> GetWithVersionAsync(string id)
    {
        var value = await GetRawAsync(id).ConfigureAwait(false);
        return (Parse(value), value);
    }

    /// <summary>The record's stored form (its version), for a caller that reads it in one round trip with other things.</summary>
    public Task<RedisValue> GetRawAsync(string id) => Db.StringGetAsync(keys.Conversation(id));

    public static Conversation? Parse(RedisValue raw) => raw.IsNullOrEmpty ? null : JsonSerializer.Deserialize<Conversation>(raw.ToString(), Json);

    public async Task<IReadOnlyList<Message>> GetMessagesAsync(string id)
    {
        var order = await Db.ListRangeAsync(keys.ConversationMessageOrder(id)).ConfigureAwait(false);
        if (order.Length == 0)
        {
            return [];
        }

        // Distinct: an inbound store cut short by a crash and finished by the retry may list its id twice.
        var values = await Db.HashGetAsync(keys.ConversationMessages(id), [.. order.Distinct()]).ConfigureAwait(false);
        return values.Where(v => !v.IsNullOrEmpty).Select(v => JsonSerializer.Deserialize<Message>(v.ToString(), Json)!).ToList();
    }

    public async Task<Message?> GetMessageAsync(string conversationId, string messageId) =>
        ParseMessage(await GetMessageRawAsync(conversationId, messageId).ConfigureAwait(false));

    /// <summary>A message's stored form, for a compare-and-set of the caller's own (<see cref="SerializeMessage"/>).</summary>
    public Task<RedisValue> GetMessageRawAsync(string conversationId, string messageId) => Db.HashGetAsync(keys.ConversationMessages(conversationId), messageId);

    public static Message? ParseMessage(RedisValue raw) => raw.IsNullOrEmpty ? null : JsonSerializer.Deserialize<Message>(raw.ToString(), Json);

    public static string SerializeMessage(Message message) => JsonSerializer.Serialize(message, Json);

    /// <summary>
    /// Changes one message with optimistic concurrency (the write holds only if nobody changed it meanwhile).
    /// <paramref name="change"/> returns null to leave the message as it is. Returns the message as stored after.
    /// </summary>
    public async Task<Message?> UpdateMessageAsync(string conversationId, string messageId, Func<Message, Message?> change)
    {
        var key = keys.ConversationMessages(conversationId);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var current = await Db.HashGetAsync(key, messageId).ConfigureAwait(false);
            if (current.IsNullOrEmpty)
            {
                return null;
            }

            var message = JsonSerializer.Deserialize<Message>(current.ToString(), Json)!;
            if (change(message) is not { } updated)
            {
                return message;
            }

            // Compare-and-set on this one field: a WATCH on the whole hash would fail whenever another message of the
            // conversation is appended, and a busy conversation could starve its own status updates.
            if (await HashFields.SetIfEqualAsync(Db, key, messageId, current, JsonSerializer.Serialize(updated, Json)).ConfigureAwait(false))
            {
                return updated;
            }
        }

        throw new InvalidOperationException($"Message {messageId} kept changing while being updated.");
    }

    /// <summary>Writes the record, then moves it to the index of its unit and state.</summary>
    public async Task SaveAsync(Conversation conversation)
    {
        await Db.StringSetAsync(keys.Conversation(conversation.Id), JsonSerializer.Serialize(conversation, Json)).ConfigureAwait(false);
        await IndexAsync(conversation).ConfigureAwait(false);
    }

    /// <summary>Adds the write of a conversation record to a transaction on its slot (the caller may add more).</summary>
    internal void AddSave(ITransaction tran, Conversation conversation) =>
        _ = tran.StringSetAsync(keys.Conversation(conversation.Id), JsonSerializer.Serialize(conversation, Json));

    /// <summary>
    /// Brings the unit indexes up to date after a change: all state indexes when the unit or state changed, else
    /// only the score in the current one.
    /// </summary>
    public async Task IndexAsync(Conversation before, Conversation after)
    {
        if (before is { UnitId: { } heldIn, State: ConversationState.Waiting }
            && (heldIn != after.UnitId || after.State != ConversationState.Waiting || before.AssigneeId != after.AssigneeId))
        {
            await Db.SortedSetRemoveAsync(keys.UnitWaitingBy(heldIn, Holder(before)), before.Id).ConfigureAwait(false);
        }

        if (before.UnitId is { } labelsUnit)
        {
            var dropped = before.UnitId != after.UnitId ? before.Labels : before.Labels.Except(after.Labels);
            await Task.WhenAll(dropped.Select(l => Db.SortedSetRemoveAsync(keys.UnitLabeled(labelsUnit, l), before.Id))).ConfigureAwait(false);
        }

        if (before.UnitId == after.UnitId && before.State == after.State)
        {
            if (after.UnitId is not null)
            {
                await Task.WhenAll(
                    Db.SortedSetAddAsync(keys.UnitConversations(after.UnitId, StateName(after.State)), after.Id, after.LastActivityAt.ToUnixTimeMilliseconds()),
                    after.State == ConversationState.Waiting ? Db.SortedSetAddAsync(keys.UnitWaitingBy(after.UnitId, Holder(after)), after.Id, DueScore(after)) : Task.CompletedTask,
                    after.State == ConversationState.Waiting ? Db.SortedSetAddAsync(keys.UnitWaitingVia(after.UnitId, Via(after)), after.Id, DueScore(after)) : Task.CompletedTask,
                    IndexSearchAsync(after)).ConfigureAwait(false);
                await ReconcileHolderAsync(after).ConfigureAwait(false);
            }

            return;
        }

        if (before.UnitId is { } oldUnit && oldUnit != after.UnitId)
        {
            await Task.WhenAll(Enum.GetValues<ConversationState>()
                .Select(state => Db.SortedSetRemoveAsync(keys.UnitConversations(oldUnit, StateName(state)), before.Id))
                .Append(Db.SortedSetRemoveAsync(keys.UnitDue(oldUnit), before.Id))
                .Append(Db.SortedSetRemoveAsync(keys.UnitWaitingVia(oldUnit, Via(before)), before.Id))
                .Append(Db.SetRemoveAsync(keys.UnitContactSuffix(oldUnit, LastFour(before.ContactAddress)), before.Id))).ConfigureAwait(false);
        }

        await IndexAsync(after).ConfigureAwait(false);
        await ReconcileHolderAsync(after).ConfigureAwait(false);
    }

    /// <summary>
    /// The holders' index after this step wrote it for <paramref name="written"/>: index steps run after their commits
    /// and may finish out of order (a bot turn's late step after a claim's), so the record as it is now decides. Whichever
    /// step runs last reads the final record, so the index ends as the record says.
    /// </summary>
    private async Task ReconcileHolderAsync(Conversation written)
    {
        var now = await GetAsync(written.Id).ConfigureAwait(false);
        if (written is { State: ConversationState.Waiting, UnitId: { } unit }
            && (now is not { State: ConversationState.Waiting } || now.UnitId != unit || Holder(now) != Holder(written)))
        {
            await Db.SortedSetRemoveAsync(keys.UnitWaitingBy(unit, Holder(written)), written.Id).ConfigureAwait(false);
        }

        if (now is { State: ConversationState.Waiting, UnitId: { } current })
        {
            await Db.SortedSetAddAsync(keys.UnitWaitingBy(current, Holder(now)), now.Id, DueScore(now)).ConfigureAwait(false);
        }
    }

    /// <summary>Adds a message at the end of the conversation; both keys share the conversation's slot.</summary>
    public async Task AppendMessageAsync(string conversationId, Message message)
    {
        var tran = Db.CreateTransaction();
        AddAppend(tran, conversationId, message);
        await tran.ExecuteAsync().ConfigureAwait(false);
    }

    /// <summary>Adds the rewrite of a message already in the conversation to a transaction on its slot.</summary>
    internal void AddUpdate(ITransaction tran, string conversationId, Message message) =>
        _ = tran.HashSetAsync(keys.ConversationMessages(conversationId), message.Id, JsonSerializer.Serialize(message, Json));

    /// <summary>Adds the append of a message to a transaction on the conversation's slot (the caller may add more).</summary>
    internal void AddAppend(ITransaction tran, string conversationId, Message message)
    {
        _ = tran.HashSetAsync(keys.ConversationMessages(conversationId), message.Id, JsonSerializer.Serialize(message, Json));
        _ = tran.ListRightPushAsync(keys.ConversationMessageOrder(conversationId), message.Id);
    }

    /// <summary>Idempotent: safe to run again after a crash between the record write and this.</summary>
    public async Task IndexAsync(Conversation conversation)
    {
        // Every closed conversation, with or without a unit, waits here for retention (anonymised ones are done).
        var closed = keys.ClosedConversations(RedisKeys.BucketOf(conversation.Id));
        await (conversation.State == ConversationState.Closed && conversation.AnonymizedAt is null
            ? Db.SortedSetAddAsync(closed, conversation.Id, conversation.LastActivityAt.ToUnixTimeMilliseconds())
            : Db.SortedSetRemoveAsync(closed, conversation.Id)).ConfigureAwait(false);
        if (conversation.UnitId is null)
        {
            return;
        }

        // The contact's conversations (anonymised ones leave it with their personal data).
        if (conversation.AnonymizedAt is null)
        {
            await Db.SortedSetAddAsync(keys.ContactConversations(RedisKeys.ContactOf(conversation.Id)), conversation.Id, conversation.CreatedAt.ToUnixTimeMilliseconds())
                .ConfigureAwait(false);
        }

        var batch = Db.CreateBatch();
        var tasks = new List<Task>();
        foreach (var state in Enum.GetValues<ConversationState>())
        {
            var key = keys.UnitConversations(conversation.UnitId, StateName(state));
            tasks.Add(state == conversation.State
                ? batch.SortedSetAddAsync(key, conversation.Id, conversation.LastActivityAt.ToUnixTimeMilliseconds())
                : batch.SortedSetRemoveAsync(key, conversation.Id));
        }

        var due = keys.UnitDue(conversation.UnitId);
        tasks.Add(conversation.State == ConversationState.Waiting
            ? batch.SortedSetAddAsync(due, conversation.Id, DueScore(conversation))
            : batch.SortedSetRemoveAsync(due, conversation.Id));
        var via = keys.UnitWaitingVia(conversation.UnitId, Via(conversation));
        tasks.Add(conversation.State == ConversationState.Waiting
            ? batch.SortedSetAddAsync(via, conversation.Id, DueScore(conversation))
            : batch.SortedSetRemoveAsync(via, conversation.Id));
        if (conversation.State == ConversationState.Waiting)
        {
            tasks.Add(batch.SortedSetAddAsync(keys.UnitWaitingBy(conversation.UnitId, Holder(conversation)), conversation.Id, DueScore(conversation)));
        }

        batch.Execute();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        await IndexSearchAsync(conversation).ConfigureAwait(false);
    }

    /// <summary>
    /// What the inbox searches and filters by: the phone's last four digits (per unit), the case numbers mentioned, and
    /// the unit's labels on it (by latest activity).
    /// </summary>
    private Task IndexSearchAsync(Conversation conversation)
    {
        if (conversation.UnitId is null)
        {
            return Task.CompletedTask;
        }

        return Task.WhenAll(conversation.ProcessNumbers.Select(n => (Task)Db.SetAddAsync(keys.ProcessConversations(n), conversation.Id))
            .Concat(conversation.Labels.Select(l => Db.SortedSetAddAsync(keys.UnitLabeled(conversation.UnitId, l), conversation.Id, conversation.LastActivityAt.ToUnixTimeMilliseconds())))
            .Append(Db.SetAddAsync(keys.UnitContactSuffix(conversation.UnitId, LastFour(conversation.ContactAddress)), conversation.Id)));
    }

    /// <summary>Who holds a waiting conversation, as its <see cref="RedisKeys.UnitWaitingBy"/> index names it.</summary>
    internal static string Holder(Conversation conversation) => conversation.AssigneeId ?? "none";

    /// <summary>The channel as its <see cref="RedisKeys.UnitWaitingVia"/> index names it.</summary>
    internal static string Via(Conversation conversation) => Via(conversation.Channel);

    internal static string Via(Channel channel) => channel switch
    {
        Channel.WhatsApp => "whatsApp",
        Channel.Sms => "sms",
        _ => "email",
    };

    /// <summary>A waiting conversation's place in the queue: its due time, no deadline last.</summary>
    internal static double DueScore(Conversation conversation) => conversation.DueAt?.ToUnixTimeMilliseconds() ?? long.MaxValue;

    internal static string LastFour(string address)
    {
        var digits = new string([.. address.Where(char.IsAsciiDigit)]);
        return digits.Length >= 4 ? digits[^4..] : "none";
    }

    /// <summary>A page of the units' conversations in the given states, most recent activity first.</summary>
    public async Task<ConversationPage> ListAsync(IReadOnlyCollection<string> unitIds, IReadOnlyCollection<ConversationState> states, int page, int pageSize)
    {
        // Each index holds at most the first page*pageSize ids we could need; merge them and cut the page.
        var take = (long)page * pageSize;
        var lookups = unitIds
            .SelectMany(u => states.Select(s => keys.UnitConversations(u, StateName(s))))
            .Select(key => (Entries: Db.SortedSetRangeByRankWithScoresAsync(key, 0, take - 1, Order.Descending), Count: Db.SortedSetLengthAsync(key)))
            .ToList();
        await Task.WhenAll(lookups.SelectMany(l => new Task[] { l.Entries, l.Count })).ConfigureAwait(false);

        var total = lookups.Sum(l => l.Count.Result);
        var ids = lookups.SelectMany(l => l.Entries.Result)
            .OrderByDescending(e => e.Score).ThenBy(e => e.Element.ToString(), StringComparer.Ordinal)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(e => e.Element.ToString())
            .ToList();

        var values = ids.Count == 0
            ? []
            : await Task.WhenAll(ids.Select(id => Db.StringGetAsync(keys.Conversation(id)))).ConfigureAwait(false);
        var items = values.Where(v => !v.IsNullOrEmpty)
            .Select(v => JsonSerializer.Deserialize<Conversation>(v.ToString(), Json)!)
            .ToList();
        return new ConversationPage(items, page, pageSize, total);
    }

    public static string StateName(ConversationState state) => state switch
    {
        ConversationState.Bot => "bot",
        ConversationState.Waiting => "waiting",
        ConversationState.Answered => "answered",
        _ => "closed",
    };

    public static bool TryParseState(string? text, out ConversationState state)
    {
        foreach (var candidate in Enum.GetValues<ConversationState>())
        {
            if (string.Equals(StateName(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                state = candidate;
                return true;
            }
        }

        state = default;
        return false;
    }
}

public sealed record ConversationPage(IReadOnlyList<Conversation> Items, int Page, int PageSize, long Total);
