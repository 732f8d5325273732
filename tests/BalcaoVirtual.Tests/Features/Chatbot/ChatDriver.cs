using System.Globalization;
using BalcaoVirtual.Web.Features.Appointments;
using BalcaoVirtual.Web.Features.Chatbot;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Court.DataJud;
using BalcaoVirtual.Web.Features.Privacy;
using BalcaoVirtual.Web.Features.PublicSite;
using BalcaoVirtual.Web.Features.Sla;
using BalcaoVirtual.Web.Features.Units;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Tests.Features.Chatbot;

/// <summary>
/// Plays a conversation through the real <see cref="ChatFlow"/> without a store: a catalogue of the repository's samples,
/// the clock given per message, and a DataJud that finds every valid case of the catalogue's courts except those whose
/// sequence starts with 99.
/// </summary>
internal sealed class ChatDriver
{
    public static readonly DateTimeOffset Tuesday10 = new(2026, 12, 15, 10, 0, 0, TimeSpan.FromHours(-3));

    private static readonly Dictionary<string, UnitCatalog> Catalogs = new(StringComparer.Ordinal);

    private readonly ChatFlow flow;
    private Conversation conversation;
    private bool noticeGiven;

    public ChatDriver(string catalogue, string? unitId = null, Channel channel = Channel.WhatsApp)
    {
        Catalog = CatalogOf(catalogue);
        var options = Options.Create(new ChatbotOptions
        {
            CourtName = Catalog.Courts[0].Id,
            PjeUrl = new Uri("https://pje.example.jus.br/"),
            PrivacyPolicyUrl = new Uri("https://example.jus.br/privacidade"),
            DataProtectionOfficer = "encarregado@example.jus.br",
        });
        var hours = new UnitHours(ForensicCalendar.Default);
        flow = new ChatFlow(options, Catalog, new UnitResolver(Catalog), hours, new SlaClock(hours), new FakeCases(Catalog),
            new OfficialChannels(Catalog, options, Options.Create(new PublicSiteOptions())), Waits, Follows,
            Bookings = new FakeAppointments(Catalog, new AppointmentSlots(hours)));
        conversation = new Conversation
        {
            Id = "c0ffee-1",
            Channel = channel,
            ContactAddress = channel == Channel.WhatsApp ? "whatsapp:+5591981112222" : "+5591981112222",
            UnitId = unitId,
            CreatedAt = Tuesday10,
            LastActivityAt = Tuesday10,
        };
    }

    public UnitCatalog Catalog { get; }

    /// <summary>The unit's queue as the flow reads it: how many wait before, and the unit's typical time to a first answer.</summary>
    public FakeWaits Waits { get; } = new();

    /// <summary>The video calls booked, in memory, with the real slots of the catalogue's units.</summary>
    public FakeAppointments Bookings { get; }

    /// <summary>The cases followed for movement alerts, in memory.</summary>
    public FakeFollows Follows { get; } = new();

    public ChatFlow Flow => flow;

    public Conversation Conversation => conversation;

    public static UnitCatalog CatalogOf(string name)
    {
        lock (Catalogs)
        {
            if (!Catalogs.TryGetValue(name, out var catalog))
            {
                catalog = UnitCatalogLoader.LoadFile(RepoPaths.File("deploy", "units", $"{name}.sample.json"));
                Catalogs[name] = catalog;
            }

            return catalog;
        }
    }

    /// <summary>One citizen message at <paramref name="at"/>; what the bot did and said.</summary>
    public async Task<ChatOutcome> SayAsync(string text, DateTimeOffset at, params string[] mediaTypes)
    {
        var message = new Message
        {
            Id = "m-" + at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            Direction = MessageDirection.Inbound,
            Channel = conversation.Channel,
            Author = MessageAuthor.Citizen,
            Text = text,
            MediaTypes = mediaTypes,
            MediaUrls = [.. mediaTypes.Select((_, i) => $"https://api.twilio.example/media/{i}")],
            CreatedAt = at,
        };
        var notice = noticeGiven ? null : new NoticeText("Privacidade (aviso completo).", "1", "Privacidade: seus dados servem só para este atendimento (LGPD).");
        var outcome = await flow.HandleAsync(conversation, message, at, notice, CancellationToken.None);
        noticeGiven |= outcome.Conversation.Bot is not null;
        conversation = outcome.Conversation;
        return outcome;
    }

