using System.Security.Claims;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Features.Chatbot;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Resources;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BalcaoVirtual.Web.Features.Appointments;

/// <summary>
/// One booked video call as the unit's agenda shows it: who (the name given, else the contact), about what, and the
/// conversation; whether it gets a reminder the day before (not when booked or moved less than a day ahead) and when
/// each reminder went.
/// </summary>
public sealed record AgendaItem(
    string Id, DateTimeOffset Start, DateTimeOffset End, AppointmentStatus Status, string Who, Channel? Channel, string Subject,
    IReadOnlyList<string> Cases, string? ConversationId, string Via, string? Link, bool NeedsLink, bool LinkPerAppointment, bool DayBeforeReminder,
    DateTimeOffset? RemindedDayBefore, DateTimeOffset? RemindedSoon, IReadOnlyList<DateTimeOffset> MovedFrom, string? RecordedBy);

/// <summary>A unit's agenda for some days, and the free slots a call may move to.</summary>
public sealed record Agenda(string UnitId, string UnitName, string TimeZone, DateOnly From, int Days, IReadOnlyList<AgendaItem> Items, IReadOnlyList<DateTimeOffset> FreeSlots);

/// <summary>A clerk's change to a call: the new time (a move), the link (units with a link per call), the message to the citizen.</summary>
public sealed record AgendaChange(DateTimeOffset? Start, string? Link, string? Message, bool? Attended);

/// <summary>
/// The unit's agenda for its clerks: the calls of a day or a week; moving or cancelling one tells the citizen through
/// their conversation (with the clerk's own words, if any); the link of a call for units that paste one per call; who
/// came and who did not. Every route is the unit's: its clerks, managers and admins.
/// </summary>
internal static class AppointmentEndpoints
{
    public const int MaxMessage = 500;
    private const int MaxDays = 31;

    public static IEndpointRouteBuilder MapAppointments(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/units/{id}/appointments").RequireAuthorization();
        group.MapGet("/", AgendaAsync);
        group.MapPost("/{appointmentId}/move", MoveAsync);
        group.MapPost("/{appointmentId}/cancel", CancelAsync);
        group.MapPost("/{appointmentId}/link", LinkAsync);
        group.MapPost("/{appointmentId}/attendance", AttendanceAsync);
        return app;
    }

    private static async Task<Results<Ok<Agenda>, ValidationProblem, Refusal>> AgendaAsync(
        string id, string? from, int? days, ClaimsPrincipal user, UnitCatalog catalog, AppointmentBook book, ConversationStore conversations, TimeProvider time)
    {
        if (UnitAccess.Refusal(user, catalog, id) is { } refusal)
        {
            return refusal;
        }

        var unit = catalog.Find(id)!;
        var now = time.GetUtcNow();
        var first = UnitHours.LocalDate(unit, now);
        if (from is not null && !QueryDates.TryParseDay(from, out first))
        {
            return Problems.Validation(("from", Texts.Get("AgendaBadFrom")));
        }

        if (days is not null and not (>= 1 and <= MaxDays))
        {
            return Problems.Validation(("days", Texts.Format("AgendaBadDays", MaxDays)));
        }

        var span = days ?? 7;
        var start = UnitHours.Local(unit, first, TimeOnly.MinValue);
        var items = new List<AgendaItem>();
        foreach (var a in await book.AgendaAsync(id, start, UnitHours.Local(unit, first.AddDays(span), TimeOnly.MinValue)).ConfigureAwait(false))
        {
            var conversation = a.ConversationId is null ? null : await conversations.GetAsync(a.ConversationId).ConfigureAwait(false);
            items.Add(new AgendaItem(
                a.Id, a.Start, a.End, a.Status, a.Name ?? conversation?.ContactName ?? conversation?.ContactAddress ?? "", conversation?.Channel, a.Subject, a.Cases,
                a.ConversationId, a.Via, (a.Link ?? unit.Appointments?.JoinUrl)?.ToString(), unit.Appointments is { JoinUrl: null } && a.Link is null,
                unit.Appointments is { JoinUrl: null }, AppointmentReminderJob.RemindsTheDayBefore(a.Start, a.MovedAt ?? a.BookedAt),
                a.RemindedDayBefore, a.RemindedSoon, a.MovedFrom, a.RecordedBy));
        }

        var free = unit.Appointments is null ? [] : await book.FreeSlotsAsync(unit, now, 60).ConfigureAwait(false);
        return TypedResults.Ok(new Agenda(id, unit.Name, unit.TimeZone.Id, first, span, items, free));
    }

