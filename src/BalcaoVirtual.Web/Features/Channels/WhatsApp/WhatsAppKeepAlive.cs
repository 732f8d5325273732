using BalcaoVirtual.Web.Features.Chatbot;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Sla;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Storage;
using BalcaoVirtual.Web.Resources;
using Hangfire;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Channels.WhatsApp;

/// <summary>
/// The optional keep-alive (<see cref="WhatsAppOptions.KeepAliveBefore"/>, off by default): a little before the
/// 24-hour window of a conversation still waiting for its unit closes, the citizen is told that the unit has the
/// message and until when it will answer. A reply from the citizen opens the window again, so the answer can then
/// arrive as free text. Every waiting WhatsApp conversation has its moment in a due list on its slot, written with the
/// change that made it wait; a recurring sweep sends what is due, once.
/// </summary>
public sealed partial class WhatsAppKeepAlive(
    RedisConnections redis,
    RedisKeys keys,
    ConversationStore conversations,
    Outbox outbox,
    WhatsAppWindowGuard window,
    UnitCatalog catalog,
    IOptions<WhatsAppOptions> options,
    TimeProvider time,
    ILogger<WhatsAppKeepAlive> logger) : IConversationObserver
{
    public const string JobId = "whatsapp-keep-alive";

    public async Task<ObservedChange?> PrepareAsync(Conversation before, Conversation after, ChangeContext context)
    {
        if (options.Value.KeepAliveBefore is not { } ahead || !WhatsAppWindowGuard.Guards(after))
        {
            return null;
        }

        var due = keys.KeepAliveDue(RedisKeys.BucketOf(after.Id));
        if (after.State != ConversationState.Waiting)
        {
            return before.State == ConversationState.Waiting ? new ObservedChange(tran => _ = tran.SortedSetRemoveAsync(due, after.Id), () => Task.CompletedTask) : null;
        }

        var last = await redis.GetDatabase().HashGetAsync(keys.Contact(RedisKeys.ContactOf(after.Id)), "lastInboundAt").ConfigureAwait(false);
        if (!last.TryParse(out long ms))
        {
            return null;
        }

        var at = DateTimeOffset.FromUnixTimeMilliseconds(ms) + WhatsAppWindow.Length - ahead;
        return new ObservedChange(tran => _ = tran.SortedSetAddAsync(due, after.Id, at.ToUnixTimeMilliseconds()), () => Task.CompletedTask);
    }

    public Task SentAsync(Conversation conversation, Message message) => Task.CompletedTask;

    /// <summary>Sends every keep-alive that is due; each at most once (whoever removes it from the due list sends it).</summary>
    [AutomaticRetry(Attempts = 0)]
    [Queue(SlaJobs.Queue)]
    public async Task<int> SweepAsync()
    {
        var now = time.GetUtcNow();
        var db = redis.GetDatabase();
        var sent = 0;
        foreach (var bucket in RedisKeys.Buckets)
        {
            var due = keys.KeepAliveDue(bucket);
            foreach (var id in await db.SortedSetRangeByScoreAsync(due, double.NegativeInfinity, now.ToUnixTimeMilliseconds()).ConfigureAwait(false))
            {
                if (!await db.SortedSetRemoveAsync(due, id).ConfigureAwait(false))
                {
                    continue; // another node took it
                }

                var conversation = await conversations.GetAsync(id!).ConfigureAwait(false);
                if (conversation is not { State: ConversationState.Waiting } || !await window.IsOpenAsync(conversation).ConfigureAwait(false))
                {
                    continue; // answered meanwhile, or too late for free text
                }

                var unit = conversation.UnitId is { } unitId ? catalog.Find(unitId) : null;
                var text = unit is not null && conversation.DueAt is { } dueAt
                    ? Texts.Format("WhatsAppKeepAlive", unit.Name, BotFormat.When(dueAt, unit.TimeZone))
                    : Texts.Format("WhatsAppKeepAliveNoDeadline", unit?.Name ?? "");
                await outbox.QueueAsync(conversation, text, MessageAuthor.System, null).ConfigureAwait(false);
                LogSent(logger, conversation.Id);
                sent++;
            }
        }

        return sent;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Keep-alive queued for conversation {ConversationId} before its WhatsApp window closes")]
    private static partial void LogSent(ILogger logger, string conversationId);
}
