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
    IReadOnlyList<ManagerSettings>? Managers);

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
    public void ApplyTo(UnitDocument unit)
    {
        unit.VideoDeskUrl = VideoDeskUrl;
        unit.ServiceHours = ServiceHours;
        unit.Sla = Sla;
        unit.Managers = Managers;
    }
}

internal static class UnitSettingsMapping
{
    /// <summary>Longest duration the form takes (ten years), so that absurd numbers get a field error, not an overflow.</summary>
    private const double MaxHours = 87_600;

    public static UnitSettings From(Unit unit) => new(
        unit.VideoDeskUrl?.ToString(),
        unit.ServiceHours.Select(p => new ServicePeriodSettings(
            p.Days.Order().Select(d => UnitCatalogLoader.DayNames[(int)d]).ToList(), Clock(p.From), Clock(p.To))).ToList(),
        new UnitSlaSettings(
            unit.Sla.ResponseWindow?.TotalHours,
            unit.Sla.Counting == SlaCounting.Calendar ? "calendar" : "serviceHours",
            unit.Sla.WarnBefore.Select(w => (double?)w.TotalHours).ToList(),
            unit.Sla.EscalateAfter?.TotalHours),
        unit.Managers.Select(m => new ManagerSettings(m.Name, m.Email, m.Phone)).ToList());

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

            var span = TimeSpan.FromMinutes(Math.Round(hours.Value * 60));
            return string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}:{span.Minutes:00}:00");
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
            (settings.ServiceHours ?? []).Select(p => new ServicePeriodDocument
            {
                Days = string.Join(',', p.Days ?? []),
                From = p.From?.Trim(),
                To = p.To?.Trim(),
            }).ToList(),
            new SlaDocument
            {
                ResponseWindow = window ?? "none",
                Counting = sla.Counting,
                WarnBefore = warnings,
                EscalateAfter = escalate,
            },
            (settings.Managers ?? [])
                .Where(m => !string.IsNullOrWhiteSpace(m.Name) || !string.IsNullOrWhiteSpace(m.Email) || !string.IsNullOrWhiteSpace(m.Phone))
                .Select(m => new ManagerDocument { Name = m.Name?.Trim(), Email = Blank(m.Email), Phone = Blank(m.Phone) })
                .ToList(),
            changedById,
            changedBy,
            now);
        return (change, errors);
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
            _ => "",
        };
        return (field, field.Length == 0 ? Texts.Format("UnitSettingsOther", problem.Text) : Texts.Get(FieldText(field)));
    }

    private static string FieldText(string field) => "UnitSettings_" + field.Replace(".", "_", StringComparison.Ordinal);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Clock(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);
}
