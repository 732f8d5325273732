using System.Globalization;

namespace BalcaoVirtual.Web.Features.Court;

/// <summary>A branch of the judiciary, by the segment digit (J) of a case number.</summary>
public enum Branch
{
    Federal = 4,
    Labour = 5,
    Electoral = 6,
    State = 8,
}

/// <summary>A court as the J.TR part of a case number names it, with its public portal.</summary>
public sealed record CnjCourt(string Key, string Acronym, string Name)
{
    /// <summary>The court's public site, where its own service desk and case search are (every court is at www.{acronym}.jus.br).</summary>
    public string Portal => $"https://www.{Acronym.ToLowerInvariant()}.jus.br";
}

/// <summary>
/// Every court a case number can name (J.TR, Resolução CNJ 65/2008): the segment's superior court at TR 00, regional
/// courts by region (TRT, TRF) or by state in alphabetical order (TRE, TJ), the councils at TR 90. And which regional
/// court of each branch serves a state, to tell a citizen where a matter of another branch goes.
/// </summary>
public static class CnjCourts
{
    // Alphabetical order of the states' names, as the CNJ numbers TREs and TJs; with the name as a court's name says it.
    private static readonly (string Uf, string Name)[] States =
    [
        ("AC", "do Acre"), ("AL", "de Alagoas"), ("AP", "do Amapá"), ("AM", "do Amazonas"), ("BA", "da Bahia"), ("CE", "do Ceará"),
        ("DF", "do Distrito Federal e dos Territórios"), ("ES", "do Espírito Santo"), ("GO", "de Goiás"), ("MA", "do Maranhão"),
        ("MT", "de Mato Grosso"), ("MS", "de Mato Grosso do Sul"), ("MG", "de Minas Gerais"), ("PA", "do Pará"), ("PB", "da Paraíba"),
        ("PR", "do Paraná"), ("PE", "de Pernambuco"), ("PI", "do Piauí"), ("RJ", "do Rio de Janeiro"), ("RN", "do Rio Grande do Norte"),
        ("RS", "do Rio Grande do Sul"), ("RO", "de Rondônia"), ("RR", "de Roraima"), ("SC", "de Santa Catarina"), ("SE", "de Sergipe"),
        ("SP", "de São Paulo"), ("TO", "do Tocantins"),
    ];

    /// <summary>The labour region(s) of each state (São Paulo has two: the capital's and Campinas').</summary>
    private static readonly Dictionary<string, int[]> LabourRegions = new(StringComparer.Ordinal)
    {
        ["RJ"] = [1], ["SP"] = [2, 15], ["MG"] = [3], ["RS"] = [4], ["BA"] = [5], ["PE"] = [6], ["CE"] = [7], ["PA"] = [8], ["AP"] = [8],
        ["PR"] = [9], ["DF"] = [10], ["TO"] = [10], ["AM"] = [11], ["RR"] = [11], ["SC"] = [12], ["PB"] = [13], ["RO"] = [14], ["AC"] = [14],
        ["MA"] = [16], ["ES"] = [17], ["GO"] = [18], ["AL"] = [19], ["SE"] = [20], ["RN"] = [21], ["PI"] = [22], ["MT"] = [23], ["MS"] = [24],
    };

    /// <summary>The federal region of each state (Minas Gerais has its own since 2022).</summary>
    private static readonly Dictionary<string, int> FederalRegions = new(StringComparer.Ordinal)
    {
        ["AC"] = 1, ["AM"] = 1, ["AP"] = 1, ["BA"] = 1, ["DF"] = 1, ["GO"] = 1, ["MA"] = 1, ["MT"] = 1, ["PA"] = 1, ["PI"] = 1, ["RO"] = 1,
        ["RR"] = 1, ["TO"] = 1, ["RJ"] = 2, ["ES"] = 2, ["SP"] = 3, ["MS"] = 3, ["RS"] = 4, ["PR"] = 4, ["SC"] = 4, ["PE"] = 5, ["AL"] = 5,
        ["CE"] = 5, ["PB"] = 5, ["RN"] = 5, ["SE"] = 5, ["MG"] = 6,
    };

    private static readonly Dictionary<string, CnjCourt> All = Build();

    /// <summary>The court of "J.TR", or null when no court has that code.</summary>
    public static CnjCourt? Find(string key) => All.GetValueOrDefault(key);

    public static CnjCourt? Find(CnjNumber number) => Find(number.CourtKey);

    /// <summary>The regional court(s) of a branch that serve a state (UF); none for an unknown state.</summary>
    public static IReadOnlyList<CnjCourt> Serving(Branch branch, string state)
    {
        var index = Array.FindIndex(States, s => s.Uf == state);
        if (index < 0)
        {
            return [];
        }

        string[] keys = branch switch
        {
            Branch.Labour => [.. LabourRegions[state].Select(r => $"5.{Two(r)}")],
            Branch.Federal => [$"4.{Two(FederalRegions[state])}"],
            Branch.Electoral => [$"6.{Two(index + 1)}"],
            _ => [$"8.{Two(index + 1)}"],
        };
        return [.. keys.Select(k => All[k])];
    }

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
            var (uf, name) = States[i];
            courts.Add(new($"6.{Two(i + 1)}", $"TRE-{uf}", $"Tribunal Regional Eleitoral {name}"));
            courts.Add(new($"8.{Two(i + 1)}", uf == "DF" ? "TJDFT" : $"TJ{uf}", $"Tribunal de Justiça {name}"));
        }

        return courts.ToDictionary(c => c.Key, StringComparer.Ordinal);
    }

    private static string Two(int n) => n.ToString("00", CultureInfo.InvariantCulture);
}
