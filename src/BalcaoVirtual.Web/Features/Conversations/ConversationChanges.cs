using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Conversations;

/// <summary>A message to the citizen that a change queues in its own transaction.</summary>
/// <param name="Id">Given when the caller must name it before the commit (an audit entry); else made when queued.</param>
/// <param name="Acts">A bot reply's acts (see <see cref="Message.BotActs"/>).</param>
public sealed record Outgoing(
    string Text, MessageAuthor Author, string? AuthorId = null, MessageTemplate? Template = null, string? Id = null, IReadOnlyList<string>? Acts = null);

/// <summary>
/// What one change to a conversation writes, decided on the record as it was read: the new record (null leaves it),
/// an internal note, messages to the citizen, an audit entry, and writes of the caller's own on the conversation's slot
/// (a bot turn's "processed" mark and its queue item done).
/// </summary>
public sealed record ConversationChange
{
    public static readonly ConversationChange Nothing = new();

    public Conversation? After { get; init; }

    public ChangeContext Context { get; init; } = ChangeContext.None;

    /// <summary>For the unit only, never sent: written as the person in <see cref="ChangeContext.ByUserId"/>.</summary>
    public string? Note { get; init; }

    public IReadOnlyList<Outgoing> Send { get; init; } = [];

    public AuditEntry? Audit { get; init; }

    public Action<ITransaction>? With { get; init; }

    /// <summary>Writes of the caller's own that must come before <see cref="Send"/> (answers held earlier go out first).</summary>
    public Action<ITransaction>? Before { get; init; }

    /// <summary>What else this change brought that the inbox search finds (the citizen's message of a bot turn).</summary>
    public IReadOnlyList<string?> Words { get; init; } = [];

    /// <summary>The caller put messages back in the outbox itself (held answers released): wake the sender after.</summary>
    public bool WakesSender { get; init; }
}

public enum ChangeOutcome
{
    Done,

    /// <summary>No such conversation.</summary>
    Missing,

    /// <summary>It kept changing under every attempt; nothing was written.</summary>
    Busy,
}

public sealed record ChangeResult(ChangeOutcome Outcome, Conversation? Before = null, Conversation? After = null, IReadOnlyList<Message>? Queued = null);

/// <summary>
/// The one way a conversation changes (a bot turn, a reply, a note, a claim, a transfer, a close, a label): read the
/// record with its version, let the caller decide, let the observers add their writes (the SLA's periods), and commit
/// record, note, outbox, audit and the caller's writes in one transaction on the conversation's slot, only if nobody
/// changed the record meanwhile; else decide again on the fresh record. After the commit: the unit indexes, the
/// observers' after-commit steps (a sweep repairs them if a crash loses them), the search's words and the sender's wake-up.
/// </summary>
public sealed partial class ConversationChanges(
    ConversationStore store, ConversationWords words, ConversationObservers observers, Outbox outbox, RedisConnections redis, RedisKeys keys, TimeProvider time,
    ILogger<ConversationChanges> logger)
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    public const int Attempts = 5;

    /// <param name="firstRead">The record's stored form as the caller just read it (<see cref="ConversationStore.GetRawAsync"/>), for the first attempt.</param>
    public async Task<ChangeResult> ApplyAsync(string id, Func<Conversation, DateTimeOffset, Task<ConversationChange>> decide, RedisValue? firstRead = null)
    {
        ArgumentNullException.ThrowIfNull(decide);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var (before, raw) = attempt == 0 && firstRead is { } read ? (ConversationStore.Parse(read), read) : await store.GetWithVersionAsync(id).ConfigureAwait(false);
            if (before is null)
            {
                return new ChangeResult(ChangeOutcome.Missing);
            }

            var now = time.GetUtcNow();
            var change = await decide(before, now).ConfigureAwait(false);
            var after = change.After ?? before;
            var observed = change.After is null ? [] : await observers.PrepareAsync(before, after, change.Context).ConfigureAwait(false);
            var tran = redis.ForTransactions().CreateTransaction();
            tran.AddCondition(Condition.StringEqual(keys.Conversation(id), raw));
            if (change.After is not null)
            {
                store.AddSave(tran, after);
                ConversationObservers.AddWrites(tran, observed);
            }

            if (change.Note is { } note)
            {
                store.AddAppend(tran, id, new Message
                {
                    Id = InboundStore.NewId(now),
                    Direction = MessageDirection.Internal,
                    Channel = before.Channel,
                    Author = MessageAuthor.Clerk,
                    AuthorId = change.Context.ByUserId,
                    Text = note,
                    CreatedAt = now,
                });
            }

            change.Before?.Invoke(tran);
            var queued = change.Send.Select(o => outbox.AddQueue(tran, after, o.Text, o.Author, o.AuthorId, o.Template, o.Id, o.Acts)).ToList();
            if (change.Audit is { } entry)
            {
                _ = tran.ListRightPushAsync(keys.ConversationAudit(id), System.Text.Json.JsonSerializer.Serialize(entry, Json));
            }

            change.With?.Invoke(tran);
            if (!await tran.ExecuteAsync().ConfigureAwait(false))
            {
                continue;
            }

            try
            {
                if (change.After is not null)
                {
                    await store.IndexAsync(before, after).ConfigureAwait(false);
                    await ConversationObservers.AfterCommitAsync(observed).ConfigureAwait(false);
                }

                await words.AfterChangeAsync(before, after, [.. change.Words, change.Note, .. change.Send.Where(s => s.Author == MessageAuthor.Clerk).Select(s => s.Text)], now)
                    .ConfigureAwait(false);

                if (queued.Count > 0 || change.WakesSender)
                {
                    await outbox.SignalAsync().ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // The change is stored: a caller told "failed" would do it again (an answer sent twice). The sender polls,
                // and the SLA sweep repairs what an observer did not finish.
                LogAfterCommitFailed(logger, id, ex.GetType().Name);
            }

            return new ChangeResult(ChangeOutcome.Done, before, after, queued);
        }

        return new ChangeResult(ChangeOutcome.Busy);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {ConversationId} changed, but a step after the commit failed with {Error}; repaired later")]
    private static partial void LogAfterCommitFailed(ILogger logger, string conversationId, string error);
}
