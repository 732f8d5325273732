namespace BalcaoVirtual.Web.Features.Units;

/// <summary>The court units this service answers for, loaded once at start-up.</summary>
public sealed class UnitCatalog
{
    private readonly Dictionary<string, Unit> byId;

    public UnitCatalog(IReadOnlyList<Court> courts, IReadOnlyList<Unit> units)
    {
        Courts = courts;
        Units = units;
        byId = units.ToDictionary(u => u.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<Court> Courts { get; }

    public IReadOnlyList<Unit> Units { get; }

    public Unit? Find(string id) => byId.GetValueOrDefault(id);

    public bool Contains(string id) => byId.ContainsKey(id);
}