    /// <summary>The call, if the unit is the caller's and the call is the unit's.</summary>
    private static async Task<(Unit? Unit, Appointment? Appointment, IResult? Refused)> FindAsync(
        string id, string appointmentId, ClaimsPrincipal user, UnitCatalog catalog, AppointmentBook book)
    {
        if (UnitAccess.Refusal(user, catalog, id) is { } refusal)
        {
            return (null, null, refusal);
        }

        return await book.GetAsync(id, appointmentId).ConfigureAwait(false) is { } appointment
            ? (catalog.Find(id), appointment, null)
            : (null, null, new NotFoundProblem(Texts.Get("AgendaNotFound")));
    }

    private static async Task<IResult> MoveAsync(
        string id, string appointmentId, AgendaChange? change, ClaimsPrincipal user, UnitCatalog catalog, AppointmentBook book, AppointmentSlots slots,
        ConversationActions actions, Privacy.AuditTrail trail, TimeProvider time)
    {
        var (unit, appointment, refused) = await FindAsync(id, appointmentId, user, catalog, book).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        if (change?.Start is not { } start || !QueryDates.IsPlausible(start))
        {
            return Problems.Validation(("start", Texts.Get("AgendaBadStart")));
        }

        if (MessageProblem(change) is { } bad)
        {
            return bad;
        }

        if (appointment!.Status != AppointmentStatus.Booked)
        {
            return new ConflictProblem(Texts.Get("AgendaNotBooked"));
        }

        if (start == appointment.Start)
        {
            return Problems.Validation(("start", Texts.Get("AgendaSameTime")));
        }

        var now = time.GetUtcNow();
        var result = await book.MoveAsync(appointment, start, now).ConfigureAwait(false);
        if (!result.Booked)
        {
            return Problems.Validation(("start", Refused(unit!, result, slots.ClosedBecause(unit!, start))));
        }

        var when = BotFormat.When(start, unit!.TimeZone);
        await TellAsync(appointment, user, actions, "appointment.move",
            Texts.Format("AgendaMovedTell", unit.Name, when, BotFormat.ZoneName(unit.TimeZone)), change.Message).ConfigureAwait(false);
        await trail.RecordAsync("appointment.move", appointment.Id, unit.Id, user.UserId()).ConfigureAwait(false);
        return TypedResults.Ok(result.Appointment);
    }

    private static async Task<IResult> CancelAsync(
        string id, string appointmentId, AgendaChange? change, ClaimsPrincipal user, UnitCatalog catalog, AppointmentBook book, ConversationActions actions,
        Privacy.AuditTrail trail, TimeProvider time)
    {
        var (unit, appointment, refused) = await FindAsync(id, appointmentId, user, catalog, book).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        if (MessageProblem(change) is { } bad)
        {
            return bad;
        }

        if (appointment!.Status != AppointmentStatus.Booked)
        {
            return new ConflictProblem(Texts.Get("AgendaNotBooked"));
        }

        if (await book.CancelAsync(appointment, user.UserId(), time.GetUtcNow()).ConfigureAwait(false) is not { } cancelled)
        {
            return new ConflictProblem(Texts.Get("AgendaChanged"));
        }

        await TellAsync(appointment, user, actions, "appointment.cancel",
            Texts.Format("AgendaCancelledTell", unit!.Name, BotFormat.When(appointment.Start, unit.TimeZone)), change?.Message).ConfigureAwait(false);
        await trail.RecordAsync("appointment.cancel", appointment.Id, unit.Id, user.UserId()).ConfigureAwait(false);
        return TypedResults.Ok(cancelled);
    }

