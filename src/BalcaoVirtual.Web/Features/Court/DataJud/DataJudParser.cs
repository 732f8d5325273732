using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BalcaoVirtual.Web.Features.Court.DataJud;

/// <summary>
/// Reads DataJud's Elasticsearch answer tolerantly (domain.md §3): several hits for one case (one per degree or body),
/// <c>assuntos</c> as an array of arrays, ISO or compact <c>yyyyMMddHHmmss</c> dates (UTC), missing and unknown fields,
/// and names with mojibake (UTF-8 read as Latin-1).
/// </summary>
public static class DataJudParser
{
    /// <summary>The merged summary of every hit, or null when there is none.</summary>
    public static CaseSummary? Parse(JsonElement root, string number, string court, TimeZoneInfo timeZone, int movements)
    {
        ArgumentNullException.ThrowIfNull(timeZone);
        if (!TryGet(root, "hits", out var outer) || !TryGet(outer, "hits", out var hits) || hits.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var sources = hits.EnumerateArray().Where(h => TryGet(h, "_source", out var s) && s.ValueKind == JsonValueKind.Object)
            .Select(h => h.GetProperty("_source")).ToList();
        if (sources.Count == 0)
        {
            return null;
        }

        // The hit updated last speaks for class and body; the others add degrees, subjects and movements.
        var ordered = sources.OrderByDescending(s => Date(s, "dataHoraUltimaAtualizacao") ?? DateTimeOffset.MinValue).ToList();
        var moves = ordered.SelectMany(s => Movements(s, timeZone))
            .DistinctBy(m => (m.At, m.Name, m.Complement))
            .OrderByDescending(m => m.At ?? DateTimeOffset.MinValue)
            .Take(movements)
            .ToList();

        return new CaseSummary(
            number,
            court,
            ordered.Select(s => Name(s, "classe")).FirstOrDefault(n => n is not null),
            ordered.Select(s => Name(s, "orgaoJulgador")).FirstOrDefault(n => n is not null),
            ordered.Select(s => Text(s, "grau")).OfType<string>().Distinct(StringComparer.Ordinal).ToList(),
            CalendarDay(ordered.Select(s => Date(s, "dataAjuizamento")).OfType<DateTimeOffset>().DefaultIfEmpty().Min(), timeZone),
            Local(ordered.Select(s => Date(s, "dataHoraUltimaAtualizacao")).OfType<DateTimeOffset>().DefaultIfEmpty().Max(), timeZone),
            ordered.SelectMany(s => Subjects(s)).Distinct(StringComparer.Ordinal).ToList(),
            moves)
        {
            SecrecyLevel = sources.Select(s => TryGet(s, "nivelSigilo", out var level) && level.ValueKind == JsonValueKind.Number && level.TryGetInt32(out var n) ? n : 0).Max(),
        };
    }

    /// <summary>
    /// The hits of a query for several cases, grouped by <c>numeroProcesso</c> (digits only) and each group read as
    /// <see cref="Parse"/> reads one case's.
    /// </summary>
    public static IReadOnlyDictionary<string, JsonElement> HitsByNumber(JsonElement root)
    {
        var found = new Dictionary<string, List<JsonElement>>(StringComparer.Ordinal);
        if (TryGet(root, "hits", out var outer) && TryGet(outer, "hits", out var hits) && hits.ValueKind == JsonValueKind.Array)
        {
            foreach (var hit in hits.EnumerateArray())
            {
                if (TryGet(hit, "_source", out var source) && source.ValueKind == JsonValueKind.Object
                    && Text(source, "numeroProcesso") is { } number && new string([.. number.Where(char.IsAsciiDigit)]) is { Length: 20 } digits)
                {
                    (found.TryGetValue(digits, out var list) ? list : found[digits] = []).Add(hit);
                }
            }
        }

        // Each case's hits as an answer of its own, so one parser reads both shapes.
        return found.ToDictionary(
            f => f.Key,
            f => JsonDocument.Parse("{\"hits\":{\"hits\":[" + string.Join(',', f.Value.Select(h => h.GetRawText())) + "]}}").RootElement,
            StringComparer.Ordinal);
    }

    /// <summary>ISO 8601 (UTC unless it says otherwise), compact <c>yyyyMMddHHmmss</c> (UTC) or epoch milliseconds.</summary>
    public static DateTimeOffset? ParseDate(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var ms) && ms > 100_000_000_000)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }

        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
        {
            return null;
        }

        text = text.Trim();
        if (text.Length == 14 && text.All(char.IsAsciiDigit) &&
            DateTimeOffset.TryParseExact(text, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var compact))
        {
            return compact.ToUniversalTime();
        }

        if (text.Length == 8 && text.All(char.IsAsciiDigit) &&
            DateTimeOffset.TryParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var day))
        {
            return day.ToUniversalTime();
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var iso)
            ? iso
            : null;
    }

    /// <summary>Undoes UTF-8 read as Latin-1 ("MovimentaÃ§Ã£o" → "Movimentação"); leaves proper text alone.</summary>
    public static string FixMojibake(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.IndexOfAny(['Ã', 'Â']) < 0 || text.Any(c => c > 'ÿ'))
        {
            return text;
        }

        var repaired = Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(text));
        return repaired.Contains('\uFFFD', StringComparison.Ordinal) ? text : repaired;
    }

    private static IEnumerable<CaseMovement> Movements(JsonElement source, TimeZoneInfo timeZone)
    {
        if (!TryGet(source, "movimentos", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        foreach (var movement in list.EnumerateArray())
        {
            if (Text(movement, "nome") is not { } name)
            {
                continue;
            }

            string? complement = null;
            if (TryGet(movement, "complementosTabelados", out var complements) && complements.ValueKind == JsonValueKind.Array)
            {
                var parts = complements.EnumerateArray().Select(c => Text(c, "nome") ?? Text(c, "descricao")).OfType<string>().ToList();
                complement = parts.Count > 0 ? string.Join(", ", parts) : null;
            }

            yield return new CaseMovement(Local(Date(movement, "dataHora"), timeZone), name, complement);
        }
    }

    private static List<string> Subjects(JsonElement source)
    {
        if (!TryGet(source, "assuntos", out var list))
        {
            return [];
        }

        var names = new List<string>();
        Collect(list, 0);
        return names;

        void Collect(JsonElement element, int depth)
        {
            if (depth > 4)
            {
                return;
            }

            if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, depth + 1);
                }
            }
            else if (Text(element, "nome") is { } name)
            {
                names.Add(name);
            }
        }
    }

    private static DateTimeOffset? Local(DateTimeOffset? instant, TimeZoneInfo timeZone) =>
        instant is { } value && value != default ? TimeZoneInfo.ConvertTime(value, timeZone) : null;

    /// <summary>
    /// A date DataJud sends as UTC midnight ("2018-03-19T00:00:00Z", "20180319") is a plain calendar day: the same day
    /// in the court's zone, never moved to the evening before. A real time of day is converted as any instant.
    /// </summary>
    private static DateTimeOffset? CalendarDay(DateTimeOffset? instant, TimeZoneInfo timeZone)
    {
        if (instant is not { } value || value == default || value.UtcDateTime.TimeOfDay != TimeSpan.Zero)
        {
            return Local(instant, timeZone);
        }

        var day = DateTime.SpecifyKind(value.UtcDateTime.Date, DateTimeKind.Unspecified);
        return new DateTimeOffset(day, timeZone.GetUtcOffset(day));
    }

    private static DateTimeOffset? Date(JsonElement element, string name) =>
        TryGet(element, name, out var value) ? ParseDate(value) : null;

    private static string? Name(JsonElement element, string name) =>
        TryGet(element, name, out var value) ? Text(value, "nome") : null;

    private static string? Text(JsonElement element, string name) =>
        TryGet(element, name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { } text && !string.IsNullOrWhiteSpace(text)
            ? FixMojibake(text.Trim())
            : null;

    private static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        value = default;
        return element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }
}