    internal sealed class FakeFollows : Web.Features.CaseAlerts.ICaseFollows
    {
        public Dictionary<string, Web.Features.CaseAlerts.CaseFollow> Cases { get; } = new(StringComparer.Ordinal);

        public int MaxPerContact => 5;

        public Task<IReadOnlyList<Web.Features.CaseAlerts.CaseFollow>> ActiveAsync(string conversationId, DateTimeOffset now) =>
            Task.FromResult<IReadOnlyList<Web.Features.CaseAlerts.CaseFollow>>([.. Cases.Values.Where(f => f.ActiveAt(now))]);

        public Task<(Web.Features.CaseAlerts.FollowOutcome Outcome, Web.Features.CaseAlerts.CaseFollow? Follow)> FollowAsync(string conversationId, CaseSummary summary, DateTimeOffset now)
        {
            if (summary.SecrecyLevel > 0)
            {
                return Task.FromResult<(Web.Features.CaseAlerts.FollowOutcome, Web.Features.CaseAlerts.CaseFollow?)>((Web.Features.CaseAlerts.FollowOutcome.Sealed, null));
            }

            var renewed = Cases.ContainsKey(summary.Number);
            var follow = Cases[summary.Number] = new Web.Features.CaseAlerts.CaseFollow(summary.Number, now, now.AddDays(365));
            return Task.FromResult<(Web.Features.CaseAlerts.FollowOutcome, Web.Features.CaseAlerts.CaseFollow?)>(
                (renewed ? Web.Features.CaseAlerts.FollowOutcome.Renewed : Web.Features.CaseAlerts.FollowOutcome.Followed, follow));
        }

        public Task<IReadOnlyList<Web.Features.CaseAlerts.CaseFollow>> EndAsync(string conversationId, string? digits, DateTimeOffset now, string reason = "citizen")
        {
            var ended = Cases.Values.Where(f => digits is null || new string([.. f.Number.Where(char.IsAsciiDigit)]) == digits).ToList();
            foreach (var f in ended)
            {
                Cases.Remove(f.Number);
            }

            return Task.FromResult<IReadOnlyList<Web.Features.CaseAlerts.CaseFollow>>(ended);
        }
    }

    /// <summary>Bookings in memory with the store's rules: a slot's places, the contact's limit per unit, the slot checks.</summary>
    internal sealed class FakeAppointments(UnitCatalog catalog, AppointmentSlots slots) : IAppointments
    {
        private int next;

        public List<Appointment> All { get; } = [];

        public Task<IReadOnlyList<DateTimeOffset>> FreeSlotsAsync(Unit unit, DateTimeOffset now, int max, string? contactId = null) =>
            Task.FromResult<IReadOnlyList<DateTimeOffset>>([.. slots.Offered(unit, now)
                .Where(s => Taken(unit.Id, s) < unit.Appointments!.PlacesPerSlot && !All.Any(a => a.Start == s && a.ContactId == contactId && a.Status == AppointmentStatus.Booked))
                .Take(max)]);

        public Task<BookingResult> BookAsync(BookingRequest request, DateTimeOffset now)
        {
            var unit = catalog.Find(request.UnitId)!;
            if (request.Id is not null && All.FirstOrDefault(a => a.Id == request.Id) is { } earlier)
            {
                return Task.FromResult(new BookingResult(earlier));
            }

            if (slots.Check(unit, request.Start, now) is { } problem)
            {
                return Task.FromResult(new BookingResult(null, BookingRefusal.Slot, problem));
            }

            if (Taken(unit.Id, request.Start) >= unit.Appointments!.PlacesPerSlot)
            {
                return Task.FromResult(new BookingResult(null, BookingRefusal.Full));
            }

            if (All.Count(a => a.UnitId == unit.Id && a.ContactId == request.ContactId && a.ActiveAt(now)) >= unit.Appointments.PerContact)
            {
                return Task.FromResult(new BookingResult(null, BookingRefusal.Limit));
            }

            var booked = new Appointment(request.Id ?? $"a{++next}", unit.Id, request.Start, unit.Appointments.SlotLength, request.ContactId, request.ConversationId,
                request.Subject, now, request.BookedBy) { Cases = request.Cases, Via = request.Via };
            All.Add(booked);
            return Task.FromResult(new BookingResult(booked));
        }

