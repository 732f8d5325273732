using System.Text.Json;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Inbox;

/// <summary>
/// The inbox's live channel: a signed-in browser joins one group per unit it may see and hears "changed" with a
/// conversation id whenever one of them changes (a message, a reply, a status, an action). It carries ids only: the
/// page then reads the conversation through the API, which authorizes as always.
/// </summary>
[Authorize]
internal sealed class InboxHub(InboxSessions sessions, InboxPresence presence) : Hub
{
    public const string Path = "/hubs/inbox";

    private const string Watched = "watched";

    public static string Group(string unitId) => "unit:" + unitId;

    /// <summary>
    /// The conversation this page has open (null: none), said again every <see cref="InboxPresence.Heartbeat"/>; the
    /// unit's other pages hear who is viewing it. Only a conversation the user may see.
    /// </summary>
    public async Task Watch(string? conversationId)
    {
        if (Context.Items.TryGetValue(Watched, out var before) && before is Conversation old && old.Id != conversationId)
        {
            await presence.LeaveAsync(old, Context.User!).ConfigureAwait(false);
            Context.Items.Remove(Watched);
        }

        // A conversation the user may not see is not watched (and says nothing: the page shows its own refusal).
        if (conversationId is not null && await presence.AllowedAsync(Context.User!, conversationId).ConfigureAwait(false) is { } conversation)
        {
            Context.Items[Watched] = conversation;
            await presence.ViewAsync(conversation, Context.User!).ConfigureAwait(false);
        }
    }

    /// <summary>The clerk is typing an answer in the conversation this page has open.</summary>
    public async Task Typing(string conversationId)
    {
        if (Context.Items.TryGetValue(Watched, out var open) && open is Conversation conversation && conversation.Id == conversationId)
        {
            await presence.TypingAsync(conversation, Context.User!).ConfigureAwait(false);
        }
    }

    public override async Task OnConnectedAsync()
    {
        var groups = sessions.Groups(Context.User!);
        foreach (var group in groups)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, group).ConfigureAwait(false);
        }

        // The session it was opened with, to close it when that session ends (sign-out, new password, disabled).
        var request = Context.GetHttpContext()!.Request;
        var token = BearerTokenHandler.TokenFrom(request.Headers.Authorization) ?? request.Cookies[SessionCookie.Name] ?? "";
        sessions.Track(Context, token, groups);
        await base.OnConnectedAsync().ConfigureAwait(false);
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        sessions.Forget(Context.ConnectionId);
        if (Context.Items.TryGetValue(Watched, out var open) && open is Conversation conversation)
        {
            await presence.LeaveAsync(conversation, Context.User!).ConfigureAwait(false);
        }

        await base.OnDisconnectedAsync(exception).ConfigureAwait(false);
    }
}

/// <summary>
/// A change worth showing: which conversation, the units whose inboxes list it, and what changed: the conversation
/// ("changed", the page reads it again), only who is viewing or typing in it ("presence"), or only a delivery mark ("status").
/// </summary>
public sealed record InboxEvent(string ConversationId, IReadOnlyList<string> UnitIds, string Kind = InboxEvent.Changed)
{
    public const string Changed = "changed";
    public const string Presence = "presence";

    /// <summary>Only a message's delivery status moved: the open thread redraws its marks; the list stays as it is.</summary>
    public const string Status = "status";
}

/// <summary>
/// Publishes conversation changes on the store's pub/sub after they commit, so that every node (each with its own
/// browsers) hears them; <see cref="InboxRelay"/> passes them on to the browsers of its node.
/// </summary>
public sealed class InboxNotifier(RedisConnections redis, RedisKeys keys) : IConversationObserver
{
    public Task<ObservedChange?> PrepareAsync(Conversation before, Conversation after, ChangeContext context)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var units = new[] { before.UnitId, after.UnitId }.OfType<string>().Distinct().ToList();
        return Task.FromResult<ObservedChange?>(units.Count == 0 ? null : new ObservedChange(_ => { }, () => PublishAsync(after.Id, units)));
    }

    public Task SentAsync(Conversation conversation, Message message)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return conversation.UnitId is { } unit ? PublishAsync(conversation.Id, [unit]) : Task.CompletedTask;
    }

    public Task StatusChangedAsync(Conversation conversation, Message message)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return conversation.UnitId is { } unit ? PublishAsync(conversation.Id, [unit], InboxEvent.Status) : Task.CompletedTask;
    }

    /// <summary>Not waited for: a browser that misses one event redraws on the next, and on reconnecting.</summary>
    public Task PublishAsync(string conversationId, IReadOnlyList<string> units, string kind = InboxEvent.Changed) =>
        redis.GetSubscriber().PublishAsync(keys.InboxEvents(), JsonSerializer.Serialize(new InboxEvent(conversationId, units, kind)), CommandFlags.FireAndForget);
}

/// <summary>Passes the store's inbox events to the browsers connected to this node.</summary>
internal sealed partial class InboxRelay(RedisConnections redis, RedisKeys keys, IHubContext<InboxHub> hub, ILogger<InboxRelay> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ChannelMessageQueue? queue = null;
        try
        {
            queue = await redis.GetSubscriber().SubscribeAsync(keys.InboxEvents()).ConfigureAwait(false);
            await foreach (var message in queue.WithCancellation(stoppingToken).ConfigureAwait(false))
            {
                var e = JsonSerializer.Deserialize<InboxEvent>(message.Message.ToString());
                if (e is not null)
                {
                    await hub.Clients.Groups(e.UnitIds.Select(InboxHub.Group).ToList()).SendAsync(e.Kind is InboxEvent.Presence or InboxEvent.Status ? e.Kind : InboxEvent.Changed, e.ConversationId, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogUnavailable(logger, ex.GetType().Name); // pages still refresh on their own every 30 s
        }
        finally
        {
            if (queue is not null)
            {
                await queue.UnsubscribeAsync().ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbox live events unavailable ({Error}); pages fall back to refreshing")]
    private static partial void LogUnavailable(ILogger logger, string error);
}
