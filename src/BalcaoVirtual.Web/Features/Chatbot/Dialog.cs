using BalcaoVirtual.Web.Features.Channels.Email;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Court.DataJud;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Resources;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Chatbot;

/// <summary>
/// The chatbot: one turn per inbound message, on the conversation's stored state. It answers what it can (case status,
/// video desk, hours) and hands everything else to the right unit's inbox. While a unit has the conversation the bot
/// is silent; a closed conversation that gets a new message starts with the bot again.
/// </summary>
internal sealed class Dialog(
    IOptions<ChatbotOptions> options,
    UnitCatalog catalog,
    UnitResolver resolver,
    UnitHours hours,
    Sla.SlaClock sla,
    ICaseStatusLookup cases,
    MailAutoReplies mailAutoReplies,
    Privacy.PrivacyNotices notices,
    TimeProvider time) : IInboundHandler
{
    /// <summary>Twilio's limit for one message body; a turn's texts are joined into as few messages as fit.</summary>
    public const int MaxMessageLength = 1600;

    /// <summary>An example number with valid check digits, shown when a citizen's number is wrong.</summary>
    public static readonly string ExampleNumber = CnjNumber.Create(1234, 2025, 5, 8, 1).Canonical;

    private ChatbotOptions Options => options.Value;

    private UnitCatalog Catalog => catalog;

    private UnitResolver Resolver => resolver;

    private UnitHours Hours => hours;

    private ICaseStatusLookup Cases => cases;

    public async Task<InboundOutcome> HandleAsync(Conversation conversation, Message message, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var activity = message.CreatedAt > conversation.LastActivityAt ? message.CreatedAt : conversation.LastActivityAt;
        if (message.Automatic)
        {
            // An out-of-office or a list mail in a known thread: the unit sees it; it changes nothing and gets no answer.
            return new InboundOutcome(conversation with { LastActivityAt = activity }, []);
        }

        switch (conversation.State)
        {
            case ConversationState.Waiting:
                // Joins the unit's open conversation; its clock keeps running from the hand-off.
                return new InboundOutcome(conversation with { LastActivityAt = activity }, []);
            case ConversationState.Answered:
                // A new question after the clerk's answer: a new waiting period for the same unit.
                var unit = conversation.UnitId is null ? null : catalog.Find(conversation.UnitId);
                return new InboundOutcome(conversation with
                {
                    State = ConversationState.Waiting,
                    WaitingSince = now,
                    DueAt = unit is null ? null : DueAt(unit, now),
                    LastActivityAt = activity,
                }, []);
            case ConversationState.Closed:
                conversation = conversation with { State = ConversationState.Bot, Bot = null, WaitingSince = null, DueAt = null };
                break;
        }

        if (message.Channel == Channel.Email)
        {
            return await MailTurnAsync(conversation, message, now, activity).ConfigureAwait(false);
        }

        var notice = conversation.Bot is null ? await NoticeAsync(conversation).ConfigureAwait(false) : null;
        var turn = new Turn(this, conversation, message, now, notice);
        await turn.RunAsync(cancellationToken).ConfigureAwait(false);
        return new InboundOutcome(
            turn.Conversation with { Bot = turn.Session with { LastTurnAt = now }, LastActivityAt = activity },
            Pack(turn.Replies),
            notice?.Version);
    }

    /// <summary>
    /// A new e-mail conversation (or a closed one written to again) goes to its unit's clerks at once: the mailbox's
    /// unit, or for the court's central mailbox the unit its case number or town names. The chatbot's menus are made for
    /// chat, not for letters: the citizen gets one acknowledgement with the unit, the deadline and the privacy notice,
    /// or, when no unit can be told, a request for the case number or the town. Both are limited per sender and day.
    /// </summary>
    private async Task<InboundOutcome> MailTurnAsync(Conversation conversation, Message message, DateTimeOffset now, DateTimeOffset activity)
    {
        var (reading, named) = IntentReader.Read(message.Text, resolver);
        var unit = conversation.UnitId is { } id ? catalog.Find(id) : named.Unit;
        var contact = Infrastructure.Storage.RedisKeys.ContactOf(conversation.Id);
        if (unit is null)
        {
            var ask = await mailAutoReplies.TryTakeAsync(contact).ConfigureAwait(false);
            return new InboundOutcome(conversation with { LastActivityAt = activity }, ask ? [Texts.Format("MailWhichUnit", ExampleNumber)] : []);
        }

        var due = DueAt(unit, now);
        var updated = conversation with
        {
            UnitId = unit.Id,
            State = ConversationState.Waiting,
            WaitingSince = now,
            DueAt = due,
            LastActivityAt = activity,
            ProcessNumbers = [.. conversation.ProcessNumbers.Concat(reading.Numbers.Where(n => n.IsValid).Select(n => n.Number.Canonical)).Distinct()],
        };
        if (!await mailAutoReplies.TryTakeAsync(contact).ConfigureAwait(false))
        {
            return new InboundOutcome(updated, []);
        }

        var deadline = due is { } at
            ? Texts.Format("MailDeadline", BotFormat.When(at, unit.TimeZone))
            : Texts.Get("MailNoDeadline");
        var notice = await notices.PendingAsync(contact, unit.Court.Id).ConfigureAwait(false);
        var ack = Texts.Format("MailAcknowledgement", unit.Name, deadline, options.Value.PjeUrl!.OriginalString);
        return new InboundOutcome(updated, [notice is null ? ack : ack + "\n\n" + notice.Text], notice?.Version);
    }

    /// <summary>
    /// The privacy notice this contact has not had yet: the court's of the unit; before the unit is known (a central
    /// number), the court's when the catalogue has one court, else the default one.
    /// </summary>
    private Task<Privacy.NoticeText?> NoticeAsync(Conversation conversation) =>
        notices.PendingAsync(Infrastructure.Storage.RedisKeys.ContactOf(conversation.Id),
            (conversation.UnitId is { } unitId ? catalog.Find(unitId)?.Court.Id : null) ?? (catalog.Courts.Count == 1 ? catalog.Courts[0].Id : null));

    /// <summary>When a unit must answer a conversation handed to it now, by its SLA policy (null: no deadline).</summary>
    public DateTimeOffset? DueAt(Unit unit, DateTimeOffset from) => sla.DueAt(unit, from);

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

    /// <summary>One inbound message's worth of dialog; mutable while it runs, then read by the handler.</summary>
    private sealed class Turn
    {
        private readonly Dialog dialog;
        private readonly Message message;
        private readonly DateTimeOffset now;
        private readonly ChatbotOptions options;
        private readonly Reading reading;

        /// <summary>The unit the message names (by case number, name or town), if any.</summary>
        /// <summary>Words that ask for someone, or name where, without saying what about.</summary>
        private static readonly HashSet<string> RequestWords = new(StringComparer.Ordinal)
        {
            "quero", "queria", "gostaria", "preciso", "precisava", "de", "da", "do", "das", "dos", "falar", "conversar", "com", "um", "uma",
            "pessoa", "alguem", "atendente", "servidor", "servidora", "humano", "atendimento", "vara", "zona", "trabalho", "eleitoral",
            "por", "favor", "pf", "pfv", "o", "a", "na", "no", "em", "ai", "me", "ajuda", "ajudar", "bom", "boa", "dia", "tarde", "noite",
            "oi", "ola",
        };

        private readonly UnitMatch named;
        private bool understood = true;

        private readonly Privacy.NoticeText? notice;

        public Turn(Dialog dialog, Conversation conversation, Message message, DateTimeOffset now, Privacy.NoticeText? notice)
        {
            this.notice = notice;
            this.dialog = dialog;
            this.message = message;
            this.now = now;
            options = dialog.Options;
            (reading, named) = IntentReader.Read(message.Text, dialog.Resolver);
            Conversation = conversation;
            Session = conversation.Bot ?? new BotSession();
        }

        public Conversation Conversation { get; private set; }

        public BotSession Session { get; private set; }

        public List<string> Replies { get; } = [];

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            var fresh = false;
            if (Conversation.Bot is null)
            {
                Say(Texts.Format("BotGreeting", options.CourtName));
                if (notice is not null)
                {
                    // Once per contact and channel (and again when the notice's version changes).
                    Say(notice.Text);
                }

                fresh = true;
            }
            else if (now - Session.LastTurnAt > options.IdleTimeout)
            {
                Say(Texts.Get("BotIdleRestart"));
                Session = new BotSession { Misses = 0 };
                fresh = true;
            }

            await DecideAsync(fresh, cancellationToken).ConfigureAwait(false);
            Session = Session with { Misses = understood ? 0 : Session.Misses };
        }

        private async Task DecideAsync(bool fresh, CancellationToken cancellationToken)
        {
            var blank = reading.Normalized.Length == 0;
            if (message.MediaTypes.Count > 0 || message.MediaUrls.Count > 0)
            {
                var audio = message.MediaTypes.Any(t => t.StartsWith("audio/", StringComparison.OrdinalIgnoreCase));
                Say(audio ? Texts.Get("BotAudio") : Texts.Format("BotPetition", options.PjeUrl!.OriginalString));
                if (blank || audio)
                {
                    // The attachment stays on the conversation for the clerk; in a hand-off step it is the question.
                    if (Session.Step == BotStep.AskQuestion && !audio)
                    {
                        HandOff(Unit(Session.UnitId)!);
                    }

                    return;
                }
            }

            switch (reading.Intent)
            {
                case Intent.Exit:
                    Say(Texts.Get("BotGoodbye"));
                    Session = new BotSession();
                    Conversation = Conversation with { State = ConversationState.Closed };
                    return;
                case Intent.Menu:
                    ShowMenu();
                    return;
                case Intent.Thanks when Session.Step is BotStep.Menu or BotStep.OfferClerk or BotStep.OfferWritten:
                    Session = Session with { Step = BotStep.Menu };
                    Say(Texts.Get("BotThanks"));
                    return;
            }

            if (fresh && (blank || reading.Intent is Intent.Greeting or Intent.Unknown))
            {
                // A greeting, or a first message the bot cannot place: the menu, without counting a miss.
                ShowMenu();
                return;
            }

            switch (Session.Step)
            {
                case BotStep.AskCaseNumber:
                    if (reading.Numbers.Count > 0 || reading.HasMalformedNumber)
                    {
                        await CaseStatusAsync(cancellationToken).ConfigureAwait(false);
                    }
                    else if (reading.Intent is Intent.Unknown or Intent.CaseStatus or Intent.Greeting or Intent.Yes or Intent.No)
                    {
                        Miss(Texts.Format("BotCaseNumberMissing", ExampleNumber));
                    }
                    else
                    {
                        await MenuAsync(cancellationToken).ConfigureAwait(false);
                    }

                    return;
                case BotStep.AskUnit:
                    await AskUnitAsync(cancellationToken).ConfigureAwait(false);
                    return;
                case BotStep.ChooseUnit:
                    ChooseUnit();
                    return;
                case BotStep.AskQuestion:
                    // Courtesy is never the question: "ok" asks again, "obrigado" and "não, obrigado" hand nothing off.
                    if (reading.Intent is Intent.Greeting or Intent.Yes || blank)
                    {
                        Say(Texts.Format("BotAskQuestion", Unit(Session.UnitId)!.Name));
                    }
                    else if (reading.Intent == Intent.Thanks)
                    {
                        Session = Session with { Step = BotStep.Menu, Goal = BotGoal.None };
                        Say(Texts.Get("BotThanks"));
                    }
                    else if (reading.Intent == Intent.No)
                    {
                        ShowMenu();
                    }
                    else if (reading.Intent == Intent.Option)
                    {
                        await MenuAsync(cancellationToken).ConfigureAwait(false); // "3" is a menu choice, not a question
                    }
                    else
                    {
                        HandOff(Unit(Session.UnitId)!);
                    }

                    return;
                case BotStep.OfferClerk when IsYes():
                    Need(BotGoal.HandOff);
                    return;
                case BotStep.OfferWritten when IsYes():
                    Proceed(BotGoal.Talk, Unit(Session.UnitId)!);
                    return;
                case BotStep.OfferClerk or BotStep.OfferWritten when IsNo():
                    ShowMenu();
                    return;
                default:
                    await MenuAsync(cancellationToken).ConfigureAwait(false);
                    return;
            }
        }

        /// <summary>
        /// Whether the message already is the question a clerk can answer: a question mark, a case number, or a long
        /// message that says more than whom it wants ("quero falar com uma pessoa da vara de Macapá" says nothing more).
        /// </summary>
        private bool IsQuestion()
        {
            if (message.Text.Contains('?', StringComparison.Ordinal) || reading.Numbers.Count > 0)
            {
                return true;
            }

            var words = reading.Normalized.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var unitWords = named.Units.SelectMany(u => TextMatching.Normalize($"{u.Name} {u.City}").Split(' ')).ToHashSet(StringComparer.Ordinal);
            return words.Length >= 8 && words.Count(w => !RequestWords.Contains(w) && !unitWords.Contains(w)) >= 2;
        }

        private bool IsYes() => reading.Intent == Intent.Yes || reading is { Intent: Intent.Option, Option: 1 };

        private bool IsNo() => reading.Intent == Intent.No || reading is { Intent: Intent.Option, Option: 2 };

        private async Task MenuAsync(CancellationToken cancellationToken)
        {
            Session = Session with { Step = BotStep.Menu, Goal = BotGoal.None, Candidates = [] };
            switch (reading.Intent)
            {
                case Intent.Option when reading.Option == 1:
                case Intent.CaseStatus when reading.Numbers.Count == 0 && !reading.HasMalformedNumber:
                    Session = Session with { Step = BotStep.AskCaseNumber };
                    Say(Texts.Format("BotAskCaseNumber", ExampleNumber));
                    break;
                case Intent.CaseStatus:
                    await CaseStatusAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case Intent.Option when reading.Option == 2:
                    Need(BotGoal.Talk);
                    break;
                case Intent.Human:
                    // "Quero falar com alguém" asks for the question; "quando sai meu alvará?" already is one.
                    Need(IsQuestion() ? BotGoal.HandOff : BotGoal.Talk);
                    break;
                case Intent.Option when reading.Option == 3:
                case Intent.Video:
                    Need(BotGoal.Video);
                    break;
                case Intent.Option when reading.Option == 4:
                case Intent.Hours:
                    Need(BotGoal.Hours);
                    break;
                case Intent.Petition:
                    Say(Texts.Format("BotPetition", options.PjeUrl!.OriginalString));
                    Say(Texts.Get("BotAfterAnswer"));
                    break;
                case Intent.Thanks:
                    Say(Texts.Get("BotThanks"));
                    break;
                case Intent.Greeting:
                    ShowMenu();
                    break;
                default:
                    Miss(null);
                    break;
            }
        }

        private void ShowMenu()
        {
            Session = Session with { Step = BotStep.Menu, Goal = BotGoal.None, Candidates = [] };
            Say(Texts.Get("BotMenu"));
        }

        /// <summary>
        /// A message not understood. After <see cref="ChatbotOptions.MissesBeforeOffer"/> in a row, the offer to pass it to
        /// a clerk; before that, <paramref name="help"/> (or "not understood" and the menu) in the same step.
        /// </summary>
        private void Miss(string? help)
        {
            understood = false;
            var misses = Session.Misses + 1;
            if (misses >= options.MissesBeforeOffer)
            {
                Session = Session with { Step = BotStep.OfferClerk, Goal = BotGoal.None, Misses = 0 };
                understood = true; // the count starts again after the offer
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

            Say(Texts.Get("BotNotUnderstood"));
            Say(Texts.Get("BotMenu"));
        }

        /// <summary>
        /// The unit for a goal: the number the citizen wrote to, else a case number's origin, else a town or unit named in
        /// this message, else the one settled on earlier; asks when none, lists the candidates when several fit.
        /// </summary>
        private void Need(BotGoal goal)
        {
            if (Unit(Conversation.UnitId) is { } own)
            {
                Proceed(goal, own);
                return;
            }

            var match = named;
            if (match.Kind == UnitMatchKind.Found)
            {
                Proceed(goal, match.Unit!);
                return;
            }

            if (match.Kind == UnitMatchKind.Ambiguous)
            {
                OfferCandidates(goal, match.Units);
                return;
            }

            if (Unit(Session.UnitId) is { } earlier)
            {
                Proceed(goal, earlier);
                return;
            }

            Session = Session with { Step = BotStep.AskUnit, Goal = goal };
            Say(Texts.Get("BotAskUnit"));
        }

        private async Task AskUnitAsync(CancellationToken cancellationToken)
        {
            // The last thing asked wins: "quero o link do meet de Santarém" while the hours wait for a town is the link.
            if ((reading.Intent switch { Intent.Video => BotGoal.Video, Intent.Hours => BotGoal.Hours, _ => (BotGoal?)null }) is { } asked)
            {
                Session = Session with { Goal = asked };
            }

            var match = named;
            switch (match.Kind)
            {
                case UnitMatchKind.Found:
                    Proceed(Session.Goal, match.Unit!);
                    return;
                case UnitMatchKind.Ambiguous:
                    OfferCandidates(Session.Goal, match.Units);
                    return;
            }

            if (reading.Intent is Intent.Video or Intent.Hours or Intent.Petition or Intent.CaseStatus or Intent.Option)
            {
                await MenuAsync(cancellationToken).ConfigureAwait(false); // a new request instead of a town
                return;
            }

            Miss(Texts.Get("BotUnitNotFound"));
        }

        private void ChooseUnit()
        {
            var candidates = Session.Candidates.Select(Unit).OfType<Unit>().ToList();
            if (reading.Intent == Intent.Option && reading.Option is { } n && n >= 1 && n <= candidates.Count)
            {
                Proceed(Session.Goal, candidates[n - 1]);
                return;
            }

            var match = named;
            var within = match.Units.Where(candidates.Contains).ToList();
            if (within.Count == 1 || match.Kind == UnitMatchKind.Found)
            {
                Proceed(Session.Goal, within.Count == 1 ? within[0] : match.Unit!);
                return;
            }

            understood = false;
            Session = Session with { Misses = Session.Misses + 1 };
            if (Session.Misses >= options.MissesBeforeOffer + 1)
            {
                ShowMenu();
                return;
            }

            OfferCandidates(Session.Goal, within.Count > 1 ? within : candidates);
        }

        private void OfferCandidates(BotGoal goal, IReadOnlyList<Unit> units)
        {
            var listed = units.Take(9).ToList();
            Session = Session with { Step = BotStep.ChooseUnit, Goal = goal, Candidates = [.. listed.Select(u => u.Id)] };
            Say(string.Join('\n', listed.Select((u, i) => Texts.Format("BotChoice", i + 1, u.Name)).Prepend(Texts.Get("BotChooseUnit"))));
        }

        private void Proceed(BotGoal goal, Unit unit)
        {
            Session = Session with { UnitId = unit.Id, Candidates = [], Goal = BotGoal.None, Step = BotStep.Menu };
            switch (goal)
            {
                case BotGoal.Video:
                    VideoDesk(unit);
                    break;
                case BotGoal.Hours:
                    Say(HoursAndContacts(unit));
                    Say(Texts.Get("BotAfterAnswer"));
                    break;
                case BotGoal.HandOff:
                    HandOff(unit);
                    break;
                default:
                    Session = Session with { Step = BotStep.AskQuestion };
                    Say(Texts.Format("BotAskQuestion", unit.Name));
                    break;
            }
        }

        private void HandOff(Unit unit)
        {
            var due = dialog.DueAt(unit, now);
            Conversation = Conversation with
            {
                ProcessNumbers = [.. Conversation.ProcessNumbers.Concat(reading.Numbers.Where(n => n.IsValid).Select(n => n.Number.Canonical)).Distinct()],
                UnitId = unit.Id,
                State = ConversationState.Waiting,
                WaitingSince = now,
                DueAt = due,
            };
            Session = Session with { Step = BotStep.Menu, Goal = BotGoal.None, UnitId = unit.Id, Candidates = [] };
            Say(due is { } at
                ? Texts.Format("BotHandedOff", unit.Name, BotFormat.When(at, unit.TimeZone))
                : Texts.Format("BotHandedOffNoDeadline", unit.Name));
        }

        private void VideoDesk(Unit unit)
        {
            if (unit.VideoDeskUrl is null)
            {
                Session = Session with { Step = BotStep.OfferWritten };
                Say(Texts.Format("BotVideoNone", unit.Name));
                return;
            }

            var availability = dialog.Hours.At(unit, now);
            if (availability is { Open: true, ClosesAt: { } closes })
            {
                // Res. 372/2021 art. 5º: the link only while the desk is open.
                Say(Texts.Format("BotVideoOpen", unit.Name, BotFormat.Time(closes, unit.TimeZone), unit.VideoDeskUrl));
                return;
            }

            Session = Session with { Step = BotStep.OfferWritten };
            var next = availability.OpensAt is { } opens ? BotFormat.When(opens, unit.TimeZone) : Texts.Get("BotNoNextOpening");
            Say(Texts.Format("BotVideoClosed", unit.Name, BotFormat.Inline(availability.Reason), BotFormat.Hours(unit.ServiceHours), next));
        }

        private string HoursAndContacts(Unit unit)
        {
            var lines = new List<string>
            {
                Texts.Format("BotHoursTitle", unit.Name, unit.City),
                Texts.Format("BotHoursLine", BotFormat.Hours(unit.ServiceHours)),
            };
            var availability = dialog.Hours.At(unit, now);
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

        private async Task CaseStatusAsync(CancellationToken cancellationToken)
        {
            Session = Session with { Step = BotStep.Menu, Goal = BotGoal.None };
            var offerClerk = false;
            var answered = false;
            foreach (var candidate in reading.Numbers.Take(3))
            {
                var number = candidate.Number;
                if (!candidate.IsValid)
                {
                    Say(Texts.Format("BotCaseWrongDigits", number.Canonical, ExampleNumber));
                    continue;
                }

                Conversation = Conversation with { ProcessNumbers = [.. Conversation.ProcessNumbers.Append(number.Canonical).Distinct()] };
                var court = CnjCourts.Find(number);
                var ours = dialog.Catalog.Courts.FirstOrDefault(c => c.CnjCode == number.CourtKey);
                if (ours is null)
                {
                    Say(court is null
                        ? Texts.Format("BotCaseUnknownCourt", number.Canonical)
                        : Texts.Format("BotCaseOtherCourt", number.Canonical, court.Name, court.Acronym, options.CourtName));
                    answered = true;
                    continue;
                }

                if (dialog.Resolver.ByNumber(number).Unit is { } owner && Conversation.UnitId is null)
                {
                    Session = Session with { UnitId = owner.Id };
                }

                var zone = TimeZoneInfo.FindSystemTimeZoneById(ours.TimeZone);
                switch (await dialog.Cases.GetStatusAsync(number, cancellationToken).ConfigureAwait(false))
                {
                    case CaseStatusResult.Found found:
                        Say(CaseSummaryText.Format(found.Summary, zone, options.PjeUrl!));
                        answered = true;
                        break;
                    case CaseStatusResult.NotFound:
                        Say(Texts.Format("CaseNotFound", number.Canonical, court?.Acronym ?? ours.Id));
                        offerClerk = true;
                        break;
                    default:
                        Say(Texts.Get("CaseStatusUnavailable"));
                        offerClerk = true;
                        break;
                }
            }

            if (reading.Numbers.Count == 0)
            {
                Session = Session with { Step = BotStep.AskCaseNumber };
                Say(Texts.Format("BotCaseWrongLength", ExampleNumber));
            }
            else if (offerClerk)
            {
                Session = Session with { Step = BotStep.OfferClerk };
                Say(Texts.Get("BotOfferClerk"));
            }
            else if (answered)
            {
                Say(Texts.Get("BotAfterAnswer"));
            }
            else
            {
                Session = Session with { Step = BotStep.AskCaseNumber }; // every number had wrong check digits
            }
        }

        private Unit? Unit(string? id) => id is null ? null : dialog.Catalog.Find(id);

        /// <summary>Adds a paragraph to the turn's reply, once (a document with a caption about it would explain itself twice).</summary>
        private void Say(string text)
        {
            if (!Replies.Contains(text))
            {
                Replies.Add(text);
            }
        }
    }
}
