using System.Globalization;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Resources;

namespace BalcaoVirtual.Web.Features.Chatbot;

/// <summary>Dates, hours and phone numbers the way a Brazilian reads them: "quarta-feira, 26/11, às 14h", "(91) 4008-0001".</summary>
public static class BotFormat
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>"14h", "14h30".</summary>
    public static string Time(TimeOnly time) =>
        time.Minute == 0 ? time.Hour.ToString(Inv) + "h" : string.Create(Inv, $"{time.Hour}h{time.Minute:00}");

    public static string Time(DateTimeOffset instant, TimeZoneInfo zone) => Time(TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime));

    /// <summary>"quarta-feira, 26/11, às 14h" in the unit's time zone.</summary>
    public static string When(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        return Texts.Format("BotWhen", Weekday(local), local.ToString("dd/MM", Inv), Time(TimeOnly.FromDateTime(local.DateTime)));
    }

    /// <summary>"quarta-feira, 26/11" in the unit's time zone.</summary>
    public static string Day(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        return Weekday(local) + ", " + local.ToString("dd/MM", Inv);
    }

    private static string Weekday(DateTimeOffset local) => Texts.Get("Weekdays").Split('|')[(int)local.DayOfWeek];

    /// <summary>"sex. 11/12, 9h": a slot, short enough for a WhatsApp list row (24 characters).</summary>
    public static string Slot(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var day = Texts.Get("WeekdaysAbbr").Split('|')[(int)local.DayOfWeek];
        return Texts.Format("BotSlot", day, local.ToString("dd/MM", Inv), Time(TimeOnly.FromDateTime(local.DateTime)));
    }

    /// <summary>The city a time zone is named after, as people say it ("Belém", "Manaus"; São Paulo's is "Brasília").</summary>
    public static string ZoneName(TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var city = zone.Id.Split('/')[^1];
        return city switch
        {
            "Sao_Paulo" => "Brasília",
            "Belem" => "Belém",
            "Santarem" => "Santarém",
            "Cuiaba" => "Cuiabá",
            "Araguaina" => "Araguaína",
            "Maceio" => "Maceió",
            "Bahia" => "Salvador",
            "Noronha" => "Fernando de Noronha",
            _ => city.Replace('_', ' '),
        };
    }

    /// <summary>"26/11/2026" in the given time zone.</summary>
    public static string Date(DateTimeOffset instant, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(instant, zone).ToString("dd/MM/yyyy", Inv);

    /// <summary>"segunda a sexta, das 8h às 13h"; several periods joined with "; ".</summary>
    public static string Hours(IReadOnlyList<ServicePeriod> periods)
    {
        if (periods.Count == 0)
        {
            return Texts.Get("BotNoHours");
        }

        return string.Join("; ", periods.Select(p => Texts.Format("BotPeriod", Days(p.Days), Time(p.From), Time(p.To))));
    }

    /// <summary>"segunda a sexta" for a run of three or more days from Monday on; otherwise "segunda, quarta e sexta".</summary>
    public static string Days(IReadOnlySet<DayOfWeek> days)
    {
        var names = Texts.Get("WeekdaysShort").Split('|');
        var ordered = days.OrderBy(d => ((int)d + 6) % 7).ToList(); // Monday first
        var contiguous = ordered.Count >= 3 && ordered.Zip(ordered.Skip(1)).All(p => ((int)p.Second + 6) % 7 == ((int)p.First + 6) % 7 + 1);
        if (contiguous)
        {
            return Texts.Format("BotDayRange", names[(int)ordered[0]], names[(int)ordered[^1]]);
        }

        var list = ordered.Select(d => names[(int)d]).ToList();
        return list.Count == 1 ? list[0] : string.Join(", ", list.Take(list.Count - 1)) + Texts.Get("BotListAnd") + list[^1];
    }

    /// <summary>A reason shown inside a sentence: "Fim de semana" → "fim de semana" (an acronym such as "TRT8" stays).</summary>
    public static string Inline(string? reason) =>
        string.IsNullOrEmpty(reason) || (reason.Length > 1 && char.IsUpper(reason[1]))
            ? reason ?? ""
            : char.ToLower(reason[0], CultureInfo.GetCultureInfo("pt-BR")) + reason[1..];

    /// <summary>"+559140080001" → "(91) 4008-0001"; "+5591981234567" → "(91) 98123-4567"; anything else as it is.</summary>
    public static string Phone(string e164)
    {
        var digits = e164.TrimStart('+');
        if (!digits.StartsWith("55", StringComparison.Ordinal) || digits.Length is not (12 or 13))
        {
            return e164;
        }

        var area = digits[2..4];
        var local = digits[4..];
        return $"({area}) {local[..^4]}-{local[^4..]}";
    }
}
