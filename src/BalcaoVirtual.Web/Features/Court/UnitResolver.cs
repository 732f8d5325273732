using System.Globalization;
using BalcaoVirtual.Web.Features.Units;

namespace BalcaoVirtual.Web.Features.Court;

public enum UnitMatchKind
{
    Found,

    /// <summary>Several units fit: the caller asks the citizen to choose among <see cref="UnitMatch.Units"/>.</summary>
    Ambiguous,

    NotFound,
}

/// <summary>The unit(s) a citizen's words point to; ambiguity gives the candidates, never a guess.</summary>
public sealed record UnitMatch(UnitMatchKind Kind, IReadOnlyList<Unit> Units)
{
    public static readonly UnitMatch None = new(UnitMatchKind.NotFound, []);

    public Unit? Unit => Kind == UnitMatchKind.Found ? Units[0] : null;

    public static UnitMatch Of(IEnumerable<Unit> units)
    {
        var list = units.Distinct().ToList();
        return list.Count switch
        {
            0 => None,
            1 => new(UnitMatchKind.Found, list),
            _ => new(UnitMatchKind.Ambiguous, list),
        };
    }
}

/// <summary>
/// Finds the unit behind a case number's origin code, a town the citizen names (accents, case and small typos
/// forgiven; every municipality a unit serves), or a unit's name ("10ª vara", "decima vara de belem", "vara de macapá").
/// </summary>
public sealed class UnitResolver
{
    private static readonly Dictionary<string, int> OrdinalWords = BuildOrdinalWords();
    private static readonly HashSet<string> KindWords = new(StringComparer.Ordinal) { "vara", "varas", "vt", "zona", "zonas", "ze" };
    private static readonly HashSet<string> FillerWords = new(StringComparer.Ordinal)
    {
        "do", "da", "de", "em", "no", "na", "trabalho", "trabalhista", "eleitoral", "a", "o", "quero", "falar", "com",
    };

    // Indexed by unit id, not by Unit: admins change a unit's settings while the service runs (UnitSettingsStore), and
    // a match must give the unit as it is now. What is indexed here (origin codes, towns, names) only the file changes.
    private readonly UnitCatalog catalog;
    private readonly Dictionary<string, List<string>> byOrigin = new(StringComparer.Ordinal);
    private readonly List<(string Town, int Words, List<string> UnitIds)> towns = [];
    private readonly Dictionary<string, (int? Ordinal, string? Kind, string City)> names = new(StringComparer.Ordinal);

    public UnitResolver(UnitCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        this.catalog = catalog;
        var townIndex = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var unit in catalog.Units)
        {
            foreach (var origin in unit.OriginCodes)
            {
                Add(byOrigin, unit.Court.CnjCode + "|" + origin, unit.Id);
            }

            foreach (var town in unit.Municipalities.Select(m => m.Name).Append(unit.City))
            {
                Add(townIndex, TextMatching.Normalize(town), unit.Id);
            }

            var (ordinal, kind, _) = ParseName(TextMatching.Normalize(unit.Name));
            names[unit.Id] = (ordinal, kind, TextMatching.Normalize(unit.City));
        }

