namespace BalcaoVirtual.Web.Features.Units;

/// <summary>A court, as the catalogue declares it.</summary>
public sealed record Court(string Id, string Name, string CnjCode, string? DataJudIndex, string TimeZone)
{
    /// <summary>Who receives SLA escalations of the court's units (a court-level contact); none when not declared.</summary>
    public UnitManager? Escalation { get; init; }

    /// <summary>The court-wide address, e.g. balcao@trt8.jus.br (mail to it is routed by the chatbot's rules).</summary>
    public string? Email { get; init; }

    public UnitMailbox? Mailbox { get; init; }

    /// <summary>The court's central WhatsApp number (E.164): the chatbot routes what arrives there; the public page links it.</summary>
    public string? WhatsApp { get; init; }
}

/// <summary>A municipality a unit serves (citizens name their town, not the Vara).</summary>
public sealed record Municipality(string Name, string IbgeCode);

public sealed record UnitChannels(IReadOnlyList<string> WhatsApp, IReadOnlyList<string> Sms, string? Email);

/// <summary>One opening period on some days of the week, in the unit's civil time.</summary>
public sealed record ServicePeriod(IReadOnlySet<DayOfWeek> Days, TimeOnly From, TimeOnly To);

public enum SlaCounting
{
    /// <summary>The window runs around the clock, every day.</summary>
    Calendar,

    /// <summary>The window runs only during the unit's public-service hours on business days.</summary>
    ServiceHours,
}

/// <summary>A unit's deadline for answering; a null window means the unit has no deadline (no warnings, no alerts).</summary>
public sealed record SlaPolicy(TimeSpan? ResponseWindow, SlaCounting Counting, IReadOnlyList<TimeSpan> WarnBefore, TimeSpan? EscalateAfter)
{
    public static readonly SlaPolicy None = new(null, SlaCounting.Calendar, [], null);
}

public sealed record UnitManager(string Name, string? Email, string? Phone);

public enum MailSecurity
{
    /// <summary>TLS from the first byte (IMAP 993, SMTP 465).</summary>
    Ssl,

    /// <summary>Plain connection upgraded with STARTTLS (IMAP 143, SMTP 587); refused if the server does not offer it.</summary>
    StartTls,

    /// <summary>No TLS: only for a server on the same machine or a test.</summary>
    None,
}

public sealed record MailServer(string Host, int Port, MailSecurity Security, string User);

/// <summary>A unit's mailbox: read over IMAP, answered over SMTP from the unit's address (<see cref="UnitChannels.Email"/>).</summary>
public sealed record UnitMailbox(MailServer Imap, MailServer? Smtp, string Folder, string? ProcessedFolder)
{
    /// <summary>Answers carry a plus-addressed Reply-To ("vt7macapa+token@…"); the server must deliver those.</summary>
    public bool PlusAddressing { get; init; }
}

/// <summary>
/// A mailbox the service reads: a unit's (mail goes to that unit) or a court's central one (<see cref="UnitId"/> null:
/// mail is routed by case number or town). <see cref="Id"/> is the unit's or the court's id, which also names its
/// password setting (Mail:Passwords:&lt;id&gt;) and its polling job.
/// </summary>
public sealed record Mailbox(string Id, string? UnitId, Court Court, string Address, string DisplayName, UnitMailbox Settings);

public sealed record Unit(
    string Id,
    Court Court,
    string Name,
    string City,
    string State,
    string IbgeCode,
    bool ForaDaSede,
    IReadOnlyList<string> OriginCodes,
    IReadOnlyList<Municipality> Municipalities,
    UnitChannels Channels,
    Uri? VideoDeskUrl,
    IReadOnlyList<ServicePeriod> ServiceHours,
    TimeZoneInfo TimeZone,
    SlaPolicy Sla,
    IReadOnlyList<UnitManager> Managers)
{
    public UnitMailbox? Mailbox { get; init; }

    /// <summary>How citizens book a video call with the unit; null when the unit takes no appointments.</summary>
    public AppointmentPolicy? Appointments { get; init; }
}

/// <summary>
/// A unit's video-desk appointments: slots of <see cref="SlotLength"/> offered in <see cref="Hours"/> (its service hours
/// unless the catalogue says otherwise) on business days, up to <see cref="DaysAhead"/> days ahead and no sooner than
/// <see cref="MinimumNotice"/>, each for <see cref="PlacesPerSlot"/> citizens; a contact holds at most
/// <see cref="PerContact"/> future appointments. Citizens join at <see cref="JoinUrl"/>, or, when null, at the link a clerk
/// pastes for each appointment.
/// </summary>
public sealed record AppointmentPolicy(
    TimeSpan SlotLength,
    int PlacesPerSlot,
    IReadOnlyList<ServicePeriod> Hours,
    int DaysAhead,
    TimeSpan MinimumNotice,
    Uri? JoinUrl,
    int PerContact)
{
    /// <summary>The longest slot a catalogue may set: how far back a call that still holds a time can have started.</summary>
    public static readonly TimeSpan LongestSlot = TimeSpan.FromMinutes(240);

    /// <summary>Whether <see cref="Hours"/> were set apart from the service hours (false: they are the service hours).</summary>
    public bool OwnHours { get; init; }
}
