using System.Security.Claims;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Inbox;

/// <summary>Someone of the unit with a conversation open, and whether they are typing an answer in it.</summary>
public sealed record Presence(string UserId, string Name, bool Typing);

/// <summary>
/// Who has a conversation open and who is typing in it, across nodes: a sorted set per conversation in the store, each
/// member ("view|user|name" or "typing|user|name") scored by when it lapses on the store's own clock (TIME), so no node's
/// clock is compared with another's. Pages say it again every <see cref="Heartbeat"/>; a member not said again lapses.
/// </summary>
public sealed class InboxPresence(RedisConnections redis, RedisKeys keys, ConversationStore conversations, InboxNotifier notifier)
{
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ViewLapse = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan TypingLapse = TimeSpan.FromSeconds(6);

    // KEYS: 1 the conversation's presence set. ARGV: 1 member to add ("" for none), 2 its lapse (ms), 3 member to
    // remove ("" for none). Lapsed members go; the set lives as long as its longest member. Returns the members left.
    private const string Script = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        if ARGV[3] ~= '' then redis.call('ZREM', KEYS[1], ARGV[3]) end
        if ARGV[1] ~= '' then
          redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
          redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
        end
        return redis.call('ZRANGE', KEYS[1], 0, -1)
        """;

    /// <summary>The conversation if <paramref name="user"/> may see it; null otherwise (or when it does not exist).</summary>
    public async Task<Conversation?> AllowedAsync(ClaimsPrincipal user, string conversationId) =>
        await conversations.GetAsync(conversationId).ConfigureAwait(false) is { } c && user.CanAccessUnit(c.UnitId) ? c : null;

    public Task ViewAsync(Conversation conversation, ClaimsPrincipal user) => ChangeAsync(conversation, Member("view", user), ViewLapse, null);

    public Task LeaveAsync(Conversation conversation, ClaimsPrincipal user) => ChangeAsync(conversation, null, TimeSpan.Zero, Member("view", user));

    public Task TypingAsync(Conversation conversation, ClaimsPrincipal user) => ChangeAsync(conversation, Member("typing", user), TypingLapse, null);

    /// <summary>Who is there now, one entry a person (typing if any of their pages types).</summary>
    public async Task<IReadOnlyList<Presence>> ReadAsync(string conversationId)
    {
        var members = await RunAsync(conversationId, null, TimeSpan.Zero, null).ConfigureAwait(false);
        return [.. members.Select(m => m.Split('|', 3)).Where(p => p.Length == 3)
            .GroupBy(p => p[1], StringComparer.Ordinal)
            .Select(g => new Presence(g.Key, g.First()[2], g.Any(p => p[0] == "typing")))
            .OrderBy(p => p.Name, StringComparer.CurrentCulture)];
    }

    private async Task ChangeAsync(Conversation conversation, string? add, TimeSpan lapse, string? remove)
    {
        await RunAsync(conversation.Id, add, lapse, remove).ConfigureAwait(false);
        if (conversation.UnitId is { } unit)
        {
            await notifier.PublishAsync(conversation.Id, [unit], InboxEvent.Presence).ConfigureAwait(false);
        }
    }

    private async Task<string[]> RunAsync(string conversationId, string? add, TimeSpan lapse, string? remove)
    {
        var result = await redis.GetDatabase().ScriptEvaluateAsync(Script, [keys.ConversationPresence(conversationId)],
            [add ?? "", (long)lapse.TotalMilliseconds, remove ?? ""]).ConfigureAwait(false);
        return [.. ((RedisValue[])result!).Select(v => v.ToString())];
    }

    private static string Member(string kind, ClaimsPrincipal user) => $"{kind}|{user.UserId()}|{user.FindFirstValue(ClaimTypes.Name) ?? ""}";
}
