using System.Text.Json.Serialization;
using BalcaoVirtual.Web.Features.Conversations;

namespace BalcaoVirtual.Web.Features.Appointments;

[JsonConverter(typeof(CamelCaseEnumConverter<AppointmentStatus>))]
public enum AppointmentStatus
{
    Booked,
    Cancelled,

    /// <summary>The citizen joined (recorded by a clerk).</summary>
    Attended,

    /// <summary>The citizen did not join (recorded by a clerk).</summary>
    NoShow,
}

/// <summary>
/// A video call booked with a unit: when, for how long, with whom (the contact id, never the address), through which
/// conversation the citizen is told, and about what. A cancelled or moved appointment keeps its record.
/// </summary>
public sealed record Appointment(
    string Id,
    string UnitId,
    DateTimeOffset Start,
    TimeSpan Length,
    string ContactId,
    string? ConversationId,
    string Subject,
    DateTimeOffset BookedAt,
    string BookedBy)
{
    public AppointmentStatus Status { get; init; } = AppointmentStatus.Booked;

    /// <summary>The name given on the public page (the chatbot asks none).</summary>
    public string? Name { get; init; }

    /// <summary>Case numbers the citizen gave (canonical form).</summary>
    public IReadOnlyList<string> Cases { get; init; } = [];

    /// <summary>Where the booking came from: "whatsapp", "sms", "email", "page".</summary>
    public string Via { get; init; } = "";

    /// <summary>The link a clerk pasted for this appointment (units with a link per appointment).</summary>
    public Uri? Link { get; init; }

    public DateTimeOffset? CancelledAt { get; init; }

    /// <summary>"citizen", or the clerk's user id.</summary>
    public string? CancelledBy { get; init; }

    /// <summary>The starts it had before being moved, oldest first.</summary>
    public IReadOnlyList<DateTimeOffset> MovedFrom { get; init; } = [];

    /// <summary>When it was last moved: a call moved to less than a day ahead gets no reminder the day before.</summary>
    public DateTimeOffset? MovedAt { get; init; }

    public DateTimeOffset? RemindedDayBefore { get; init; }

    public DateTimeOffset? RemindedSoon { get; init; }

    /// <summary>Who recorded the attendance or the no-show.</summary>
    public string? RecordedBy { get; init; }

    public DateTimeOffset End => Start + Length;

    public bool ActiveAt(DateTimeOffset now) => Status == AppointmentStatus.Booked && End > now;

    /// <summary>
    /// Whether the call holds a place in any of the time from <paramref name="start"/> for <paramref name="length"/>: every
    /// call but a cancelled one does (one under way keeps its time once its attendance is recorded).
    /// </summary>
    public bool Holds(DateTimeOffset start, TimeSpan length) => Status != AppointmentStatus.Cancelled && Start < start + length && start < End;
}

/// <summary>What booking or moving asks for.</summary>
public sealed record BookingRequest(string UnitId, DateTimeOffset Start, string ContactId, string? ConversationId, string Subject, string Via, string BookedBy)
{
    /// <summary>
    /// The id to book under, when the request may come twice (a chat turn run again derives it from its message): the
    /// second time finds the first booking instead of making another. Null: a new id.
    /// </summary>
    public string? Id { get; init; }

    public string? Name { get; init; }

    public IReadOnlyList<string> Cases { get; init; } = [];
}

public enum BookingRefusal
{
    /// <summary>The time is no slot to book (see <see cref="BookingResult.Problem"/>).</summary>
    Slot,

    /// <summary>Every place of the slot is taken.</summary>
    Full,

    /// <summary>The contact already holds as many appointments ahead with the unit as it allows.</summary>
    Limit,
}

/// <summary>The appointment booked (or moved), or why not.</summary>
public sealed record BookingResult(Appointment? Appointment, BookingRefusal? Refusal = null, SlotProblem? Problem = null)
{
    public bool Booked => Appointment is not null && Refusal is null;

    /// <summary>The same request was booked before (its id): nothing new was booked, and nothing new should be told.</summary>
    public bool Again { get; init; }
}
