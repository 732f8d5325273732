using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Conversations;

/// <summary>Who changed a conversation and why (a transfer's reason), for those who record it.</summary>
public sealed record ChangeContext(string? ByUserId = null, string? Reason = null)
{
    public static readonly ChangeContext None = new();
}

/// <summary>
/// What an observer adds to a conversation change: writes that commit in the same transaction (on the conversation's
/// slot, with conditions of their own), and work for after the commit that a sweep repairs if it is lost in a crash.
/// </summary>
public sealed record ObservedChange(Action<ITransaction> AddWrites, Func<Task> AfterCommitAsync);

/// <summary>Something that must change together with a conversation (the SLA's waiting periods).</summary>
public interface IConversationObserver
{
    /// <summary>Reads what it needs and says what to write with the change from <paramref name="before"/> to <paramref name="after"/>; null: nothing.</summary>
    Task<ObservedChange?> PrepareAsync(Conversation before, Conversation after, ChangeContext context);

    /// <summary>An outbound message was accepted by the provider for the first time.</summary>
    Task SentAsync(Conversation conversation, Message message);

    /// <summary>A message's delivery status moved (delivered, read, failed, bounced).</summary>
    Task StatusChangedAsync(Conversation conversation, Message message) => Task.CompletedTask;
}

/// <summary>Runs every registered observer for one change.</summary>
public sealed class ConversationObservers(IEnumerable<IConversationObserver> observers)
{
    private readonly IConversationObserver[] all = [.. observers];

    public async Task<IReadOnlyList<ObservedChange>> PrepareAsync(Conversation before, Conversation after, ChangeContext context)
    {
        var changes = new List<ObservedChange>();
        foreach (var observer in all)
        {
            if (await observer.PrepareAsync(before, after, context).ConfigureAwait(false) is { } change)
            {
                changes.Add(change);
            }
        }

        return changes;
    }

    public static void AddWrites(ITransaction tran, IReadOnlyList<ObservedChange> changes)
    {
        foreach (var change in changes)
        {
            change.AddWrites(tran);
        }
    }

    public static async Task AfterCommitAsync(IReadOnlyList<ObservedChange> changes)
    {
        foreach (var change in changes)
        {
            await change.AfterCommitAsync().ConfigureAwait(false);
        }
    }

    public async Task SentAsync(Conversation conversation, Message message)
    {
        foreach (var observer in all)
        {
            await observer.SentAsync(conversation, message).ConfigureAwait(false);
        }
    }

    public async Task StatusChangedAsync(Conversation conversation, Message message)
    {
        foreach (var observer in all)
        {
            await observer.StatusChangedAsync(conversation, message).ConfigureAwait(false);
        }
    }
}

/// <summary>
/// A provider's (or a bounce's) word on a message: the message changes (<paramref name="change"/> returns null to leave
/// it), and when it did, the observers hear of it (the inbox redraws its delivery marks at once).
/// </summary>
public sealed class MessageStatuses(ConversationStore store, ConversationObservers observers)
{
    /// <summary>The message as stored after; null when there is no such message.</summary>
    public async Task<Message?> ApplyAsync(string conversationId, string messageId, Func<Message, Message?> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var changed = false;
        var after = await store.UpdateMessageAsync(conversationId, messageId, m =>
        {
            var updated = change(m);
            changed = updated is not null;
            return updated;
        }).ConfigureAwait(false);
        if (changed && after is not null && await store.GetAsync(conversationId).ConfigureAwait(false) is { } conversation)
        {
            await observers.StatusChangedAsync(conversation, after).ConfigureAwait(false);
        }

        return after;
    }
}
