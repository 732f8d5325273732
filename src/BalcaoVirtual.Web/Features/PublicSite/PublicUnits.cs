using System.Globalization;
using BalcaoVirtual.Web.Features.Chatbot;
using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Resources;

namespace BalcaoVirtual.Web.Features.PublicSite;

/// <summary>
/// A unit as the public sees it at an instant (Res. CNJ 372/2021, art. 2º): the video-desk link only while the desk is
/// open, the WhatsApp number (the unit's, or the court's central one), SMS, e-mail, hours, and for a unit
/// <i>fora da sede</i> its written-answer deadline.
/// </summary>
public sealed record PublicUnit(Unit Unit, Availability Availability)
{
    public string? VideoDeskUrl => Availability.Open ? Unit.VideoDeskUrl?.ToString() : null;

    /// <summary>The number a citizen can write to on WhatsApp: the unit's own, or else the court's central number.</summary>
    public string? WhatsApp => Unit.Channels.WhatsApp.Count > 0 ? Unit.Channels.WhatsApp[0] : Unit.Court.WhatsApp;

    public bool WhatsAppIsCentral => Unit.Channels.WhatsApp.Count == 0 && Unit.Court.WhatsApp is not null;

    /// <summary>WhatsApp's click-to-chat link (https://wa.me/ and the digits).</summary>
    public string? WhatsAppUrl => WhatsApp is { } number ? "https://wa.me/" + number.TrimStart('+') : null;

    public string? Sms => Unit.Channels.Sms.Count > 0 ? Unit.Channels.Sms[0] : null;

    /// <summary>The written-answer deadline of a unit outside the seat, in hours (48 under Res. 372); null otherwise.</summary>
    public double? WrittenAnswerHours => Unit.ForaDaSede ? Unit.Sla.ResponseWindow?.TotalHours : null;

    /// <summary>"Aberta agora, até 14h" or "Fechada (feriado: …). Abre segunda-feira, 24/11, às 8h".</summary>
    public string StatusText => Availability switch
    {
        { Open: true, ClosesAt: { } closes } => Texts.Format("PublicOpenUntil", BotFormat.Time(closes, Unit.TimeZone)),
        { Open: true } => Texts.Get("PublicOpen"),
        { OpensAt: { } opens } => Texts.Format("PublicClosedOpens", BotFormat.Inline(Availability.Reason), BotFormat.When(opens, Unit.TimeZone)),
        _ => Texts.Format("PublicClosed", Availability.Reason ?? ""),
    };

    public PublicUnitJson ToJson() => new(
        Unit.Id,
        Unit.Court.Id,
        Unit.Name,
        Unit.City,
        Unit.State,
        Unit.ForaDaSede,
        new PublicAvailability(Availability.Open, Availability.Reason, Availability.OpensAt, Availability.ClosesAt, StatusText),
        BotFormat.Hours(Unit.ServiceHours),
        Unit.ServiceHours.Select(p => new PublicServicePeriod(
            p.Days.OrderBy(d => ((int)d + 6) % 7).Select(d => d.ToString()).ToList(),
            p.From.ToString("HH:mm", CultureInfo.InvariantCulture),
            p.To.ToString("HH:mm", CultureInfo.InvariantCulture))),
        Unit.TimeZone.Id,
        VideoDeskUrl,
        WhatsApp,
        WhatsAppIsCentral,
        WhatsAppUrl,
        Sms,
        Unit.Channels.Email,
        WrittenAnswerHours,
        "/unidades/" + Uri.EscapeDataString(Unit.Id),
        Unit.IbgeCode,
        Unit.OriginCodes,
        Unit.Municipalities,
        Unit.Channels,
        new PublicSla(Unit.Sla.ResponseWindow?.TotalHours, Unit.Sla.Counting == SlaCounting.Calendar ? "calendar" : "serviceHours"));
}

/// <summary>A unit in the public JSON feed (GET /api/units): what the page shows, for a court's portal.</summary>
public sealed record PublicUnitJson(
    string Id, string Court, string Name, string City, string State, bool ForaDaSede, PublicAvailability Availability, string Hours,
    IEnumerable<PublicServicePeriod> ServiceHours, string TimeZone, string? VideoDeskUrl, string? WhatsApp, bool WhatsAppIsCentral, string? WhatsAppUrl,
    string? Sms, string? Email, double? WrittenAnswerHours, string Page, string IbgeCode, IReadOnlyList<string> OriginCodes,
    IReadOnlyList<Municipality> Municipalities, UnitChannels Channels, PublicSla Sla);

