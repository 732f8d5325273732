using System.Globalization;

namespace BalcaoVirtual.Web.Features.Court;

/// <summary>A court as the J.TR part of a case number names it.</summary>
public sealed record CnjCourt(string Key, string Acronym, string Name);

/// <summary>
/// Every court a case number can name (J.TR, Resolução CNJ 65/2008): the segment's superior court at TR 00, regional
/// courts by region (TRT, TRF) or by state in alphabetical order (TRE, TJ), the councils at TR 90.
/// </summary>
public static class CnjCourts
{
    // Alphabetical order of the states' names, as the CNJ numbers TREs and TJs.
    private static readonly string[] States =
    [
        "AC", "AL", "AP", "AM", "BA", "CE", "DF", "ES", "GO", "MA", "MT", "MS", "MG", "PA", "PB", "PR", "PE", "PI",
        "RJ", "RN", "RS", "RO", "RR", "SC", "SE", "SP", "TO",
    ];

    private static readonly Dictionary<string, CnjCourt> All = Build();

    /// <summary>The court of "J.TR", or null when no court has that code.</summary>
    public static CnjCourt? Find(string key) => All.GetValueOrDefault(key);

    public static CnjCourt? Find(CnjNumber number) => Find(number.CourtKey);

    private static Dictionary<string, CnjCourt> Build()
    {
        var courts = new List<CnjCourt>
        {
            new("1.00", "STF", "Supremo Tribunal Federal"),
            new("2.00", "CNJ", "Conselho Nacional de Justiça"),
            new("3.00", "STJ", "Superior Tribunal de Justiça"),
            new("4.90", "CJF", "Conselho da Justiça Federal"),
            new("5.00", "TST", "Tribunal Superior do Trabalho"),
            new("5.90", "CSJT", "Conselho Superior da Justiça do Trabalho"),
            new("6.00", "TSE", "Tribunal Superior Eleitoral"),
            new("7.00", "STM", "Superior Tribunal Militar"),
            new("9.13", "TJMMG", "Tribunal de Justiça Militar de Minas Gerais"),
            new("9.21", "TJMRS", "Tribunal de Justiça Militar do Rio Grande do Sul"),
            new("9.26", "TJMSP", "Tribunal de Justiça Militar de São Paulo"),
        };
        for (var region = 1; region <= 6; region++)
        {
            courts.Add(new($"4.{Two(region)}", $"TRF{region}", $"Tribunal Regional Federal da {region}ª Região"));
        }

        for (var region = 1; region <= 24; region++)
        {
            courts.Add(new($"5.{Two(region)}", $"TRT{region}", $"Tribunal Regional do Trabalho da {region}ª Região"));
        }

        for (var i = 0; i < States.Length; i++)
        {
            courts.Add(new($"6.{Two(i + 1)}", $"TRE-{States[i]}", $"Tribunal Regional Eleitoral ({States[i]})"));
            courts.Add(new($"8.{Two(i + 1)}", $"TJ{States[i]}", $"Tribunal de Justiça ({States[i]})"));
        }

        return courts.ToDictionary(c => c.Key, StringComparer.Ordinal);
    }

    private static string Two(int n) => n.ToString("00", CultureInfo.InvariantCulture);
}
