using System.Globalization;
using BalcaoVirtual.Web.Resources;

namespace BalcaoVirtual.Web.Features.Units;

/// <summary>
/// What an admin may change of a unit while the service runs: the video-desk link, the public-service hours, the SLA
/// policy and the managers. The rest (ids, courts, channels, origin codes) is the catalogue file's, kept by IT staff.
/// The same shape is read (GET) and written (PUT). Durations are in hours; days are 'sun'…'sat'.
/// </summary>
public sealed record UnitSettings(
    string? VideoDeskUrl,
    IReadOnlyList<ServicePeriodSettings>? ServiceHours,
    UnitSlaSettings? Sla,
    IReadOnlyList<ManagerSettings>? Managers)
{
    /// <summary>Video-desk appointments; left out (null), they stay as they are.</summary>
    public UnitAppointmentSettings? Appointments { get; init; }
}

/// <summary>
/// Whether the unit takes appointments and how (see <see cref="AppointmentPolicy"/>): hours null means its service hours;
/// a null meet link means the unit's video-desk link unless each appointment gets its own.
/// </summary>
public sealed record UnitAppointmentSettings(
    bool Enabled,
    int? SlotMinutes,
    int? PlacesPerSlot,
    IReadOnlyList<ServicePeriodSettings>? Hours,
    bool? OutsideServiceHours,
    int? DaysAhead,
    double? MinimumNoticeHours,
    string? MeetUrl,
    bool? LinkPerAppointment,
    int? PerContact);

public sealed record ServicePeriodSettings(IReadOnlyList<string>? Days, string? From, string? To);

/// <summary>A null response window means no deadline; counting is 'calendar' or 'serviceHours'.</summary>
public sealed record UnitSlaSettings(double? ResponseWindowHours, string? Counting, IReadOnlyList<double?>? WarnBeforeHours, double? EscalateAfterHours);

public sealed record ManagerSettings(string? Name, string? Email, string? Phone);

/// <summary>A unit's settings as the admin page shows them, with who changed them last (null: as in the catalogue file).</summary>
public sealed record UnitSettingsView(string UnitId, string Name, string Court, UnitSettings Settings, string? ChangedBy, DateTimeOffset? ChangedAt);

/// <summary>An admin's change as stored: the catalogue fields it replaces, and who made it.</summary>
internal sealed record UnitSettingsChange(
    string? VideoDeskUrl,
    List<ServicePeriodDocument> ServiceHours,
    SlaDocument Sla,
    List<ManagerDocument> Managers,
    string ChangedById,
    string ChangedBy,
    DateTimeOffset ChangedAt)
{
    /// <summary>Whether the change sets the appointments (false: the file's, or an earlier change's, stay; changes stored before appointments existed).</summary>
    public bool AppointmentsChanged { get; init; }

    /// <summary>The appointments it sets (null: none), when <see cref="AppointmentsChanged"/>.</summary>
    public AppointmentsDocument? Appointments { get; init; }

    public void ApplyTo(UnitDocument unit)
    {
        unit.VideoDeskUrl = VideoDeskUrl;
        unit.ServiceHours = ServiceHours;
        unit.Sla = Sla;
        unit.Managers = Managers;
        if (AppointmentsChanged)
        {
            unit.Appointments = Appointments;
        }
    }
}

internal static class UnitSettingsMapping
{
    /// <summary>Longest duration the form takes (ten years), so that absurd numbers get a field error, not an overflow.</summary>
    private const double MaxHours = 87_600;

    public static UnitSettings From(Unit unit) => new(
        unit.VideoDeskUrl?.ToString(),
        Periods(unit.ServiceHours),
        new UnitSlaSettings(
            unit.Sla.ResponseWindow?.TotalHours,
            unit.Sla.Counting == SlaCounting.Calendar ? "calendar" : "serviceHours",
            unit.Sla.WarnBefore.Select(w => (double?)w.TotalHours).ToList(),
            unit.Sla.EscalateAfter?.TotalHours),
        unit.Managers.Select(m => new ManagerSettings(m.Name, m.Email, m.Phone)).ToList())
    {
        Appointments = unit.Appointments is not { } a
            ? new UnitAppointmentSettings(false, null, null, null, null, null, null, null, null, null)
            : new UnitAppointmentSettings(
                true,
                (int)a.SlotLength.TotalMinutes,
                a.PlacesPerSlot,
                a.OwnHours ? Periods(a.Hours) : null,
                a.OwnHours && !a.Hours.All(p => UnitCatalogLoader.Inside(p, unit.ServiceHours)) ? true : null,
                a.DaysAhead,
                a.MinimumNotice.TotalHours,
                a.JoinUrl is { } join && join != unit.VideoDeskUrl ? join.ToString() : null,
                a.JoinUrl is null,
                a.PerContact),
    };

    private static List<ServicePeriodSettings> Periods(IEnumerable<ServicePeriod> periods) =>
        [.. periods.Select(p => new ServicePeriodSettings(p.Days.Order().Select(d => UnitCatalogLoader.DayNames[(int)d]).ToList(), Clock(p.From), Clock(p.To)))];

