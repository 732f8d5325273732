using BalcaoVirtual.Web.Features.Chatbot;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Storage;
using BalcaoVirtual.Web.Resources;
using Hangfire;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Appointments;

/// <summary>What one run of the reminder job did.</summary>
public sealed record ReminderRun(int DayBefore, int Soon, int NotSent);

/// <summary>
/// The recurring job behind the reminders of booked video calls: a day before (for calls booked earlier than that) and
/// 30 minutes before, each through the conversation the call was booked in, once whichever node runs it (the reminder's
/// mark and its message commit together on the conversation's slot). The link goes with the reminder when it is the
/// call's own (a room for appointments, or the link a clerk pasted); the unit's standing video-desk room is given only
/// while its desk is open, so the 30-minute reminder of a call at opening time waits for the opening. Outside WhatsApp's
/// window a reminder goes as the court's approved template, or not at all.
/// </summary>
public sealed partial class AppointmentReminderJob(
    RedisConnections redis,
    RedisKeys keys,
    AppointmentBook book,
    ConversationStore conversations,
    Outbox outbox,
    WhatsAppWindowGuard window,
    UnitCatalog catalog,
    UnitHours hours,
    TimeProvider time,
    ILogger<AppointmentReminderJob> logger)
{
    public const string JobId = "appointment-reminders";

    /// <summary>The template kind of a reminder outside WhatsApp's window.</summary>
    public const string TemplateKind = "appointmentReminder";

    public static readonly TimeSpan DayBefore = TimeSpan.FromHours(24);

    public static readonly TimeSpan Soon = TimeSpan.FromMinutes(30);

    /// <summary>Whether a call at <paramref name="start"/> booked (or moved) at <paramref name="at"/> gets a reminder the day before: only when booked earlier than that.</summary>
    public static bool RemindsTheDayBefore(DateTimeOffset start, DateTimeOffset at) => at <= start - DayBefore;

    [AutomaticRetry(Attempts = 0)]
    [Queue(Sla.SlaJobs.Queue)]
    public async Task<ReminderRun> RunAsync()
    {
        var now = time.GetUtcNow();
        var (dayBefore, soon, notSent) = (0, 0, 0);
        foreach (var unit in catalog.Units.Where(u => u.Appointments is not null))
        {
            // From a slot's length back: a call at the desk's opening time gets its link at the opening, once it has begun.
            var from = now - (unit.Appointments?.SlotLength ?? TimeSpan.Zero);
            foreach (var appointment in await book.AgendaAsync(unit.Id, from, now + DayBefore + TimeSpan.FromMinutes(1)).ConfigureAwait(false))
            {
                if (appointment.Status != AppointmentStatus.Booked || appointment.End <= now || appointment.ConversationId is null)
                {
                    continue;
                }

                var kind = Due(unit, appointment, now);
                if (kind is null)
                {
                    continue;
                }

                if (await RemindAsync(unit, appointment, kind, now).ConfigureAwait(false))
                {
                    _ = kind == "soon" ? soon++ : dayBefore++;
                }
                else
                {
                    notSent++;
                }
            }
        }

        LogRun(logger, dayBefore, soon, notSent);
        return new ReminderRun(dayBefore, soon, notSent);
    }

    /// <summary>"soon" from 30 minutes before (the standing room's link: once the desk is open), "day" from a day before for a call booked earlier; null when none is due.</summary>
    private string? Due(Unit unit, Appointment appointment, DateTimeOffset now)
    {
        if (appointment.Start - now <= Soon)
        {
            return appointment.RemindedSoon is null && (!IsStandingRoom(unit, appointment) || hours.At(unit, now).Open) ? "soon" : null;
        }

        return appointment.RemindedDayBefore is null && RemindsTheDayBefore(appointment.Start, appointment.MovedAt ?? appointment.BookedAt)
            && appointment.Start - now <= DayBefore ? "day" : null;
    }

    private static Uri? LinkOf(Unit unit, Appointment appointment) => appointment.Link ?? unit.Appointments?.JoinUrl;

    private static bool IsStandingRoom(Unit unit, Appointment appointment) => LinkOf(unit, appointment) is { } link && link == unit.VideoDeskUrl;

    /// <summary>Queues one reminder and notes it on the appointment; false when the conversation is gone or WhatsApp's window is closed without a template.</summary>
    private async Task<bool> RemindAsync(Unit unit, Appointment appointment, string kind, DateTimeOffset now)
    {
        if (await conversations.GetAsync(appointment.ConversationId!).ConfigureAwait(false) is not { AnonymizedAt: null } conversation)
        {
            return false;
        }

        // Read again just before: a call cancelled or moved since the agenda was read is not reminded (its mark would not match).
        if (await book.GetAsync(appointment.UnitId, appointment.Id).ConfigureAwait(false) is not { Status: AppointmentStatus.Booked } current || current.Start != appointment.Start)
        {
            return false;
        }

        // The day before, the standing room's link is not given (the desk may be closed): it comes 30 minutes before.
        var link = kind == "day" && IsStandingRoom(unit, appointment) ? null : LinkOf(unit, appointment);
        var when = BotFormat.When(appointment.Start, unit.TimeZone);
        var text = (kind, link) switch
        {
            ("day", null) => Texts.Format("AppointmentReminderDayNoLink", unit.Name, when, BotFormat.ZoneName(unit.TimeZone)),
            ("day", _) => Texts.Format("AppointmentReminderDay", unit.Name, when, BotFormat.ZoneName(unit.TimeZone), link),
            (_, null) => Texts.Format("AppointmentReminderSoonNoLink", unit.Name, BotFormat.Time(appointment.Start, unit.TimeZone)),
            _ when appointment.Start <= now => Texts.Format("AppointmentReminderNow", unit.Name, link),
            _ => Texts.Format("AppointmentReminderSoon", unit.Name, BotFormat.Time(appointment.Start, unit.TimeZone), link),
        };
        var (allowed, template) = await window.CourtFirstAsync(conversation, TemplateKind, unit.Id, unit.Court.Id, () => new(StringComparer.Ordinal)
        {
            ["unit"] = unit.Name,
            ["when"] = when,
            ["link"] = link?.ToString() ?? Texts.Get("AppointmentLinkLater"),
            ["court"] = unit.Court.Name,
            ["courtId"] = unit.Court.Id,
        }).ConfigureAwait(false);
        if (!allowed)
        {
            LogNoTemplate(logger, appointment.Id, unit.Id);
            return false;
        }

        var mark = $"{appointment.Id}:{kind}:{appointment.Start.ToUnixTimeMilliseconds()}";
        var tran = redis.ForTransactions().CreateTransaction();
        tran.AddCondition(Condition.HashNotExists(keys.AppointmentReminders(conversation.Id), mark));
        _ = tran.HashSetAsync(keys.AppointmentReminders(conversation.Id), mark, now.ToUnixTimeMilliseconds());
        outbox.AddQueue(tran, conversation, text, MessageAuthor.System, null, template, acts: ["appointment-reminder"]);
        var queued = await tran.ExecuteAsync().ConfigureAwait(false);
        if (queued)
        {
            await outbox.SignalAsync().ConfigureAwait(false);
        }

        // Noted also when another node queued it first: the agenda shows it, and no run looks at it again.
        await book.NoteAsync(appointment, a => kind == "soon" ? a with { RemindedSoon = now } : a with { RemindedDayBefore = now }).ConfigureAwait(false);
        return queued;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Appointment reminders: {DayBefore} a day before, {Soon} 30 minutes before, {NotSent} not sent")]
    private static partial void LogRun(ILogger logger, int dayBefore, int soon, int notSent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A reminder of appointment {AppointmentId} (unit {UnitId}) is outside WhatsApp's window and no 'appointmentReminder' template is configured (WhatsApp:AppointmentReminder): not sent")]
    private static partial void LogNoTemplate(ILogger logger, string appointmentId, string unitId);
}