    /// <summary>The call's own link (units whose calls each get one); the citizen gets it with the reminders.</summary>
    private static async Task<IResult> LinkAsync(
        string id, string appointmentId, AgendaChange? change, ClaimsPrincipal user, UnitCatalog catalog, AppointmentBook book, ConversationActions actions,
        Privacy.AuditTrail trail, TimeProvider time)
    {
        var (unit, appointment, refused) = await FindAsync(id, appointmentId, user, catalog, book).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        if (!Uri.TryCreate(change?.Link?.Trim(), UriKind.Absolute, out var link) || link.Scheme != Uri.UriSchemeHttps)
        {
            return Problems.Validation(("link", Texts.Get("AgendaBadLink")));
        }

        if (appointment!.Status != AppointmentStatus.Booked)
        {
            return new ConflictProblem(Texts.Get("AgendaNotBooked"));
        }

        var noted = await book.NoteAsync(appointment, a => a with { Link = link }).ConfigureAwait(false);
        if (noted is null)
        {
            return new ConflictProblem(Texts.Get("AgendaChanged"));
        }

        if (noted.RemindedSoon is not null || noted.Start - time.GetUtcNow() <= AppointmentReminderJob.Soon)
        {
            // The 30-minute reminder went (or is going) without a link: the link goes now.
            await TellAsync(noted, user, actions, "appointment.link",
                Texts.Format("AgendaLinkTell", unit!.Name, BotFormat.Time(noted.Start, unit.TimeZone), link), null).ConfigureAwait(false);
        }

        await trail.RecordAsync("appointment.link", appointment.Id, unit!.Id, user.UserId()).ConfigureAwait(false);
        return TypedResults.Ok(noted);
    }

    /// <summary>Who came ("attended": true) and who did not (false), once the call has started.</summary>
    private static async Task<IResult> AttendanceAsync(
        string id, string appointmentId, AgendaChange? change, ClaimsPrincipal user, UnitCatalog catalog, AppointmentBook book, Privacy.AuditTrail trail, TimeProvider time)
    {
        var (unit, appointment, refused) = await FindAsync(id, appointmentId, user, catalog, book).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        if (change?.Attended is not { } attended)
        {
            return Problems.Validation(("attended", Texts.Get("AgendaBadAttendance")));
        }

        if (appointment!.Status == AppointmentStatus.Cancelled)
        {
            return new ConflictProblem(Texts.Get("AgendaNotBooked"));
        }

        if (appointment.Start > time.GetUtcNow())
        {
            return new ConflictProblem(Texts.Get("AgendaNotYet"));
        }

        var status = attended ? AppointmentStatus.Attended : AppointmentStatus.NoShow;
        var noted = await book.NoteAsync(appointment, a => a with { Status = status, RecordedBy = user.UserId() }).ConfigureAwait(false);
        if (noted is null)
        {
            return new ConflictProblem(Texts.Get("AgendaChanged"));
        }

        await trail.RecordAsync("appointment." + (attended ? "attended" : "no-show"), appointment.Id, unit!.Id, user.UserId()).ConfigureAwait(false);
        return TypedResults.Ok(noted);
    }

    private static ValidationProblem? MessageProblem(AgendaChange? change) =>
        change?.Message is { Length: > MaxMessage } ? Problems.Validation(("message", Texts.Format("AgendaMessageTooLong", MaxMessage))) : null;

    /// <summary>Why a time could not be taken, in the clerk's words.</summary>
    private static string Refused(Unit unit, BookingResult result, string? closedBecause) => result switch
    {
        { Refusal: BookingRefusal.Full } => Texts.Get("AgendaSlotFull"),
        { Problem: SlotProblem.Past } => Texts.Get("AgendaSlotPast"),
        { Problem: SlotProblem.TooSoon } => Texts.Format("AgendaSlotTooSoon", unit.Appointments!.MinimumNotice.TotalHours),
        { Problem: SlotProblem.TooFar } => Texts.Format("AgendaSlotTooFar", unit.Appointments!.DaysAhead),
        { Problem: SlotProblem.Closed } => Texts.Format("AgendaSlotClosed", BotFormat.Inline(closedBecause)),
        _ => Texts.Get("AgendaSlotNotASlot"),
    };

    /// <summary>Tells the citizen in the call's conversation, with the clerk's words after the notice; nothing without a conversation.</summary>
    private static async Task TellAsync(Appointment appointment, ClaimsPrincipal user, ConversationActions actions, string action, string notice, string? message)
    {
        if (appointment.ConversationId is null)
        {
            return;
        }

        var text = string.IsNullOrWhiteSpace(message) ? notice : notice + "\n" + message.Trim();
        await actions.ApplyAsync(appointment.ConversationId, user, action, appointment.Id, (before, _) => new ActionPlan(
            before, Send: new Outgoing(text, MessageAuthor.Clerk, user.UserId(), Acts: [action]))).ConfigureAwait(false);
    }
}
