using System.Text.Json.Serialization;
using BalcaoVirtual.Web.Features.Conversations;

namespace BalcaoVirtual.Web.Features.Chatbot;

/// <summary>What the bot is waiting for from the citizen.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<BotStep>))]
public enum BotStep
{
    Menu,
    AskCaseNumber,

    /// <summary>Which town or unit (for <see cref="BotSession.Goal"/>).</summary>
    AskUnit,

    /// <summary>One of <see cref="BotSession.Candidates"/>, by number or name.</summary>
    ChooseUnit,

    /// <summary>The question to pass to the unit.</summary>
    AskQuestion,

    /// <summary>Yes or no: pass what was written to a clerk.</summary>
    OfferClerk,

    /// <summary>Yes or no: leave a written message (the video desk is closed).</summary>
    OfferWritten,

    /// <summary>One of <see cref="BotSession.Slots"/>, by number: the time of the video call (or its new time).</summary>
    ChooseSlot,

    /// <summary>The subject of the video call booked at <see cref="BotSession.Slot"/>.</summary>
    AskSubject,

    /// <summary>Which of <see cref="BotSession.Bookings"/> to cancel or move (<see cref="BotSession.Goal"/>).</summary>
    ChooseBooking,

    /// <summary>Yes or no: cancel the booked call in <see cref="BotSession.Bookings"/>.</summary>
    ConfirmCancel,
}

/// <summary>What the citizen wants once the unit is known.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<BotGoal>))]
public enum BotGoal
{
    None,

    /// <summary>Talk to the unit: ask the question, then hand off.</summary>
    Talk,

    /// <summary>Hand off now: what was written already is the question.</summary>
    HandOff,

    Video,
    Hours,

    /// <summary>Asked for the number, address or link to check ("verificar" alone).</summary>
    Verify,

    /// <summary>Asked for the number of the case to follow ("me avise quando meu processo andar" without one).</summary>
    Follow,

    /// <summary>Book a video call with the unit.</summary>
    Book,

    /// <summary>Cancel one of the contact's booked video calls.</summary>
    CancelBooking,

    /// <summary>Move one of the contact's booked video calls.</summary>
    MoveBooking,
}

/// <summary>The chatbot's explicit state, stored on the conversation record (one write with the turn's replies).</summary>
public sealed record BotSession
{
    public BotStep Step { get; init; } = BotStep.Menu;

    public BotGoal Goal { get; init; } = BotGoal.None;

    /// <summary>Units offered when the citizen's answer fitted several.</summary>
    public IReadOnlyList<string> Candidates { get; init; } = [];

    /// <summary>Messages in a row it did not understand.</summary>
    public int Misses { get; init; }

    /// <summary>The unit the dialog settled on (from the number written to, a case number, a town or a name).</summary>
    public string? UnitId { get; init; }

    public DateTimeOffset LastTurnAt { get; init; }

    /// <summary>The day (in the unit's time zone) the citizen was last told, while the unit had the conversation, that a document sent here is not a filing.</summary>
    public DateOnly? PetitionNoticeOn { get; init; }

    /// <summary>The day (in the unit's time zone) the citizen was last warned, while the unit had the conversation, about paying by message.</summary>
    public DateOnly? PaymentWarningOn { get; init; }

    /// <summary>The case whose status was shown last (public, ours): what "avisar" alone follows.</summary>
    public string? CaseShown { get; init; }

    /// <summary>The free slots offered, in the order listed.</summary>
    public IReadOnlyList<DateTimeOffset> Slots { get; init; } = [];

    /// <summary>The slot chosen, while the subject is asked.</summary>
    public DateTimeOffset? Slot { get; init; }

    /// <summary>The booked video calls offered to cancel or move ("unitId/appointmentId"), in the order listed.</summary>
    public IReadOnlyList<string> Bookings { get; init; } = [];

    /// <summary>The booked video call being moved ("unitId/appointmentId"): the slot chosen moves it.</summary>
    public string? Moving { get; init; }
}