        // A town of several words is also called by its first one when that one is its own ("Canaã" for Canaã dos
        // Carajás; not "Santa" for Santa Bárbara do Pará, which other towns share or which is a common word).
        var firstWords = townIndex.Keys.Where(t => t.Contains(' ', StringComparison.Ordinal)).GroupBy(t => t.Split(' ')[0], StringComparer.Ordinal)
            .Where(g => g.Count() == 1 && g.Key.Length >= 5 && !CommonFirstWords.Contains(g.Key) && !townIndex.ContainsKey(g.Key))
            .ToDictionary(g => g.Key, g => townIndex[g.Single()], StringComparer.Ordinal);
        towns.AddRange(townIndex.Concat(firstWords).Select(p => (p.Key, p.Key.Split(' ').Length, p.Value)));
        shortNames.UnionWith(firstWords.Keys);
    }

    /// <summary>Towns called by their first word, which must be spelled right ("canal" is not "Canaã").</summary>
    private readonly HashSet<string> shortNames = new(StringComparer.Ordinal);

    private static readonly HashSet<string> CommonFirstWords = new(StringComparer.Ordinal)
    {
        "santa", "santo", "santana", "nova", "novo", "porto", "campo", "bom", "boa", "alto", "baixo", "ponta", "barra", "agua", "aguas",
        "serra", "monte", "vila", "brejo", "ponte", "cachoeira", "conceicao", "senador", "presidente", "governador", "marechal",
    };

    /// <summary>The unit owning an origin code in a court ("5.08" + "0210").</summary>
    public UnitMatch ByOrigin(string courtCnjCode, string origin) =>
        Current(byOrigin.GetValueOrDefault(courtCnjCode + "|" + origin) ?? []);

    public UnitMatch ByNumber(CnjNumber number) => ByOrigin(number.CourtKey, number.Origin);

    /// <summary>The unit(s) serving the town named somewhere in the text; the closest spelling wins.</summary>
    public UnitMatch ByTown(string? text) => Current(MatchTowns(TextMatching.Normalize(text)).SelectMany(t => t.UnitIds));

    /// <summary>A unit named by ordinal, kind and town ("10ª vara", "decima vara de belem", "vara de macapá").</summary>
    public UnitMatch ByName(string? text)
    {
        var normalized = TextMatching.Normalize(text);
        var (ordinal, kind, rest) = ParseName(normalized, out var spelledOut);
        if (ordinal is null && kind is null)
        {
            return UnitMatch.None;
        }

        var matchedTowns = MatchTowns(rest);
        if ((ordinal is null || (spelledOut && kind is null)) && matchedTowns.Count == 0)
        {
            return UnitMatch.None; // "vara" alone names nothing, nor "segunda" alone ("a segunda parcela")
        }

        var cities = matchedTowns.Select(t => t.Town).ToHashSet(StringComparer.Ordinal);
        var candidates = catalog.Units.Where(u => names.ContainsKey(u.Id) &&
            (kind is null || names[u.Id].Kind == kind) &&
            (ordinal is null || names[u.Id].Ordinal == ordinal)).ToList();
        if (cities.Count > 0)
        {
            // The town in a unit's name is its seat; failing that, a town it serves ("vara de santana").
            var inCity = candidates.Where(u => cities.Contains(names[u.Id].City)).ToList();
            candidates = inCity.Count > 0 ? inCity : candidates.Where(u => matchedTowns.Any(t => t.UnitIds.Contains(u.Id))).ToList();
        }

        return UnitMatch.Of(candidates);
    }

    /// <summary>Case number first, then a unit's name, then a town.</summary>
    public UnitMatch Resolve(string? text)
    {
        foreach (var candidate in CnjNumber.FindAll(text).Where(c => c.IsValid))
        {
            var match = ByNumber(candidate.Number);
            if (match.Kind != UnitMatchKind.NotFound)
            {
                return match;
            }
        }

        var byName = ByName(text);
        return byName.Kind != UnitMatchKind.NotFound ? byName : ByTown(text);
    }

    private UnitMatch Current(IEnumerable<string> unitIds) => UnitMatch.Of(unitIds.Select(catalog.Find).OfType<Unit>());

    private List<(string Town, int Words, List<string> UnitIds)> MatchTowns(string normalized)
    {
        if (normalized.Length == 0)
        {
            return [];
        }

        var words = normalized.Split(' ');
        var best = int.MaxValue;
        var matched = new List<(string Town, int Words, List<string> UnitIds)>();
        foreach (var town in towns)
        {
            var tolerance = shortNames.Contains(town.Town) ? 0 : TextMatching.Tolerance(town.Town.Length);
            for (var start = 0; start + town.Words <= words.Length; start++)
            {
                var phrase = string.Join(' ', words, start, town.Words);
                var distance = TextMatching.Distance(phrase, town.Town, tolerance);
                if (distance > tolerance || distance > best)
                {
                    continue;
                }

                if (distance < best)
                {
                    best = distance;
                    matched.Clear();
                }

                if (!matched.Contains(town))
                {
                    matched.Add(town);
                }
            }
        }

        return matched;
    }

    /// <summary>Ordinal ("10ª", "10", "decima primeira"), kind ("vara", "zona") and the remaining words.</summary>
    internal static (int? Ordinal, string? Kind, string Remainder) ParseName(string normalized) => ParseName(normalized, out _);

    /// <param name="spelledOut">Whether the ordinal was written in words ("segunda"), which alone names no unit.</param>
    private static (int? Ordinal, string? Kind, string Remainder) ParseName(string normalized, out bool spelledOut)
    {
        int? ordinal = null;
        string? kind = null;
        spelledOut = false;
        var rest = new List<string>();
        var words = normalized.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < words.Length; i++)
        {
            var word = words[i];
            if (i + 1 < words.Length && words[i + 1] == "via" && (OrdinalWords.ContainsKey(word) || NumericOrdinal(word) is not null))
            {
                rest.Add(word); // "segunda via", "2ª via": a copy of a document, not a unit
            }
            else if (OrdinalWords.TryGetValue(word, out var value))
            {
                ordinal = (ordinal ?? 0) + value;
                spelledOut = true;
            }
            else if (NumericOrdinal(word) is { } n && ordinal is null)
            {
                ordinal = n;
            }
            else if (KindWords.Contains(word))
            {
                kind ??= word.StartsWith('v') ? "vara" : "zona";
            }
            else if (!FillerWords.Contains(word))
            {
                rest.Add(word);
            }
        }

        return (ordinal, kind, string.Join(' ', rest));
    }

    private static int? NumericOrdinal(string word)
    {
        var digits = word.TrimEnd('ª', 'º', 'a', 'o');
        return digits.Length is > 0 and <= 3 && digits.All(char.IsAsciiDigit)
            ? int.Parse(digits, CultureInfo.InvariantCulture)
            : null;
    }

    private static Dictionary<string, int> BuildOrdinalWords()
    {
        var stems = new (string Stem, int Value)[]
        {
            ("primeir", 1), ("segund", 2), ("terceir", 3), ("quart", 4), ("quint", 5), ("sext", 6), ("setim", 7),
            ("sétim", 7), ("oitav", 8), ("non", 9), ("decim", 10), ("vigesim", 20), ("trigesim", 30),
            ("quadragesim", 40), ("quinquagesim", 50), ("sexagesim", 60), ("septuagesim", 70), ("setuagesim", 70),
            ("octogesim", 80), ("nonagesim", 90),
        };
        var words = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (stem, value) in stems)
        {
            words[TextMatching.Normalize(stem + "a")] = value;
            words[TextMatching.Normalize(stem + "o")] = value;
        }

        return words;
    }

    private static void Add<TKey>(Dictionary<TKey, List<string>> index, TKey key, string unit)
        where TKey : notnull
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }

        if (!list.Contains(unit))
        {
            list.Add(unit);
        }
    }
}
