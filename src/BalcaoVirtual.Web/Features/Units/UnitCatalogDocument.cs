using System.Text.Json.Serialization;

namespace BalcaoVirtual.Web.Features.Units;

// The catalogue file as written by the court's IT staff. Unknown fields are refused so that a typo
// ("videoDeskUlr") stops start-up instead of silently dropping a setting. Schema: docs/units-catalogue.md.

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class CatalogDocument
{
    [JsonPropertyName("$schema")]
    public string? Schema { get; set; }

    public List<CourtDocument>? Courts { get; set; }

    public List<UnitDocument>? Units { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class CourtDocument
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? CnjCode { get; set; }

    public string? DataJudIndex { get; set; }

    public string? TimeZone { get; set; }

    public ManagerDocument? Escalation { get; set; }

    /// <summary>The court-wide address citizens may write to (mail to it is routed like the central WhatsApp number).</summary>
    public string? Email { get; set; }

    public MailboxDocument? Mailbox { get; set; }

    /// <summary>The court's central WhatsApp number (E.164), published for units without a number of their own.</summary>
    public string? WhatsApp { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class UnitDocument
{
    public string? Id { get; set; }

    public string? Court { get; set; }

    public string? Name { get; set; }

    public string? City { get; set; }

    public string? State { get; set; }

    public string? IbgeCode { get; set; }

    public bool? ForaDaSede { get; set; }

    public List<string>? OriginCodes { get; set; }

    public List<MunicipalityDocument>? Municipalities { get; set; }

    public ChannelsDocument? Channels { get; set; }

    public string? VideoDeskUrl { get; set; }

    public List<ServicePeriodDocument>? ServiceHours { get; set; }

    public string? TimeZone { get; set; }

    public SlaDocument? Sla { get; set; }

    public List<ManagerDocument>? Managers { get; set; }

    public MailboxDocument? Mailbox { get; set; }

    /// <summary>Video-desk appointments; the unit takes none without it.</summary>
    public AppointmentsDocument? Appointments { get; set; }
}

/// <summary>How citizens book a video call with the unit (docs/units-catalogue.md, "appointments").</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class AppointmentsDocument
{
    /// <summary>Length of a slot in minutes (10 to 240).</summary>
    public int? SlotMinutes { get; set; }

    /// <summary>How many citizens one slot takes (default 1).</summary>
    public int? PlacesPerSlot { get; set; }

    /// <summary>When slots are offered; default the unit's service hours.</summary>
    public List<ServicePeriodDocument>? Hours { get; set; }

    /// <summary>Lets <see cref="Hours"/> go beyond the service hours (refused otherwise, as a likely typo).</summary>
    public bool? OutsideServiceHours { get; set; }

    /// <summary>How many days ahead slots are offered (default 14, at most 90).</summary>
    public int? DaysAhead { get; set; }

    /// <summary>How long before a slot it can still be booked, as a duration (default "02:00:00").</summary>
    public string? MinimumNotice { get; set; }

    /// <summary>The room citizens join (https); default the unit's videoDeskUrl.</summary>
    public string? MeetUrl { get; set; }

    /// <summary>True when a clerk pastes a link for each appointment instead of one room.</summary>
    public bool? LinkPerAppointment { get; set; }

    /// <summary>How many future appointments one contact may hold with the unit (default 1).</summary>
    public int? PerContact { get; set; }
}

/// <summary>The unit's mailbox (its address is <c>channels.email</c>); the password is a setting, Mail:Passwords:&lt;unit id&gt;.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class MailboxDocument
{
    public MailServerDocument? Imap { get; set; }

    public MailServerDocument? Smtp { get; set; }

    /// <summary>The IMAP folder to read (default INBOX).</summary>
    public string? Folder { get; set; }

    /// <summary>Where processed mail is moved; without it, processed mail stays and gets a keyword instead.</summary>
    public string? ProcessedFolder { get; set; }

    /// <summary>Answers carry "mailbox+token@domain" as Reply-To, so that replies thread even from another address.
    /// Only when the mail server delivers plus addresses to the mailbox (off by default).</summary>
    public bool? PlusAddressing { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class MailServerDocument
{
    public string? Host { get; set; }

    public int? Port { get; set; }

    /// <summary>"ssl" (implicit TLS), "starttls" or "none".</summary>
    public string? Security { get; set; }

    public string? User { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class MunicipalityDocument
{
    public string? Name { get; set; }

    public string? IbgeCode { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class ChannelsDocument
{
    public List<string>? WhatsApp { get; set; }

    public List<string>? Sms { get; set; }

    public string? Email { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class ServicePeriodDocument
{
    public string? Days { get; set; }

    public string? From { get; set; }

    public string? To { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class SlaDocument
{
    public string? ResponseWindow { get; set; }

    public string? Counting { get; set; }

    public List<string>? WarnBefore { get; set; }

    public string? EscalateAfter { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class ManagerDocument
{
    public string? Name { get; set; }

    public string? Email { get; set; }

    public string? Phone { get; set; }
}
