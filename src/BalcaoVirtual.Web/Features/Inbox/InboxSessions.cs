using System.Collections.Concurrent;
using System.Security.Claims;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Inbox;

/// <summary>
/// The live connections of this node and the session each was opened with. When a user's record or sessions change
/// (a sign-out, a new password, a disabled account, units given or taken: <see cref="RedisKeys.UserChanged"/>, heard
/// on every node) and once a minute (a session that simply expired), each of their connections is checked again:
/// closed when its session has ended, moved to the groups of the units the user may see now otherwise.
/// </summary>
internal sealed partial class InboxSessions(
    RedisConnections redis,
    RedisKeys keys,
    SignInService signIn,
    UnitCatalog catalog,
    IHubContext<InboxHub> hub,
    TimeProvider time,
    ILogger<InboxSessions> logger) : BackgroundService
{
    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Live> connections = new(StringComparer.Ordinal);

    // One check at a time: the sweep and a published change may come together, and a connection's groups are a set.
    private readonly SemaphoreSlim checking = new(1, 1);

    /// <summary>The units a user may see, as the hub's groups name them.</summary>
    public IReadOnlyCollection<string> Groups(ClaimsPrincipal user) => [.. UnitAccess.Scope(user, catalog, null).Units.Select(InboxHub.Group)];

    public void Track(HubCallerContext context, string token, IReadOnlyCollection<string> groups) =>
        connections[context.ConnectionId] = new Live(context, token, context.UserIdentifier ?? context.User?.UserId() ?? "", [.. groups]);

    public void Forget(string connectionId) => connections.TryRemove(connectionId, out _);

    /// <summary>Checks again every connection of <paramref name="userId"/> (every connection when null).</summary>
    public async Task RevalidateAsync(string? userId)
    {
        await checking.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (var live in connections.Values.Where(c => userId is null || c.UserId == userId))
            {
                await CheckAsync(live).ConfigureAwait(false);
            }
        }
        finally
        {
            checking.Release();
        }
    }

    private async Task CheckAsync(Live live)
    {
        var user = await signIn.ValidateTokenAsync(live.Token).ConfigureAwait(false);
        if (user is null)
        {
            Forget(live.Context.ConnectionId);
            live.Context.Abort();
            LogClosed(logger, live.Context.ConnectionId, live.UserId);
            return;
        }

        var now = Groups(new ClaimsPrincipal(new ClaimsIdentity(UserClaims.From(user), BearerTokenHandler.SchemeName)));
        foreach (var gone in live.Groups.Except(now).ToList())
        {
            await hub.Groups.RemoveFromGroupAsync(live.Context.ConnectionId, gone).ConfigureAwait(false);
            live.Groups.Remove(gone);
        }

        foreach (var added in now.Except(live.Groups).ToList())
        {
            await hub.Groups.AddToGroupAsync(live.Context.ConnectionId, added).ConfigureAwait(false);
            live.Groups.Add(added);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ChannelMessageQueue? queue = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (queue is null)
                {
                    queue = await redis.GetSubscriber().SubscribeAsync(keys.UserChanged()).ConfigureAwait(false);
                    queue.OnMessage(message => CheckQuietlyAsync(message.Message.ToString()));
                }

                await Task.Delay(SweepEvery, time, stoppingToken).ConfigureAwait(false);
                await RevalidateAsync(null).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException) // a timeout is no RedisException
            {
                LogUnavailable(logger, ex.GetType().Name); // the next sweep (or subscription) tries again
            }
        }
    }

    private async Task CheckQuietlyAsync(string userId)
    {
        try
        {
            await RevalidateAsync(userId).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogUnavailable(logger, ex.GetType().Name); // the sweep tries again within a minute
        }
    }

    private sealed record Live(HubCallerContext Context, string Token, string UserId, HashSet<string> Groups);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live connection {ConnectionId} of user {UserId} closed: its session ended")]
    private static partial void LogClosed(ILogger logger, string connectionId, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "User changes unavailable to the live channel ({Error}); sessions are checked again each minute")]
    private static partial void LogUnavailable(ILogger logger, string error);
}
