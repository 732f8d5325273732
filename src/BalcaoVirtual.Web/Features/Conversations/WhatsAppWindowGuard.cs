using System.Text.Json;
using BalcaoVirtual.Web.Features.Channels.WhatsApp;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Storage;
using BalcaoVirtual.Web.Resources;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Conversations;

/// <summary>
/// Keeps late WhatsApp answers from being lost (protocols.md §5). An answer that would leave outside the citizen's
/// 24-hour window, or that the provider refuses later for that reason (Twilio 63016, Meta 131047), is held; the
/// citizen gets the approved "an answer is waiting" template once; when the citizen writes, every held answer goes
/// at once, in order, ahead of anything else.
/// </summary>
public sealed partial class WhatsAppWindowGuard(
    RedisConnections redis,
    RedisKeys keys,
    ConversationStore conversations,
    Outbox outbox,
    UnitCatalog catalog,
    IOptions<WhatsAppOptions> options,
    TimeProvider time,
    ILogger<WhatsAppWindowGuard> logger)
{
    /// <summary>The status of an answer held until the citizen writes ("pending, template sent").</summary>
    public const string Held = "held";

    /// <summary>The template kind that tells the citizen an answer is waiting.</summary>
    public const string AnswerWaiting = "answerWaiting";

    /// <summary>How long one template covers the held answers before another may be sent.</summary>
    public static readonly TimeSpan TemplateCovers = TimeSpan.FromHours(24);

    private IDatabase Db => redis.GetDatabase();

    /// <summary>
    /// Whether the window rules hold answers of this conversation: a citizen's WhatsApp conversation. Staff alerts are not
    /// held (no citizen will write back to release them); they need the staff member's own recent message, or SMS.
    /// </summary>
    public static bool Guards(Conversation conversation) =>
        conversation.Channel == Channel.WhatsApp && !conversation.Staff && !conversation.Id.Contains("-staff", StringComparison.Ordinal);

    /// <summary>Whether free text reaches this conversation's citizen now (their last message less than 24 h ago).</summary>
    /// <summary>
    /// How a message the court starts (an alert, a reminder) may go now: as text inside WhatsApp's window or off WhatsApp
    /// (no template), as the court's approved template of <paramref name="kind"/> outside it, or not at all when the
    /// court has none (<c>Allowed</c> false; the caller says so in its log).
    /// </summary>
    public async Task<(bool Allowed, MessageTemplate? Template)> CourtFirstAsync(
        Conversation conversation, string kind, string? unitId, string? courtId, Func<Dictionary<string, string>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!Guards(conversation) || await IsOpenAsync(conversation).ConfigureAwait(false))
        {
            return (true, null);
        }

        return options.Value.TemplateOf(kind, unitId, courtId) is null ? (false, null) : (true, new MessageTemplate(kind, values()));
    }

    public async Task<bool> IsOpenAsync(Conversation conversation) => IsOpen(await LastInboundAsync(conversation.Id).ConfigureAwait(false));

    /// <summary>When the citizen of a conversation last wrote, as stored (for a caller that reads it with other things).</summary>
    public Task<RedisValue> LastInboundAsync(string conversationId) => Db.HashGetAsync(keys.Contact(RedisKeys.ContactOf(conversationId)), "lastInboundAt");

    /// <summary>Whether free text reaches the citizen, given <see cref="LastInboundAsync"/>.</summary>
    public bool IsOpen(RedisValue lastInbound) =>
        lastInbound.TryParse(out long ms) && DateTimeOffset.FromUnixTimeMilliseconds(ms) + WhatsAppWindow.Length > time.GetUtcNow();

    /// <summary>
    /// Holds an answer until the citizen writes, and sends the template unless one already covers this conversation.
    /// Returns the message as held, or null when it was held already (a duplicated refusal).
    /// </summary>
    public async Task<Message?> HoldAsync(Conversation conversation, Message message, string? refusalCode)
    {
        var now = time.GetUtcNow();
        var changed = false;
        var held = await conversations.UpdateMessageAsync(conversation.Id, message.Id, m =>
        {
            if (m.Status == Held)
            {
                return null;
            }

            changed = true;
            return m with { Status = Held, StatusAt = now, ErrorCode = refusalCode };
        }).ConfigureAwait(false);
        if (!changed || held is null)
        {
            return null;
        }

        await Db.ListRightPushAsync(keys.HeldMessages(conversation.Id), message.Id).ConfigureAwait(false);
        var unit = conversation.UnitId is { } id ? catalog.Find(id) : null;
        var court = unit?.Court ?? (catalog.Courts.Count > 0 ? catalog.Courts[0] : null);
        if (options.Value.AnswerWaitingOf(unit?.Id, court?.Id) is null)
        {
            LogNoTemplate(logger, conversation.Id, message.Id);
            return held;
        }

        if (await Db.StringSetAsync(keys.WindowTemplateSent(conversation.Id), message.Id, TemplateCovers, When.NotExists).ConfigureAwait(false))
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["unit"] = unit?.Name ?? court?.Name ?? "",
                ["court"] = court?.Name ?? "",
            };
            await outbox.QueueAsync(conversation, Texts.Format("WhatsAppAnswerWaiting", values["unit"]), MessageAuthor.System, null,
                new MessageTemplate(AnswerWaiting, values)).ConfigureAwait(false);
            LogTemplateQueued(logger, conversation.Id, message.Id);
        }

        return held;
    }

    /// <summary>The held answers of a conversation, oldest first, to release when the citizen writes.</summary>
    public async Task<IReadOnlyList<Message>> HeldAsync(string conversationId)
    {
        var ids = await Db.ListRangeAsync(keys.HeldMessages(conversationId)).ConfigureAwait(false);
        var held = new List<Message>();
        foreach (var id in ids)
        {
            if (await conversations.GetMessageAsync(conversationId, id!).ConfigureAwait(false) is { Status: Held } message)
            {
                held.Add(message);
            }
        }

        return held;
    }

    /// <summary>
    /// Adds the release of <paramref name="held"/> to a transaction on the conversation's slot: each goes back to the
    /// outbox, in order, and the template may be sent again next time. Holds only if no answer was held meanwhile.
    /// </summary>
    public void AddRelease(ITransaction tran, Conversation conversation, IReadOnlyList<Message> held, long heldCount)
    {
        tran.AddCondition(Condition.ListLengthEqual(keys.HeldMessages(conversation.Id), heldCount));
        var now = time.GetUtcNow();
        foreach (var message in held)
        {
            outbox.AddRequeue(tran, conversation, message with { Status = Outbox.Pending, StatusAt = now });
        }

        _ = tran.KeyDeleteAsync(keys.HeldMessages(conversation.Id));
        _ = tran.KeyDeleteAsync(keys.WindowTemplateSent(conversation.Id));
    }

    public Task<long> HeldCountAsync(string conversationId) => Db.ListLengthAsync(keys.HeldMessages(conversationId));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answer {MessageId} of conversation {ConversationId} is outside WhatsApp's window and no 'answer waiting' template is configured (WhatsApp:AnswerWaiting): it waits until the citizen writes")]
    private static partial void LogNoTemplate(ILogger logger, string conversationId, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Answer {MessageId} of conversation {ConversationId} held outside WhatsApp's window; the 'answer waiting' template is queued")]
    private static partial void LogTemplateQueued(ILogger logger, string conversationId, string messageId);
}

/// <summary>An approved template to send instead of free text: its kind and its named values ("unit", "court").</summary>
public sealed record MessageTemplate(string Kind, IReadOnlyDictionary<string, string> Values);
