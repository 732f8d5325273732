using System.Text.Json;
using System.Text.Json.Serialization;

namespace BalcaoVirtual.Web.Features.Conversations;

[JsonConverter(typeof(CamelCaseEnumConverter<ConversationState>))]
public enum ConversationState
{
    /// <summary>The chatbot is talking; no unit has it yet.</summary>
    Bot,

    /// <summary>Handed to a unit; its SLA clock runs.</summary>
    Waiting,

    Answered,

    Closed,
}

[JsonConverter(typeof(CamelCaseEnumConverter<Channel>))]
public enum Channel
{
    WhatsApp,
    Sms,
    Email,
}

[JsonConverter(typeof(CamelCaseEnumConverter<MessageDirection>))]
public enum MessageDirection
{
    Inbound,
    Outbound,

    /// <summary>Recorded in the thread for the unit only (a transfer, a note); never sent.</summary>
    Internal,
}

[JsonConverter(typeof(CamelCaseEnumConverter<MessageAuthor>))]
public enum MessageAuthor
{
    Citizen,
    Bot,
    Clerk,
    System,
}

/// <summary>One thread between a citizen's address and the court.</summary>
public sealed record Conversation
{
    public required string Id { get; init; }

    public string? UnitId { get; init; }

    public required Channel Channel { get; init; }

    /// <summary>The citizen's address exactly as the provider gave it (answers go back to it).</summary>
    public required string ContactAddress { get; init; }

    public string? ContactName { get; init; }

    /// <summary>The court's address the citizen wrote to (the number or mailbox answers are sent from).</summary>
    public string? ChannelAddress { get; init; }

    /// <summary>The provider account that received it (Twilio AccountSid), so answers leave through the same one.</summary>
    public string? ChannelAccount { get; init; }

    public ConversationState State { get; init; } = ConversationState.Bot;

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset LastActivityAt { get; init; }

    public DateTimeOffset? WaitingSince { get; init; }

    public DateTimeOffset? DueAt { get; init; }

    public string? AssigneeId { get; init; }

    public IReadOnlyList<string> ProcessNumbers { get; init; } = [];

    /// <summary>The unit's labels set on it (ids of <c>UnitLabels</c>); they belong to the unit and go with a transfer.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>When its personal data was removed (retention or an erasure request); its SLA figures stay.</summary>
    public DateTimeOffset? AnonymizedAt { get; init; }

    /// <summary>A thread of SLA alerts to a staff member's phone, not a citizen's: no inbox lists it.</summary>
    public bool Staff { get; init; }

    /// <summary>E-mail only: the subject of the citizen's first mail, which answers keep ("Re: …").</summary>
    public string? Subject { get; init; }

    /// <summary>Where the chatbot is with this citizen (null before its first turn).</summary>
    public Chatbot.BotSession? Bot { get; init; }

    /// <summary>How many messages the citizen sent in it (what a clerk has not seen yet is counted against it).</summary>
    public int CitizenMessages { get; init; }

    /// <summary>
    /// When the citizen wrote of paying by message (PIX, a boleto, a fee to release money, a lawyer asking for money),
    /// the first time each day, the latest <see cref="MaxPaymentWarnings"/>: the bot warned them, the unit's inbox shows
    /// the conversation as a possible fake-lawyer scam, and each month's report counts it.
    /// </summary>
    public IReadOnlyList<DateTimeOffset> PaymentWarnings { get; init; } = [];

    /// <summary>The latest of <see cref="PaymentWarnings"/> (what the inbox shows).</summary>
    public DateTimeOffset? PaymentWarningAt => PaymentWarnings.Count > 0 ? PaymentWarnings[^1] : null;

    public const int MaxPaymentWarnings = 60;

    /// <summary>This conversation flagged for a payment demand at <paramref name="now"/> (once per UTC day).</summary>
    public Conversation WarnedOfPayment(DateTimeOffset now) =>
        PaymentWarningAt is { } last && last.UtcDateTime.Date == now.UtcDateTime.Date
            ? this
            : this with { PaymentWarnings = [.. PaymentWarnings.TakeLast(MaxPaymentWarnings - 1), now] };

    /// <summary>
    /// When a clerk's answer last went to the citizen since the conversation last came to the unit (cleared when the bot
    /// starts with the citizen again): a close after it asks the citizen how it went; a close without it does not.
    /// </summary>
    public DateTimeOffset? ClerkAnsweredAt { get; init; }

    /// <summary>The citizen asked for no satisfaction surveys (on this number or address).</summary>
    public bool NoSurvey { get; init; }

    /// <summary>The satisfaction surveys asked after the unit closed it (the latest <see cref="MaxSurveys"/>), with their answers.</summary>
    public IReadOnlyList<SatisfactionSurvey> Surveys { get; init; } = [];

    public const int MaxSurveys = 24;

