using System.Globalization;
using System.Text.Json;

namespace BalcaoVirtual.Web.Features.Court;

/// <summary>A calendar file that cannot be used; the message names the file and the field.</summary>
public sealed class CalendarFileException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads <c>deploy/calendars</c>: <c>regional.json</c> (fixed yearly state and city holidays) and every
/// <c>*.closures.json</c> (a court's yearly act: extra closures, whole days or mornings). Format: docs/calendars.md.
/// </summary>
public static class CalendarFiles
{
    public const string RegionalFile = "regional.json";
    public const string ClosuresPattern = "*.closures.json";

    private static readonly JsonDocumentOptions JsonOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static ForensicCalendar Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new CalendarFileException($"Calendar folder '{directory}' does not exist (setting Calendar:Directory).");
        }

        var errors = new List<string>();
        var regionalPath = Path.Combine(directory, RegionalFile);
        var regional = File.Exists(regionalPath) ? ParseRegional(Read(regionalPath), RegionalFile, errors) : RegionalHolidays.Empty;
        var closures = new List<CalendarClosure>();
        foreach (var path in Directory.GetFiles(directory, ClosuresPattern).Order(StringComparer.Ordinal))
        {
            closures.AddRange(ParseClosures(Read(path), Path.GetFileName(path), errors));
        }

        if (errors.Count > 0)
        {
            throw new CalendarFileException(string.Join(Environment.NewLine, errors));
        }

        return new ForensicCalendar(regional, closures);
    }

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CalendarFileException($"Calendar file '{path}' cannot be read: {ex.Message}", ex);
        }
    }

    public static RegionalHolidays ParseRegional(string json, string file, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        using var document = Parse(json, file);
        var root = document.RootElement;
        return new RegionalHolidays(Section(root, "states", file, errors), Section(root, "municipalities", file, errors));
    }

    public static IReadOnlyList<CalendarClosure> ParseClosures(string json, string file, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        using var document = Parse(json, file);
        var root = document.RootElement;
        var court = root.TryGetProperty("court", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        if (string.IsNullOrWhiteSpace(court))
        {
            errors.Add($"Calendar file '{file}': 'court' is required (the court id of the units catalogue, e.g. \"TRT8\").");
        }

        if (!root.TryGetProperty("closures", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"Calendar file '{file}': 'closures' must be a list.");
            return [];
        }

        var result = new List<CalendarClosure>();
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var at = $"Calendar file '{file}', closures[{index++}]";
            var name = String(item, "name");
            var date = Date(item, "date", at, errors);
            var from = Date(item, "from", at, errors) ?? date;
            var to = Date(item, "to", at, errors) ?? date;
            if (from is null || to is null)
            {
                errors.Add($"{at}: give 'date' (yyyy-MM-dd), or 'from' and 'to'.");
                continue;
            }

            if (to < from)
            {
                errors.Add($"{at}: 'to' ({to:yyyy-MM-dd}) is before 'from' ({from:yyyy-MM-dd}).");
            }

            if (string.IsNullOrWhiteSpace(name))
            {
                errors.Add($"{at}: 'name' is required (citizens read it as the reason the desk is closed).");
            }

            TimeOnly? until = null;
            if (String(item, "closedUntil") is { } text)
            {
                if (TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
                {
                    until = t;
                }
                else
                {
                    errors.Add($"{at}: 'closedUntil' must be HH:mm, not '{text}'.");
                }
            }

            result.Add(new CalendarClosure(from.Value, to.Value, name ?? "", until, court, Set(item, "municipalities"), Set(item, "units")));
        }

        return result;
    }

    private static JsonDocument Parse(string json, string file)
    {
        try
        {
            var document = JsonDocument.Parse(json, JsonOptions);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new CalendarFileException($"Calendar file '{file}': the top level must be an object.");
            }

            return document;
        }
        catch (JsonException ex)
        {
            throw new CalendarFileException($"Calendar file '{file}': not valid JSON (line {ex.LineNumber + 1}): {ex.Message}", ex);
        }
    }

    private static Dictionary<string, IReadOnlyList<(int Month, int Day, string Name)>> Section(JsonElement root, string name, string file, List<string> errors)
    {
        var result = new Dictionary<string, IReadOnlyList<(int, int, string)>>(StringComparer.OrdinalIgnoreCase);
        if (!root.TryGetProperty(name, out var section))
        {
            return result;
        }

        foreach (var place in section.EnumerateObject())
        {
            var days = new List<(int, int, string)>();
            var index = 0;
            foreach (var item in place.Value.EnumerateArray())
            {
                var at = $"Calendar file '{file}', {name}.{place.Name}[{index++}]";
                var text = String(item, "date");
                if (text is null || !DateOnly.TryParseExact("2000-" + text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                {
                    errors.Add($"{at}: 'date' must be MM-dd (e.g. \"08-15\"), not '{text}'.");
                    continue;
                }

                if (String(item, "name") is not { Length: > 0 } holiday)
                {
                    errors.Add($"{at}: 'name' is required.");
                    continue;
                }

                days.Add((day.Month, day.Day, holiday));
            }

            result[place.Name] = days;
        }

        return result;
    }

    private static string? String(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateOnly? Date(JsonElement item, string name, string at, List<string> errors)
    {
        if (String(item, name) is not { } text)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors.Add($"{at}: '{name}' must be yyyy-MM-dd, not '{text}'.");
        return null;
    }

    private static HashSet<string>? Set(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToHashSet(StringComparer.Ordinal)
            : null;
}