        public Task<IReadOnlyList<Appointment>> UpcomingAsync(string contactId, DateTimeOffset now) =>
            Task.FromResult<IReadOnlyList<Appointment>>([.. All.Where(a => a.ContactId == contactId && a.ActiveAt(now)).OrderBy(a => a.Start)]);

        public Task<Appointment?> CancelAsync(Appointment appointment, string by, DateTimeOffset now) =>
            Task.FromResult(Replace(appointment, a => a with { Status = AppointmentStatus.Cancelled, CancelledAt = now, CancelledBy = by }));

        public Task<BookingResult> MoveAsync(Appointment appointment, DateTimeOffset start, DateTimeOffset now)
        {
            var unit = catalog.Find(appointment.UnitId)!;
            if (slots.Check(unit, start, now) is { } problem)
            {
                return Task.FromResult(new BookingResult(null, BookingRefusal.Slot, problem));
            }

            return Task.FromResult(Taken(unit.Id, start) >= unit.Appointments!.PlacesPerSlot
                ? new BookingResult(null, BookingRefusal.Full)
                : new BookingResult(Replace(appointment, a => a with { Start = start, MovedFrom = [.. a.MovedFrom, a.Start] })));
        }

        /// <summary>Takes a slot's places from elsewhere (another citizen booking meanwhile).</summary>
        public void Fill(Unit unit, DateTimeOffset start)
        {
            for (var i = Taken(unit.Id, start); i < unit.Appointments!.PlacesPerSlot; i++)
            {
                All.Add(new Appointment($"other{++next}", unit.Id, start, unit.Appointments.SlotLength, "someone-else", null, "outro", start, "citizen"));
            }
        }

        private int Taken(string unitId, DateTimeOffset start) => All.Count(a => a.UnitId == unitId && a.Start == start && a.Status == AppointmentStatus.Booked);

        private Appointment? Replace(Appointment appointment, Func<Appointment, Appointment> change)
        {
            var index = All.FindIndex(a => a.Id == appointment.Id && a.Status == AppointmentStatus.Booked);
            if (index < 0)
            {
                return null;
            }

            All[index] = change(All[index]);
            return All[index];
        }
    }

    internal sealed class FakeWaits : IWaitLookup
    {
        public long Ahead { get; set; }

        public TimeSpan? Typical { get; set; }

        public Task<long> AheadAsync(string unitId, Conversation conversation) => Task.FromResult(Ahead);

        public Task<TimeSpan?> TypicalFirstAnswerAsync(Unit unit) => Task.FromResult(Typical);
    }

    private sealed class FakeCases(UnitCatalog catalog) : ICaseStatusLookup
    {
        public Task<CaseStatusResult> GetStatusAsync(CnjNumber number, CancellationToken cancellationToken = default)
        {
            var court = catalog.Courts.First(c => c.CnjCode == number.CourtKey);
            return Task.FromResult<CaseStatusResult>(number.Canonical.StartsWith("99", StringComparison.Ordinal)
                ? new CaseStatusResult.NotFound(number.Canonical, court.Id)
                : new CaseStatusResult.Found(new CaseSummary(number.Canonical, court.Id, "Ação Trabalhista - Rito Ordinário", "Vara", ["G1"],
                    new DateTimeOffset(2024, 3, 19, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero), ["Verbas Rescisórias"],
                    [new CaseMovement(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero), "Conclusos para sentença", null)])));
        }
    }
}