    /// <summary>How long after a survey its rating is taken as one; later, a number is a new conversation's menu choice.</summary>
    public static readonly TimeSpan SurveyOpenFor = TimeSpan.FromDays(3);

    /// <summary>How long after a rating without a comment the next message is taken as its comment.</summary>
    public static readonly TimeSpan SurveyCommentFor = TimeSpan.FromHours(1);

    /// <summary>The survey a rating answers now: the latest, unanswered, asked within <see cref="SurveyOpenFor"/>, the conversation still closed.</summary>
    public SatisfactionSurvey? OpenSurvey(DateTimeOffset now) =>
        State == ConversationState.Closed && Surveys.Count > 0 && Surveys[^1] is { Score: null } last && now - last.AskedAt <= SurveyOpenFor ? last : null;

    /// <summary>The survey the next message comments on: rated within <see cref="SurveyCommentFor"/>, without a comment, the conversation still closed.</summary>
    public SatisfactionSurvey? SurveyAwaitingComment(DateTimeOffset now) =>
        State == ConversationState.Closed && Surveys.Count > 0 && Surveys[^1] is { Score: not null, Comment: null, AnsweredAt: { } rated } last
            && now - rated <= SurveyCommentFor ? last : null;

    /// <summary>This conversation with its latest survey replaced by <paramref name="survey"/>.</summary>
    public Conversation WithLatestSurvey(SatisfactionSurvey survey) => this with { Surveys = [.. Surveys.SkipLast(1), survey] };

    /// <summary>This conversation with a new survey asked at <paramref name="now"/> for <paramref name="unitId"/>.</summary>
    public Conversation AskedSurvey(string unitId, string? closedBy, DateTimeOffset now) =>
        this with { Surveys = [.. Surveys.TakeLast(MaxSurveys - 1), new SatisfactionSurvey(unitId, now, closedBy)] };

    /// <summary>This conversation with these case numbers among those it mentions.</summary>
    public Conversation Mentioning(IEnumerable<string> numbers) => this with { ProcessNumbers = [.. ProcessNumbers.Concat(numbers).Distinct()] };
}

/// <summary>
/// One satisfaction survey: asked when a clerk of <paramref name="UnitId"/> closed the conversation after answering,
/// and the citizen's rating (1 to 5) and comment, if any.
/// </summary>
public sealed record SatisfactionSurvey(string UnitId, DateTimeOffset AskedAt, string? ClosedBy = null)
{
    public int? Score { get; init; }

    public string? Comment { get; init; }

    public DateTimeOffset? AnsweredAt { get; init; }

    public const int MaxComment = 1000;
}

public sealed record Message
{
    public required string Id { get; init; }

    public required MessageDirection Direction { get; init; }

    public required Channel Channel { get; init; }

    public required MessageAuthor Author { get; init; }

    public string? AuthorId { get; init; }

    public required string Text { get; init; }

    public IReadOnlyList<string> MediaUrls { get; init; } = [];

    /// <summary>The content type of each media reference, in the same order ("audio/ogg", "application/pdf", …).</summary>
    public IReadOnlyList<string> MediaTypes { get; init; } = [];

    public string? ProviderId { get; init; }

    public string? Status { get; init; }

    public string? ErrorCode { get; init; }

    public DateTimeOffset? StatusAt { get; init; }

    /// <summary>When the provider first accepted it (outbound only); the SLA counts a clerk's answer from here.</summary>
    public DateTimeOffset? SentAt { get; init; }

    /// <summary>Send attempts so far (outbound only).</summary>
    public int Attempts { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>E-mail only: the mail's Message-ID (without angle brackets), which threads replies.</summary>
    public string? MailId { get; init; }

    /// <summary>E-mail only: the sender's address, when it is not the conversation's (a reply from another mailbox).</summary>
    public string? From { get; init; }

    /// <summary>
    /// E-mail only: the Reply-To the sender gave, when it is not the sender. Answers go there; the sender, and so the
    /// conversation a mail joins, is From alone (a Reply-To naming someone else must not speak as them).
    /// </summary>
    public string? ReplyTo { get; init; }

    /// <summary>E-mail only: the quoted history under the new text ("Em … escreveu:", "&gt; …"), kept apart.</summary>
    public string? Quoted { get; init; }

    /// <summary>WhatsApp only: sent as this approved template instead of free text (outside the 24-hour window).</summary>
    public MessageTemplate? Template { get; init; }

    /// <summary>Sent by a machine (an out-of-office reply, a list): shown to the unit, never answered automatically.</summary>
    public bool Automatic { get; init; }

    /// <summary>The chatbot's reply only: what the bot did in that turn ("menu", "status", "handoff …"), for the clerk's summary.</summary>
    public IReadOnlyList<string> BotActs { get; init; } = [];
}

/// <summary>Enums travel as camelCase strings ("waiting", "whatsApp") in the API and in the store.</summary>
public sealed class CamelCaseEnumConverter<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.CamelCase)
    where T : struct, Enum;
