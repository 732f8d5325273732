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
}
