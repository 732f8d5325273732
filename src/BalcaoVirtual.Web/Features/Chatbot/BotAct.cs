namespace BalcaoVirtual.Web.Features.Chatbot;

/// <summary>What the bot did in a turn, by substance rather than wording (the conversation corpus labels turns with these).</summary>
public enum BotActKind
{
    Menu,
    AskNumber,

    /// <summary>A case's status from DataJud.</summary>
    Status,

    /// <summary>The status could not be given (not found, DataJud away).</summary>
    NoStatus,

    /// <summary>A mistyped case number (check digits, length).</summary>
    WrongNumber,

    /// <summary>A case of another court; the detail is its acronym.</summary>
    OtherCourt,

    /// <summary>A matter of another branch of the judiciary; the detail is the branch.</summary>
    OtherBranch,
    AskUnit,
    ChooseUnit,
    AskQuestion,
    HandOff,
    Hours,
    Video,
    VideoClosed,
    Petition,
    NewClaim,
    Thanks,
    Goodbye,
    NotUnderstood,
    OfferClerk,
    Audio,

    /// <summary>Said whether the numbers, addresses or links in the message are the court's; the detail is "official", "not-official" or "none".</summary>
    Verify,

    /// <summary>Warned that the court never asks for payment by message (the fake-lawyer scam), and flagged the conversation.</summary>
    PaymentWarning,

    /// <summary>Said, to "e aí?" while the unit has the conversation, where the wait stands: the deadline, the place in the queue, the likely time.</summary>
    WaitTime,

    /// <summary>Took the citizen's answer to the satisfaction survey (a rating, or its comment).</summary>
    SurveyAnswer,

    /// <summary>Noted that the citizen wants no satisfaction surveys.</summary>
    NoSurvey,

    /// <summary>Followed a case (or renewed, or said why not): alerts of its new movements.</summary>
    Follow,

    /// <summary>Ended the alerts of one case or all.</summary>
    Unfollow,

    /// <summary>Listed the cases the contact follows.</summary>
    FollowList,

    /// <summary>Listed a unit's free slots for a video call (or said why none); the detail is the unit id.</summary>
    OfferSlots,

    /// <summary>Booked a video call; the detail is the unit id.</summary>
    Booked,

    /// <summary>Could not book the time chosen (full, the contact's limit, no longer a slot).</summary>
    NotBooked,

    /// <summary>Cancelled a booked video call.</summary>
    CancelBooking,

    /// <summary>Moved a booked video call to another slot.</summary>
    MoveBooking,

    /// <summary>Said which video calls the contact has booked.</summary>
    BookingList,
}

/// <summary>One thing the bot did in a turn; <paramref name="Detail"/> is the unit id, the court's acronym or the branch.</summary>
public sealed record BotAct(BotActKind Kind, string? Detail = null)
{
    /// <summary>"handoff trt8-vt-macapa-7", "other-court TJPA", "menu": the act as the corpus writes it.</summary>
    public override string ToString()
    {
        var name = Kind switch
        {
            BotActKind.HandOff => "handoff",
            _ => string.Concat(Kind.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString())),
        };
        return Detail is null ? name : $"{name} {Detail}";
    }
}