/// <summary>Open now or not, why, the next opening or closing, and the sentence the page shows.</summary>
public sealed record PublicAvailability(bool Open, string? Reason, DateTimeOffset? OpensAt, DateTimeOffset? ClosesAt, string Text);

/// <summary>Days (Mon first) and hours (HH:mm, the unit's time) of public service.</summary>
public sealed record PublicServicePeriod(List<string> Days, string From, string To);

/// <summary>The unit's answer deadline in hours and how it counts them ("calendar" or "serviceHours").</summary>
public sealed record PublicSla(double? ResponseWindowHours, string Counting);

/// <summary>What a search on the public page found: the units to list, a note for the citizen, or the one unit a case number owns.</summary>
public sealed record PublicSearch(string Query, IReadOnlyList<Unit> Units, string? Note, Unit? CaseUnit, string? CaseNumber)
{
    /// <summary>The court a valid case number belongs to when no court of this deployment is it (the note links its site).</summary>
    public CnjCourt? OtherCourt { get; init; }

    /// <summary>
    /// A case number goes to the unit that owns it (by its origin code); otherwise a unit's name, a town it serves, or
    /// words of its name or town. Nothing found lists every unit, with a note saying so.
    /// </summary>
    public static PublicSearch Find(string? query, UnitCatalog catalog, UnitResolver resolver)
    {
        var q = (query ?? "").Trim();
        if (q.Length > 200)
        {
            q = q[..200];
        }

        var all = Ordered(catalog.Units);
        if (q.Length == 0)
        {
            return new(q, all, null, null, null);
        }

        var numbers = CnjNumber.FindAll(q);
        if (numbers.Count > 0)
        {
            if (numbers.FirstOrDefault(n => n.IsValid) is not { } valid)
            {
                return new(q, all, Texts.Format("CnjWrongCheckDigits", numbers[0].Number.Canonical), null, null);
            }

            // A right number of another court is not a wrong number: it belongs elsewhere, and the page says where.
            if (!catalog.Courts.Any(c => c.CnjCode == valid.Number.CourtKey))
            {
                return CnjCourts.Find(valid.Number) is { } court
                    ? new(q, all, null, null, valid.Number.Canonical) { OtherCourt = court }
                    : new(q, all, Texts.Format("PublicCaseUnknownCourt", valid.Number.Canonical), null, valid.Number.Canonical);
            }

            var byNumber = resolver.ByNumber(valid.Number);
            return byNumber.Kind switch
            {
                UnitMatchKind.Found => new(q, byNumber.Units, null, byNumber.Units[0], valid.Number.Canonical),
                UnitMatchKind.Ambiguous => new(q, Ordered(byNumber.Units), Texts.Format("PublicCaseSeveral", valid.Number.Canonical), null, valid.Number.Canonical),
                _ => new(q, all, Texts.Format("PublicCaseNotHere", valid.Number.Canonical), null, valid.Number.Canonical),
            };
        }

        var match = resolver.Resolve(q);
        if (match.Kind != UnitMatchKind.NotFound)
        {
            return new(q, Ordered(match.Units), null, null, null);
        }

        // Words of a unit's name or town ("trabalho", "vara", "itinerante"), as typed, accents and case aside.
        var words = TextMatching.Normalize(q).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var found = all.Where(u =>
        {
            var text = TextMatching.Normalize(string.Join(' ', new[] { u.Name, u.City }.Concat(u.Municipalities.Select(m => m.Name))));
            return words.All(w => text.Contains(w, StringComparison.Ordinal));
        }).ToList();
        return found.Count > 0 ? new(q, found, null, null, null) : new(q, all, Texts.Format("PublicNothingFound", q), null, null);
    }

    private static List<Unit> Ordered(IEnumerable<Unit> units) =>
        [.. units.OrderBy(u => u.Court.Name, StringComparer.Ordinal).ThenBy(u => u.City, StringComparer.CurrentCulture).ThenBy(u => u.Name, StringComparer.CurrentCulture)];
}
