using BalcaoVirtual.Web.Features.Appointments;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Court.DataJud;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Resources;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Chatbot;

/// <summary>What a chat message changed: the conversation, the replies (one paragraph each) and what the bot did.</summary>
public sealed record ChatOutcome(Conversation Conversation, IReadOnlyList<string> Replies, IReadOnlyList<BotAct> Acts);

/// <summary>
/// The chatbot on chat channels (WhatsApp, SMS), one turn per message, without a store: the caller reads the state and
/// the pending privacy notice and writes the outcome. What it does in each step is the table <see cref="Transitions"/>.
/// While a unit has the conversation the bot is silent, except to say once a day that a document sent here is not a
/// filing; a closed conversation that gets a new message starts with the bot again.
/// </summary>
public sealed partial class ChatFlow(
    IOptions<ChatbotOptions> options,
    UnitCatalog catalog,
    UnitResolver resolver,
    UnitHours hours,
    Sla.SlaClock sla,
    ICaseStatusLookup cases,
    OfficialChannels official,
    Sla.IWaitLookup waits,
    CaseAlerts.ICaseFollows follows,
    IAppointments appointments)
{
    /// <summary>How many free slots one message lists (a WhatsApp list holds ten rows); "0" says none fits.</summary>
    internal const int SlotsListed = 9;

    /// <summary>"Não quero receber pesquisas de vocês" is the whole message up to this many words.</summary>
    private const int NoSurveyAloneWords = 7;

    /// <summary>An example number with valid check digits, shown when a citizen's number is wrong.</summary>
    public static readonly string ExampleNumber = CnjNumber.Create(1234, 2025, 5, 8, 1).Canonical;

    /// <summary>
    /// What the bot does, by the step it is in and what the message is: the first row whose step fits (null: any step)
    /// and whose condition holds. Rows for any step come first where a message means the same everywhere ("sair"),
    /// then each step's rows, then the menu's, which also catch what a step's rows leave.
    /// </summary>
    internal static readonly IReadOnlyList<Transition> Transitions =
    [
        // Anywhere: what a message is, before where it comes.
        new("voice-note", null, t => t.Audio, t => t.VoiceNote()),
        new("document-as-question", BotStep.AskQuestion, t => t.Document && t.Blank, t => t.HandOffToSessionUnit()),
        new("document", null, t => t.Document && t.Blank, _ => { }), // the turn said what a document sent here is
        new("unfollow", null, t => t.R.AsksToStopFollowing || (t.R.SaysStop && t.Following.Count > 0), t => t.UnfollowAsync()),
        new("exit", null, t => t.Intent == Intent.Exit, t => t.Goodbye()),
        new("menu", null, t => t.Intent == Intent.Menu, t => t.ShowMenu()),
        new("verify", null, t => t.R.AsksIfOfficial, t => t.Verify()),
        new("follow-list", null, t => t.R.AsksFollowList, t => t.ListFollowing()),
        new("follow", null, t => t.R.AsksToFollow && (t.Session.Step != BotStep.AskQuestion || t.Short), t => t.FollowAsync()),

        // Video calls booked with a unit. "Cancelar" while the subject is asked gives up the booking under way.
        new("booking-abandoned", BotStep.AskSubject, t => t.R.SaysCancel || t.Intent is Intent.No or Intent.Exit or Intent.Menu, t => t.ShowMenu()),
        // The subject is whatever is written (a matter of another court included), unless it asks for another time.
        new("subject-other-time", BotStep.AskSubject, t => t.R.AsksToReschedule || t.R.AsksToBook, t => t.OfferSlotsAgainAsync()),
        new("subject-again", BotStep.AskSubject, t => t.Blank || t.Intent is Intent.Greeting or Intent.Yes or Intent.Option, t => t.AskSubject()),
        new("subject", BotStep.AskSubject, t => !t.R.AsksIfOfficial, t => t.BookAsync()),
        // "Cancelar" in a list gives up the list; asked to confirm a cancellation, it confirms.
        new("list-abandoned", null, t => t.R.SaysCancel && t.Session.Step is BotStep.ChooseSlot or BotStep.ChooseBooking, t => t.ShowMenu()),
        new("cancel-yes", BotStep.ConfirmCancel, t => t.IsYes || t.R.SaysCancel || t.R.AsksToCancelBooking, t => t.CancelConfirmedAsync()),
        new("cancel-no", BotStep.ConfirmCancel, t => t.IsNo, t => t.KeepBooking()),
        new("booking-cancel", null, t => (t.R.AsksToCancelBooking && (t.Upcoming.Count > 0 || t.NamesBooking)) || (t.R.SaysCancel && t.Upcoming.Count > 0),
            t => t.CancelBookingAsync()),
        new("booking-move", null, t => t.R.AsksToReschedule && (t.Upcoming.Count > 0 || t.NamesBooking), t => t.MoveBookingAsync()),
        new("booking-list", null, t => t.R.AsksMyBookings, t => t.ListBookings()),
        new("book", null, t => t.R.AsksToBook && t.Session.Step != BotStep.AskSubject && (t.Session.Step != BotStep.AskQuestion || t.Short),
            t => t.Need(BotGoal.Book)),
        new("verify-item", null, t => t.Session.Goal == BotGoal.Verify && t.NamesChannel, t => t.Verify()),
        new("thanks", null, t => t.Intent == Intent.Thanks, t => t.Thanks()),
        new("first-greeting", null, t => t.Fresh && (t.Empty || t.Intent == Intent.Greeting || (t.R.Greets && t.Intent == Intent.Unknown && !t.IsQuestion())),
            t => t.ShowMenu()),
        new("first-town", null, t => t.Fresh && t.R.OnlyNamesUnit && !t.R.AsksForPerson && t.Named.Kind == UnitMatchKind.Found && !t.HasQuestion,
            t => t.MenuFor(t.Named.Unit!)),
        new("other-branch", null, t => t.OtherBranch && !(t.Intent is Intent.Hours or Intent.Video && t.AboutUs), t => t.OtherBranchMatter()),
        new("new-claim", null, t => t.R.NewClaim && !t.R.HasNumber, t => t.NewClaim()),
        new("other-court", null, t => t.OnlyOtherCourts, t => t.CaseStatusAsync()),

        // Asked for the case number.
        new("number", BotStep.AskCaseNumber, t => t.R.HasNumber, t => t.CaseStatusAsync()),
        new("no-number", BotStep.AskCaseNumber, t => t.R.NoNumber || t.Intent == Intent.No || t.Unsure, t => t.WithoutNumber()),
        new("number-missing", BotStep.AskCaseNumber, t => t.Intent is Intent.Unknown or Intent.CaseStatus or Intent.Greeting or Intent.Yes,
            t => t.Miss(Texts.Format("BotCaseNumberMissing", ExampleNumber))),

        // Asked for the town or the unit.
        new("status-instead", BotStep.AskUnit, t => t.R.AsksStatus && t.R.HasNumber, t => t.CaseStatusAsync()),
        new("unit-named", BotStep.AskUnit, t => t.Named.Kind != UnitMatchKind.NotFound, t => t.UnitNamed()),
        new("unit-not-found", BotStep.AskUnit,
            t => t.Intent is not (Intent.Video or Intent.Hours or Intent.Petition or Intent.CaseStatus or Intent.Option) && !t.R.NoNumber,
            t => t.Miss(t.Flow.UnitNotFound)),

        // Offered free slots, then asked the subject; offered the booked calls to cancel or move.
        new("slot-chosen", BotStep.ChooseSlot, t => t.ChosenSlot is not null, t => t.SlotChosenAsync()),
        new("slot-none", BotStep.ChooseSlot, t => t.Intent == Intent.No || t.IsOption(0), t => t.Decline()),
        new("slot-again", BotStep.ChooseSlot, t => t.Intent is Intent.Option or Intent.Unknown or Intent.Yes or Intent.Greeting,
            t => t.Miss(Texts.Format("BotSlotAgain", t.Session.Slots.Count))),
        new("booking-chosen", BotStep.ChooseBooking, t => t.ChosenBooking is not null, t => t.BookingChosenAsync()),
        new("booking-choose-again", BotStep.ChooseBooking, t => t.Intent is Intent.Option or Intent.Unknown,
            t => t.Miss(Texts.Format("BotSlotAgain", t.Session.Bookings.Count))),

        // Offered several units.
        new("unit-chosen", BotStep.ChooseUnit, t => t.Chosen is not null, t => t.Proceed(t.Session.Goal, t.Chosen!)),
        new("choose-again", BotStep.ChooseUnit, t => t.Intent is not (Intent.Video or Intent.Hours or Intent.CaseStatus), t => t.ChooseAgain()),

        // Asked for the question to pass on. Courtesy is never the question.
        new("ask-again", BotStep.AskQuestion, t => t.Blank || t.Intent is Intent.Greeting or Intent.Yes, t => t.AskQuestion(t.SessionUnit!)),
        new("no-question", BotStep.AskQuestion, t => t.Intent == Intent.No, t => t.Decline()),
        new("menu-choice", BotStep.AskQuestion, t => t.Intent == Intent.Option, t => t.General()),
        new("other-request", BotStep.AskQuestion,
            t => (t.R.ChangedMind || t.Short) && (t.Intent is Intent.Hours or Intent.Video or Intent.Petition || (t.Intent == Intent.CaseStatus && t.R.AsksStatus)),
            t => t.General()),
        new("question", BotStep.AskQuestion, _ => true, t => t.HandOffToSessionUnit()),

        // Offered a clerk, or a written message while the video desk is closed.
        new("clerk-yes", BotStep.OfferClerk, t => t.IsYes, t => t.Need(BotGoal.HandOff)),
        new("written-yes", BotStep.OfferWritten, t => t.IsYes, t => t.Proceed(BotGoal.Talk, t.SessionUnit!)),
        new("offer-no", BotStep.OfferClerk, t => t.IsNo, t => t.Decline()),
        new("written-no", BotStep.OfferWritten, t => t.IsNo, t => t.Decline()),

        // The menu, and whatever a step's rows left.
        new("ask-number", null,
            t => t.IsOption(1) || (t.Intent == Intent.CaseStatus && !t.R.HasNumber && !t.R.NoNumber && (!t.IsQuestion() || (t.R.AsksStatus && !t.R.AsksInWords))),
            t => t.AskNumber()),
        new("without-number", null, t => t.R.NoNumber, t => t.WithoutNumber()),
        new("status-and-clerk", null, t => t.R.HasValidNumber && (t.R.NeedsJudgement || t.Intent == Intent.Human), t => t.StatusAndClerkAsync()),
        new("status", null, t => t.Intent == Intent.CaseStatus && t.R.HasNumber, t => t.CaseStatusAsync()),
        new("talk", null, t => t.IsOption(2), t => t.Need(BotGoal.Talk)),
        new("judgement", null, t => t.R.NeedsJudgement, t => t.Need(BotGoal.HandOff)),
        new("clerk", null, t => t.Intent == Intent.Human || (t.Intent is Intent.Unknown or Intent.CaseStatus && t.IsQuestion()),
            t => t.Need(t.HasQuestion ? BotGoal.HandOff : BotGoal.Talk)),
        new("video", null, t => t.IsOption(3) || t.Intent == Intent.Video, t => t.Need(BotGoal.Video)),
        new("hours", null, t => t.IsOption(4) || t.Intent == Intent.Hours, t => t.Need(BotGoal.Hours)),
        new("petition", null, t => t.Intent == Intent.Petition, t => t.Petition()),
        new("greeting", null, t => t.Intent == Intent.Greeting, t => t.ShowMenu()),
        new("not-understood", null, _ => true, t => t.Miss(null)),
    ];

    private ChatbotOptions Options => options.Value;

    private UnitCatalog Catalog => catalog;

    private UnitResolver Resolver => resolver;

    private UnitHours Hours => hours;

    private Sla.SlaClock Sla => sla;

    private ICaseStatusLookup Cases => cases;

    private CaseAlerts.ICaseFollows Follows => follows;

    private IAppointments Appointments => appointments;

    /// <summary>How units are called in this deployment's courts: "a vara", "a zona eleitoral", "a vara ou zona".</summary>
    private string UnitWord => field ??= Texts.Get(
        catalog.Courts.All(c => c.CnjCode.StartsWith("6.", StringComparison.Ordinal)) ? "BotUnitWordZone"
        : catalog.Courts.Any(c => c.CnjCode.StartsWith("6.", StringComparison.Ordinal)) ? "BotUnitWordEither"
        : "BotUnitWordVara");

    private string UnitNotFound => Texts.Format("BotUnitNotFound", catalog.Units.Count > 0 ? catalog.Units[0].Name : "");

    /// <summary>The rule against the fake-lawyer scam, with where the official channels are listed.</summary>
    internal string PaymentWarning => official.PublicPage is { } page
        ? Texts.Format("BotPaymentWarningWithPage", page.OriginalString)
        : Texts.Get("BotPaymentWarning");

    /// <summary>The transition a turn takes (for tests: the table read for one message in one step).</summary>
    internal static Transition Choose(Turn turn) =>
        Transitions.First(row => (row.Step is null || row.Step == turn.Session.Step) && row.When(turn));

    public async Task<ChatOutcome> HandleAsync(Conversation conversation, Message message, DateTimeOffset now, Privacy.NoticeText? notice,
        CancellationToken cancellationToken)
    {
        var activity = message.CreatedAt > conversation.LastActivityAt ? message.CreatedAt : conversation.LastActivityAt;
        var said = IntentReader.Read(message.Text);
        if (said.DeclinesSurveys)
        {
            // "Não quero pesquisa": noted on the conversation (this number at this court address), whoever has it. Said
            // alone or to the survey, that is the whole message; in a longer one, the rest goes on as usual.
            conversation = conversation with { NoSurvey = true };
            if (said.Normalized.Split(' ').Length <= NoSurveyAloneWords || conversation.OpenSurvey(now) is not null)
            {
                return new ChatOutcome(conversation with { LastActivityAt = activity }, [Texts.Get("BotNoSurvey")], [new BotAct(BotActKind.NoSurvey)]);
            }
        }

        switch (conversation.State)
        {
            case ConversationState.Waiting or ConversationState.Answered
                when message.Channel != Channel.Email && (said.AsksToStopFollowing || said.SaysStop || said.AsksFollowList)
                    && new Turn(this, conversation, message, now, null) is var command && await command.AlertsCommandAsync().ConfigureAwait(false):
                // "Parar", "meus avisos": the bot's alerts, answered whoever has the conversation; nothing else changes.
                return new ChatOutcome(conversation with { LastActivityAt = activity }, command.Replies, command.Acts);
            case ConversationState.Waiting:
                // Joins the unit's open conversation; its clock keeps running from the hand-off.
                return await WithTheUnitAsync(conversation with { LastActivityAt = activity }, message, now).ConfigureAwait(false);
            case ConversationState.Answered:
                // A new question after the clerk's answer: a new waiting period for the same unit.
                var unit = conversation.UnitId is null ? null : catalog.Find(conversation.UnitId);
                return await WithTheUnitAsync(conversation with
                {
                    State = ConversationState.Waiting,
                    WaitingSince = now,
                    DueAt = unit is null ? null : sla.DueAt(unit, now),
                    LastActivityAt = activity,
                }, message, now).ConfigureAwait(false);
            case ConversationState.Closed:
                if (SurveyAnswer(conversation with { LastActivityAt = activity }, message, now) is { } answer)
                {
                    return answer;
                }

                conversation = conversation with { State = ConversationState.Bot, Bot = null, WaitingSince = null, DueAt = null, ClerkAnsweredAt = null };
                break;
        }

        var turn = new Turn(this, conversation, message, now, notice);
        await turn.RunAsync(cancellationToken).ConfigureAwait(false);
        return new ChatOutcome(
            turn.Conversation with { Bot = turn.Session with { LastTurnAt = now }, LastActivityAt = activity },
            turn.Replies,
            turn.Acts);
    }

    /// <summary>
    /// A message to a closed conversation whose satisfaction survey is open: a rating (with the rest of the message as its
    /// comment), or within the hour after a rating without one, words that are no request (a comment). Null otherwise:
    /// the bot starts again.
    /// </summary>
    private static ChatOutcome? SurveyAnswer(Conversation conversation, Message message, DateTimeOffset now)
    {
        if (conversation.OpenSurvey(now) is { } open && message.MediaUrls.Count == 0 && SurveyRating.TryRead(message.Text, out var score, out var comment)
            && (comment is null || !IsRequest(IntentReader.Read(comment))))
        {
            return new ChatOutcome(
                conversation.WithLatestSurvey(open with { Score = score, Comment = comment, AnsweredAt = now }),
                [Texts.Get(comment is null ? "BotSurveyThanks" : "BotSurveyThanksComment")],
                [new BotAct(BotActKind.SurveyAnswer)]);
        }

        if (conversation.SurveyAwaitingComment(now) is { } rated && message.MediaUrls.Count == 0 && IsComment(IntentReader.Read(message.Text)))
        {
            return new ChatOutcome(
                conversation.WithLatestSurvey(rated with { Comment = SurveyRating.Cut(message.Text.Trim()) }),
                [Texts.Get("BotSurveyCommentThanks")],
                [new BotAct(BotActKind.SurveyAnswer)]);
        }

        return null;
    }

    /// <summary>
    /// Whether words after a rating are its comment ("a servidora foi muito atenciosa", "obrigado, foi rápido") rather than
    /// a new request: two words or more, no question, no case number, nothing the bot answers, no "quero"/"preciso".
    /// </summary>
    private static bool IsComment(Reading r)
    {
        var words = r.Normalized.Length == 0 ? 0 : r.Normalized.Split(' ').Length;
        return words >= 2 && !IsRequest(r) && !r.NamesTopic && r.Intent is Intent.Unknown or Intent.Human or Intent.Thanks;
    }

    /// <summary>
    /// Words after a rating that ask something rather than judge the service: a question, a case number, the scam's
    /// payment demand, "isso é oficial?", "quero…", "preciso…" ("1. Qual o prazo para recorrer?" is no rating of 1).
    /// </summary>
    internal static bool IsRequest(Reading r)
    {
        var text = $" {r.Normalized} ";
        return r.Asks || r.HasNumber || r.MentionsPayment || r.AsksIfOfficial || r.DeclinesSurveys
            || RequestMarkers.Any(w => text.Contains(w, StringComparison.Ordinal));
    }

    private static readonly string[] RequestMarkers = [" quero ", " queria ", " preciso ", " gostaria ", " falar com ", " me ajuda ", " pode me "];

    /// <summary>
    /// Where a waiting conversation stands, said honestly: how many of the unit's waiting conversations come before it
    /// and, from the unit's typical time to a first answer (its own counting), when the answer is likely. The
    /// likely time is said only while it is before the deadline the citizen was told, and once the wait has outlasted
    /// the typical time, that it has (the deadline stands).
    /// </summary>
    internal async Task<string> StandingAsync(Unit unit, Conversation conversation, DateTimeOffset now)
    {
        var ahead = await waits.AheadAsync(unit.Id, conversation).ConfigureAwait(false);
        var place = ahead switch
        {
            0 => Texts.Format("BotQueueFirst", unit.Name),
            1 => Texts.Format("BotQueueOne", unit.Name),
            _ => Texts.Format("BotQueueMany", unit.Name, ahead),
        };
        if (await waits.TypicalFirstAnswerAsync(unit).ConfigureAwait(false) is not { } typical)
        {
            return place;
        }

        var likely = sla.Add(unit, conversation.WaitingSince ?? now, typical);
        if (likely <= now)
        {
            return place + " " + Texts.Get("BotQueueLate");
        }

        var told = sla.Promised(unit, likely);
        return conversation.DueAt is { } due && told >= sla.Promised(unit, due)
            ? place
            : place + " " + Texts.Format("BotQueueLikely", BotFormat.When(told, unit.TimeZone));
    }

    /// <summary>"E aí?" while the unit has the conversation: whom it is with, the deadline (or that it passed), and where it stands.</summary>
    private async Task<IReadOnlyList<string>> WaitAnswerAsync(Conversation conversation, DateTimeOffset now)
    {
        if (conversation.UnitId is not { } unitId || catalog.Find(unitId) is not { } unit)
        {
            return [Texts.Get("BotQueueNoUnit")];
        }

        var status = conversation.DueAt switch
        {
            null => Texts.Format("BotQueueWith", unit.Name),
            { } due when due <= now => Texts.Format("BotQueueOverdue", unit.Name),
            { } due => Texts.Format("BotQueueWithDeadline", unit.Name, BotFormat.When(sla.Promised(unit, due), unit.TimeZone)),
        };
        return [status, await StandingAsync(unit, conversation, now).ConfigureAwait(false)];
    }

    /// <summary>
    /// A message while the unit has the conversation: silent, except "isso é oficial?", the scam's payment demand (warned
    /// once a day), "e aí?" (where the wait stands), and a document or a petition by chat, which gets the reminder that
    /// this is not a filing once per day (a lawyer must not think it was filed); the clerk sees each in the thread. A
    /// letter in the unit's thread gets no automatic answer.
    /// </summary>
    private async Task<ChatOutcome> WithTheUnitAsync(Conversation conversation, Message message, DateTimeOffset now)
    {
        var session = conversation.Bot ?? new BotSession();
        var document = message.MediaUrls.Count > 0 && !message.MediaTypes.Any(IsAudio);
        var reading = IntentReader.Read(message.Text);
        // A case number given to the unit is searchable and shown to the clerk like one given to the bot.
        conversation = conversation.Mentioning(reading.ValidNumbers);
        var today = LocalDay(conversation.UnitId, now);
        if (reading.MentionsPayment)
        {
            conversation = conversation.WarnedOfPayment(now);
        }

        if (reading.AsksIfOfficial && message.Channel != Channel.Email)
        {
            // "Isso é oficial?" gets its answer whoever has the conversation: the public page tells citizens to ask it here.
            var (replies, detail) = Check(message.Text);
            return new ChatOutcome(conversation with { Bot = session with { PaymentWarningOn = today } }, replies,
                [new BotAct(BotActKind.Verify, detail), .. reading.MentionsPayment ? [new BotAct(BotActKind.PaymentWarning)] : Array.Empty<BotAct>()]);
        }

        if (reading.MentionsPayment && message.Channel != Channel.Email && session.PaymentWarningOn != today)
        {
            // The scam's demand reaches the unit's thread flagged; the citizen is warned at once, once a day.
            return new ChatOutcome(
                conversation with { Bot = session with { PaymentWarningOn = today } },
                [PaymentWarning],
                [new BotAct(BotActKind.PaymentWarning)]);
        }

        if (reading.AsksAboutWait && message.Channel != Channel.Email && !document)
        {
            // "E aí?", "quando vão responder?": the honest answer is where it stands; the clerk sees the question too.
            return new ChatOutcome(conversation, await WaitAnswerAsync(conversation, now).ConfigureAwait(false), [new BotAct(BotActKind.WaitTime)]);
        }

        if (message.Channel == Channel.Email || (!document && reading.Intent != Intent.Petition))
        {
            return new ChatOutcome(conversation, [], []);
        }

        if (session.PetitionNoticeOn == today)
        {
            return new ChatOutcome(conversation, [], []);
        }

        return new ChatOutcome(
            conversation with { Bot = session with { PetitionNoticeOn = today } },
            [Texts.Format("BotPetitionWhileWaiting", Options.PjeUrl!.OriginalString)],
            [new BotAct(BotActKind.Petition)]);
    }

    /// <summary>
    /// "Isso é oficial?": whether each number, address or link in the message is one of the court's channels, then the
    /// rule (the court never asks for payment by message); without anything to check, how to ask. A link that is not
    /// the court's is written so that WhatsApp does not make it one to tap ("trt8-alvaras[.]com").
    /// </summary>
    private (List<string> Replies, string Detail) Check(string? text)
    {
        var checks = official.Check(text);
        var replies = checks.Count == 0 ? [Texts.Get("BotVerifyHow")] : checks.Select(check => check switch
        {
            { Incomplete: true } => Texts.Format("BotVerifyNoAreaCode", check.Written),
            { Owner: { } owner } => Texts.Format("BotVerifyOfficial", check.Written, owner),
            { Kind: ChannelKind.Link } => Texts.Format("BotVerifyNotOfficialLink", Defanged(check.Written), Options.CourtName),
            _ => Texts.Format("BotVerifyNotOfficial", check.Written, Options.CourtName),
        }).ToList();
        replies.Add(PaymentWarning);
        return (replies, checks.Count == 0 ? "none" : checks.All(c => c.Official) ? "official" : "not-official");
    }

    private static string Defanged(string link) => link.Replace("://", "[:]//", StringComparison.Ordinal).Replace(".", "[.]", StringComparison.Ordinal);

    /// <summary>
    /// "Olá! Balcão Virtual do TRT8, número oficial (91) 3000-0000. Nunca pedimos PIX.": the number the citizen wrote to,
    /// when it is one of the catalogue's (a unit's or the court's central one); null otherwise.
    /// </summary>
    internal string? OfficialGreeting(Conversation conversation)
    {
        if (conversation.Channel == Channel.Email || conversation.ChannelAddress is not { } address)
        {
            return null;
        }

        var whatsApp = address.StartsWith("whatsapp:", StringComparison.Ordinal);
        var e164 = whatsApp ? address["whatsapp:".Length..] : address;
        var digits = e164.TrimStart('+');
        var court = catalog.FindByPhone(whatsApp, digits)?.Court ?? catalog.Courts.FirstOrDefault(c => c.WhatsApp?.TrimStart('+') == digits);
        return court is null ? null : Texts.Format("BotGreetingOfficial", court.Id, BotFormat.Phone(e164));
    }

    /// <summary>The first court's time zone (UTC without courts): dates told about cases and subscriptions.</summary>
    internal TimeZoneInfo CourtZone => field ??= catalog.Courts.Count > 0 ? TimeZoneInfo.FindSystemTimeZoneById(catalog.Courts[0].TimeZone) : TimeZoneInfo.Utc;

    /// <summary>The day it is at the unit (in the court's time zone while no unit is known).</summary>
    private DateOnly LocalDay(string? unitId, DateTimeOffset now)
    {
        var zone = (unitId is not null ? catalog.Find(unitId)?.TimeZone : null) ?? CourtZone;
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:quero|prefiro|escolho|pode ser|fico com)?\s*(?:o|a|opcao|numero|horario)?\s*(\d{1,2})$")]
    private static partial System.Text.RegularExpressions.Regex PickedPattern();

    private static bool IsAudio(string type) => type.StartsWith("audio/", StringComparison.OrdinalIgnoreCase);

    /// <summary>One row of <see cref="Transitions"/>: its name (for tests and traces), the step, the condition, what it does.</summary>
    internal sealed record Transition(string Name, BotStep? Step, Func<Turn, bool> When, Func<Turn, Task> Do)
    {
        public Transition(string name, BotStep? step, Func<Turn, bool> when, Action<Turn> @do)
            : this(name, step, when, t =>
            {
                @do(t);
                return Task.CompletedTask;
            })
        {
        }
    }

    /// <summary>One message's worth of dialog; mutable while it runs, then read by the flow.</summary>
    internal sealed class Turn
    {
        /// <summary>Words that ask for someone, or name where, without saying what about.</summary>
        private static readonly HashSet<string> RequestWords = new(StringComparer.Ordinal)
        {
            "quero", "queria", "gostaria", "preciso", "precisava", "de", "da", "do", "das", "dos", "falar", "conversar", "com", "um", "uma",
            "pessoa", "alguem", "atendente", "servidor", "servidora", "humano", "atendimento", "vara", "zona", "trabalho", "eleitoral",
            "por", "favor", "pf", "pfv", "o", "a", "na", "no", "em", "ai", "me", "ajuda", "ajudar", "bom", "boa", "dia", "tarde", "noite",
            "oi", "ola", "deixar", "recado", "mensagem", "para", "pra", "cartorio", "tem", "alguem", "atender", "atendido", "atendida", "pode",
            "poderia", "como", "sobre", "ele", "ela", "isso", "esse", "essa", "meu", "minha", "processo", "caso", "assunto", "saber", "e", "ser",
            "secretaria", "verdade", "robo", "nao", "real", "ajudem", "voces", "vcs", "vc", "voce", "aqui", "agora", "urgente", "ta", "to",
            "estou", "sim", "ok", "certo", "entao", "so", "mais", "uma", "duvida", "pergunta", "informacao", "responsavel", "falo", "posso",
            "tudo", "bem", "vai", "senhor", "senhora", "deus", "abencoe", "amem", "sou", "advogado", "advogada", "dr", "dra", "doutor",
            "doutora", "andamento", "situacao", "consulta", "consultar", "ver", "status", "acompanhar", "movimentacao", "processual",
            "numero", "n", "proc", "processos", "sei", "tenho", "perdi", "lembro", "esqueci", "comigo", "quem", "moro", "mora", "cidade",
            "cliente", "reclamante", "atendam", "favor", "obrigado", "obrigada", "gostaria", "queria", "quero", "preciso", "esse", "desse",
            "dele", "dela", "nele", "nesse", "neste", "este", "pelo", "pela", "whatsapp", "zap", "aí", "alo", "opa", "eai", "prezados",
            "prezado", "prezada", "tarde", "noite", "mas",
        };

        private static readonly string[] UnsureStarts = ["nao sei", "nao tenho", "nao lembro", "nao achei", "perdi", "esqueci"];

        private readonly Message message;
        private readonly DateTimeOffset now;
        private readonly Privacy.NoticeText? notice;
        private readonly bool idle;
        private int? contentWords;
        private bool understood = true;

        public Turn(ChatFlow flow, Conversation conversation, Message message, DateTimeOffset now, Privacy.NoticeText? notice)
        {
            Flow = flow;
            this.message = message;
            this.now = now;
            this.notice = notice;
            (R, Named) = IntentReader.Read(message.Text, flow.Resolver);
            Conversation = conversation;
            Session = conversation.Bot ?? new BotSession();
            idle = conversation.Bot is not null && now - Session.LastTurnAt > flow.Options.IdleTimeout;
            if (idle)
            {
                Session = new BotSession { Misses = 0 };
            }

            Fresh = conversation.Bot is null || idle;
            Audio = message.MediaTypes.Any(IsAudio);
            Document = !Audio && (message.MediaTypes.Count > 0 || message.MediaUrls.Count > 0);
        }

        public ChatFlow Flow { get; }

        /// <summary>The contact's video calls still ahead, at any unit (read before the row is chosen, when the message may be about them).</summary>
        public IReadOnlyList<Appointment> Upcoming { get; private set; } = [];

        /// <summary>The contact (its number or address) the conversation is with.</summary>
        public string ContactId => Infrastructure.Storage.RedisKeys.ContactOf(Conversation.Id);

        /// <summary>Names a booking outright ("desmarcar", "remarcar o agendamento"): answered even when there is none.</summary>
        public bool NamesBooking => R.Normalized.Split(' ').Any(w => w is "agendamento" or "agendar" or "remarcar" or "reagendar" or "desmarcar" or "marcado" or "marcada");

        /// <summary>In the slot step: the slot the message picks by its number.</summary>
        public DateTimeOffset? ChosenSlot => Picked is { } n && n >= 1 && n <= Session.Slots.Count ? Session.Slots[n - 1] : null;

        /// <summary>A number picked from a list: typed alone ("2", "2️⃣", "opção 2") or said ("quero o 2", "pode ser o 3").</summary>
        private int? Picked => R is { Intent: Intent.Option, Option: { } n } ? n
            : PickedPattern().Match(R.Normalized) is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;

        /// <summary>In the booking step: the booked call the message picks by its number ("unitId/appointmentId").</summary>
        public string? ChosenBooking => Picked is { } n && n >= 1 && n <= Session.Bookings.Count ? Session.Bookings[n - 1] : null;

        /// <summary>The cases this conversation's citizen follows now (read before the turn's row is chosen).</summary>
        public IReadOnlyList<CaseAlerts.CaseFollow> Following { get; private set; } = [];

        public Reading R { get; }

        /// <summary>The unit the message names (by case number, name or town), if any.</summary>
        public UnitMatch Named { get; }

        public Conversation Conversation { get; private set; }

        public BotSession Session { get; private set; }

        public List<string> Replies { get; } = [];

        public List<BotAct> Acts { get; } = [];

        public Intent Intent => R.Intent;

        public bool Blank => R.Normalized.Length == 0;

        /// <summary>No text at all (not even "?????").</summary>
        public bool Empty => string.IsNullOrWhiteSpace(message.Text);

        public bool Audio { get; }

        public bool Document { get; }

        /// <summary>A new session: the first message, or the first after a long pause.</summary>
        public bool Fresh { get; }

        public bool IsYes => Intent == Intent.Yes || IsOption(1);

        public bool IsNo => Intent == Intent.No || IsOption(2);

        /// <summary>A message of a few words ("e o link?"), which changes the subject rather than asks a question.</summary>
        public bool Short => R.Normalized.Split(' ').Length <= 5;

        /// <summary>Names this desk ("vocês", "daqui"): "vou no fórum; e o horário de vocês?" asks our hours.</summary>
        public bool AboutUs => $" {R.Normalized} ".Split(' ').Any(w => w is "voces" or "vcs" or "vc" or "daqui" or "aqui");

        /// <summary>"Não sei", "não tenho", "perdi": a short answer that there is nothing to give.</summary>
        public bool Unsure => Short && UnsureStarts.Any(u => $"{R.Normalized} ".StartsWith(u + " ", StringComparison.Ordinal));

        /// <summary>Every valid case number in the message is another court's: that court is the answer, whatever was asked.</summary>
        public bool OnlyOtherCourts =>
            R.HasValidNumber && R.Numbers.Where(n => n.IsValid).All(n => !Flow.Catalog.Courts.Any(c => c.CnjCode == n.Number.CourtKey));

        /// <summary>A matter of a branch none of this deployment's courts belongs to, without a case number to go by.</summary>
        public bool OtherBranch => !R.HasNumber && R.MainMatters.Count > 0 && !R.MainMatters.Any(Flow.Serves);

        public Unit? SessionUnit => Unit(Session.UnitId);

        /// <summary>In the choice step: the unit the message picks among the candidates, by number or by name.</summary>
        public Unit? Chosen
        {
            get
            {
                var candidates = Session.Candidates.Select(Unit).OfType<Unit>().ToList();
                if (R is { Intent: Intent.Option, Option: { } n } && n >= 1 && n <= candidates.Count)
                {
                    return candidates[n - 1];
                }

                var within = Named.Units.Where(candidates.Contains).ToList();
                return within.Count == 1 ? within[0] : Named.Unit;
            }
        }

        /// <summary>
        /// Whether a request for a clerk carries its question. Asking for a person outright, the rest is context until
        /// words ask something or name what about ("quero falar com alguém, faz um ano que está assim" asks nothing yet;
        /// "... sobre quando sai o alvará" and "minha audiência foi remarcada? preciso falar com a vara" do); otherwise
        /// <see cref="IsQuestion"/>.
        /// </summary>
        public bool HasQuestion =>
            R.NeedsJudgement || (R.AsksForPerson ? R.AsksInWords || ContentWords >= 5 || (R.NamesTopic && ContentWords >= 3) : IsQuestion());

        public bool IsOption(int n) => R is { Intent: Intent.Option } && R.Option == n;

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            Following = await Flow.Follows.ActiveAsync(Conversation.Id, now).ConfigureAwait(false);
            if (R.AsksToBook || R.AsksToReschedule || R.AsksToCancelBooking || R.SaysCancel || R.AsksMyBookings
                || Session.Step is BotStep.ChooseSlot or BotStep.AskSubject or BotStep.ChooseBooking or BotStep.ConfirmCancel)
            {
                Upcoming = await Flow.Appointments.UpcomingAsync(ContactId, now).ConfigureAwait(false);
            }

            if (Conversation.Bot is null)
            {
                // The fake-lawyer scam's tell, from the first message on: the official number this is, and that the court
                // never asks for PIX (in few words: greeting and menu fit one screen).
                Say(Flow.OfficialGreeting(Conversation) ?? Texts.Format("BotGreeting", Flow.Options.CourtName) + " " + Texts.Get("BotOfficialNote"));
            }
            else if (idle)
            {
                Say(Texts.Get("BotIdleRestart"));
            }

            if (Document)
            {
                // The attachment stays on the conversation for the clerk; the citizen learns it is not a filing.
                Act(BotActKind.Petition);
                Say(Texts.Format("BotPetition", Flow.Options.PjeUrl!.OriginalString));
            }

            this.cancellationToken = cancellationToken;
            var row = Choose(this);
            if (R.MentionsPayment)
            {
                // The scam's demand: flagged for the unit, and the rule said first (checking names it itself).
                Act(BotActKind.PaymentWarning);
                Conversation = Conversation.WarnedOfPayment(now);
                if (row.Name != "verify")
                {
                    Say(Flow.PaymentWarning);
                }
            }

            await row.Do(this).ConfigureAwait(false);
            if (R.MentionsPayment)
            {
                // Warned today: not again while the unit has the conversation (whichever unit the turn settled on).
                Session = Session with { PaymentWarningOn = Flow.LocalDay(Conversation.UnitId ?? Session.UnitId, now) };
            }

            if (Acts.Any(a => a.Kind == BotActKind.HandOff) && Conversation.UnitId is { } handedTo && Flow.Catalog.Find(handedTo) is { } unit)
            {
                // Handed off: where the citizen stands in the unit's queue, and when an answer is likely.
                Say(await Flow.StandingAsync(unit, Conversation, now).ConfigureAwait(false));
            }

            Session = Session with { Misses = understood ? 0 : Session.Misses };
            if (notice is not null)
            {
                // Once per contact and channel (and again when its version changes): one sentence and the link, after the answer.
                Say(notice.Brief);
            }
        }

        private CancellationToken cancellationToken;

        /// <summary>
        /// Whether the message already is the question a clerk can answer: two words or more beyond "I want to talk to
        /// someone at unit X" (one with a question mark): "quando sai meu alvará?" is; "tem atendente?" and "quero falar
        /// com a vara de Macapá" are not.
        /// </summary>
        public bool IsQuestion() => ContentWords >= 2 || (ContentWords == 1 && message.Text.Contains('?', StringComparison.Ordinal));

        /// <summary>Words beyond asking for someone, naming the unit or the town, greeting and case numbers (counted once per turn).</summary>
        private int ContentWords => contentWords ??= CountContentWords();

        private int CountContentWords()
        {
            var unitWords = Named.Units.SelectMany(u => TextMatching.Normalize(string.Join(' ', u.Municipalities.Select(m => m.Name).Append(u.Name).Append(u.City))).Split(' '))
                .ToHashSet(StringComparer.Ordinal);
            return R.Normalized.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Count(w => !RequestWords.Contains(w) && !unitWords.Contains(w) && !w.Any(char.IsAsciiDigit));
        }

        /// <summary>"Não, obrigado" to an offer: thanks; a plain "não": the menu.</summary>
        public void Decline()
        {
            if (R.Polite)
            {
                Thanks();
                return;
            }

            ShowMenu();
        }

        public void VoiceNote()
        {
            Act(BotActKind.Audio);
            Say(Texts.Get("BotAudio"));
        }

        /// <summary>
        /// "Isso é oficial?": whether each number, address or link in the message is one of the court's channels, then the
        /// rule (the court never asks for payment by message). Without anything to check: how to ask, and the rule.
        /// </summary>
        public void Verify()
        {
            var (replies, detail) = Flow.Check(message.Text);
            Act(BotActKind.Verify, detail);
            replies.ForEach(Say);
            Session = Session with { Step = BotStep.Menu, Goal = detail == "none" ? BotGoal.Verify : BotGoal.None, Candidates = [] };
            Say(Texts.Get("BotAfterAnswer"));
        }

        /// <summary>The message names a phone number, an e-mail address or a link.</summary>
        public bool NamesChannel => OfficialChannels.Candidates(message.Text).Count > 0;

        public void Goodbye()
        {
            Act(BotActKind.Goodbye);
            Say(Texts.Get("BotGoodbye"));
            Session = new BotSession();
            Conversation = Conversation with { State = ConversationState.Closed };
        }

        public void Thanks()
        {
            Act(BotActKind.Thanks);
            Session = Session with { Step = BotStep.Menu, Goal = BotGoal.None, Candidates = [] };
            Say(Texts.Get("BotThanks"));
        }

        public void ShowMenu()
        {
            Act(BotActKind.Menu);
            Session = Session with { Step = BotStep.Menu, Goal = BotGoal.None, Candidates = [] };
            Say(Texts.Get("BotMenu"));
        }

        /// <summary>A first message that only names a unit ("Marabá"): the menu, with that unit settled for what comes next.</summary>
        public void MenuFor(Unit unit)
        {
            ShowMenu();
            Session = Session with { UnitId = unit.Id };
        }

        public void AskNumber()
        {
            Act(BotActKind.AskNumber);
            Session = Session with { Step = BotStep.AskCaseNumber, Goal = BotGoal.None, Candidates = [] };
            Say(Texts.Format("BotAskCaseNumber", ExampleNumber));
        }

        public void Petition()
        {
            Act(BotActKind.Petition);
            Session = Session with { Step = BotStep.Menu, Goal = BotGoal.None, Candidates = [] };
            Say(Texts.Format("BotPetition", Flow.Options.PjeUrl!.OriginalString));
            Say(Texts.Get("BotAfterAnswer"));
        }

        /// <summary>The matter is another branch's: which court handles it in this deployment's states, and how to reach it.</summary>
        public void OtherBranchMatter()
        {
            var branch = R.MainMatters.First(b => !Flow.Serves(b));
            Act(BotActKind.OtherBranch, branch.ToString().ToLowerInvariant());
            var courts = Flow.Catalog.Units.Select(u => u.State).Distinct(StringComparer.Ordinal)
                .SelectMany(state => CnjCourts.Serving(branch, state)).Distinct().ToList();
            Session = Session with { Step = BotStep.Menu, Goal = BotGoal.None, Candidates = [] };
            Say(Texts.Format("BotOtherBranch", Texts.Get("Branch" + branch), Flow.Options.CourtName,
                string.Join("\n", courts.Select(c => Texts.Format("BotCourtLine", c.Name, c.Acronym, c.Portal)))));
            Say(Texts.Get("BotAfterAnswer"));
        }

        /// <summary>How to start a lawsuit, which no case number can help with; then the unit's contacts if the town is said.</summary>
        public void NewClaim()
        {
            Act(BotActKind.NewClaim);
            var labour = Flow.Serves(Branch.Labour);
            Say(Texts.Format(labour ? "BotNewClaimLabour" : "BotNewClaim", Flow.Options.PjeUrl!.OriginalString));
            if (Unit(Conversation.UnitId) is { } own)
            {
                Session = Session with { Step = BotStep.Menu, Goal = BotGoal.None, UnitId = own.Id };
                Say(HoursAndContacts(own));
                return;
            }

            Session = Session with { Step = BotStep.AskUnit, Goal = BotGoal.Hours, Candidates = [] };
            Say(Texts.Get("BotNewClaimWhere"));
        }

        /// <summary>No case number: a clerk finds the case by name, so the unit (and the question) is what is needed.</summary>
        public Task WithoutNumber()
        {
            Say(Texts.Get("BotWithoutNumber"));
            return Need(R.Asks || R.NeedsJudgement || ContentWords >= 6 ? BotGoal.HandOff : BotGoal.Talk); // a question, or the case described
        }

        /// <summary>
        /// A message not understood. After <see cref="ChatbotOptions.MissesBeforeOffer"/> in a row, the offer to pass it to
        /// a clerk; before that, <paramref name="help"/> (or "not understood" and the menu) in the same step.
        /// </summary>
        public void Miss(string? help)
        {
            understood = false;
            var misses = Session.Misses + 1;
            Act(BotActKind.NotUnderstood);
            if (misses >= Flow.Options.MissesBeforeOffer)
            {
                Session = Session with { Step = BotStep.OfferClerk, Goal = BotGoal.None, Misses = 0 };
                understood = true; // the count starts again after the offer
                Act(BotActKind.OfferClerk);
                Say(Texts.Get("BotNotUnderstood"));
                Say(Texts.Get("BotOfferClerk"));
                return;
            }

            Session = Session with { Misses = misses };
            if (help is not null)
            {
                Say(help);
                return;
            }

            Act(BotActKind.Menu);
            Say(Texts.Get("BotNotUnderstood"));
            Say(Texts.Get("BotMenu"));
        }

        /// <summary>
        /// The unit for a goal: the number the citizen wrote to, else a case number's origin, else a town or unit named in
        /// this message, else the one settled on earlier; asks when none, lists the candidates when several fit.
        /// </summary>
        public Task Need(BotGoal goal)
        {
            if (Unit(Conversation.UnitId) is { } own)
            {
                return Proceed(goal, own);
            }

            if (Named.Kind == UnitMatchKind.Found)
            {
                return Proceed(goal, Named.Unit!);
            }

            // A unit settled on earlier beats a vague match now ("faz 1 ano que tá assim" names no town).
            if (SessionUnit is { } earlier)
            {
                return Proceed(goal, earlier);
            }

            if (Named.Kind == UnitMatchKind.Ambiguous)
            {
                OfferCandidates(goal, Named.Units);
                return Task.CompletedTask;
            }

            Act(BotActKind.AskUnit);
            Session = Session with { Step = BotStep.AskUnit, Goal = goal };
            Say(Texts.Format("BotAskUnit", Flow.UnitWord));
            return Task.CompletedTask;
        }

        /// <summary>The town or unit asked for was named. The last thing asked wins: "o link do meet de Santarém" while the hours wait is the link.</summary>
        public Task UnitNamed()
        {
            var goal = Intent switch
            {
                _ when R.AsksToBook => BotGoal.Book,
                Intent.Video => BotGoal.Video,
                Intent.Hours => BotGoal.Hours,
                _ when R.NeedsJudgement || (Session.Goal == BotGoal.Talk && HasQuestion && Intent == Intent.Human) => BotGoal.HandOff,
                _ => Session.Goal,
            };
            if (Named.Kind == UnitMatchKind.Ambiguous)
            {
                OfferCandidates(goal, Named.Units);
                return Task.CompletedTask;
            }

            return Proceed(goal, Named.Unit!);
        }

        public void ChooseAgain()
        {
            var candidates = Session.Candidates.Select(Unit).OfType<Unit>().ToList();
            var within = Named.Units.Where(candidates.Contains).ToList();
            understood = false;
            Session = Session with { Misses = Session.Misses + 1 };
            if (Session.Misses >= Flow.Options.MissesBeforeOffer + 1)
            {
                ShowMenu();
                return;
            }

            OfferCandidates(Session.Goal, within.Count > 1 ? within : candidates);
        }

        private void OfferCandidates(BotGoal goal, IReadOnlyList<Unit> units)
        {
            var listed = units.Take(9).ToList();
            Act(BotActKind.ChooseUnit);
            Session = Session with { Step = BotStep.ChooseUnit, Goal = goal, Candidates = [.. listed.Select(u => u.Id)] };
            Say(string.Join('\n', listed.Select((u, i) => Texts.Format("BotChoice", i + 1, u.Name)).Prepend(Texts.Get("BotChooseUnit"))));
        }

        public async Task Proceed(BotGoal goal, Unit unit)
        {
            Session = Session with { UnitId = unit.Id, Candidates = [], Goal = BotGoal.None, Step = BotStep.Menu };
            if (ServedTown(unit) is { } town)
            {
                Say(Texts.Format("BotTownServedBy", town, unit.Name));
            }

            switch (goal)
            {
                case BotGoal.Video:
                    VideoDesk(unit);
                    break;
                case BotGoal.Hours:
                    Act(BotActKind.Hours, unit.Id);
                    Say(HoursAndContacts(unit));
                    Say(Texts.Get("BotAfterAnswer"));
                    break;
                case BotGoal.HandOff:
                    HandOff(unit);
                    break;
                case BotGoal.Book:
                    await OfferSlotsAsync(unit).ConfigureAwait(false);
                    break;
                default:
                    AskQuestion(unit);
                    break;
            }
        }

        public void AskQuestion(Unit unit)
        {
            Act(BotActKind.AskQuestion, unit.Id);
            Session = Session with { Step = BotStep.AskQuestion, UnitId = unit.Id };
            Say(Texts.Format("BotAskQuestion", unit.Name));
        }

        public void HandOffToSessionUnit() => HandOff(SessionUnit!);

        private void HandOff(Unit unit)
        {
            var due = Flow.Sla.DueAt(unit, now);
            Act(BotActKind.HandOff, unit.Id);
            Conversation = Conversation.Mentioning(R.ValidNumbers) with
            {
                UnitId = unit.Id,
                State = ConversationState.Waiting,
                WaitingSince = now,
                DueAt = due,
            };
            Session = Session with { Step = BotStep.Menu, Goal = BotGoal.None, UnitId = unit.Id, Candidates = [] };
            Say(due is { } at
                ? Texts.Format("BotHandedOff", unit.Name, BotFormat.When(Flow.Sla.Promised(unit, at), unit.TimeZone))
                : Texts.Format("BotHandedOffNoDeadline", unit.Name));
        }

        /// <summary>A town the message names that the unit serves but is not its seat ("Marituba" for Ananindeua's unit).</summary>
        private string? ServedTown(Unit unit)
        {
            var text = $" {R.Normalized} ";
            return text.Contains($" {TextMatching.Normalize(unit.City)} ", StringComparison.Ordinal)
                ? null
                : unit.Municipalities.Select(m => m.Name).FirstOrDefault(m => text.Contains($" {TextMatching.Normalize(m)} ", StringComparison.Ordinal));
        }

        private void VideoDesk(Unit unit)
        {
            if (unit.VideoDeskUrl is null)
            {
                Act(BotActKind.VideoClosed, unit.Id);
                Session = Session with { Step = BotStep.OfferWritten };
                Say(Texts.Format("BotVideoNone", unit.Name));
                return;
            }

            var availability = Flow.Hours.At(unit, now);
            if (availability is { Open: true, ClosesAt: { } closes })
            {
                // Res. 372/2021 art. 5º: the link only while the desk is open.
                Act(BotActKind.Video, unit.Id);
                Say(Texts.Format("BotVideoOpen", unit.Name, BotFormat.Time(closes, unit.TimeZone), unit.VideoDeskUrl));
                return;
            }

            Act(BotActKind.VideoClosed, unit.Id);
            Session = Session with { Step = BotStep.OfferWritten };
            var next = availability.OpensAt is { } opens ? BotFormat.When(opens, unit.TimeZone) : Texts.Get("BotNoNextOpening");
            // A unit that books video calls says so before the offer of a written message.
            Say(Texts.Format(unit.Appointments is null ? "BotVideoClosed" : "BotVideoClosedBookable",
                unit.Name, BotFormat.Inline(availability.Reason), BotFormat.Hours(unit.ServiceHours), next));
        }

        private string HoursAndContacts(Unit unit)
        {
            var lines = new List<string>
            {
                Texts.Format("BotHoursTitle", unit.Name, unit.City),
                Texts.Format("BotHoursLine", BotFormat.Hours(unit.ServiceHours)),
            };
            var availability = Flow.Hours.At(unit, now);
            if (availability is { Open: true, ClosesAt: { } closes })
            {
                lines.Add(Texts.Format("BotHoursOpenNow", BotFormat.Time(closes, unit.TimeZone)));
            }
            else if (availability.OpensAt is { } opens)
            {
                lines.Add(Texts.Format("BotHoursClosedNow", BotFormat.Inline(availability.Reason), BotFormat.When(opens, unit.TimeZone)));
            }

            lines.AddRange(unit.Channels.WhatsApp.Select(p => Texts.Format("BotContactWhatsApp", BotFormat.Phone(p))));
            lines.AddRange(unit.Channels.Sms.Select(p => Texts.Format("BotContactSms", BotFormat.Phone(p))));
            if (unit.Channels.Email is { } email)
            {
                lines.Add(Texts.Format("BotContactEmail", email));
            }

            if (unit.VideoDeskUrl is not null)
            {
                lines.Add(Texts.Get("BotContactVideo"));
            }

            return string.Join('\n', lines);
        }

        /// <summary>What to do, a deadline of their own, a summons: the status for the citizen, and the clerk for the judgement.</summary>
        public async Task StatusAndClerkAsync()
        {
            var found = await LookUpAsync().ConfigureAwait(false);
            var owner = Unit(Conversation.UnitId)
                ?? R.Numbers.Where(n => n.IsValid).Select(n => Flow.Resolver.ByNumber(n.Number).Unit).FirstOrDefault(u => u is not null);
            if (owner is null)
            {
                Conclude(found);
                return;
            }

            HandOff(owner);
        }

        public async Task CaseStatusAsync()
        {
            var following = Session.Goal == BotGoal.Follow;
            var found = await LookUpAsync().ConfigureAwait(false);
            if (following && R.Numbers.Any(n => n.IsValid))
            {
                // Asked for alerts, then gave the number: the status, then the alerts.
                await FollowNumberAsync(R.Numbers.First(n => n.IsValid).Number).ConfigureAwait(false);
                return;
            }

            Conclude(found);
        }

        /// <summary>
        /// "Me avise quando meu processo andar": follows the number in the message, or the case whose status was just
        /// shown; without either, asks for the number (and follows it once given).
        /// </summary>
        public async Task FollowAsync()
        {
            if (R.Numbers.FirstOrDefault(n => n.IsValid) is { } candidate)
            {
                var number = candidate.Number;
                await FollowNumberAsync(number).ConfigureAwait(false);
            }
            else if (Session.CaseShown is { } shown && CnjNumber.TryParse(shown, out var last) == CnjNumberError.None)
            {
                await FollowNumberAsync(last).ConfigureAwait(false);
            }
            else
            {
                Act(BotActKind.AskNumber);
                Session = Session with { Step = BotStep.AskCaseNumber, Goal = BotGoal.Follow };
                Say(Texts.Format("BotFollowWhich", ExampleNumber));
            }
        }

        private async Task FollowNumberAsync(CnjNumber number)
        {
            Session = Session with { Step = BotStep.Menu, Goal = BotGoal.None };
            Act(BotActKind.Follow, number.Canonical);
            Conversation = Conversation.Mentioning([number.Canonical]);
            if (Flow.Catalog.Courts.FirstOrDefault(c => c.CnjCode == number.CourtKey) is null)
            {
                var court = CnjCourts.Find(number);
                Say(court is null
                    ? Texts.Format("BotCaseUnknownCourt", number.Canonical)
                    : Texts.Format("BotCaseOtherCourt", number.Canonical, court.Name, court.Acronym, Flow.Options.CourtName, court.Portal));
                return;
            }

            switch (await Flow.Cases.GetStatusAsync(number, cancellationToken).ConfigureAwait(false))
            {
                case CaseStatusResult.Found found:
                    var (outcome, follow) = await Flow.Follows.FollowAsync(Conversation.Id, found.Summary, now).ConfigureAwait(false);
                    var until = follow is null ? "" : BotFormat.Date(follow.ExpiresAt, Flow.CourtZone);
                    Say(outcome switch
                    {
                        CaseAlerts.FollowOutcome.Followed => Texts.Format("BotFollowed", number.Canonical, until),
                        CaseAlerts.FollowOutcome.Renewed => Texts.Format("BotFollowRenewed", number.Canonical, until),
                        CaseAlerts.FollowOutcome.Sealed => Texts.Format("BotFollowSealed", number.Canonical, Flow.Options.PjeUrl!.OriginalString),
                        _ => Texts.Format("BotFollowLimit", Flow.Follows.MaxPerContact),
                    });
                    break;
                case CaseStatusResult.NotFound:
                    Say(Texts.Format("BotFollowNotFound", number.Canonical));
                    break;
                default:
                    Say(Texts.Get("BotFollowUnavailable"));
                    break;
            }
        }

        /// <summary>"Parar" (with a number: that case), "cancelar avisos": ends the alerts and says which.</summary>
        public async Task UnfollowAsync()
        {
            Act(BotActKind.Unfollow);
            if (R.Numbers.Count > 0 && !R.Numbers.Any(n => n.IsValid && Following.Any(f => CaseAlerts.CaseFollows.Digits(f.Number) == n.Number.Digits)))
            {
                // A number not followed (or mistyped) ends nothing: the ones followed are listed to choose from.
                Say(Texts.Format("BotNotFollowingThat", R.Numbers[0].Number.Canonical));
                ListFollowing();
                return;
            }

            var number = R.Numbers.FirstOrDefault(n => n.IsValid)?.Number;
            var ended = await Flow.Follows.EndAsync(Conversation.Id, number?.Digits, now).ConfigureAwait(false);
            Say(ended.Count == 0 ? Texts.Get("BotNotFollowing")
                : number is { } one ? Texts.Format("BotUnfollowed", one.Canonical)
                : ended.Count == 1 ? Texts.Format("BotUnfollowed", ended[0].Number)
                : Texts.Get("BotUnfollowedAll"));
        }

        /// <summary>
        /// "Parar", "meus avisos" while a unit has the conversation: answered by the bot, the conversation left as it is
        /// (the alerts are the bot's, not a question for the unit).
        /// </summary>
        public async Task<bool> AlertsCommandAsync()
        {
            Following = await Flow.Follows.ActiveAsync(Conversation.Id, now).ConfigureAwait(false);
            if (R.AsksToStopFollowing || (R.SaysStop && Following.Count > 0))
            {
                await UnfollowAsync().ConfigureAwait(false);
                return true;
            }

            if (R.AsksFollowList)
            {
                ListFollowing();
                return true;
            }

            return false;
        }

        /// <summary>"Meus avisos": the cases followed and until when.</summary>
        public void ListFollowing()
        {
            Act(BotActKind.FollowList);
            if (Following.Count == 0 && Replies.Count > 0)
            {
                return; // "not followed" was said already
            }

            Say(Following.Count == 0
                ? Texts.Get("BotNotFollowing")
                : Texts.Format("BotFollowList", string.Join("\n", Following.Select(f => Texts.Format("BotFollowItem", f.Number, BotFormat.Date(f.ExpiresAt, Flow.CourtZone))))));
        }

        /// <summary>
        /// The unit's next free slots, numbered (a list on Meta), for a new call or, while <see cref="BotSession.Moving"/>,
        /// the new time of a booked one. A unit without appointments, without free slots, or where the contact holds its
        /// limit already, says so (and offers a written message, or how to change what is booked).
        /// </summary>
        private async Task OfferSlotsAsync(Unit unit, string? moving = null, string? before = null)
        {
            Act(BotActKind.OfferSlots, unit.Id);
            if (unit.Appointments is not { } policy)
            {
                Session = Session with { Step = BotStep.OfferWritten, UnitId = unit.Id };
                Say(Texts.Format("BotBookNone", unit.Name));
                return;
            }

            var held = Upcoming.Where(a => a.UnitId == unit.Id).ToList();
            if (moving is null && held.Count >= policy.PerContact)
            {
                Session = Session with { Step = BotStep.Menu, UnitId = unit.Id };
                Say(held.Count == 1
                    ? Texts.Format("BotBookAlready", unit.Name, BotFormat.When(held[0].Start, unit.TimeZone))
                    : Texts.Format("BotBookLimit", held.Count, unit.Name));
                return;
            }

            var free = await Flow.Appointments.FreeSlotsAsync(unit, now, SlotsListed, ContactId).ConfigureAwait(false);
            if (free.Count == 0)
            {
                Session = Session with { Step = moving is null ? BotStep.OfferWritten : BotStep.Menu, UnitId = unit.Id, Moving = null };
                Say(Texts.Format(moving is null ? "BotBookNoSlots" : "BotMoveNoSlots", unit.Name, policy.DaysAhead));
                return;
            }

            Session = Session with { Step = BotStep.ChooseSlot, Goal = BotGoal.None, UnitId = unit.Id, Slots = free, Moving = moving, Candidates = [] };
            var lines = free.Select((start, i) => Texts.Format("BotChoice", i + 1, BotFormat.Slot(start, unit.TimeZone)));
            var heading = before ?? Texts.Format(moving is null ? "BotBookSlots" : "BotMoveSlots", unit.Name, BotFormat.ZoneName(unit.TimeZone), (int)policy.SlotLength.TotalMinutes);
            Say(string.Join('\n', lines.Prepend(heading).Append(Texts.Get("BotSlotHow"))));
        }

        /// <summary>A slot picked: the subject is asked next, or a call being moved moves there.</summary>
        public async Task SlotChosenAsync()
        {
            var slot = ChosenSlot!.Value;
            if (Session.Moving is { } moving)
            {
                if (Upcoming.FirstOrDefault(a => Key(a) == moving) is not { } booked)
                {
                    // Cancelled by the unit, or over, while the list was open: nothing to move, and nothing booked instead.
                    Session = Session with { Step = BotStep.Menu, Slots = [], Moving = null };
                    Say(Texts.Get("BotMoveGone"));
                    return;
                }

                var unit = Unit(booked.UnitId)!;
                var result = await Flow.Appointments.MoveAsync(booked, slot, now).ConfigureAwait(false);
                if (result.Booked)
                {
                    Act(BotActKind.MoveBooking, unit.Id);
                    Session = Session with { Step = BotStep.Menu, Slots = [], Moving = null };
                    Say(Texts.Format(AppointmentReminderJob.RemindsTheDayBefore(slot, now) ? "BotBookingMoved" : "BotBookingMovedSoon",
                        unit.Name, BotFormat.When(slot, unit.TimeZone), BotFormat.ZoneName(unit.TimeZone)));
                    return;
                }

                await NotBookedAsync(unit, result, moving).ConfigureAwait(false);
                return;
            }

            Session = Session with { Step = BotStep.AskSubject, Slot = slot, Slots = [], Moving = null };
            AskSubject();
        }

        public void AskSubject()
        {
            Act(BotActKind.AskQuestion, Session.UnitId);
            Session = Session with { Step = BotStep.AskSubject };
            Say(Texts.Get("BotBookAskSubject"));
        }

        /// <summary>The subject given: the call is booked (the case numbers in it kept), or the slot is gone and others are offered.</summary>
        public async Task BookAsync()
        {
            var unit = SessionUnit;
            if (unit is null || Session.Slot is not { } slot)
            {
                ShowMenu();
                return;
            }

            var subject = message.Text.Trim();
            var request = new BookingRequest(unit.Id, slot, ContactId, Conversation.Id,
                subject.Length <= AppointmentBook.SubjectLength ? subject : subject[..(AppointmentBook.SubjectLength - 1)] + "…",
                Conversation.Channel.ToString().ToLowerInvariant(), "citizen")
            {
                // The message's id: a turn run again finds this booking instead of making a second one.
                Id = message.Id,
                Cases = [.. R.ValidNumbers],
            };
            Conversation = Conversation.Mentioning(R.ValidNumbers);
            var result = await Flow.Appointments.BookAsync(request, now).ConfigureAwait(false);
            if (result.Booked)
            {
                Act(BotActKind.Booked, unit.Id);
                Session = Session with { Step = BotStep.Menu, Goal = BotGoal.None, Slot = null };
                // Booked less than a day ahead, there is no reminder the day before (AppointmentReminderJob).
                Say(Texts.Format(AppointmentReminderJob.RemindsTheDayBefore(slot, now) ? "BotBooked" : "BotBookedSoon",
                    unit.Name, BotFormat.When(slot, unit.TimeZone), BotFormat.ZoneName(unit.TimeZone)));
                return;
            }

            await NotBookedAsync(unit, result, null).ConfigureAwait(false);
        }

        /// <summary>The time chosen could not be had: why, then the slots free now (or, at the contact's limit, what is booked).</summary>
        private async Task NotBookedAsync(Unit unit, BookingResult result, string? moving)
        {
            Act(BotActKind.NotBooked, unit.Id);
            Session = Session with { Slot = null };
            if (result.Refusal == BookingRefusal.Limit)
            {
                Upcoming = await Flow.Appointments.UpcomingAsync(ContactId, now).ConfigureAwait(false);
                await OfferSlotsAsync(unit).ConfigureAwait(false);
                return;
            }

            await OfferSlotsAsync(unit, moving, Texts.Get(result.Refusal == BookingRefusal.Full ? "BotBookFull" : "BotBookGone")).ConfigureAwait(false);
        }

        /// <summary>"Cancelar", "desmarcar": the one booked call is cancelled; with several, which one is asked.</summary>
        public Task CancelBookingAsync() => WithBookingAsync(BotGoal.CancelBooking);

        /// <summary>"Remarcar": the unit's free slots for the one booked call; with several, which one is asked first.</summary>
        public Task MoveBookingAsync() => WithBookingAsync(BotGoal.MoveBooking);

        private async Task WithBookingAsync(BotGoal goal)
        {
            if (Upcoming.Count == 0)
            {
                Act(BotActKind.BookingList);
                Session = Session with { Step = BotStep.Menu, Goal = BotGoal.None };
                Say(Texts.Get("BotNoBooking"));
                return;
            }

            if (Upcoming.Count == 1)
            {
                await ActOnBookingAsync(goal, Upcoming[0]).ConfigureAwait(false);
                return;
            }

            Act(BotActKind.BookingList);
            Session = Session with { Step = BotStep.ChooseBooking, Goal = goal, Bookings = [.. Upcoming.Select(Key)] };
            Say(string.Join('\n', Upcoming.Select((a, i) => Texts.Format("BotChoice", i + 1, BookingLabel(a)))
                .Prepend(Texts.Get(goal == BotGoal.CancelBooking ? "BotBookingWhichCancel" : "BotBookingWhichMove"))));
        }

        /// <summary>The booked call picked (gone meanwhile: said so).</summary>
        public async Task BookingChosenAsync()
        {
            if (Upcoming.FirstOrDefault(a => Key(a) == ChosenBooking) is { } booked)
            {
                await ActOnBookingAsync(Session.Goal, booked).ConfigureAwait(false);
                return;
            }

            Session = Session with { Step = BotStep.Menu, Goal = BotGoal.None, Bookings = [] };
            Say(Texts.Get("BotNoBooking"));
        }

        private async Task ActOnBookingAsync(BotGoal goal, Appointment booked)
        {
            var unit = Unit(booked.UnitId);
            Session = Session with { Step = BotStep.Menu, Goal = BotGoal.None, Bookings = [] };
            if (unit is null)
            {
                ShowMenu();
                return;
            }

            if (goal == BotGoal.MoveBooking)
            {
                await OfferSlotsAsync(unit, Key(booked)).ConfigureAwait(false);
                return;
            }

            // Cancelling is asked once more: "não vou poder ir" may mean another time, and a list may be tapped by mistake.
            Act(BotActKind.BookingList);
            Session = Session with { Step = BotStep.ConfirmCancel, Bookings = [Key(booked)] };
            Say(Texts.Format("BotCancelConfirm", BotFormat.When(booked.Start, unit.TimeZone), unit.Name));
        }

        /// <summary>"Sim" to cancelling: the call is cancelled (gone meanwhile: said so).</summary>
        public async Task CancelConfirmedAsync()
        {
            var key = Session.Bookings.Count > 0 ? Session.Bookings[0] : null;
            Session = Session with { Step = BotStep.Menu, Goal = BotGoal.None, Bookings = [] };
            if (Upcoming.FirstOrDefault(a => Key(a) == key) is not { } booked || Unit(booked.UnitId) is not { } unit
                || await Flow.Appointments.CancelAsync(booked, "citizen", now).ConfigureAwait(false) is null)
            {
                Say(Texts.Get("BotNoBooking"));
                return;
            }

            Act(BotActKind.CancelBooking, unit.Id);
            Say(Texts.Format("BotBookingCancelled", BotFormat.When(booked.Start, unit.TimeZone), unit.Name));
        }

        /// <summary>"Não" to cancelling: nothing changes.</summary>
        public void KeepBooking()
        {
            Session = Session with { Step = BotStep.Menu, Goal = BotGoal.None, Bookings = [] };
            Say(Texts.Get("BotBookingKept"));
        }

        /// <summary>Another time asked for instead of the subject: the free slots again.</summary>
        public Task OfferSlotsAgainAsync()
        {
            Session = Session with { Slot = null };
            return SessionUnit is { } unit ? OfferSlotsAsync(unit) : Need(BotGoal.Book);
        }

        /// <summary>"Meu agendamento": the booked calls still ahead, and how to change them.</summary>
        public void ListBookings()
        {
            Act(BotActKind.BookingList);
            Session = Session with { Step = BotStep.Menu, Goal = BotGoal.None };
            Say(Upcoming.Count == 0
                ? Texts.Get("BotNoBooking")
                : Texts.Format("BotBookingList", string.Join('\n', Upcoming.Select(a => Texts.Format("BotBookingItem", BookingLabel(a))))));
        }

        /// <summary>"sex. 11/12, 9h – 7ª Vara do Trabalho de Macapá".</summary>
        private string BookingLabel(Appointment a) =>
            Unit(a.UnitId) is { } unit ? Texts.Format("BotBookingLabel", BotFormat.Slot(a.Start, unit.TimeZone), unit.Name) : a.UnitId;

        private static string Key(Appointment a) => a.UnitId + "/" + a.Id;

        /// <summary>Each case number's status (three at most): found, another court's, mistyped, or not to be had now.</summary>
        private async Task<(bool Answered, bool Missing)> LookUpAsync()
        {
            Session = Session with { Step = BotStep.Menu, Goal = BotGoal.None };
            var missing = false;
            var answered = false;
            foreach (var candidate in R.Numbers.Take(3))
            {
                var number = candidate.Number;
                if (!candidate.IsValid)
                {
                    Act(BotActKind.WrongNumber);
                    Say(Texts.Format("BotCaseWrongDigits", number.Canonical, ExampleNumber));
                    continue;
                }

                Conversation = Conversation.Mentioning([number.Canonical]);
                var court = CnjCourts.Find(number);
                var ours = Flow.Catalog.Courts.FirstOrDefault(c => c.CnjCode == number.CourtKey);
                if (ours is null)
                {
                    Act(BotActKind.OtherCourt, court?.Acronym);
                    Say(court is null
                        ? Texts.Format("BotCaseUnknownCourt", number.Canonical)
                        : Texts.Format("BotCaseOtherCourt", number.Canonical, court.Name, court.Acronym, Flow.Options.CourtName, court.Portal));
                    answered = true;
                    continue;
                }

                if (Flow.Resolver.ByNumber(number).Unit is { } owner && Conversation.UnitId is null)
                {
                    Session = Session with { UnitId = owner.Id };
                }

                var zone = TimeZoneInfo.FindSystemTimeZoneById(ours.TimeZone);
                switch (await Flow.Cases.GetStatusAsync(number, cancellationToken).ConfigureAwait(false))
                {
                    case CaseStatusResult.Found found:
                        Act(BotActKind.Status);
                        Say(CaseSummaryText.Format(found.Summary, zone, Flow.Options.PjeUrl!));
                        Session = Session with { CaseShown = found.Summary.SecrecyLevel == 0 ? number.Canonical : Session.CaseShown };
                        answered = true;
                        break;
                    case CaseStatusResult.NotFound:
                        Act(BotActKind.NoStatus);
                        Say(Texts.Format("CaseNotFound", number.Canonical, court?.Acronym ?? ours.Id));
                        missing = true;
                        break;
                    default:
                        Act(BotActKind.NoStatus);
                        Say(Texts.Get("CaseStatusUnavailable"));
                        missing = true;
                        break;
                }
            }

            return (answered, missing);
        }

        /// <summary>After the statuses: ask again for a number that had none, offer a clerk for one not found, or offer more help.</summary>
        private void Conclude((bool Answered, bool Missing) found)
        {
            if (R.Numbers.Count == 0)
            {
                Act(BotActKind.WrongNumber);
                Session = Session with { Step = BotStep.AskCaseNumber };
                Say(Texts.Format("BotCaseWrongLength", ExampleNumber));
            }
            else if (found.Missing)
            {
                Act(BotActKind.OfferClerk);
                Session = Session with { Step = BotStep.OfferClerk };
                Say(Texts.Get("BotOfferClerk"));
            }
            else if (found.Answered)
            {
                if (Session.CaseShown is { } shown && R.Numbers.Any(n => n.Number.Canonical == shown) && !Following.Any(f => f.Number == shown))
                {
                    Say(Texts.Get("BotFollowOffer")); // one tap to follow the case just shown
                }

                Say(Texts.Get("BotAfterAnswer"));
            }
            else
            {
                Session = Session with { Step = BotStep.AskCaseNumber }; // every number had wrong check digits
            }
        }

        /// <summary>A menu number where a question was asked for: read as in the menu.</summary>
        public Task General() => Transitions.First(row => row.Step is null && row.When(this)).Do(this);

        private Unit? Unit(string? id) => id is null ? null : Flow.Catalog.Find(id);

        private void Act(BotActKind kind, string? detail = null) => Acts.Add(new BotAct(kind, detail));

        /// <summary>Adds a paragraph to the turn's reply, once (a document with a caption about it would explain itself twice).</summary>
        private void Say(string text)
        {
            if (!Replies.Contains(text))
            {
                Replies.Add(text);
            }
        }
    }

    /// <summary>Whether one of this deployment's courts belongs to the branch.</summary>
    private bool Serves(Branch branch) =>
        catalog.Courts.Any(c => c.CnjCode.StartsWith(((int)branch).ToString(System.Globalization.CultureInfo.InvariantCulture) + ".", StringComparison.Ordinal));
}