    /// <summary>
    /// The change in catalogue terms, or the problems of the numbers (the rest is checked by the catalogue's own rules,
    /// <see cref="UnitCatalogLoader"/>, when the change is tried on the whole catalogue).
    /// </summary>
    public static (UnitSettingsChange? Change, List<(string Field, string Message)> Errors) ToChange(
        UnitSettings settings, string changedById, string changedBy, DateTimeOffset now)
    {
        var errors = new List<(string, string)>();
        var sla = settings.Sla ?? new UnitSlaSettings(null, null, null, null);
        string? Duration(double? hours, string field)
        {
            if (hours is null)
            {
                return null;
            }

            if (!double.IsFinite(hours.Value) || hours.Value <= 0 || hours.Value > MaxHours)
            {
                errors.Add((field, Texts.Get(FieldText(field))));
                return null;
            }

            return CatalogDuration(hours.Value);
        }

        var appointments = settings.Appointments;
        var notice = appointments is { Enabled: true, MinimumNoticeHours: { } h } ? NoticeDuration(h) : null;
        if (appointments is { Enabled: true, MinimumNoticeHours: not null } && notice is null)
        {
            errors.Add(("appointments.minimumNoticeHours", Texts.Get("UnitSettings_appointments_minimumNoticeHours")));
        }

        var window = Duration(sla.ResponseWindowHours, "sla.responseWindowHours");
        var warnings = (sla.WarnBeforeHours ?? []).Select(w => Duration(w ?? double.NaN, "sla.warnBeforeHours")).OfType<string>().ToList();
        var escalate = Duration(sla.EscalateAfterHours, "sla.escalateAfterHours");
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var change = new UnitSettingsChange(
            string.IsNullOrWhiteSpace(settings.VideoDeskUrl) ? null : settings.VideoDeskUrl.Trim(),
            Documents(settings.ServiceHours ?? []),
            new SlaDocument
            {
                ResponseWindow = window ?? "none",
                Counting = sla.Counting,
                WarnBefore = warnings,
                EscalateAfter = escalate,
            },
            (settings.Managers ?? [])
                .Where(m => m is not null && (!string.IsNullOrWhiteSpace(m.Name) || !string.IsNullOrWhiteSpace(m.Email) || !string.IsNullOrWhiteSpace(m.Phone)))
                .Select(m => new ManagerDocument { Name = m.Name?.Trim(), Email = Blank(m.Email), Phone = Blank(m.Phone) })
                .ToList(),
            changedById,
            changedBy,
            now)
        {
            AppointmentsChanged = appointments is not null,
            Appointments = appointments is not { Enabled: true } ? null : new AppointmentsDocument
            {
                SlotMinutes = appointments.SlotMinutes,
                PlacesPerSlot = appointments.PlacesPerSlot,
                Hours = appointments.Hours is null ? null : Documents(appointments.Hours),
                OutsideServiceHours = appointments.OutsideServiceHours == true ? true : null,
                DaysAhead = appointments.DaysAhead,
                MinimumNotice = notice,
                MeetUrl = Blank(appointments.MeetUrl),
                LinkPerAppointment = appointments.LinkPerAppointment == true ? true : null,
                PerContact = appointments.PerContact,
            },
        };
        return (change, errors);
    }

    /// <summary>Periods in catalogue terms; an empty entry (null) becomes an empty period, refused by the catalogue's rules.</summary>
    private static List<ServicePeriodDocument> Documents(IEnumerable<ServicePeriodSettings?> periods) =>
        [.. periods.Select(p => new ServicePeriodDocument { Days = string.Join(',', p?.Days ?? []), From = p?.From?.Trim(), To = p?.To?.Trim() })];

    /// <summary>Minimum notice as the catalogue writes it ("2:00:00"), or null when not 0 to 720 hours.</summary>
    private static string? NoticeDuration(double hours)
    {
        if (!double.IsFinite(hours) || hours < 0 || hours > 720)
        {
            return null;
        }

        return CatalogDuration(hours);
    }

    /// <summary>Hours typed on the page as the catalogue writes a duration ("2:30:00"), to the minute.</summary>
    private static string CatalogDuration(double hours)
    {
        var span = TimeSpan.FromMinutes(Math.Round(hours * 60));
        return string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}:{span.Minutes:00}:00");
    }

    /// <summary>The form field a catalogue problem is about, and what to tell the admin in Portuguese.</summary>
    public static (string Field, string Message) Describe(CatalogProblem problem)
    {
        var field = problem.Field switch
        {
            "videoDeskUrl" => "videoDeskUrl",
            "serviceHours" or "serviceHours.days" => "serviceHours",
            "sla" => "sla",
            "sla.responseWindow" => "sla.responseWindowHours",
            "sla.counting" => "sla.counting",
            "sla.warnBefore" => "sla.warnBeforeHours",
            "sla.escalateAfter" => "sla.escalateAfterHours",
            { } f when f.StartsWith("managers", StringComparison.Ordinal) => "managers",
            "appointments.slotMinutes" or "appointments.placesPerSlot" or "appointments.daysAhead" or "appointments.perContact" or "appointments.meetUrl" => problem.Field,
            "appointments.minimumNotice" => "appointments.minimumNoticeHours",
            { } f when f.StartsWith("appointments.hours", StringComparison.Ordinal) => "appointments.hours",
            _ => "",
        };
        if (field == "appointments.hours" && problem.Text.Contains("outsideServiceHours", StringComparison.Ordinal))
        {
            return (field, Texts.Get("UnitSettings_appointments_outside"));
        }

        return (field, field.Length == 0 ? Texts.Format("UnitSettingsOther", problem.Text) : Texts.Get(FieldText(field)));
    }

    private static string FieldText(string field) => "UnitSettings_" + field.Replace(".", "_", StringComparison.Ordinal);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Clock(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);
}
