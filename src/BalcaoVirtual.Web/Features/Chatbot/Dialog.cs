using BalcaoVirtual.Web.Features.Channels.Email;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Resources;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Chatbot;

/// <summary>
/// The chatbot as the inbound processor sees it: chat messages go through <see cref="ChatFlow"/> with the privacy
/// notice the contact has not had yet; e-mail goes to its unit at once with one acknowledgement.
/// </summary>
internal sealed partial class Dialog(
    IOptions<ChatbotOptions> options,
    UnitCatalog catalog,
    UnitResolver resolver,
    ChatFlow flow,
    Sla.SlaClock sla,
    MailAutoReplies mailAutoReplies,
    Privacy.PrivacyNotices notices,
    TimeProvider time) : IInboundHandler
{
    /// <summary>Twilio's limit for one message body; a turn's texts are joined into as few messages as fit.</summary>
    public const int MaxMessageLength = 1600;

    public async Task<InboundOutcome> HandleAsync(Conversation conversation, Message message, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var activity = message.CreatedAt > conversation.LastActivityAt ? message.CreatedAt : conversation.LastActivityAt;
        if (message.Automatic)
        {
            // An out-of-office or a list mail in a known thread: the unit sees it; it changes nothing and gets no answer.
            return new InboundOutcome(conversation with { LastActivityAt = activity }, []);
        }

        if (message.Channel == Channel.Email)
        {
            // A mail's text opens with its subject ("Re: Certidão"), then the letter.
            var letter = message.Text.TrimStart();
            if (IsReplySubject(FirstLine(letter), conversation.Subject))
            {
                letter = letter[FirstLine(letter).Length..].TrimStart();
            }

            var first = FirstLine(letter);
            var said = string.Join("\n", new[] { SurveyRating.TryRead(first, out var score, out var comment) ? comment : null, letter[first.Length..].Trim() }
                .Where(t => !string.IsNullOrEmpty(t)));
            if (conversation.OpenSurvey(now) is { } open && score > 0 && message.MediaUrls.Count == 0
                && (said.Length == 0 || !ChatFlow.IsRequest(IntentReader.Read(said))))
            {
                // A reply to the closing letter with a rating: the rest of the letter is the comment; no automatic answer.
                // A letter that asks something, or brings files, is a new conversation with the unit.
                return new InboundOutcome(
                    conversation.WithLatestSurvey(open with { Score = score, Comment = said.Length > 0 ? SurveyRating.Cut(said) : null, AnsweredAt = now })
                        with { LastActivityAt = activity },
                    [], Acts: [new BotAct(BotActKind.SurveyAnswer).ToString()]);
            }

            if (IntentReader.Read(message.Text).DeclinesSurveys)
            {
                conversation = conversation with { NoSurvey = true };
            }

            return conversation.State is ConversationState.Waiting or ConversationState.Answered
                ? await ChatAsync(conversation, message, now, null, cancellationToken).ConfigureAwait(false) // the unit's thread
                : await MailTurnAsync(conversation with { State = ConversationState.Bot, Bot = null, WaitingSince = null, DueAt = null, ClerkAnsweredAt = null }, message, now, activity)
                    .ConfigureAwait(false);
        }

        var starts = conversation.State == ConversationState.Closed || (conversation.State == ConversationState.Bot && conversation.Bot is null);
        var notice = starts ? await NoticeAsync(conversation).ConfigureAwait(false) : null;
        return await ChatAsync(conversation, message, now, notice, cancellationToken).ConfigureAwait(false);
    }

    private async Task<InboundOutcome> ChatAsync(Conversation conversation, Message message, DateTimeOffset now, Privacy.NoticeText? notice,
        CancellationToken cancellationToken)
    {
        var outcome = await flow.HandleAsync(conversation, message, now, notice, cancellationToken).ConfigureAwait(false);
        // The notice counts as given only when this turn said it (a rating or "não quero pesquisa" answers without it).
        var given = notice is not null && outcome.Replies.Contains(notice.Brief) ? notice.Version : null;
        return new InboundOutcome(outcome.Conversation, Pack(outcome.Replies), given, [.. outcome.Acts.Select(a => a.ToString())]);
    }

    /// <summary>
    /// A new e-mail conversation (or a closed one written to again) goes to its unit's clerks at once: the mailbox's
    /// unit, or for the court's central mailbox the unit its case number or town names. The chatbot's menus are made for
    /// chat, not for letters: the citizen gets one acknowledgement with the unit, the deadline, where the letter stands in
    /// the unit's queue and the privacy notice, or, when no unit can be told, a request for the case number or the town.
    /// Both are limited per sender and day.
    /// </summary>
    private async Task<InboundOutcome> MailTurnAsync(Conversation conversation, Message message, DateTimeOffset now, DateTimeOffset activity)
    {
        var (reading, named) = IntentReader.Read(message.Text, resolver);
        if (reading.MentionsPayment)
        {
            conversation = conversation.WarnedOfPayment(now); // the fake-lawyer scam's demand, flagged for the unit
        }

        var unit = conversation.UnitId is { } id ? catalog.Find(id) : named.Unit;
        var contact = Infrastructure.Storage.RedisKeys.ContactOf(conversation.Id);
        if (unit is null)
        {
            var ask = await mailAutoReplies.TryTakeAsync(contact).ConfigureAwait(false);
            return new InboundOutcome(
                conversation with { LastActivityAt = activity }, ask ? [Texts.Format("MailWhichUnit", ChatFlow.ExampleNumber)] : [], Acts: [new BotAct(BotActKind.AskUnit).ToString()]);
        }

        var due = sla.DueAt(unit, now);
        var updated = conversation.Mentioning(reading.ValidNumbers) with
        {
            UnitId = unit.Id,
            State = ConversationState.Waiting,
            WaitingSince = now,
            DueAt = due,
            LastActivityAt = activity,
        };
        if (!await mailAutoReplies.TryTakeAsync(contact).ConfigureAwait(false))
        {
            return new InboundOutcome(updated, []);
        }

        var deadline = (due is { } at
            ? Texts.Format("MailDeadline", BotFormat.When(sla.Promised(unit, at), unit.TimeZone))
            : Texts.Get("MailNoDeadline")) + " " + await flow.StandingAsync(unit, updated, now).ConfigureAwait(false);
        var notice = await notices.PendingAsync(contact, unit.Court.Id).ConfigureAwait(false);
        var ack = Texts.Format("MailAcknowledgement", unit.Name, deadline, options.Value.PjeUrl!.OriginalString)
            + (reading.MentionsPayment ? "\n\n" + flow.PaymentWarning : "");
        return new InboundOutcome(updated, [notice is null ? ack : ack + "\n\n" + notice.Text], notice?.Version, [new BotAct(BotActKind.HandOff, unit.Id).ToString()]);
    }

    /// <summary>
    /// The privacy notice this contact has not had yet: the court's of the unit; before the unit is known (a central
    /// number), the court's when the catalogue has one court, else the default one.
    /// </summary>
    private Task<Privacy.NoticeText?> NoticeAsync(Conversation conversation) =>
        notices.PendingAsync(Infrastructure.Storage.RedisKeys.ContactOf(conversation.Id),
            (conversation.UnitId is { } unitId ? catalog.Find(unitId)?.Court.Id : null) ?? (catalog.Courts.Count == 1 ? catalog.Courts[0].Id : null));

    /// <summary>A reply's subject line: "Re:", "RES:", "Resp:" or "Fwd:" before anything, or the thread's own subject.</summary>
    private static bool IsReplySubject(string line, string? subject)
    {
        var trimmed = line.Trim();
        return ReplyPrefix().IsMatch(trimmed) || (subject is { Length: > 0 } && trimmed.Equals(subject.Trim(), StringComparison.OrdinalIgnoreCase));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:re|res|resp|fw|fwd|enc)\s*:", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex ReplyPrefix();

    private static string FirstLine(string text) => text.IndexOf('\n', StringComparison.Ordinal) is var end and >= 0 ? text[..end] : text;

    /// <summary>Joins a turn's texts with blank lines into as few messages as fit the provider's limit, in order.</summary>
    internal static IReadOnlyList<string> Pack(IReadOnlyList<string> texts)
    {
        var messages = new List<string>();
        var current = "";
        foreach (var text in texts)
        {
            if (current.Length > 0 && current.Length + 2 + text.Length > MaxMessageLength)
            {
                messages.Add(current);
                current = "";
            }

            current = current.Length == 0 ? text : current + "\n\n" + text;
        }

        if (current.Length > 0)
        {
            messages.Add(current);
        }

        return messages;
    }
}
